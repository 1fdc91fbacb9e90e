import type { ErrorDetail } from '../http/errors';

/**
 * Why a use case refused a request, independent of HTTP; the HTTP layer maps each reason to a status.
 * Messages say what to fix.
 */
export type AppErrorReason = 'invalid' | 'notFound' | 'conflict' | 'preconditionFailed' | 'notImplemented';

export class AppError extends Error {
  constructor(
    readonly reason: AppErrorReason,
    message: string,
    readonly details?: ErrorDetail[],
    /** Overrides the default status of the reason where the service used another (400 vs 409 deletes). */
    readonly status?: number,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

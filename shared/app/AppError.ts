import type { FieldError } from '../domain/model';
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
  ) {
    super(message);
    this.name = 'AppError';
  }
}

/** A 400 listing every field problem, in the message (`path: problem; …`) and as details. */
export function invalidFields(what: string, errors: readonly FieldError[]): AppError {
  return new AppError(
    'invalid',
    `${what} is not valid: ${errors.map((e) => (e.path ? `${e.path}: ${e.message}` : e.message)).join('; ')}`,
    errors.map((e) => ({ code: 'InvalidValue', message: e.message, ...(e.path ? { target: e.path } : {}) })),
  );
}

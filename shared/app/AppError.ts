import type { FieldError } from '../domain/model';
import type { ErrorDetail } from '../http/errors';
import type { StoreUnavailableError } from '../ports/Store';

/**
 * Why a use case refused a request, independent of HTTP; the HTTP layer maps each reason to a status.
 * Messages say what to fix.
 */
export type AppErrorReason = 'invalid' | 'notFound' | 'conflict' | 'preconditionFailed' | 'notImplemented' | 'unavailable';

export class AppError extends Error {
  constructor(
    readonly reason: AppErrorReason,
    message: string,
    readonly details?: ErrorDetail[],
    /** `unavailable` only: when the client may try again. */
    readonly retryAfterSeconds?: number,
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

/** The store refused the work for a reason on our side (disk, throttling): the client may retry later. */
export function unavailable(error: StoreUnavailableError): AppError {
  return new AppError('unavailable', error.message, [{ code: STORE_UNAVAILABLE_CODES[error.kind], message: error.message }], error.retryAfterSeconds);
}

/** The `details[].code` of each kind, so a client can tell a full disk from throttling without parsing text. */
const STORE_UNAVAILABLE_CODES: Record<StoreUnavailableError['kind'], string> = {
  diskFull: 'DiskFull',
  readOnly: 'StorageReadOnly',
  ioError: 'StorageIoError',
  busy: 'StorageBusy',
  throttled: 'StorageThrottled',
  unavailable: 'StorageUnavailable',
};

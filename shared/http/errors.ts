/**
 * Errors that carry their HTTP status. The wire body is the one the real service sent:
 * `{"communicationError": {code, message, target, details?}}` (docs/behaviour.md#errors).
 */
export interface ErrorDetail {
  code: string;
  message: string;
  target?: string;
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: ErrorDetail[],
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export const badRequest = (message: string, details?: ErrorDetail[]) => new HttpError(400, 'BadRequest', message, details);
export const unauthorized = (message: string) => new HttpError(401, 'Unauthorized', message);
export const notFound = (message = 'The item was not found.') => new HttpError(404, 'NotFound', message);
export const methodNotAllowed = (message: string) => new HttpError(405, 'MethodNotAllowed', message);
export const conflict = (message: string, details?: ErrorDetail[]) => new HttpError(409, 'Conflict', message, details);
export const preconditionFailed = (message: string) => new HttpError(412, 'PreconditionFailed', message);
export const payloadTooLarge = (message: string) => new HttpError(413, 'PayloadTooLarge', message);
export const unsupportedMediaType = (message: string) => new HttpError(415, 'UnsupportedMediaType', message);
export const notImplemented = (message: string) => new HttpError(501, 'NotImplemented', message);

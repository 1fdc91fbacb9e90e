/**
 * Why a request did not get an answer. fetch reports every network failure as "fetch failed"; the system
 * error code is in its cause. Read structurally: the error may come from another realm (a test sandbox),
 * where `instanceof Error` is false.
 */
export function networkReason(error: unknown): string {
  const { message, cause } = (typeof error === 'object' && error !== null ? error : {}) as { message?: unknown; cause?: { code?: unknown; message?: unknown } };
  if (typeof cause?.code === 'string') return cause.code;
  if (typeof cause?.message === 'string') return cause.message;
  return typeof message === 'string' ? message : String(error);
}

/**
 * The wait before the `attempt`-th retry (1-based): `firstMs`, doubling each time, never more than
 * `maxMs`. The exponent is capped so that a long run of failures cannot overflow to Infinity.
 */
export function backoffMs(attempt: number, firstMs: number, maxMs: number): number {
  return Math.min(maxMs, firstMs * 2 ** Math.min(Math.max(attempt - 1, 0), 30));
}

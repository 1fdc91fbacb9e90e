import { isoString } from './isoString';

/**
 * The instants the router represents: the four-digit years, 0001-01-01 to 9999-12-31 (UTC). Inside
 * them an ISO string (`2026-…Z`, always 24 characters) sorts in time order, which is what the timer
 * index and every time-valued index key rely on; outside them `toISOString()` writes `+011533-…` or
 * `-000001-…`, which sort before every ordinary year, and past ±8.64e15 ms a `Date` is invalid.
 */
export const EARLIEST_INSTANT = '0001-01-01T00:00:00.000Z';
export const LATEST_INSTANT = '9999-12-31T23:59:59.999Z';
export const EARLIEST_INSTANT_MS = Date.parse(EARLIEST_INSTANT);
export const LATEST_INSTANT_MS = Date.parse(LATEST_INSTANT);

/**
 * `ms` brought into the representable range. A time past the end (or not a number: an overflowed
 * sum such as `now + 1e308 * 1000`) becomes the latest instant, so it never fires early; one before
 * the start becomes the earliest, which is due anyway.
 */
export function representableMs(ms: number): number {
  if (Number.isNaN(ms) || ms > LATEST_INSTANT_MS) return LATEST_INSTANT_MS;
  return Math.max(ms, EARLIEST_INSTANT_MS);
}

/** The instant `seconds` after `start`, within the representable range whatever stored data says. */
export function instantAfter(start: Date | number, seconds: number): Date {
  const from = typeof start === 'number' ? start : start.getTime();
  return new Date(representableMs(from + seconds * 1000));
}

/** An ISO due time (`dueAt` of a timer) as the 24-character form that sorts in time order. */
export function sortableDueTime(dueAt: string | number | Date): string {
  const ms = typeof dueAt === 'number' ? dueAt : typeof dueAt === 'string' ? Date.parse(dueAt) : dueAt.getTime();
  return isoString(representableMs(ms));
}

export function isRepresentableMs(ms: number): boolean {
  return ms >= EARLIEST_INSTANT_MS && ms <= LATEST_INSTANT_MS;
}

/**
 * HTTP-date in the preferred IMF-fixdate form (RFC 7231 §7.1.1.1), e.g. `Wed, 15 Nov 2023 00:05:12 GMT`
 * — what every SDK sends (`Date.toUTCString()`). `Date.parse` alone would also take "1" or an ISO
 * string, which are not HTTP dates.
 */
const IMF_FIXDATE = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT$/;

/** Milliseconds since the epoch, or undefined when the value is not an IMF-fixdate. */
export function parseHttpDate(value: string): number | undefined {
  if (!IMF_FIXDATE.test(value)) return undefined;
  const time = Date.parse(value);
  return Number.isNaN(time) ? undefined : time;
}

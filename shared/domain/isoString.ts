/**
 * `new Date(ms).toISOString()`, computed with integer arithmetic for the four-digit years (0001–9999)
 * and left to `toISOString` outside them (which throws for NaN, as before). Every write formats several
 * instants (its lastModified, wire times, sortable index keys and timer due times), and V8's
 * `toISOString` costs about three times this; no package does only this, so it is written here, and a
 * property test holds it to `toISOString` over the whole range.
 */
export function isoString(instantMs: number): string {
  if (!(instantMs >= FIRST_MS && instantMs <= LAST_MS)) return new Date(instantMs).toISOString();
  // A Date drops a fraction of a millisecond towards zero (a sum such as `now + 1.0005 * 1000` has one).
  const ms = Math.trunc(instantMs);
  // One write formats its own time several times (lastModified, wire times, keys): the last answer is kept.
  if (ms === last.ms) return last.iso;
  last.ms = ms;
  last.iso = formatted(ms);
  return last.iso;
}

const last = { ms: Number.NaN, iso: '' };

function formatted(ms: number): string {
  const days = Math.floor(ms / DAY_MS);
  let rest = ms - days * DAY_MS;
  // Days since 1970-01-01 to a civil date: the proleptic Gregorian calendar counted from 0000-03-01 in
  // 400-year eras, so the leap day ends each year and month lengths repeat every five months.
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor((dayOfEra - Math.floor(dayOfEra / 1_460) + Math.floor(dayOfEra / 36_524) - Math.floor(dayOfEra / 146_096)) / 365);
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const shiftedMonth = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * shiftedMonth + 2) / 5) + 1;
  const month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  const hours = Math.floor(rest / 3_600_000);
  rest -= hours * 3_600_000;
  const minutes = Math.floor(rest / 60_000);
  rest -= minutes * 60_000;
  const seconds = Math.floor(rest / 1_000);
  const millis = rest - seconds * 1_000;
  // Built from character codes: one flat string of 24 characters. A template literal of these parts
  // would be a tree of concatenations, about 290 bytes for each instant a document keeps (see flatText).
  return String.fromCharCode(
    ZERO + Math.floor(year / 1000),
    ZERO + (Math.floor(year / 100) % 10),
    ZERO + (Math.floor(year / 10) % 10),
    ZERO + (year % 10),
    DASH,
    ZERO + Math.floor(month / 10),
    ZERO + (month % 10),
    DASH,
    ZERO + Math.floor(day / 10),
    ZERO + (day % 10),
    T,
    ZERO + Math.floor(hours / 10),
    ZERO + (hours % 10),
    COLON,
    ZERO + Math.floor(minutes / 10),
    ZERO + (minutes % 10),
    COLON,
    ZERO + Math.floor(seconds / 10),
    ZERO + (seconds % 10),
    DOT,
    ZERO + Math.floor(millis / 100),
    ZERO + (Math.floor(millis / 10) % 10),
    ZERO + (millis % 10),
    Z,
  );
}

const DAY_MS = 86_400_000;
const FIRST_MS = Date.parse('0001-01-01T00:00:00.000Z');
const LAST_MS = Date.parse('9999-12-31T23:59:59.999Z');
const [ZERO, DASH, T, COLON, DOT, Z] = [...'0-T:.Z'].map((c) => c.charCodeAt(0)) as [number, number, number, number, number, number];

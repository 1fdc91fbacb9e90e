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
  const codes = ISO_CODES;
  putDigits(codes, 0, year, 4);
  putDigits(codes, 5, month, 2);
  putDigits(codes, 8, day, 2);
  putDigits(codes, 11, hours, 2);
  putDigits(codes, 14, minutes, 2);
  putDigits(codes, 17, seconds, 2);
  putDigits(codes, 20, millis, 3);
  // Named one by one: spreading or applying the array took three times as long.
  return String.fromCharCode(codes[0]!, codes[1]!, codes[2]!, codes[3]!, codes[4]!, codes[5]!, codes[6]!, codes[7]!, codes[8]!, codes[9]!, codes[10]!, codes[11]!,
    codes[12]!, codes[13]!, codes[14]!, codes[15]!, codes[16]!, codes[17]!, codes[18]!, codes[19]!, codes[20]!, codes[21]!, codes[22]!, codes[23]!);
}

const DAY_MS = 86_400_000;
const FIRST_MS = Date.parse('0001-01-01T00:00:00.000Z');
const LAST_MS = Date.parse('9999-12-31T23:59:59.999Z');
const ZERO = '0'.charCodeAt(0);
/** The character codes of an ISO instant; the separators stay, the digits are written over. */
const ISO_CODES = [...'0000-00-00T00:00:00.000Z'].map((c) => c.charCodeAt(0));

/** Writes `value` as `width` decimal digits at `at`. */
function putDigits(codes: number[], at: number, value: number, width: number): void {
  // Small whole numbers (a year at most): integer arithmetic, where the double `%` of a value computed
  // from the milliseconds since 1970 is several times slower.
  let rest = value | 0;
  for (let i = at + width - 1; i >= at; i--) {
    codes[i] = ZERO + (rest % 10);
    rest = (rest / 10) | 0;
  }
}

import { sortableDueTime } from './dueTime';
import { flatText } from './flatText';
import { isoString } from './isoString';

/**
 * Timestamps on the wire look like the .NET service wrote them: UTC with a `+00:00` offset and the
 * fraction trimmed of trailing zeros (`2023-11-15T00:05:12.7032354+00:00`, `2100-01-01T01:01:01+00:00`).
 */
export function toWireTime(instant: Date | string): string {
  if (typeof instant === 'string') return wireForm(isoString(parseInstant(instant)), instant);
  // A write stamps several fields with its own time: the last Date's answer is kept.
  const ms = instant.getTime();
  if (ms !== lastWire.ms) {
    lastWire.text = wireForm(isoString(ms), undefined);
    lastWire.ms = ms;
  }
  return lastWire.text;
}

const lastWire = { ms: Number.NaN, text: '' };

/** `iso` (2023-11-15T00:05:12.703Z) in wire form, with the precision `text` gave when it is the source. */
function wireForm(iso: string, text: string | undefined): string {
  const dot = iso.length - 5;
  const fraction = text === undefined ? iso.slice(dot + 1, -1) : keepPrecision(text, iso.slice(dot + 1, -1));
  const trimmed = withoutTrailingZeros(fraction);
  // Documents keep these: one flat string rather than a tree of slices of `iso`.
  return trimmed ? flatText(iso.slice(0, dot), '.', trimmed, '+00:00') : flatText(iso.slice(0, dot), '+00:00');
}

function withoutTrailingZeros(digits: string): string {
  let end = digits.length;
  while (end > 0 && digits.charCodeAt(end - 1) === ZERO) end--;
  return end === digits.length ? digits : digits.slice(0, end);
}

const ZERO = 48;

/** Keeps up to 7 fractional digits from an RFC 3339 input (JS Dates stop at milliseconds). */
function keepPrecision(instant: string, msFraction: string): string {
  const match = /\.(\d+)(?:Z|[+-]\d{2}:\d{2})$/i.exec(instant);
  if (!match?.[1] || !/(?:Z|[+-]00:00)$/i.test(instant)) return msFraction;
  return match[1].slice(0, 7);
}

/** Milliseconds since the epoch of an RFC 3339 string (more than 3 fractional digits allowed). */
export function parseInstant(value: string): number {
  // Most instants carry at most 3 fractional digits (every one the router writes in sortable form): no rewrite needed.
  const dot = value.indexOf('.');
  if (dot < 0 || (value.indexOf('.', dot + 1) < 0 && !isDigitAt(value, dot + 4))) return Date.parse(value);
  return Date.parse(value.replace(/(\.\d{3})\d+/, '$1'));
}

const isDigitAt = (text: string, index: number) => {
  const code = text.charCodeAt(index);
  return code >= 48 && code <= 57;
};

/** A sortable UTC form (`…Z`, millisecond precision) for index keys and range filters; see sortableDueTime. */
export function toSortableTime(value: string | Date): string {
  if (typeof value !== 'string') return sortableDueTime(value);
  // A job's index keys put its enqueue time in two keys: the last text's answer is kept.
  if (value !== lastSortable.text) {
    lastSortable.sortable = sortableDueTime(parseInstant(value));
    lastSortable.text = value;
  }
  return lastSortable.sortable;
}

const lastSortable: { text?: string; sortable: string } = { sortable: '' };

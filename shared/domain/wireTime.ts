import { sortableDueTime } from './dueTime';

/**
 * Timestamps on the wire look like the .NET service wrote them: UTC with a `+00:00` offset and the
 * fraction trimmed of trailing zeros (`2023-11-15T00:05:12.7032354+00:00`, `2100-01-01T01:01:01+00:00`).
 */
export function toWireTime(instant: Date | string): string {
  const date = typeof instant === 'string' ? new Date(parseInstant(instant)) : instant;
  const iso = date.toISOString(); // 2023-11-15T00:05:12.703Z
  const [whole, fraction = ''] = iso.slice(0, -1).split('.');
  const trimmed = (fraction.length ? keepPrecision(instant, fraction) : '').replace(/0+$/, '');
  return `${whole}${trimmed ? `.${trimmed}` : ''}+00:00`;
}

/** Keeps up to 7 fractional digits from an RFC 3339 input (JS Dates stop at milliseconds). */
function keepPrecision(instant: Date | string, msFraction: string): string {
  if (typeof instant !== 'string') return msFraction;
  const match = /\.(\d+)(?:Z|[+-]\d{2}:\d{2})$/i.exec(instant);
  if (!match?.[1] || !/(?:Z|[+-]00:00)$/i.test(instant)) return msFraction;
  return match[1].slice(0, 7);
}

/** Milliseconds since the epoch of an RFC 3339 string (more than 3 fractional digits allowed). */
export function parseInstant(value: string): number {
  const normalised = value.replace(/(\.\d{3})\d+/, '$1');
  return Date.parse(normalised);
}

/** A sortable UTC form (`…Z`, millisecond precision) for index keys and range filters; see sortableDueTime. */
export function toSortableTime(value: string | Date): string {
  return sortableDueTime(typeof value === 'string' ? parseInstant(value) : value);
}

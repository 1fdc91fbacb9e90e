/**
 * Compares one recorded response with ours and lists every difference as a readable line
 * (`$.labels.Id: expected "q1", got "q2"`). An empty list means "the same answer", modulo what the
 * server legitimately makes up itself (docs/adr/0004-conformance-replay.md):
 *
 * - etags: any quoted string; the body `etag` of a single resource equals its `ETag` header;
 * - ids the server generates (exception rule action ids): any non-empty string;
 * - timestamps: any valid date-time in the service's format (`+00:00`, up to 7 fractional digits);
 * - error messages: any non-empty string, except the fixed texts of delete-blocked errors.
 *
 * Server-made values must still be consistent: when the service answered the same etag (or action
 * id) twice, we must answer the same value both times too (`Renames`).
 */

/** `2023-11-15T00:05:12.7032354+00:00`, `2100-01-01T01:01:01+00:00` */
export const WIRE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,7})?\+00:00$/;
/** `"ad001771-0000-0700-0000-65540aee0000"` (quotes included) */
export const QUOTED_ETAG = /^"[^"]+"$/;
/** RFC 1123 as `Last-Modified` carries it: `Wed, 15 Nov 2023 00:03:58 GMT` */
export const HTTP_DATE = /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT$/;

const ACTION_ID_PATH = /\.exceptionRules\[\d+\]\.actions\[\d+\]\.id$/;
const ERROR_MESSAGE_PATH = /^\$\.communicationError(?:\.details\[\d+\])?\.message$/;

/** Recorded server-made value → the value we answered for it the first time we saw it. */
export class Renames {
  private readonly seen = new Map<string, string>();

  check(kind: string, recorded: string, ours: string, path: string): string[] {
    const key = `${kind}\u0000${recorded}`;
    const earlier = this.seen.get(key);
    if (earlier === undefined) {
      this.seen.set(key, ours);
      return [];
    }
    return earlier === ours ? [] : [`${path}: the recording repeats ${kind} ${recorded}, for which we answered ${earlier} before, but now ${ours}`];
  }
}

export interface CompareOptions {
  renames: Renames;
  /** Delete-blocked errors: the service's fixed texts must be equal, not just present. */
  exactErrorMessages: boolean;
  /** Top-level keys of the resource (or of each list item) left out: pending engine fields. */
  ignoreKeys?: readonly string[];
}

const show = (value: unknown) => (value === undefined ? 'nothing' : JSON.stringify(value));
const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Differences between a recorded JSON value and ours, recursively, key order included. */
export function compareValue(recorded: unknown, actual: unknown, path: string, options: CompareOptions, diffs: string[] = []): string[] {
  const key = /\.([^.[\]]+)$/.exec(path)?.[1];

  if (key === 'etag' && typeof recorded === 'string') {
    if (typeof actual !== 'string' || !QUOTED_ETAG.test(actual)) diffs.push(`${path}: expected a quoted etag, got ${show(actual)}`);
    else diffs.push(...options.renames.check('etag', recorded, actual, path));
    return diffs;
  }
  if (ACTION_ID_PATH.test(path) && typeof recorded === 'string') {
    if (typeof actual !== 'string' || actual.length === 0) diffs.push(`${path}: expected a server-generated id (non-empty string), got ${show(actual)}`);
    else diffs.push(...options.renames.check('action id', recorded, actual, path));
    return diffs;
  }
  if (ERROR_MESSAGE_PATH.test(path) && typeof recorded === 'string' && !options.exactErrorMessages) {
    if (typeof actual !== 'string' || actual.trim().length === 0) diffs.push(`${path}: expected a non-empty message, got ${show(actual)}`);
    return diffs;
  }
  if (typeof recorded === 'string' && WIRE_TIME.test(recorded)) {
    if (typeof actual !== 'string' || !WIRE_TIME.test(actual) || Number.isNaN(Date.parse(actual.replace(/(\.\d{3})\d+/, '$1')))) {
      diffs.push(`${path}: expected a date-time like ${recorded}, got ${show(actual)}`);
    }
    return diffs;
  }

  if (Array.isArray(recorded)) {
    if (!Array.isArray(actual)) {
      diffs.push(`${path}: expected ${show(recorded)}, got ${show(actual)}`);
      return diffs;
    }
    if (actual.length !== recorded.length) diffs.push(`${path}: expected ${recorded.length} items, got ${actual.length}: ${show(actual)}`);
    recorded.forEach((item, index) => {
      if (index < actual.length) compareValue(item, actual[index], `${path}[${index}]`, options, diffs);
    });
    return diffs;
  }

  if (isObject(recorded)) {
    if (!isObject(actual)) {
      diffs.push(`${path}: expected ${show(recorded)}, got ${show(actual)}`);
      return diffs;
    }
    compareObject(recorded, actual, path, options, diffs, []);
    return diffs;
  }

  if (!Object.is(recorded, actual)) diffs.push(`${path}: expected ${show(recorded)}, got ${show(actual)}`);
  return diffs;
}

function compareObject(recorded: Record<string, unknown>, actual: Record<string, unknown>, path: string, options: CompareOptions, diffs: string[], skip: readonly string[]): void {
  const recordedKeys = Object.keys(recorded).filter((k) => !skip.includes(k));
  const actualKeys = Object.keys(actual).filter((k) => !skip.includes(k));
  for (const k of recordedKeys) {
    if (!(k in actual)) diffs.push(`${path}.${k}: missing (recorded ${show(recorded[k])})`);
    else compareValue(recorded[k], actual[k], `${path}.${k}`, options, diffs);
  }
  for (const k of actualKeys) {
    if (!(k in recorded)) diffs.push(`${path}.${k}: not in the recording (got ${show(actual[k])})`);
  }
  const common = (keys: string[], other: string[]) => keys.filter((k) => other.includes(k));
  const recordedOrder = common(recordedKeys, actualKeys);
  const actualOrder = common(actualKeys, recordedKeys);
  if (recordedOrder.join() !== actualOrder.join()) diffs.push(`${path}: key order ${actualOrder.join(',')}, recorded ${recordedOrder.join(',')}`);
}

/** A single resource, or one item of a list: pending keys are left out at its top level. */
export function compareEntity(recorded: unknown, actual: unknown, path: string, options: CompareOptions, diffs: string[] = []): string[] {
  if (isObject(recorded) && isObject(actual)) {
    compareObject(recorded, actual, path, options, diffs, options.ignoreKeys ?? []);
    return diffs;
  }
  return compareValue(recorded, actual, path, options, diffs);
}

/**
 * A list page. The recorded service also held entities of earlier runs and of other SDKs' tests, so
 * items are matched by id: each of our items must be in the recording and equal to it, and each
 * recorded item that exists in our replay (`ours`) must be in our page. Recorded items that never
 * existed here are left out (`foreign`).
 */
export function compareList(
  recorded: Record<string, unknown>,
  actual: unknown,
  ours: ReadonlySet<string>,
  options: CompareOptions,
): { diffs: string[]; foreign: string[] } {
  const diffs: string[] = [];
  if (!isObject(actual) || !Array.isArray(actual['value'])) return { diffs: [`$: expected a list {"value": [...]}, got ${show(actual)}`], foreign: [] };
  compareObject(recorded, actual, '$', options, diffs, ['value']);
  const recordedItems = (recorded['value'] as Array<Record<string, unknown>>) ?? [];
  const actualItems = actual['value'] as unknown[];
  const idOf = (item: unknown) => (isObject(item) && typeof item['id'] === 'string' ? item['id'] : undefined);
  for (const item of actualItems) {
    const id = idOf(item);
    const match = recordedItems.find((r) => r['id'] === id);
    if (!match) diffs.push(`$.value[id=${id ?? '?'}]: not in the recorded list (got ${show(item)})`);
    else compareEntity(match, item, `$.value[id=${id}]`, options, diffs);
  }
  const foreign: string[] = [];
  for (const item of recordedItems) {
    const id = String(item['id']);
    if (actualItems.some((a) => idOf(a) === id)) continue;
    if (ours.has(id)) diffs.push(`$.value[id=${id}]: missing (it exists in the replay and was not deleted)`);
    else foreign.push(id);
  }
  return { diffs, foreign };
}

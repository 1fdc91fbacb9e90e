import { z } from 'zod';
import { EARLIEST_INSTANT, isRepresentableMs, LATEST_INSTANT } from '../dueTime';
import { parseInstant } from '../wireTime';
import { ID_PATTERN, MAX_ID_LENGTH, idProblem } from './ids';
import { describeValue, expecting, isPlainObject } from './validation';

/**
 * Building blocks shared by the resource schemas. Each one carries the message that tells the caller what to send,
 * and, where zod cannot see through a predicate, the JSON Schema it stands for (`.meta`), so that the OpenAPI
 * document generated from these schemas states the same bounds the checks enforce.
 */

export const INT32_MAX = 2147483647;

export type RefinementContext = z.core.$RefinementCtx;

/**
 * A value accepted by a predicate, with one message for every way of failing it. `abort: false` because zod's
 * default for custom schemas would also switch off the cross-field checks of every enclosing object and array.
 */
export function valueWhere<T>(accept: (v: unknown) => v is T, error: (issue: { input?: unknown }) => string) {
  return z.custom<T>(accept, { error, abort: false });
}

/** JSON numbers only: NaN, ±Infinity and numeric strings ("5") are refused like any other wrong type. */
function numberWhere(what: string, accept: (n: number) => boolean) {
  return valueWhere((v): v is number => typeof v === 'number' && Number.isFinite(v) && accept(v), expecting(what));
}

export function integer(min: number, max = INT32_MAX) {
  return numberWhere(`an integer between ${min} and ${max}`, (n) => Number.isInteger(n) && n >= min && n <= max).meta({ type: 'integer', minimum: min, maximum: max });
}

/** A number strictly greater than 0 (durations, weights), optionally with an inclusive upper bound. */
export function positiveNumber(max?: number) {
  const what = max === undefined ? 'a number greater than 0' : `a number greater than 0 and at most ${max}`;
  return numberWhere(what, (n) => n > 0 && (max === undefined || n <= max)).meta({ type: 'number', exclusiveMinimum: 0, ...(max === undefined ? {} : { maximum: max }) });
}

export function text(maxLength: number) {
  return z.string().max(maxLength);
}

export function nonEmptyText(maxLength: number) {
  return z.string().min(1).max(maxLength);
}

/** An id of another resource, or one that ends up in a URL path: see `idProblem`. */
export const idSchema = z
  .string()
  .superRefine((s, ctx) => {
    const problem = idProblem(s);
    if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem, input: s });
  })
  .meta({ minLength: 1, maxLength: MAX_ID_LENGTH, pattern: ID_PATTERN });

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.\d{1,7})?(?:[Zz]|[+-](\d{2}):(\d{2}))$/;

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** RFC 3339 with a mandatory offset; up to 7 fractional digits because .NET clients send ticks. */
export function isRfc3339DateTime(s: string): boolean {
  const m = RFC3339.exec(s);
  if (m === null) return false;
  const field = (i: number) => Number(m[i] ?? 0);
  const [year, month, day] = [field(1), field(2), field(3)];
  return (
    month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month) &&
    field(4) <= 23 && field(5) <= 59 && field(6) <= 59 && field(7) <= 23 && field(8) <= 59
  );
}

const DATE_TIME_HINT = `must be an RFC 3339 date-time such as 2024-01-01T00:00:00Z, between ${EARLIEST_INSTANT.replace('.000', '')} and ${LATEST_INSTANT.replace('.999', '')} (UTC)`;

/**
 * Kept as the string the caller sent: reformatting is the resource layer's business, not validation's.
 * The offset is applied before the range check: `9999-12-31T23:00:00-05:00` lies in year 10000.
 */
export const dateTimeSchema = valueWhere(
  (v): v is string => typeof v === 'string' && isRfc3339DateTime(v) && isRepresentableMs(parseInstant(v)),
  (issue) => (issue.input === undefined ? 'is required' : `${DATE_TIME_HINT}, got ${describeValue(issue.input)}`),
).meta({ type: 'string', format: 'date-time' });

/** How the .NET SDK serialises an unset DateTimeOffset (`closeAt`, `retryOfferAt`): it means "no value". */
export function isDotNetMinDate(v: unknown): boolean {
  return typeof v === 'string' && /^0001-01-01T00:00:00(?:\.0{1,7})?(?:Z|[+-]00:00)$/i.test(v);
}

/** Longer URLs are refused by many proxies and servers anyway. */
export const MAX_URL_LENGTH = 2048;

function isHttpUrl(v: unknown): v is string {
  if (typeof v !== 'string' || v.length > MAX_URL_LENGTH) return false;
  try {
    const url = new URL(v);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

const expectingUrl = expecting('an absolute http(s) URL');

export const httpUrlSchema = valueWhere(isHttpUrl, (issue) =>
  typeof issue.input === 'string' && issue.input.length > MAX_URL_LENGTH ? `must be at most ${MAX_URL_LENGTH} characters, got ${issue.input.length}` : expectingUrl(issue),
).meta({ type: 'string', format: 'uri', maxLength: MAX_URL_LENGTH });

/**
 * Merge patch removes `null` members from objects, but arrays are replaced wholesale, so an item of an array can
 * still carry `"field": null`. For an optional field that means "not set", so such members are dropped up front.
 */
export function withoutNulls(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, member]) => member !== null));
}

export function withoutNullMembers(v: unknown): unknown {
  return isPlainObject(v) ? withoutNulls(v) : v;
}

/** A JSON object schema (unknown and read-only members are stripped) whose null members count as absent. */
export function obj<S extends z.core.$ZodLooseShape>(shape: S) {
  return z.preprocess(withoutNullMembers, z.object(shape));
}

/**
 * A check across several fields. It also runs when some field already failed, so the caller sees every
 * problem in one response; the value may therefore be partly invalid, and the check must look before it uses.
 */
export function crossCheck(check: (value: unknown, ctx: RefinementContext) => void) {
  return z.superRefine<unknown>(check, { when: () => true });
}

/** Reports every item after the first whose `key` repeats an earlier item's. */
export function uniqueBy(key: string, what: string) {
  return crossCheck((items, ctx) => {
    if (!Array.isArray(items)) return;
    const firstIndex = new Map<unknown, number>();
    items.forEach((item: unknown, index) => {
      if (!isPlainObject(item) || typeof item[key] !== 'string') return;
      const first = firstIndex.get(item[key]);
      if (first === undefined) firstIndex.set(item[key], index);
      else ctx.addIssue({ code: 'custom', path: [index, key], message: `duplicate ${what} ${describeValue(item[key])} (first used at index ${first})`, input: item[key] });
    });
  });
}

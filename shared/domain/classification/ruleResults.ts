import type { z } from 'zod';
import { isLabelValue, isPlainObject, routerQueueSelectorSchema, routerWorkerSelectorSchema, type RouterQueueSelector, type RouterWorkerSelector } from '../model';
import { parseNumberText } from '../rules/powerFx/numberText';

/**
 * How the values rules return are read by classification (docs/behaviour.md#rule-results). The evaluator gives
 * Blank as null; every other value that cannot be read is a failure with a reason the job's note and
 * the RouterJobClassificationFailed event carry.
 */
export type RuleReading<T> = { ok: true; value: T } | { ok: false; reason: string };

const fail = <T>(reason: string): RuleReading<T> => ({ ok: false, reason });
const show = (value: unknown) => JSON.stringify(value) ?? String(value);

/** Boolean coercion of a condition: Blank is false, a number is true unless 0, text only "true"/"false". */
export function readCondition(value: unknown): RuleReading<boolean> {
  if (value === null || value === undefined) return { ok: true, value: false };
  if (typeof value === 'boolean') return { ok: true, value };
  if (typeof value === 'number' && Number.isFinite(value)) return { ok: true, value: value !== 0 };
  if (typeof value === 'string' && /^(true|false)$/i.test(value)) return { ok: true, value: value.toLowerCase() === 'true' };
  return fail(`the condition returned ${show(value)}, which is not true or false`);
}

export const MIN_PRIORITY = -100;
export const MAX_PRIORITY = 100;

/** Round half away from zero, as Power Fx's Round does. */
const roundAway = (n: number) => Math.sign(n) * Math.round(Math.abs(n));

/**
 * A priority from the prioritization rule: undefined (keep the job's priority) for Blank; booleans are
 * 1/0, numeric text its number as Power Fx's Value reads it (so not JavaScript's "0x10"), fractions are
 * rounded; outside −100..100 it is a failure, not clamped.
 */
export function readPriority(value: unknown): RuleReading<number | undefined> {
  if (value === null || value === undefined) return { ok: true, value: undefined };
  let n: number | undefined;
  if (typeof value === 'number') n = value;
  else if (typeof value === 'boolean') n = value ? 1 : 0;
  else if (typeof value === 'string') n = parseNumberText(value) ?? undefined;
  if (n === undefined || !Number.isFinite(n)) return fail(`the prioritization rule returned ${show(value)}, which is not a number`);
  const priority = roundAway(n);
  if (priority < MIN_PRIORITY || priority > MAX_PRIORITY) {
    return fail(`the prioritization rule returned ${show(value)}; a priority must be between ${MIN_PRIORITY} and ${MAX_PRIORITY}`);
  }
  return { ok: true, value: priority };
}

function readSelectorList<S extends z.ZodType>(value: unknown, schema: S, what: string): RuleReading<z.output<S>[]> {
  if (value === null || value === undefined) return { ok: true, value: [] };
  // A record of labels ({Key: value}, what directMap returns) stands for `equal` selectors.
  if (isPlainObject(value) && !('key' in value && 'labelOperator' in value)) {
    const names = Object.keys(value).map((k) => k.toLowerCase());
    if (names.includes('key') && names.includes('labeloperator')) {
      return fail(`the rule returned ${show(value)}; a ${what} is written {key, labelOperator, value} in camelCase, and a map of labels cannot have both Key and LabelOperator`);
    }
    const entries = Object.entries(value);
    if (!entries.every(([, v]) => isLabelValue(v))) return fail(`the rule returned ${show(value)}; a map of labels must have string, number or boolean values`);
    return readSelectorList(entries.map(([key, v]) => ({ key, labelOperator: 'equal', value: v })), schema, what);
  }
  const items = Array.isArray(value) ? value : [value];
  const selectors: z.output<S>[] = [];
  for (const [index, item] of items.entries()) {
    const parsed = schema.safeParse(item);
    if (!parsed.success) return fail(`the rule returned ${show(item)} at index ${index}, which is not a ${what} ({key, labelOperator, value})`);
    selectors.push(parsed.data);
  }
  return { ok: true, value: selectors };
}

/** Worker selectors from a ruleEngine attachment's rule: a list of selectors, one selector, or a map of labels. */
export const readWorkerSelectors = (value: unknown): RuleReading<RouterWorkerSelector[]> => readSelectorList(value, routerWorkerSelectorSchema, 'worker selector');

/** Queue selectors from a ruleEngine attachment's rule: a list of selectors, one selector, or a map of labels. */
export const readQueueSelectors = (value: unknown): RuleReading<RouterQueueSelector[]> => readSelectorList(value, routerQueueSelectorSchema, 'queue selector');

import { z } from 'zod';
import { MAX_LABEL_KEY_LENGTH, MAX_LABEL_TEXT_LENGTH, MAX_LABELS } from './limits';
import { crossCheck, valueWhere, type RefinementContext } from './primitives';
import { describeValue, expecting, isPlainObject } from './validation';

/** Rules engines and selectors compare label values, so only JSON primitives are meaningful (docs: "number, string, boolean"). */
export type LabelValue = string | number | boolean;
export type Labels = Record<string, LabelValue>;

export function isLabelValue(v: unknown): v is LabelValue {
  return typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v));
}

export const labelValueSchema = valueWhere(
  (v): v is LabelValue => isLabelValue(v) && (typeof v !== 'string' || v.length <= MAX_LABEL_TEXT_LENGTH),
  (issue) => labelValueError(issue.input),
).meta({ type: ['string', 'number', 'boolean'], maxLength: MAX_LABEL_TEXT_LENGTH });

/** Why `key` cannot name a label (or the label a selector reads), or undefined when it can. */
export function labelKeyProblem(key: string): string | undefined {
  if (key.length === 0) return 'must not be empty';
  if (key.length > MAX_LABEL_KEY_LENGTH) return `must be at most ${MAX_LABEL_KEY_LENGTH} characters, got ${key.length}`;
  return undefined;
}

export const labelKeySchema = z.string().superRefine((key, ctx) => {
  const problem = labelKeyProblem(key);
  if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem, input: key });
});

const labelValueError = (input: unknown): string =>
  typeof input === 'string'
    ? `label text values must be at most ${MAX_LABEL_TEXT_LENGTH} characters, got ${input.length}`
    : `label values must be a string, number or boolean, got ${describeValue(input)}`;

function checkMembers(labels: Record<string, unknown>, ctx: RefinementContext): void {
  const keys = Object.keys(labels);
  if (keys.length > MAX_LABELS) ctx.addIssue({ code: 'custom', path: [], message: `must have at most ${MAX_LABELS} members, got ${keys.length}`, input: labels });
  for (const key of keys) {
    const problem = labelKeyProblem(key);
    if (problem !== undefined) ctx.addIssue({ code: 'custom', path: [key], message: `label keys ${problem}`, input: key });
    const value = labels[key];
    if (!isLabelValue(value) || (typeof value === 'string' && value.length > MAX_LABEL_TEXT_LENGTH)) {
      ctx.addIssue({ code: 'custom', path: [key], message: labelValueError(value), input: value });
    }
  }
}

/**
 * A copy whose members are all own data properties. Label keys are user data, and `__proto__` is as
 * good a key as any on the wire, but assigning it would set the prototype instead (which is how zod's
 * record, and so this router, used to drop such a label and answer 201).
 */
function ownCopy(labels: Record<string, unknown>): Labels {
  const copy: Labels = {};
  for (const key of Object.keys(labels)) Object.defineProperty(copy, key, { value: labels[key], enumerable: true, writable: true, configurable: true });
  return copy;
}

/**
 * Used for `labels`, `tags` and `labelsToUpsert`: every member name is stored as sent, `__proto__`,
 * `constructor` and `hasOwnProperty` included (the code reads labels with own-property checks only).
 * A null value is an error here: merge patch has already removed the ones that meant "delete".
 */
export const labelsSchema = valueWhere((v): v is Record<string, unknown> => isPlainObject(v), expecting('an object'))
  .meta({
    type: 'object',
    maxProperties: MAX_LABELS,
    propertyNames: { minLength: 1, maxLength: MAX_LABEL_KEY_LENGTH },
    additionalProperties: { type: ['string', 'number', 'boolean'], maxLength: MAX_LABEL_TEXT_LENGTH },
  })
  .check(crossCheck((labels, ctx) => (isPlainObject(labels) ? checkMembers(labels, ctx) : undefined)))
  .transform(ownCopy);

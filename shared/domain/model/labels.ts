import { z } from 'zod';
import { MAX_LABEL_KEY_LENGTH, MAX_LABEL_TEXT_LENGTH, MAX_LABELS, RESERVED_LABEL_KEYS } from './limits';
import { valueWhere, type RefinementContext } from './primitives';
import { describeValue, isPlainObject } from './validation';

/** Rules engines and selectors compare label values, so only JSON primitives are meaningful (docs: "number, string, boolean"). */
export type LabelValue = string | number | boolean;
export type Labels = Record<string, LabelValue>;

export function isLabelValue(v: unknown): v is LabelValue {
  return typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v));
}

export const labelValueSchema = valueWhere(
  (v): v is LabelValue => isLabelValue(v) && (typeof v !== 'string' || v.length <= MAX_LABEL_TEXT_LENGTH),
  (issue) =>
    typeof issue.input === 'string'
      ? `label text values must be at most ${MAX_LABEL_TEXT_LENGTH} characters, got ${issue.input.length}`
      : `label values must be a string, number or boolean, got ${describeValue(issue.input)}`,
);

/** Why `key` cannot name a label (or the label a selector reads), or undefined when it can. */
export function labelKeyProblem(key: string): string | undefined {
  if (key.length === 0) return 'must not be empty';
  if (key.length > MAX_LABEL_KEY_LENGTH) return `must be at most ${MAX_LABEL_KEY_LENGTH} characters, got ${key.length}`;
  if (RESERVED_LABEL_KEYS.includes(key)) return `${JSON.stringify(key)} is reserved (${RESERVED_LABEL_KEYS.join(', ')} cannot name a label)`;
  return undefined;
}

export const labelKeySchema = z.string().superRefine((key, ctx) => {
  const problem = labelKeyProblem(key);
  if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem, input: key });
});

/**
 * The member checks run on the received object, before zod builds its output: zod's record passes over
 * a `__proto__` member without a word, so a label of that name would vanish and the write say 201.
 */
function checkMembers(labels: unknown, ctx: RefinementContext): unknown {
  if (!isPlainObject(labels)) return labels;
  const keys = Object.keys(labels);
  if (keys.length > MAX_LABELS) ctx.addIssue({ code: 'custom', path: [], message: `must have at most ${MAX_LABELS} members, got ${keys.length}`, input: labels });
  for (const key of keys) {
    const problem = labelKeyProblem(key);
    if (problem !== undefined) ctx.addIssue({ code: 'custom', path: [key], message: `label keys ${problem}`.replace('label keys "', 'label key "'), input: key });
  }
  return labels;
}

/** Used for `labels`, `tags` and `labelsToUpsert`. A null value is an error here: merge patch has already removed the ones that meant "delete". */
export const labelsSchema = z.preprocess(checkMembers, z.record(z.string(), labelValueSchema));

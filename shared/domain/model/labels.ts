import { z } from 'zod';
import { valueWhere } from './primitives';
import { describeValue } from './validation';

/** Rules engines and selectors compare label values, so only JSON primitives are meaningful (docs: "number, string, boolean"). */
export type LabelValue = string | number | boolean;
export type Labels = Record<string, LabelValue>;

export function isLabelValue(v: unknown): v is LabelValue {
  return typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v));
}

export const labelValueSchema = valueWhere(
  isLabelValue,
  (issue) => `label values must be a string, number or boolean, got ${describeValue(issue.input)}`,
).meta({ type: ['string', 'number', 'boolean'] });

/** Used for `labels`, `tags` and `labelsToUpsert`. A null value is an error here: merge patch has already removed the ones that meant "delete". */
export const labelsSchema = z.record(z.string().min(1, { error: 'label keys must be non-empty strings' }), labelValueSchema);

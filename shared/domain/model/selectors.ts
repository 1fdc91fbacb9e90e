import { z } from 'zod';
import { labelValueSchema } from './labels';
import { nonEmptyText, obj, positiveNumber } from './primitives';

const LABEL_OPERATORS = ['equal', 'notEqual', 'lessThan', 'lessThanOrEqual', 'greaterThan', 'greaterThanOrEqual'] as const;

/** Spellings of the 2022 previews that older samples still use. */
const PREVIEW_LABEL_OPERATORS: Readonly<Record<string, (typeof LABEL_OPERATORS)[number]>> = {
  lessThanEqual: 'lessThanOrEqual',
  greaterThanEqual: 'greaterThanOrEqual',
};

export const labelOperatorSchema = z.preprocess(
  (v) => (typeof v === 'string' && Object.hasOwn(PREVIEW_LABEL_OPERATORS, v) ? PREVIEW_LABEL_OPERATORS[v] : v),
  z.enum(LABEL_OPERATORS),
);
export type LabelOperator = z.infer<typeof labelOperatorSchema>;

/** The label a selector compares; the 2022 preview capped it at 500 characters, kept here as a sanity bound. */
export const selectorKeySchema = nonEmptyText(500);

export const routerQueueSelectorSchema = obj({
  key: selectorKeySchema,
  labelOperator: labelOperatorSchema,
  value: labelValueSchema.optional(),
});
export type RouterQueueSelector = z.infer<typeof routerQueueSelectorSchema>;

/** `status` and `expiresAt` are computed by the service and are stripped like any unknown member. */
export const routerWorkerSelectorSchema = obj({
  key: selectorKeySchema,
  labelOperator: labelOperatorSchema,
  value: labelValueSchema.optional(),
  expiresAfterSeconds: positiveNumber().optional(),
  expedite: z.boolean().optional(),
});
export type RouterWorkerSelector = z.infer<typeof routerWorkerSelectorSchema>;

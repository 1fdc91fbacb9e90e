import { z } from 'zod';
import { labelKeySchema, labelValueSchema } from './labels';
import { durationSchema } from './limits';
import { obj } from './primitives';

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

/** The label a selector compares: a selector can only name a label that can exist. */
export const selectorKeySchema = labelKeySchema;

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
  expiresAfterSeconds: durationSchema.optional(),
  expedite: z.boolean().optional(),
});
export type RouterWorkerSelector = z.infer<typeof routerWorkerSelectorSchema>;

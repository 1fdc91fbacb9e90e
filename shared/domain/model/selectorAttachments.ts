import { z } from 'zod';
import { kindUnion } from './kinds';
import { durationSchema, list } from './limits';
import { crossCheck, obj, positiveNumber } from './primitives';
import { routerRuleSchema } from './routerRule';
import { labelOperatorSchema, routerQueueSelectorSchema, routerWorkerSelectorSchema, selectorKeySchema } from './selectors';
import { isPlainObject } from './validation';

const WEIGHT_TOLERANCE = 1e-6;

/** One allocation is drawn at random in proportion to its weight, which only works when the weights cover exactly 1. */
const weightsSumToOne = crossCheck((attachment, ctx) => {
  if (!isPlainObject(attachment) || !Array.isArray(attachment.allocations)) return;
  const weights: unknown[] = attachment.allocations.map((a: unknown) => (isPlainObject(a) ? a.weight : undefined));
  if (!weights.every((w): w is number => typeof w === 'number' && Number.isFinite(w))) return; // reported per allocation
  const sum = weights.reduce((total, w) => total + w, 0);
  if (Math.abs(sum - 1) > WEIGHT_TOLERANCE) {
    ctx.addIssue({ code: 'custom', path: [], message: `allocation weights must add up to 1, got ${Number(sum.toPrecision(12))}`, input: attachment });
  }
});

const weight = positiveNumber(1);

export const queueSelectorAttachmentSchema = kindUnion(
  'queue selector attachment',
  [
    z.object({ kind: z.literal('conditional'), condition: routerRuleSchema, queueSelectors: list(routerQueueSelectorSchema) }),
    z.object({ kind: z.literal('passThrough'), key: selectorKeySchema, labelOperator: labelOperatorSchema }),
    z.object({ kind: z.literal('ruleEngine'), rule: routerRuleSchema }),
    z.object({ kind: z.literal('static'), queueSelector: routerQueueSelectorSchema }),
    z
      .object({
        kind: z.literal('weightedAllocation'),
        allocations: list(obj({ weight, queueSelectors: list(routerQueueSelectorSchema) })),
      })
      .check(weightsSumToOne),
  ],
  { 'weighted-allocation-queue-selector': 'weightedAllocation' },
);
export type QueueSelectorAttachment = z.infer<typeof queueSelectorAttachmentSchema>;

export const workerSelectorAttachmentSchema = kindUnion(
  'worker selector attachment',
  [
    z.object({ kind: z.literal('conditional'), condition: routerRuleSchema, workerSelectors: list(routerWorkerSelectorSchema) }),
    z.object({
      kind: z.literal('passThrough'),
      key: selectorKeySchema,
      labelOperator: labelOperatorSchema,
      expiresAfterSeconds: durationSchema.optional(),
    }),
    z.object({ kind: z.literal('ruleEngine'), rule: routerRuleSchema }),
    z.object({ kind: z.literal('static'), workerSelector: routerWorkerSelectorSchema }),
    z
      .object({
        kind: z.literal('weightedAllocation'),
        allocations: list(obj({ weight, workerSelectors: list(routerWorkerSelectorSchema) })),
      })
      .check(weightsSumToOne),
  ],
  { 'weighted-allocation-worker-selector': 'weightedAllocation' },
);
export type WorkerSelectorAttachment = z.infer<typeof workerSelectorAttachmentSchema>;

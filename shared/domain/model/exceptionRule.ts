import { z } from 'zod';
import { kindUnion } from './kinds';
import { labelsSchema } from './labels';
import { dispositionCodeSchema, durationSchema, list, noteSchema, prioritySchema } from './limits';
import { idSchema, integer, obj } from './primitives';
import { routerWorkerSelectorSchema } from './selectors';

export const exceptionTriggerSchema = kindUnion('exception trigger', [
  z.object({ kind: z.literal('queueLength'), threshold: integer(0) }),
  z.object({ kind: z.literal('waitTime'), thresholdSeconds: durationSchema }),
]);
export type ExceptionTrigger = z.infer<typeof exceptionTriggerSchema>;

/** Action ids are optional: the service generates the missing ones when it stores the policy. */
export const exceptionActionSchema = kindUnion('exception action', [
  z.object({
    kind: z.literal('cancel'),
    id: idSchema.optional(),
    note: noteSchema.optional(),
    dispositionCode: dispositionCodeSchema.optional(),
  }),
  z.object({
    kind: z.literal('manualReclassify'),
    id: idSchema.optional(),
    queueId: idSchema.optional(),
    priority: prioritySchema.optional(),
    workerSelectors: list(routerWorkerSelectorSchema).optional(),
  }),
  z.object({
    kind: z.literal('reclassify'),
    id: idSchema.optional(),
    classificationPolicyId: idSchema.optional(),
    labelsToUpsert: labelsSchema.optional(),
  }),
]);
export type ExceptionAction = z.infer<typeof exceptionActionSchema>;

export const exceptionRuleSchema = obj({
  id: idSchema,
  trigger: exceptionTriggerSchema,
  actions: list(exceptionActionSchema),
});
export type ExceptionRule = z.infer<typeof exceptionRuleSchema>;

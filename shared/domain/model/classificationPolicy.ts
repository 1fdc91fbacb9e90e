import { z } from 'zod';
import { nameSchema } from './limits';
import { idSchema, obj } from './primitives';
import { routerRuleSchema } from './routerRule';
import { queueSelectorAttachmentSchema, workerSelectorAttachmentSchema } from './selectorAttachments';
import { bodyValidator } from './validation';

export const classificationPolicyInputSchema = obj({
  name: nameSchema.optional(),
  fallbackQueueId: idSchema.optional(),
  queueSelectorAttachments: z.array(queueSelectorAttachmentSchema).optional(),
  prioritizationRule: routerRuleSchema.optional(),
  workerSelectorAttachments: z.array(workerSelectorAttachmentSchema).optional(),
});
export type ClassificationPolicyInput = z.infer<typeof classificationPolicyInputSchema>;

export const validateClassificationPolicy = bodyValidator(classificationPolicyInputSchema);

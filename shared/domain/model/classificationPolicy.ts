import { z } from 'zod';
import { list, nameSchema } from './limits';
import { idSchema, obj } from './primitives';
import { routerRuleSchema } from './routerRule';
import { queueSelectorAttachmentSchema, workerSelectorAttachmentSchema } from './selectorAttachments';
import { bodyValidator } from './validation';

export const classificationPolicyInputSchema = obj({
  name: nameSchema.optional(),
  fallbackQueueId: idSchema.optional(),
  queueSelectorAttachments: list(queueSelectorAttachmentSchema).optional(),
  prioritizationRule: routerRuleSchema.optional(),
  workerSelectorAttachments: list(workerSelectorAttachmentSchema).optional(),
});
export type ClassificationPolicyInput = z.infer<typeof classificationPolicyInputSchema>;

export const validateClassificationPolicy = bodyValidator(classificationPolicyInputSchema);

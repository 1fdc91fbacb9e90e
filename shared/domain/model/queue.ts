import { z } from 'zod';
import { labelsSchema } from './labels';
import { nameSchema } from './limits';
import { idSchema, obj } from './primitives';
import { bodyValidator } from './validation';

export const queueInputSchema = obj({
  name: nameSchema.optional(),
  distributionPolicyId: idSchema.optional(),
  labels: labelsSchema.optional(),
  exceptionPolicyId: idSchema.optional(),
});
export type QueueInput = z.infer<typeof queueInputSchema>;

export const validateQueue = bodyValidator(queueInputSchema);

import { z } from 'zod';
import { distributionModeSchema } from './distributionMode';
import { durationSchema, nameSchema } from './limits';
import { obj } from './primitives';
import { bodyValidator } from './validation';

export const distributionPolicyInputSchema = obj({
  name: nameSchema.optional(),
  offerExpiresAfterSeconds: durationSchema.optional(),
  mode: distributionModeSchema.optional(),
});
export type DistributionPolicyInput = z.infer<typeof distributionPolicyInputSchema>;

export const validateDistributionPolicy = bodyValidator(distributionPolicyInputSchema);

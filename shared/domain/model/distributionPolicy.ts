import { z } from 'zod';
import { distributionModeSchema } from './distributionMode';
import { nameSchema } from './limits';
import { obj, positiveNumber } from './primitives';
import { bodyValidator } from './validation';

/** Offer expiry becomes a timer; 2^31 seconds keeps it far inside what any store or scheduler can represent. */
const MAX_OFFER_EXPIRY_SECONDS = 2 ** 31;

export const distributionPolicyInputSchema = obj({
  name: nameSchema.optional(),
  offerExpiresAfterSeconds: positiveNumber(MAX_OFFER_EXPIRY_SECONDS).optional(),
  mode: distributionModeSchema.optional(),
});
export type DistributionPolicyInput = z.infer<typeof distributionPolicyInputSchema>;

export const validateDistributionPolicy = bodyValidator(distributionPolicyInputSchema);

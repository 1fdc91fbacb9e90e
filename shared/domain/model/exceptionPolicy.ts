import { z } from 'zod';
import { exceptionRuleSchema } from './exceptionRule';
import { list, nameSchema } from './limits';
import { obj, uniqueBy } from './primitives';
import { bodyValidator } from './validation';

export const exceptionPolicyInputSchema = obj({
  name: nameSchema.optional(),
  exceptionRules: list(exceptionRuleSchema).check(uniqueBy('id', 'exception rule id')).optional(),
});
export type ExceptionPolicyInput = z.infer<typeof exceptionPolicyInputSchema>;

export const validateExceptionPolicy = bodyValidator(exceptionPolicyInputSchema);

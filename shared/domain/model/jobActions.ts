import { z } from 'zod';
import { dispositionCodeSchema, noteSchema } from './limits';
import { dateTimeSchema, isDotNetMinDate, obj } from './primitives';
import { actionBodyValidator, isPlainObject } from './validation';

/** The .NET SDK always sends its unset date as 0001-01-01; it means "not given", so it is removed before validation. */
function withoutDotNetMinDate(field: string): (body: unknown) => unknown {
  return (body) => {
    if (!isPlainObject(body) || !isDotNetMinDate(body[field])) return body;
    const { [field]: _unset, ...rest } = body;
    return rest;
  };
}

export const cancelJobOptionsSchema = obj({
  note: noteSchema.optional(),
  dispositionCode: dispositionCodeSchema.optional(),
});
export type CancelJobOptions = z.infer<typeof cancelJobOptionsSchema>;

export const completeJobOptionsSchema = obj({
  note: noteSchema.optional(),
});
export type CompleteJobOptions = z.infer<typeof completeJobOptionsSchema>;

export const closeJobOptionsSchema = z.preprocess(
  withoutDotNetMinDate('closeAt'),
  obj({
    dispositionCode: dispositionCodeSchema.optional(),
    closeAt: dateTimeSchema.optional(),
    note: noteSchema.optional(),
  }),
);
export type CloseJobOptions = z.infer<typeof closeJobOptionsSchema>;

export const unassignJobOptionsSchema = obj({
  suspendMatching: z.boolean().optional(),
});
export type UnassignJobOptions = z.infer<typeof unassignJobOptionsSchema>;

export const declineJobOfferOptionsSchema = z.preprocess(
  withoutDotNetMinDate('retryOfferAt'),
  obj({
    retryOfferAt: dateTimeSchema.optional(),
  }),
);
export type DeclineJobOfferOptions = z.infer<typeof declineJobOfferOptionsSchema>;

/** Reclassify takes no options; any members are ignored. */
export const reclassifyJobOptionsSchema = obj({});
export type ReclassifyJobOptions = z.infer<typeof reclassifyJobOptionsSchema>;

export const validateCancelJobOptions = actionBodyValidator(cancelJobOptionsSchema);
export const validateCompleteJobOptions = actionBodyValidator(completeJobOptionsSchema);
export const validateCloseJobOptions = actionBodyValidator(closeJobOptionsSchema);
export const validateUnassignJobOptions = actionBodyValidator(unassignJobOptionsSchema);
export const validateDeclineJobOfferOptions = actionBodyValidator(declineJobOfferOptionsSchema);
export const validateReclassifyJobOptions = actionBodyValidator(reclassifyJobOptionsSchema);

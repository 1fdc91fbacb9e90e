import { z } from 'zod';
import { jobMatchingModeSchema } from './jobMatchingMode';
import { labelsSchema } from './labels';
import { dispositionCodeSchema, list, nameSchema, noteSchema, prioritySchema } from './limits';
import { dateTimeSchema, idSchema, obj } from './primitives';
import { routerWorkerSelectorSchema } from './selectors';
import { bodyValidator } from './validation';

/** `addedAt` defaults to the time of the write; filling it in is the job service's job, not validation's. */
export const routerJobNoteSchema = obj({
  message: noteSchema,
  addedAt: dateTimeSchema.optional(),
});
export type RouterJobNote = z.infer<typeof routerJobNoteSchema>;

export const jobInputSchema = obj({
  channelReference: nameSchema.optional(),
  channelId: idSchema.optional(),
  classificationPolicyId: idSchema.optional(),
  queueId: idSchema.optional(),
  priority: prioritySchema.optional(),
  dispositionCode: dispositionCodeSchema.optional(),
  requestedWorkerSelectors: list(routerWorkerSelectorSchema).optional(),
  labels: labelsSchema.optional(),
  tags: labelsSchema.optional(),
  notes: list(routerJobNoteSchema).optional(),
  matchingMode: jobMatchingModeSchema.optional(),
});
export type JobInput = z.infer<typeof jobInputSchema>;

export const validateJob = bodyValidator(jobInputSchema);

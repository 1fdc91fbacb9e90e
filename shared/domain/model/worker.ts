import { z } from 'zod';
import { labelsSchema } from './labels';
import { list } from './limits';
import { idSchema, integer, obj, uniqueBy } from './primitives';
import { bodyValidator } from './validation';

export const routerChannelSchema = obj({
  channelId: idSchema,
  capacityCostPerJob: integer(0),
  maxNumberOfJobs: integer(1).optional(),
});
export type RouterChannel = z.infer<typeof routerChannelSchema>;

export const workerInputSchema = obj({
  // A worker listed twice in a queue would be offered its jobs twice; the duplicate carries no meaning, so it is dropped.
  queues: list(idSchema)
    .transform((queues) => [...new Set(queues)])
    .optional(),
  capacity: integer(0).optional(),
  labels: labelsSchema.optional(),
  tags: labelsSchema.optional(),
  // Two capacity costs for one channel would be ambiguous, so unlike queues this is an error.
  channels: list(routerChannelSchema).check(uniqueBy('channelId', 'channelId')).optional(),
  availableForOffers: z.boolean().optional(),
  // Added in 2024-01-18-preview; accepted so that newer SDKs can use it.
  maxConcurrentOffers: integer(1).optional(),
});
export type WorkerInput = z.infer<typeof workerInputSchema>;

export const validateWorker = bodyValidator(workerInputSchema);

import { z } from 'zod';
import { kindUnion } from './kinds';
import { dateTimeSchema } from './primitives';

/** `scheduleAt` is optional in the CreateOrUpdate model, but this validates the document after the merge, where a scheduled job without a time is meaningless. */
export const jobMatchingModeSchema = kindUnion('job matching mode', [
  z.object({ kind: z.literal('queueAndMatch') }),
  z.object({ kind: z.literal('scheduleAndSuspend'), scheduleAt: dateTimeSchema }),
  z.object({ kind: z.literal('suspend') }),
]);
export type JobMatchingMode = z.infer<typeof jobMatchingModeSchema>;

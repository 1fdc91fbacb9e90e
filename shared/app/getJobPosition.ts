import { z } from 'zod';
import { isMatchable, JOB_MATCH_ORDER, prefixRange } from '../domain/routing/routingKeys';
import type { RouterPorts } from '../ports/RouterPorts';
import { AppError } from './AppError';
import { estimateWaitMinutes, recentAssignmentRate } from './waitEstimate';
import { readJob } from './routingDocuments';

/** A queued job's place (the OpenAPI document shows this schema; the type follows from it). */
export const routerJobPositionDetailsSchema = z.object({
  jobId: z.string(),
  position: z.number().int(),
  queueId: z.string(),
  queueLength: z.number().int(),
  estimatedWaitTimeMinutes: z.number().optional(),
});
export type RouterJobPositionDetails = z.infer<typeof routerJobPositionDetailsSchema>;

/**
 * `GET /jobs/{id}/position`: the job's place in its queue's matching order (expedited, then priority,
 * then time enqueued), counted on the index, and the wait estimated from the queue's recent
 * assignment rate (omitted while the queue has no recent assignments, as the service did).
 */
export async function getJobPosition(ports: RouterPorts, jobId: string): Promise<RouterJobPositionDetails> {
  const document = await readJob(ports, jobId);
  if (!document) throw new AppError('notFound', `The job '${jobId}' was not found.`);
  const job = document.body;
  if (!isMatchable(job) || !job.queueId) {
    throw new AppError('conflict', `The job '${jobId}' is ${job.status}; only a queued job has a position in a queue.`);
  }
  const range = prefixRange(job.queueId);
  const mine = String(document.keys[JOB_MATCH_ORDER]);
  const ahead = await ports.store.count('jobs', { key: JOB_MATCH_ORDER, from: range.from, to: mine });
  const queueLength = await ports.store.count('jobs', { key: JOB_MATCH_ORDER, ...range });
  const rate = await recentAssignmentRate(ports, job.queueId);
  const position = ahead + 1;
  const details: RouterJobPositionDetails = { jobId, position, queueId: job.queueId, queueLength };
  if (rate !== undefined) details.estimatedWaitTimeMinutes = estimateWaitMinutes(position, rate);
  return details;
}

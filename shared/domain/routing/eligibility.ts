import type { DistributionMode } from '../model';
import type { RouterJob } from '../resources/job';
import { parseInstant } from '../wireTime';
import { jobRouting, workerRouting, type EngineJob, type EngineWorker } from './routingState';
import { activeSelectors, selectorMatches } from './selectors';
import { hasRoomFor, isAvailable } from './workerCapacity';

/** The selectors a worker must satisfy for this job now: requested and attached, active ones only. */
export function constrainingSelectors(job: RouterJob, now: Date) {
  return activeSelectors([...job.requestedWorkerSelectors, ...job.attachedWorkerSelectors], now);
}

/**
 * Whether a declined job may be offered to this worker again: after `retryOfferAt`, or once the
 * worker has deregistered and registered again since it declined (docs/behaviour.md#decline).
 */
function declineStillHolds(job: EngineJob, worker: EngineWorker, now: Date): boolean {
  const decline = jobRouting(job).declines.find((d) => d.workerId === worker.id);
  if (!decline) return false;
  if (decline.retryAt !== undefined && parseInstant(decline.retryAt) <= now.getTime()) return false;
  const registeredAt = workerRouting(worker).registeredAt;
  if (registeredAt !== undefined && parseInstant(registeredAt) > parseInstant(decline.at)) return false;
  return true;
}

/** Why the job's requirements rule this worker out (queue, channel, selectors, a decline), if they do. */
export function mismatch(job: EngineJob, worker: EngineWorker, mode: Pick<DistributionMode, 'bypassSelectors'>, now: Date): string | undefined {
  if (!job.queueId || !worker.queues.includes(job.queueId)) return 'does not serve the queue';
  if (!job.channelId || !worker.channels.some((c) => c.channelId === job.channelId)) return 'does not handle the channel';
  if (declineStillHolds(job, worker, now)) return 'declined the job';
  if (!mode.bypassSelectors) {
    const failed = constrainingSelectors(job, now).find((s) => !selectorMatches(s, worker.labels));
    if (failed) return `does not satisfy selector ${failed.key} ${failed.labelOperator} ${JSON.stringify(failed.value)}`;
  }
  return undefined;
}

/** Why a worker cannot be offered this job now, or undefined when it can (docs/behaviour.md#eligibility). */
export function ineligibility(job: EngineJob, worker: EngineWorker, mode: Pick<DistributionMode, 'bypassSelectors'>, now: Date): string | undefined {
  if (!isAvailable(worker)) return 'not available for offers';
  if (jobRouting(job).offers.some((o) => o.workerId === worker.id)) return 'already has an offer for the job';
  if (Object.values(workerRouting(worker).holdings).some((h) => h.jobId === job.id)) return 'already holds the job';
  if (job.channelId && worker.channels.some((c) => c.channelId === job.channelId) && !hasRoomFor(worker, job.channelId)) return 'has no room on the channel';
  return mismatch(job, worker, mode, now);
}

export const isEligible = (job: EngineJob, worker: EngineWorker, mode: Pick<DistributionMode, 'bypassSelectors'>, now: Date) =>
  ineligibility(job, worker, mode, now) === undefined;

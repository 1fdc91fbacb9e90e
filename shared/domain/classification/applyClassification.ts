import { DEFAULT_JOB_PRIORITY, storedSelector } from '../resources/job';
import { addNote } from '../routing/jobLifecycle';
import { jobRouting, type EngineJob } from '../routing/routingState';
import { toWireTime } from '../wireTime';
import type { ClassificationOutcome } from './classify';

/** Whether the job's queue is one the caller gave (kept on reclassification) rather than classification's choice. */
export function hasOwnQueue(job: EngineJob): boolean {
  return job.queueId !== undefined && job.queueId !== job._routing?.classifiedQueueId;
}

/**
 * The queue a classified job goes to: the caller's own queue wins (the policy then only attaches
 * selectors and priority), then the queue the selectors chose, then the policy's fallback queue.
 */
export function targetQueueId(job: EngineJob, chosen: string | undefined, fallbackQueueId: string | undefined): string | undefined {
  if (hasOwnQueue(job)) return job.queueId;
  return chosen ?? fallbackQueueId;
}

/**
 * Queues a classified job: queue, priority (unless the caller set one), attached selectors from now.
 * A job that stays in the queue it was in keeps its place (enqueuedAt); a new queue starts it at the end.
 */
export function applyClassification(job: EngineJob, outcome: ClassificationOutcome, queueId: string, now: Date): void {
  const routing = jobRouting(job);
  const ownQueue = hasOwnQueue(job);
  if (job.queueId !== queueId || !job.enqueuedAt) job.enqueuedAt = toWireTime(now);
  job.queueId = queueId;
  if (ownQueue) delete routing.classifiedQueueId;
  else routing.classifiedQueueId = queueId;
  const ruleOwnsPriority = job.priority === DEFAULT_JOB_PRIORITY || job.priority === routing.classifiedPriority;
  if (ruleOwnsPriority) {
    job.priority = outcome.priority ?? DEFAULT_JOB_PRIORITY;
    if (outcome.priority === undefined) delete routing.classifiedPriority;
    else routing.classifiedPriority = outcome.priority;
  }
  job.attachedWorkerSelectors = outcome.workerSelectors.map((s) => storedSelector(s, now));
  job.status = 'queued';
}

/** Leaves the job in classificationFailed with the reason in a note (docs/behaviour.md#classification-failure). */
export function failClassification(job: EngineJob, reason: string, now: Date): void {
  job.status = 'classificationFailed';
  addNote(job, `Classification failed: ${reason}`, now);
}

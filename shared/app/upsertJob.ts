import { jobEvents, type EventContext } from '../domain/routing/routerEvents';
import { isMatchable } from '../domain/routing/routingKeys';
import { jobRouting, type EngineJob } from '../domain/routing/routingState';
import type { RouterEvent } from '../ports/EventPublisher';
import type { RouterPorts } from '../ports/RouterPorts';
import type { Timer } from '../ports/Scheduler';
import { armActivation, confirmSchedule } from './activateScheduledJob';
import type { Preconditions } from './checkPreconditions';
import { referenced, type Referenced } from './checkReferences';
import { armClassification, startClassification } from './classificationTimer';
import { armSelectorExpiry } from './expireWorkerSelectors';
import { revokeFromWorkers } from './offerEnds';
import { armExceptionTimers, checkQueueLength } from './triggerException';
import { upsertResource, type UpsertResult } from './upsertResource';
import { jobResource } from '../domain/resources';

const queuedNow = (job: EngineJob, before: EngineJob | undefined) =>
  job.status === 'queued' && (before?.status !== 'queued' || before.queueId !== job.queueId || before.enqueuedAt !== job.enqueuedAt);

const classificationAsked = (job: EngineJob, before: EngineJob | undefined) =>
  job.status === 'pendingClassification' &&
  (before?.status !== 'pendingClassification' || before.classificationPolicyId !== job.classificationPolicyId || JSON.stringify(before.labels) !== JSON.stringify(job.labels));

const scheduleChanged = (job: EngineJob, before: EngineJob | undefined) =>
  (job.status === 'pendingSchedule' || job.status === 'scheduled') && JSON.stringify(before?.matchingMode) !== JSON.stringify(job.matchingMode);

/**
 * PATCH of a job, then what the change means for routing: a new job is received and (with a queue)
 * queued in the same write, or classified or scheduled right after it; a queued job whose queue,
 * channel, labels or selectors changed loses its offers and is matched again (with a policy, new
 * labels classify it again); a parked or scheduled job switched to `queueAndMatch` is queued. The
 * timers the written job needs (classification, selector expiry, exception rules of its queue, its
 * `scheduleAt`) are durable before the write.
 */
export async function upsertJob(ports: RouterPorts, id: string, patch: Record<string, unknown>, preconditions: Preconditions): Promise<UpsertResult<EngineJob>> {
  let queueLengthChecks: Timer[] = [];
  const beforeWrite = async (job: EngineJob, before: EngineJob | undefined, read: Referenced) => {
    if (classificationAsked(job, before)) await armClassification(ports, id);
    queueLengthChecks = queuedNow(job, before) && job.queueId ? await armExceptionTimers(ports, id, job.queueId, referenced(read, 'queues', job.queueId)) : [];
    if (JSON.stringify(before?.requestedWorkerSelectors) !== JSON.stringify(job.requestedWorkerSelectors)) {
      await armSelectorExpiry(ports, id, [...job.requestedWorkerSelectors, ...job.attachedWorkerSelectors], ports.clock.now());
    }
    if (scheduleChanged(job, before)) await armActivation(ports, job);
  };
  const eventsOf = (job: EngineJob, before: EngineJob | undefined, context: EventContext) => {
    const events: RouterEvent[] = [];
    if (!before) events.push(jobEvents.received(context, job));
    if (queuedNow(job, before)) events.push(jobEvents.queued(context, job));
    return events;
  };
  const result = (await upsertResource(ports, jobResource, id, patch, preconditions, beforeWrite, eventsOf)) as UpsertResult<EngineJob>;
  const job = result.document.body;
  const before = result.previous;
  if (before === job) return result;
  const queued = queuedNow(job, before);

  if (before) {
    const kept = new Set(jobRouting(job).offers.map((o) => o.offerId));
    const dropped = jobRouting(before).offers.filter((o) => !kept.has(o.offerId));
    if (dropped.length > 0) await revokeFromWorkers(ports, job, dropped);
  }
  if (classificationAsked(job, before)) await startClassification(ports, id);
  if (job.status === 'pendingSchedule') await confirmSchedule(ports, id);
  if (queued) await checkQueueLength(ports, queueLengthChecks);
  if (isMatchable(job) && job.queueId) await ports.matchQueue.enqueue([{ queueId: job.queueId, jobId: id }]);
  return result;
}

import { jobEvents } from '../domain/routing/routerEvents';
import { isMatchable } from '../domain/routing/routingKeys';
import { jobRouting, type EngineJob } from '../domain/routing/routingState';
import type { RouterEvent } from '../ports/EventPublisher';
import type { RouterPorts } from '../ports/RouterPorts';
import type { Preconditions } from './checkPreconditions';
import { revokeFromWorkers } from './offerEnds';
import { eventContext, publish } from './routingDocuments';
import { upsertResource, type UpsertResult } from './upsertResource';
import { jobResource } from '../domain/resources';

/**
 * PATCH of a job, then what the change means for routing: a new job is received and (with a queue)
 * queued in the same write; a queued job whose queue, channel, labels or selectors changed loses its
 * offers and is matched again; a parked job switched to `queueAndMatch` is queued.
 */
export async function upsertJob(ports: RouterPorts, id: string, patch: Record<string, unknown>, preconditions: Preconditions): Promise<UpsertResult<EngineJob>> {
  const result = (await upsertResource(ports, jobResource, id, patch, preconditions)) as UpsertResult<EngineJob>;
  const job = result.document.body;
  const before = result.previous;
  if (before === job) return result;
  const context = eventContext(ports);
  const events: RouterEvent[] = [];
  if (!before) events.push(jobEvents.received(context, job));
  const queuedNow = job.status === 'queued' && (before?.status !== 'queued' || before.queueId !== job.queueId || before.enqueuedAt !== job.enqueuedAt);
  if (queuedNow) events.push(jobEvents.queued(context, job));
  await publish(ports, events);

  if (before) {
    const kept = new Set(jobRouting(job).offers.map((o) => o.offerId));
    const dropped = jobRouting(before).offers.filter((o) => !kept.has(o.offerId));
    if (dropped.length > 0) await revokeFromWorkers(ports, job, dropped);
  }
  if (isMatchable(job) && job.queueId) await ports.matchQueue.enqueue([{ queueId: job.queueId, jobId: id }]);
  return result;
}

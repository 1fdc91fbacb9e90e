import { updatedWorkerProperties, workerEvents, type EventContext } from '../domain/routing/routerEvents';
import type { EngineWorker } from '../domain/routing/routingState';
import { workerResource } from '../domain/resources';
import type { RouterEvent } from '../ports/EventPublisher';
import type { RouterPorts } from '../ports/RouterPorts';
import type { Preconditions } from './checkPreconditions';
import { revokeFromJobs } from './offerEnds';
import type { Referenced } from './checkReferences';
import { matchWorker, queueDetails } from './routingDocuments';
import { upsertResource, type UpsertResult } from './upsertResource';

/**
 * PATCH of a worker, then its routing consequences: registering (availableForOffers → true) makes it
 * matchable at once; deregistering, or changing labels, queues, channels or lowering capacity,
 * revokes its offers (the write itself released their capacity) and their jobs are matched again.
 */
export async function upsertWorker(ports: RouterPorts, id: string, patch: Record<string, unknown>, preconditions: Preconditions): Promise<UpsertResult<EngineWorker>> {
  const eventsOf = async (worker: EngineWorker, before: EngineWorker | undefined, context: EventContext, read: Referenced) => {
    const registered = worker.availableForOffers && !before?.availableForOffers;
    const deregistered = !worker.availableForOffers && before?.availableForOffers === true;
    const changed = before ? updatedWorkerProperties(before, worker).filter((p) => p !== 'AvailableForOffers') : [];
    const events: RouterEvent[] = [];
    if (registered || changed.length > 0) {
      const queues = await queueDetails(ports, worker.queues, read);
      if (registered) events.push(workerEvents.registered(context, worker, queues));
      if (changed.length > 0) events.push(workerEvents.updated(context, worker, queues, changed));
    }
    if (deregistered) events.push(workerEvents.deregistered(context, id));
    return events;
  };
  const result = await upsertResource(ports, workerResource, id, patch, preconditions, undefined, eventsOf);
  const worker = result.document.body;
  const before = result.previous;
  if (before === worker) return result;

  if (before) {
    const kept = new Set(worker.offers.map((o) => o.offerId));
    const revoked = before.offers.filter((o) => !kept.has(o.offerId));
    if (revoked.length > 0) await revokeFromJobs(ports, id, revoked);
  }
  await matchWorker(ports, worker);
  return result;
}

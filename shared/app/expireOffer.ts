import { offerEvents, workerEvents } from '../domain/routing/routerEvents';
import { jobRouting } from '../domain/routing/routingState';
import { endOffer } from '../domain/routing/workerHoldings';
import { refreshWorker } from '../domain/routing/workerCapacity';
import type { RouterJobOffer } from '../domain/resources';
import type { RouterEvent } from '../ports/EventPublisher';
import type { RouterPorts } from '../ports/RouterPorts';
import { completeAcceptance } from './acceptOffer';
import { mutateDocument } from './mutateDocument';
import { endJobOffer, endWorkerOffer, revokeFromJobs } from './offerEnds';
import { eventContext, publish, readJob, readWorker, workers } from './routingDocuments';

export interface OfferRef {
  offerId: string;
  jobId: string;
  workerId: string;
}

/**
 * The offer-expiry timer. An offer nobody answered expires: the job drops it and is matched again,
 * and the worker, treated as unavailable, is deregistered (CONCEPTS.md §2), which revokes its other
 * offers. The same timer repairs an offer that a crash left half-done: an accepted offer becomes the
 * assignment, an offer only one side knows is removed from that side.
 */
export async function expireOffer(ports: RouterPorts, ref: OfferRef): Promise<void> {
  const { offerId, jobId, workerId } = ref;
  const job = await readJob(ports, jobId);
  const worker = await readWorker(ports, workerId);
  const routing = job ? jobRouting(job.body) : undefined;
  if (job && routing?.acceptedOfferId === offerId) {
    const assignment = Object.values(job.body.assignments).find((a) => a.workerId === workerId);
    if (assignment) {
      await completeAcceptance(ports, job.body, workerId, offerId, assignment.assignmentId);
      return;
    }
  }
  const workerHolds = worker?.body.offers.some((o) => o.offerId === offerId) ?? false;
  const jobHolds = routing?.offers.some((o) => o.offerId === offerId) ?? false;
  const about = job?.body ?? { id: jobId };
  if (workerHolds && jobHolds) {
    await endJobOffer(ports, jobId, offerId);
    await expireAndDeregister(ports, workerId, offerId, about);
  } else if (workerHolds) {
    if (await endWorkerOffer(ports, workerId, offerId, 'revoked')) {
      await publish(ports, [offerEvents.ended(eventContext(ports), 'RouterWorkerOfferRevoked', { offerId, workerId }, about)]);
    }
  } else if (jobHolds) {
    await endJobOffer(ports, jobId, offerId);
  }
  if (job?.body.queueId) await ports.matchQueue.enqueue([{ queueId: job.body.queueId, jobId }]);
}

async function expireAndDeregister(ports: RouterPorts, workerId: string, offerId: string, job: Parameters<typeof offerEvents.ended>[3]): Promise<void> {
  let others: RouterJobOffer[] = [];
  let deregistered = false;
  const result = await mutateDocument(ports, workers, workerId, (worker, now) => {
    if (!endOffer(worker, offerId, 'expired', now)) return false;
    deregistered = worker.availableForOffers;
    worker.availableForOffers = false;
    others = worker.offers;
    for (const other of others) endOffer(worker, other.offerId, 'revoked', now);
    refreshWorker(worker);
    return true;
  });
  if (!result?.changed) return;
  const events: RouterEvent[] = [offerEvents.ended(eventContext(ports), 'RouterWorkerOfferExpired', { offerId, workerId }, job)];
  if (deregistered) events.push(workerEvents.deregistered(eventContext(ports), workerId));
  await publish(ports, events);
  await revokeFromJobs(ports, workerId, others);
}

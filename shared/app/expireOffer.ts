import { offerEvents, workerEvents } from '../domain/routing/routerEvents';
import { jobRouting, workerRouting, type EngineWorker } from '../domain/routing/routingState';
import { endOffer } from '../domain/routing/workerHoldings';
import { refreshWorker } from '../domain/routing/workerCapacity';
import type { RouterJobOffer } from '../domain/resources';
import type { RouterEvent } from '../ports/EventPublisher';
import type { RouterPorts } from '../ports/RouterPorts';
import type { StoredDocument } from '../ports/Store';
import { assignJob, rollBackAcceptance } from './acceptOffer';
import { mutateDocument } from './mutateDocument';
import { endJobOffer, endWorkerOffer, revokeFromJobs, revokeFromWorkers } from './offerEnds';
import { readJob, readWorker, workers } from './routingDocuments';

export interface OfferRef {
  offerId: string;
  jobId: string;
  workerId: string;
}

/**
 * The offer-expiry timer. An offer nobody answered expires: the worker, treated as unavailable, is
 * deregistered (docs/behaviour.md#offer-expiry), which revokes its other offers, and the job drops the offer and is
 * matched again. The same timer finishes what a crash left half-done: an accept the worker recorded
 * is rolled forward onto the job (or back, if the job can no longer take it), and an offer only one
 * side knows is removed from that side.
 */
export async function expireOffer(ports: RouterPorts, ref: OfferRef): Promise<void> {
  const { offerId, jobId, workerId } = ref;
  const worker = await readWorker(ports, workerId);
  const job = await readJob(ports, jobId);
  const about = job?.body ?? { id: jobId };
  const accepted = worker ? workerRouting(worker.body).endedOffers.find((e) => e.offerId === offerId && e.how === 'accepted') : undefined;
  if (accepted?.assignmentId && worker?.body.assignedJobs.some((a) => a.assignmentId === accepted.assignmentId)) {
    const acceptance = { jobId, workerId, offerId, assignmentId: accepted.assignmentId, assignedAt: worker.body.assignedJobs.find((a) => a.assignmentId === accepted.assignmentId)?.assignedAt ?? '' };
    const outcome = await assignJob(ports, acceptance, worker.body, job);
    if (outcome.refusal) await rollBackAcceptance(ports, acceptance, outcome.refusal.reason === 'conflict' ? 'acceptedElsewhere' : 'revoked');
    else if (outcome.job) await revokeFromWorkers(ports, outcome.job, outcome.others, 'acceptedElsewhere');
    return;
  }
  const workerHolds = worker?.body.offers.some((o) => o.offerId === offerId) ?? false;
  const jobHolds = job ? jobRouting(job.body).offers.some((o) => o.offerId === offerId) : false;
  if (workerHolds && jobHolds) {
    if (await expireAndDeregister(ports, workerId, offerId, about, worker)) await endJobOffer(ports, jobId, offerId, undefined, job);
  } else if (workerHolds) {
    await endWorkerOffer(ports, workerId, offerId, 'revoked', (context) => offerEvents.ended(context, 'RouterWorkerOfferRevoked', { offerId, workerId }, about), worker);
  } else if (jobHolds) {
    await endJobOffer(ports, jobId, offerId, undefined, job);
  }
  if (job?.body.queueId) await ports.matchQueue.enqueue([{ queueId: job.body.queueId, jobId }]);
}

/** Worker first: the offer expires there unless an accept or decline got there first. */
async function expireAndDeregister(ports: RouterPorts, workerId: string, offerId: string, job: Parameters<typeof offerEvents.ended>[3], known?: StoredDocument<EngineWorker>): Promise<boolean> {
  let others: RouterJobOffer[] = [];
  let deregistered = false;
  const result = await mutateDocument(
    ports,
    workers,
    workerId,
    (worker, now) => {
      if (!endOffer(worker, offerId, 'expired', now)) return false;
      deregistered = worker.availableForOffers;
      worker.availableForOffers = false;
      others = worker.offers;
      for (const other of others) endOffer(worker, other.offerId, 'revoked', now);
      refreshWorker(worker);
      return true;
    },
    (_, context) => {
      const events: RouterEvent[] = [offerEvents.ended(context, 'RouterWorkerOfferExpired', { offerId, workerId }, job)];
      if (deregistered) events.push(workerEvents.deregistered(context, workerId));
      return events;
    },
    known,
  );
  if (!result?.changed) return false;
  await revokeFromJobs(ports, workerId, others);
  return true;
}

import { offerEvents } from '../domain/routing/routerEvents';
import { jobRouting, workerRouting, type EngineJob, type EngineWorker, type JobOfferRecord } from '../domain/routing/routingState';
import { acceptHeldOffer } from '../domain/routing/workerHoldings';
import { toWireTime } from '../domain/wireTime';
import type { RouterPorts } from '../ports/RouterPorts';
import { AppError } from './AppError';
import { mutateDocument } from './mutateDocument';
import { offerTimerId, revokeFromWorkers } from './offerEnds';
import { eventContext, jobs, publish, readWorker, workers } from './routingDocuments';

export interface AcceptJobOfferResult {
  assignmentId: string;
  jobId: string;
  workerId: string;
}

/**
 * The error for an offer the worker no longer holds, saying what became of it: an accept of an offer
 * that was accepted (here or by another worker) is a 409, everything else, and every decline, a 404
 * (the service answered 404 to declining an accepted offer, BEHAVIOUR.md §6a).
 */
export function offerGone(worker: EngineWorker, workerId: string, offerId: string, action: 'accept' | 'decline'): AppError {
  const ended = workerRouting(worker).endedOffers.find((e) => e.offerId === offerId);
  const prefix = `Offer not found. OfferId: ${offerId}, WorkerId: ${workerId}.`;
  const taken = action === 'accept' ? 'conflict' : 'notFound';
  switch (ended?.how) {
    case 'accepted':
      return new AppError(taken, `${action === 'accept' ? '' : `${prefix} `}The offer was already accepted (assignment '${ended.assignmentId ?? ''}').`);
    case 'acceptedElsewhere':
      return new AppError(taken, `${action === 'accept' ? '' : `${prefix} `}The job '${ended.jobId}' of this offer was accepted by another worker.`);
    case 'declined':
      return new AppError('notFound', `${prefix} It was declined.`);
    case 'expired':
      return new AppError('notFound', `${prefix} It expired.`);
    case 'revoked':
      return new AppError('notFound', `${prefix} It was revoked.`);
    default:
      return new AppError('notFound', `${prefix} It may have expired, been revoked, or been accepted or declined already.`);
  }
}

/**
 * `:accept`. The job is written first and alone decides: it must still be queued with this offer
 * open, and its etag-conditional write lets exactly one of any number of concurrent accepts through
 * (the others get 409). The worker's offer then becomes the assignment (same capacity), and the job's
 * other offers are revoked. If the process stops in between, the offer's expiry timer finishes it.
 */
export async function acceptOffer(ports: RouterPorts, workerId: string, offerId: string): Promise<AcceptJobOfferResult> {
  const worker = await readWorker(ports, workerId);
  if (!worker) throw new AppError('notFound', `The worker '${workerId}' was not found.`);
  const offer = worker.body.offers.find((o) => o.offerId === offerId);
  if (!offer) throw offerGone(worker.body, workerId, offerId, 'accept');
  const jobId = offer.jobId;
  const assignmentId = ports.newId();

  let others: JobOfferRecord[] = [];
  const assigned = await mutateDocument(ports, jobs, jobId, (job, now) => {
    const routing = jobRouting(job);
    if (routing.acceptedOfferId === offerId) throw new AppError('conflict', `The offer '${offerId}' was already accepted.`);
    if (job.status === 'assigned' || job.status === 'completed') {
      throw new AppError('conflict', `The job '${jobId}' was already accepted by another worker.`);
    }
    if (!routing.offers.some((o) => o.offerId === offerId)) {
      throw new AppError('notFound', `Offer not found. OfferId: ${offerId}, WorkerId: ${workerId}. The job '${jobId}' is ${job.status} and no longer holds this offer.`);
    }
    const at = toWireTime(now);
    job.status = 'assigned';
    job.assignments[assignmentId] = { assignmentId, workerId, assignedAt: at };
    others = routing.offers.filter((o) => o.offerId !== offerId);
    routing.offers = [];
    routing.acceptedOfferId = offerId;
    routing.assignedAt = at;
    return true;
  });
  if (!assigned) throw new AppError('notFound', `The job '${jobId}' of offer '${offerId}' no longer exists.`);

  const job = assigned.document.body;
  const held = await completeAcceptance(ports, job, workerId, offerId, assignmentId);
  await publish(ports, [offerEvents.accepted(eventContext(ports), held ?? worker.body, job, offerId, assignmentId)]);
  await revokeFromWorkers(ports, job, others, 'acceptedElsewhere');
  // An accept frees an offer slot (maxConcurrentOffers) even though the capacity stays in use.
  if (held?.availableForOffers) await ports.matchQueue.enqueue(held.queues.map((queueId) => ({ queueId, workerId })));
  return { assignmentId, jobId, workerId };
}

/** The worker half of an accept: the offer becomes the assignment. Idempotent (also the repair path). */
export async function completeAcceptance(ports: RouterPorts, job: EngineJob, workerId: string, offerId: string, assignmentId: string): Promise<EngineWorker | undefined> {
  const assignedAt = job.assignments[assignmentId]?.assignedAt ?? toWireTime(ports.clock.now());
  const result = await mutateDocument(ports, workers, workerId, (worker, now) => acceptHeldOffer(worker, offerId, { assignmentId, jobId: job.id, assignedAt }, now));
  await ports.scheduler.cancel(offerTimerId(offerId));
  return result?.document.body;
}

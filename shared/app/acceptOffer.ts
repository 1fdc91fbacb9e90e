import { z } from 'zod';
import { offerEvents } from '../domain/routing/routerEvents';
import { jobRouting, recordEndedOffer, workerRouting, type EngineJob, type EngineWorker, type JobOfferRecord } from '../domain/routing/routingState';
import { acceptHeldOffer, releaseAssignment } from '../domain/routing/workerHoldings';
import { toWireTime } from '../domain/wireTime';
import type { RouterPorts } from '../ports/RouterPorts';
import type { StoredDocument } from '../ports/Store';
import { AppError } from './AppError';
import { mutateDocument } from './mutateDocument';
import { offerTimerId, revokeFromWorkers } from './offerEnds';
import { jobs, matchWorker, workers } from './routingDocuments';

/** The answer to an accept (the OpenAPI document shows this schema; the type follows from it). */
export const acceptJobOfferResultSchema = z.object({ assignmentId: z.string(), jobId: z.string(), workerId: z.string() });
export type AcceptJobOfferResult = z.infer<typeof acceptJobOfferResultSchema>;

/**
 * The error for an offer the worker no longer holds, saying what became of it: an accept of an offer
 * that was accepted (here or by another worker) is a 409, everything else, and every decline, a 404
 * (the service answered 404 to declining an accepted offer, docs/behaviour.md#late-answers).
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

export interface Acceptance {
  jobId: string;
  workerId: string;
  offerId: string;
  assignmentId: string;
  assignedAt: string;
}

/**
 * `:accept`, in two conditional writes. The worker first: its offer becomes the assignment (same
 * capacity), which settles the offer against a concurrent decline, expiry or revocation — whichever
 * writes the worker first wins. Then the job: it must still be queued with this offer open, and its
 * write lets exactly one of any number of concurrent accepts through (the others get 409 and their
 * workers are released). A crash in between is rolled forward by the offer's expiry timer.
 */
export async function acceptOffer(ports: RouterPorts, workerId: string, offerId: string): Promise<AcceptJobOfferResult> {
  // The offer is looked up in the read the worker's write starts from (one read, not two).
  let acceptance: Acceptance | undefined;
  const converted = await mutateDocument(ports, workers, workerId, (w, now) => {
    const offer = w.offers.find((o) => o.offerId === offerId);
    if (!offer) throw offerGone(w, workerId, offerId, 'accept');
    acceptance ??= { jobId: offer.jobId, workerId, offerId, assignmentId: ports.newId(), assignedAt: toWireTime(now) };
    return acceptHeldOffer(w, offerId, { assignmentId: acceptance.assignmentId, jobId: acceptance.jobId, assignedAt: acceptance.assignedAt }, now);
  });
  if (!converted) throw new AppError('notFound', `The worker '${workerId}' was not found.`);
  if (!converted.changed || !acceptance) throw offerGone(converted.document.body, workerId, offerId, 'accept');

  const outcome = await assignJob(ports, acceptance, converted.document.body);
  if (outcome.refusal) {
    await rollBackAcceptance(ports, acceptance, outcome.refusal.reason === 'conflict' ? 'acceptedElsewhere' : 'revoked');
    throw outcome.refusal;
  }
  await ports.scheduler.cancel(offerTimerId(offerId));
  if (outcome.job) await revokeFromWorkers(ports, outcome.job, outcome.others, 'acceptedElsewhere');
  // An accept frees an offer slot (maxConcurrentOffers) even though the capacity stays in use.
  await matchWorker(ports, converted.document.body);
  return { assignmentId: acceptance.assignmentId, jobId: acceptance.jobId, workerId };
}

interface JobOutcome {
  /** The job as assigned by this call (undefined when it already was: a repeated roll-forward). */
  job?: EngineJob;
  others: JobOfferRecord[];
  refusal?: AppError;
}

/**
 * The job half of an accept, written with its OfferAccepted (about `worker`, which holds the
 * assignment); idempotent (the expiry timer repeats it to roll a crashed accept forward). `known`:
 * the job as this request read it.
 */
export async function assignJob(ports: RouterPorts, acceptance: Acceptance, worker: EngineWorker, known?: StoredDocument<EngineJob>): Promise<JobOutcome> {
  const { jobId, offerId, workerId, assignmentId } = acceptance;
  let others: JobOfferRecord[] = [];
  let refusal: AppError | undefined;
  const result = await mutateDocument(ports, jobs, jobId, (job) => {
    refusal = undefined;
    const routing = jobRouting(job);
    if (job.assignments[assignmentId]) return false;
    if (job.status === 'assigned' || job.status === 'completed') {
      refusal = new AppError('conflict', `The job '${jobId}' was already accepted by another worker.`);
      return false;
    }
    if (job.status !== 'queued' || !routing.offers.some((o) => o.offerId === offerId)) {
      refusal = new AppError('notFound', `Offer not found. OfferId: ${offerId}, WorkerId: ${workerId}. The job '${jobId}' is ${job.status} and no longer holds this offer.`);
      return false;
    }
    job.status = 'assigned';
    job.assignments[assignmentId] = { assignmentId, workerId, assignedAt: acceptance.assignedAt };
    others = routing.offers.filter((o) => o.offerId !== offerId);
    routing.offers = [];
    routing.acceptedOfferId = offerId;
    routing.assignedAt = acceptance.assignedAt;
    return true;
  }, (job, context) => [offerEvents.accepted(context, worker, job, offerId, assignmentId)], known);
  if (!result) return { others, refusal: new AppError('notFound', `The job '${jobId}' of offer '${offerId}' no longer exists.`) };
  return { job: result.changed ? result.document.body : undefined, others, refusal };
}

/** The job refused: the worker's new assignment is released and the offer recorded as ended. */
export async function rollBackAcceptance(ports: RouterPorts, acceptance: Acceptance, how: 'acceptedElsewhere' | 'revoked'): Promise<void> {
  const released = await mutateDocument(ports, workers, acceptance.workerId, (worker, now) => {
    if (!releaseAssignment(worker, acceptance.assignmentId, now)) return false;
    recordEndedOffer(worker, { offerId: acceptance.offerId, jobId: acceptance.jobId, how });
    return true;
  });
  await ports.scheduler.cancel(offerTimerId(acceptance.offerId));
  if (released?.changed) await matchWorker(ports, released.document.body);
}

import { offerEvents } from '../domain/routing/routerEvents';
import { jobRouting, type EngineJob, type EngineWorker, type JobOfferRecord, type OfferEnd } from '../domain/routing/routingState';
import { endOffer } from '../domain/routing/workerHoldings';
import type { EventContext } from '../domain/routing/routerEvents';
import type { RouterEvent } from '../ports/EventPublisher';
import type { RouterPorts } from '../ports/RouterPorts';
import type { StoredDocument } from '../ports/Store';
import { mutateDocument } from './mutateDocument';
import { jobs, matchWorker, workers } from './routingDocuments';
import { timerId } from './timers/timerKinds';

/** The event an offer's end is reported with, written with the end (undefined: none). */
export type EndEvent = ((context: EventContext) => RouterEvent) | undefined;

/**
 * The two halves of ending an offer. The job's record and the worker's capacity live in different
 * documents; each half is an idempotent conditional write, and the offer-expiry timer (scheduled
 * before the offer existed) finishes whatever half a crash left undone.
 */

export const offerTimerId = (offerId: string) => timerId('offerExpiry', { offerId });

/**
 * Removes the offer from the worker (capacity released): the worker as written, undefined when it no
 * longer held it. `known`: the worker as this request read it.
 */
export async function endWorkerOffer(ports: RouterPorts, workerId: string, offerId: string, how: OfferEnd, event?: EndEvent, known?: StoredDocument<EngineWorker>): Promise<EngineWorker | undefined> {
  const result = await mutateDocument(ports, workers, workerId, (worker, now) => endOffer(worker, offerId, how, now), (_, context) => (event ? [event(context)] : []), known);
  return result?.changed ? result.document.body : undefined;
}

/**
 * Removes the offer from the job's open offers; answers the job as it is then (written, or read when
 * it no longer had the offer), undefined when it is gone. `known`: the job as this request read it.
 */
export async function endJobOffer(
  ports: RouterPorts,
  jobId: string,
  offerId: string,
  event?: (job: EngineJob, context: EventContext) => RouterEvent,
  known?: StoredDocument<EngineJob>,
): Promise<EngineJob | undefined> {
  const result = await mutateDocument(
    ports,
    jobs,
    jobId,
    (job) => {
      const routing = jobRouting(job);
      if (!routing.offers.some((o) => o.offerId === offerId)) return false;
      routing.offers = routing.offers.filter((o) => o.offerId !== offerId);
      return true;
    },
    (job, context) => (event ? [event(job, context)] : []),
    known,
  );
  return result?.document.body;
}

/** OfferRevoked for an offer of `workerId`, about the job as written. */
export const revokedEvent = (offerId: string, workerId: string) => (job: EngineJob, context: EventContext) =>
  offerEvents.ended(context, 'RouterWorkerOfferRevoked', { offerId, workerId }, job);

/**
 * Revokes offers the job no longer has (it was accepted elsewhere, cancelled, changed, deleted):
 * releases each worker's capacity, cancels the expiry timers and records one OfferRevoked each.
 */
export async function revokeFromWorkers(
  ports: RouterPorts,
  job: Pick<EngineJob, 'id' | 'channelReference' | 'channelId' | 'queueId'>,
  offers: readonly Pick<JobOfferRecord, 'offerId' | 'workerId'>[],
  how: OfferEnd = 'revoked',
): Promise<void> {
  const freed = new Map<string, EngineWorker>();
  for (const offer of offers) {
    const worker = await endWorkerOffer(ports, offer.workerId, offer.offerId, how, (context) => offerEvents.ended(context, 'RouterWorkerOfferRevoked', offer, job));
    if (worker) freed.set(worker.id, worker);
    await ports.scheduler.cancel(offerTimerId(offer.offerId));
  }
  for (const worker of freed.values()) await matchWorker(ports, worker);
}

/**
 * The job half of offers a worker gave up (it deregistered, changed, or was deleted): each job drops
 * the offer, with one OfferRevoked, and is matched again. A job that had dropped the offer already
 * reported its end then.
 */
export async function revokeFromJobs(ports: RouterPorts, workerId: string, offers: readonly { offerId: string; jobId: string }[]): Promise<void> {
  const rematch: { queueId: string; jobId: string }[] = [];
  for (const offer of offers) {
    await ports.scheduler.cancel(offerTimerId(offer.offerId));
    const job = await endJobOffer(ports, offer.jobId, offer.offerId, revokedEvent(offer.offerId, workerId));
    if (job?.queueId) rematch.push({ queueId: job.queueId, jobId: job.id });
  }
  if (rematch.length > 0) await ports.matchQueue.enqueue(rematch);
}

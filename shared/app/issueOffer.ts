import type { DistributionMode } from '../domain/model';
import { instantAfter } from '../domain/dueTime';
import type { DistributionPolicy } from '../domain/resources';
import { mismatch, ineligibility } from '../domain/routing/eligibility';
import { offerEvents } from '../domain/routing/routerEvents';
import { isMatchable } from '../domain/routing/routingKeys';
import { jobRouting, type EngineJob, type EngineWorker } from '../domain/routing/routingState';
import { addOffer } from '../domain/routing/workerHoldings';
import { toWireTime } from '../domain/wireTime';
import type { RouterJobOffer } from '../domain/resources';
import type { RouterPorts } from '../ports/RouterPorts';
import type { StoredDocument } from '../ports/Store';
import { mutateDocument } from './mutateDocument';
import { endJobOffer, endWorkerOffer, offerTimerId, revokedEvent } from './offerEnds';
import { jobs, readWorker, workers } from './routingDocuments';
import { timerFor } from './timers/timerKinds';

/** When a policy does not say (the service's documented example uses 60 s). */
export const DEFAULT_OFFER_EXPIRES_AFTER_SECONDS = 60;
const DEFAULT_MODE: DistributionMode = { kind: 'longestIdle', minConcurrentOffers: 1, maxConcurrentOffers: 1, bypassSelectors: false };

export const modeOf = (policy: DistributionPolicy): DistributionMode => policy.mode ?? DEFAULT_MODE;

export type OfferOutcome = 'issued' | 'workerUnfit' | 'jobDone';

export interface OfferResult {
  outcome: OfferOutcome;
  /**
   * The job as this call last wrote or read it, so that the next offer starts from it without a read;
   * absent when the call changed the job again without reading it back (a revoked offer).
   */
  job?: StoredDocument<EngineJob>;
  /** The worker as read after an issued offer (to check it still holds it): its room is known without another read. */
  worker?: EngineWorker;
}

/**
 * Offers a job to a worker in two conditional writes, worker first: capacity is reserved where it is
 * counted, so no interleaving can put a worker over capacity; then the job records the offer, which
 * fails if the job was accepted, cancelled, changed or filled meanwhile, and the reservation is undone.
 * The expiry timer is durable before either write, so a crash between them is repaired at expiry.
 * `read` and `candidate` are the job and the worker as the caller read them: each write starts from
 * its copy (the etag says whether it changed since), and the offer is chosen on them.
 */
export async function issueOffer(ports: RouterPorts, read: StoredDocument<EngineJob>, candidate: StoredDocument<EngineWorker>, policy: DistributionPolicy): Promise<OfferResult> {
  const job = read.body;
  const workerId = candidate.id;
  const mode = modeOf(policy);
  const start = ports.clock.now();
  const offerId = ports.newId();
  const expires = instantAfter(start, policy.offerExpiresAfterSeconds ?? DEFAULT_OFFER_EXPIRES_AFTER_SECONDS);
  const timerId = offerTimerId(offerId);
  await ports.scheduler.schedule(timerFor('offerExpiry', { offerId, jobId: job.id, workerId }, expires));

  let offer: RouterJobOffer | undefined;
  const reserved = await mutateDocument(ports, workers, workerId, (worker, now) => {
    if (ineligibility(job, worker, mode, now) || !job.channelId) return false;
    const cost = worker.channels.find((c) => c.channelId === job.channelId)?.capacityCostPerJob ?? 0;
    offer = { offerId, jobId: job.id, capacityCost: cost, offeredAt: toWireTime(start), expiresAt: toWireTime(expires) };
    addOffer(worker, offer, job.channelId);
    return true;
  }, undefined, candidate);
  if (!reserved?.changed || !offer) {
    await ports.scheduler.cancel(timerId);
    return { outcome: 'workerUnfit', job: read };
  }
  const held = offer;

  const recorded = await mutateDocument(
    ports,
    jobs,
    job.id,
    (fresh, now) => {
      const routing = jobRouting(fresh);
      if (!isMatchable(fresh) || routing.offers.length >= (mode.maxConcurrentOffers ?? 1)) return false;
      if (routing.offers.some((o) => o.workerId === workerId)) return false;
      if (mismatch(fresh, reserved.document.body, mode, now)) return false;
      routing.offers.push({ offerId, workerId, capacityCost: held.capacityCost, offeredAt: held.offeredAt ?? '', expiresAt: held.expiresAt ?? '' });
      return true;
    },
    (fresh, context) => [offerEvents.issued(context, reserved.document.body, fresh, held)],
    read,
  );
  if (!recorded?.changed) {
    await endWorkerOffer(ports, workerId, offerId, 'revoked');
    await ports.scheduler.cancel(timerId);
    return { outcome: 'jobDone', job: recorded?.document };
  }
  // The worker may have dropped the reservation between the two writes (it deregistered, changed, or
  // another of its offers expired): then the job must not keep naming the offer.
  const after = await readWorker(ports, workerId);
  const stillHeld = after?.body.offers.some((o) => o.offerId === offerId) || after?.body.assignedJobs.some((a) => a.jobId === job.id);
  if (!stillHeld) {
    // The offer was issued (and reported) with the job's write: its end is reported too.
    await endJobOffer(ports, job.id, offerId, revokedEvent(offerId, workerId));
    await ports.scheduler.cancel(timerId);
    return { outcome: 'workerUnfit' };
  }
  return { outcome: 'issued', job: recorded.document, worker: after?.body };
}

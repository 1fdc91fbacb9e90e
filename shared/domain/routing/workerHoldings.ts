import type { RouterJobOffer, RouterWorkerAssignment } from '../resources/worker';
import { toWireTime } from '../wireTime';
import { recordEndedOffer, workerRouting, type EngineWorker, type OfferEnd } from './routingState';
import { refreshWorker } from './workerCapacity';

/**
 * The only ways a worker's offers and assignments change. Each keeps `holdings` (the channel of what
 * is held, for `maxNumberOfJobs`), the derived state and load ratio, and `idleSince` in step.
 */

export function addOffer(worker: EngineWorker, offer: RouterJobOffer, channelId: string): void {
  worker.offers.push(offer);
  workerRouting(worker).holdings[offer.offerId] = { jobId: offer.jobId, channelId };
  refreshWorker(worker);
}

/** Removes an open offer; false when the worker does not hold it. */
export function endOffer(worker: EngineWorker, offerId: string, how: OfferEnd, now: Date, assignmentId?: string): boolean {
  const offer = worker.offers.find((o) => o.offerId === offerId);
  if (!offer) return false;
  worker.offers = worker.offers.filter((o) => o.offerId !== offerId);
  const routing = workerRouting(worker);
  delete routing.holdings[offerId];
  recordEndedOffer(worker, { offerId, jobId: offer.jobId, how, assignmentId });
  if (how !== 'accepted') routing.idleSince = toWireTime(now);
  refreshWorker(worker);
  return true;
}

/** Turns an offer into an assignment of the same cost: capacity in use does not change. */
export function acceptHeldOffer(worker: EngineWorker, offerId: string, assignment: Omit<RouterWorkerAssignment, 'capacityCost'>, now: Date): boolean {
  const offer = worker.offers.find((o) => o.offerId === offerId);
  if (!offer) return false;
  const channelId = workerRouting(worker).holdings[offerId]?.channelId ?? '';
  endOffer(worker, offerId, 'accepted', now, assignment.assignmentId);
  worker.assignedJobs.push({ assignmentId: assignment.assignmentId, jobId: assignment.jobId, capacityCost: offer.capacityCost, assignedAt: assignment.assignedAt });
  workerRouting(worker).holdings[assignment.assignmentId] = { jobId: assignment.jobId, channelId };
  refreshWorker(worker);
  return true;
}

/** Releases an assignment's capacity (close, cancel, unassign, delete); false when not held. */
export function releaseAssignment(worker: EngineWorker, assignmentId: string, now: Date): boolean {
  if (!worker.assignedJobs.some((a) => a.assignmentId === assignmentId)) return false;
  worker.assignedJobs = worker.assignedJobs.filter((a) => a.assignmentId !== assignmentId);
  const routing = workerRouting(worker);
  delete routing.holdings[assignmentId];
  routing.endedOffers = routing.endedOffers.filter((e) => e.assignmentId !== assignmentId);
  routing.idleSince = toWireTime(now);
  refreshWorker(worker);
  return true;
}

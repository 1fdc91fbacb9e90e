import { idKeyed } from '../idKeyed';
import type { RouterJob } from '../resources/job';
import type { RouterWorker } from '../resources/worker';

/**
 * Engine-private state kept inside the job and worker documents (so each changes in the same write as
 * the wire fields it goes with). Top-level body keys starting with `_` never reach the wire.
 */

/** An open offer as the job sees it. The worker document holds the same offer with its capacity. */
export interface JobOfferRecord {
  offerId: string;
  workerId: string;
  capacityCost: number;
  offeredAt: string;
  expiresAt: string;
}

export interface JobDecline {
  workerId: string;
  /** When the worker declined: a re-registration after this makes it eligible again. */
  at: string;
  /** Eligible again from this instant (`retryOfferAt`). */
  retryAt?: string;
}

export interface PendingClose {
  assignmentId: string;
  closeAt: string;
  dispositionCode?: string;
  note?: string;
}

export interface JobRouting {
  offers: JobOfferRecord[];
  declines: JobDecline[];
  unassignmentCount: number;
  /** The offer behind the current assignment: lets a repeated accept answer 409 and a crash be repaired. */
  acceptedOfferId?: string;
  pendingClose?: PendingClose;
  /** The time the current assignment was made (statistics). */
  assignedAt?: string;
  /** The queue classification chose (a queueId the caller gave is kept on reclassification, this one is not). */
  classifiedQueueId?: string;
  /** The priority the prioritization rule gave (a caller's own priority wins over the rule). */
  classifiedPriority?: number;
  /** Exception rules that fired for this job, as `<exceptionPolicyId>/<ruleId>`: each fires at most once. */
  firedExceptions?: string[];
}

/** What a worker holds: an offer or an assignment, on one channel, for one job. */
export interface Holding {
  jobId: string;
  channelId: string;
}

export interface WorkerRouting {
  /** Last time the worker registered (availableForOffers false → true). */
  registeredAt?: string;
  /** Since when the worker has been without new work: registration or the last release of capacity. */
  idleSince?: string;
  /** By offerId or assignmentId. */
  holdings: Record<string, Holding>;
  /** The latest offers that ended, newest last (bounded): lets a late accept or decline say what happened. */
  endedOffers: EndedOffer[];
}

export type OfferEnd = 'accepted' | 'acceptedElsewhere' | 'declined' | 'expired' | 'revoked';

export interface EndedOffer {
  offerId: string;
  jobId: string;
  how: OfferEnd;
  assignmentId?: string;
}

const ENDED_OFFERS_KEPT = 20;

export function recordEndedOffer(worker: EngineWorker, ended: EndedOffer): void {
  const list = workerRouting(worker).endedOffers;
  list.push(ended);
  if (list.length > ENDED_OFFERS_KEPT) list.splice(0, list.length - ENDED_OFFERS_KEPT);
}

export type EngineJob = RouterJob & { _routing?: JobRouting };
export type EngineWorker = RouterWorker & { _routing?: WorkerRouting };

/*
 * A body read from a store that hands out frozen snapshots (the in-memory store) cannot take a
 * routing member: readers of such a body get a frozen empty one, so a write through it throws.
 */
const NO_JOB_ROUTING: JobRouting = deepFrozen({ offers: [], declines: [], unassignmentCount: 0 });
const NO_WORKER_ROUTING: WorkerRouting = deepFrozen({ holdings: {}, endedOffers: [] });

function deepFrozen<T extends object>(value: T): T {
  for (const member of Object.values(value)) if (typeof member === 'object' && member !== null) Object.freeze(member);
  return Object.freeze(value);
}

export function jobRouting(job: EngineJob): JobRouting {
  if (job._routing) return job._routing;
  if (!Object.isExtensible(job)) return NO_JOB_ROUTING;
  return (job._routing = { offers: [], declines: [], unassignmentCount: 0 });
}

export function workerRouting(worker: EngineWorker): WorkerRouting {
  if (worker._routing) return worker._routing;
  if (!Object.isExtensible(worker)) return NO_WORKER_ROUTING;
  return (worker._routing = { holdings: idKeyed(), endedOffers: [] });
}

/** A body without its engine-private members: what the wire shows. */
export function wireBody<B extends object>(body: B): B {
  if (!Object.keys(body).some((key) => key.startsWith('_'))) return body;
  return Object.fromEntries(Object.entries(body).filter(([key]) => !key.startsWith('_'))) as B;
}

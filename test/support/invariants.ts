import { withOutboxKey } from '../../shared/app/outbox';
import { isDeepStrictEqual } from 'node:util';
import { JOB_STATUSES, jobResource, workerResource, type DistributionPolicy, type RouterQueue } from '../../shared/domain/resources';
import type { EngineJob, EngineWorker } from '../../shared/domain/routing/routingState';
import type { Timer } from '../../shared/ports/Scheduler';
import type { Collection, Store, StoredDocument } from '../../shared/ports/Store';

/**
 * Routing invariants read straight from the store (the engine's documents, not the wire), for tests
 * that run the engine concurrently. Capacity, holdings and derived fields are recomputed here from the
 * raw bodies on purpose, not with the engine's helpers, so that a bug in those helpers shows up too.
 * Index keys are the exception: they are compared with what the resource definitions derive.
 *
 * Call `findViolations` only when nothing is running (every use case settled, matching idle): offers
 * and assignments span two documents and are legitimately half-written while a use case is in flight.
 */

export type InvariantName =
  | 'job-status-valid'
  | 'job-lost'
  | 'job-single-current-assignment'
  | 'job-completed-has-completedAt'
  | 'assigned-job-held-by-its-worker'
  | 'worker-assignment-refers-to-live-job'
  | 'assignment-held-once'
  | 'worker-capacity'
  | 'worker-channel-max-jobs'
  | 'worker-max-concurrent-offers'
  | 'worker-holdings-consistent'
  | 'worker-derived-fields'
  | 'worker-index-keys'
  | 'job-index-keys'
  | 'worker-offer-refers-to-queued-job'
  | 'job-offer-held-by-worker'
  | 'offer-held-once'
  | 'job-offers-within-mode'
  | 'offer-cost-matches-channel'
  | 'offer-has-expiry-timer'
  | 'pending-close-has-timer'
  | 'pending-close-on-live-assignment'
  | 'offer-past-expiry';

export interface Violation {
  invariant: InvariantName;
  message: string;
}

export interface StoreSnapshot {
  jobs: Map<string, StoredDocument<EngineJob>>;
  workers: Map<string, StoredDocument<EngineWorker>>;
  timers: Map<string, Timer>;
  queues: Map<string, RouterQueue>;
  policies: Map<string, DistributionPolicy>;
}

export interface InvariantOptions {
  /** The clock's time (index keys of jobs depend on it through expiring selectors; expiry checks). */
  now: Date;
  /**
   * Per worker, the assignment ids it held when an update lowered its capacity: a worker may stay
   * above its new capacity, but only with those assignments and no offers.
   */
  grandfathered?: ReadonlyMap<string, ReadonlySet<string>>;
  /** Job ids whose creation was acknowledged. */
  createdJobIds?: Iterable<string>;
  /** Job ids a delete was attempted for (they may be gone). */
  deleteAttempted?: ReadonlySet<string>;
  /** Check that open offers and pending closes have their durable timers (default true). */
  timers?: boolean;
  /** Check that no offer is past its expiry (only right just after every due timer fired). */
  expiriesFired?: boolean;
}

async function readAll<B>(store: Store, collection: Collection): Promise<StoredDocument<B>[]> {
  const page = await store.list<B>(collection, { pageSize: 1_000_000 });
  if (page.hasMore) throw new Error(`invariants: ${collection} has more than a million documents`);
  return page.items;
}

export async function readSnapshot(store: Store): Promise<StoreSnapshot> {
  const byId = <B>(docs: StoredDocument<B>[]) => new Map(docs.map((d) => [d.id, d] as const));
  const bodies = <B>(docs: StoredDocument<B>[]) => new Map(docs.map((d) => [d.id, d.body] as const));
  return {
    jobs: byId(await readAll<EngineJob>(store, 'jobs')),
    workers: byId(await readAll<EngineWorker>(store, 'workers')),
    timers: bodies(await readAll<Timer>(store, 'timers')),
    queues: bodies(await readAll<RouterQueue>(store, 'queues')),
    policies: bodies(await readAll<DistributionPolicy>(store, 'distributionPolicies')),
  };
}

export async function checkInvariants(store: Store, options: InvariantOptions): Promise<Violation[]> {
  return findViolations(await readSnapshot(store), options);
}

const OPEN_STATUSES = new Set(['assigned', 'completed']);
const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);

export function findViolations(snapshot: StoreSnapshot, options: InvariantOptions): Violation[] {
  const out: Violation[] = [];
  const fail = (invariant: InvariantName, message: string) => out.push({ invariant, message });
  const { jobs, workers, timers } = snapshot;
  const checkTimers = options.timers ?? true;

  // Who holds what, across all workers.
  const assignmentHolders = new Map<string, string[]>();
  const offerHolders = new Map<string, string[]>();
  const add = (map: Map<string, string[]>, key: string, value: string) => map.set(key, [...(map.get(key) ?? []), value]);

  for (const { id, body: w, keys } of workers.values()) {
    const routing = w._routing ?? { holdings: {}, endedOffers: [] };
    const used = sum(w.offers.map((o) => o.capacityCost)) + sum(w.assignedJobs.map((a) => a.capacityCost));
    const holding = w.offers.length > 0 || w.assignedJobs.length > 0;

    // Capacity. A worker whose capacity was lowered below what it held keeps those assignments.
    if (used > w.capacity) {
      const kept = options.grandfathered?.get(id) ?? new Set<string>();
      const unexplained = w.assignedJobs.filter((a) => !kept.has(a.assignmentId)).map((a) => a.assignmentId);
      if (w.offers.length > 0 || unexplained.length > 0) {
        fail('worker-capacity', `worker ${id}: uses ${used} of capacity ${w.capacity} (offers ${JSON.stringify(w.offers.map((o) => [o.offerId, o.jobId, o.capacityCost]))}, assignments ${JSON.stringify(w.assignedJobs.map((a) => [a.assignmentId, a.jobId, a.capacityCost]))})`);
      }
    }
    if (w.maxConcurrentOffers !== undefined && w.offers.length > w.maxConcurrentOffers) {
      fail('worker-max-concurrent-offers', `worker ${id}: ${w.offers.length} offers, maxConcurrentOffers ${w.maxConcurrentOffers}`);
    }

    // Holdings (the engine's per-channel ledger) must list exactly the offers and assignments.
    const expectedHoldings = new Map<string, string>();
    for (const o of w.offers) expectedHoldings.set(o.offerId, o.jobId);
    for (const a of w.assignedJobs) expectedHoldings.set(a.assignmentId, a.jobId);
    const actual = new Map(Object.entries(routing.holdings).map(([k, h]) => [k, h.jobId] as const));
    if (!isDeepStrictEqual(new Map([...expectedHoldings].sort()), new Map([...actual].sort()))) {
      fail('worker-holdings-consistent', `worker ${id}: holdings ${JSON.stringify([...actual])} but offers+assignments ${JSON.stringify([...expectedHoldings])}`);
    }
    if (new Set(w.offers.map((o) => o.offerId)).size !== w.offers.length || new Set(w.assignedJobs.map((a) => a.assignmentId)).size !== w.assignedJobs.length) {
      fail('worker-holdings-consistent', `worker ${id}: duplicate offer or assignment ids`);
    }
    const heldJobs = [...w.offers.map((o) => o.jobId), ...w.assignedJobs.map((a) => a.jobId)];
    if (new Set(heldJobs).size !== heldJobs.length) fail('worker-holdings-consistent', `worker ${id}: holds one job more than once: ${JSON.stringify(heldJobs)}`);

    // Per channel maxNumberOfJobs; the channel of a holding is its job's channel (the ledger's as fallback).
    const channelOf = (heldId: string, jobId: string) => jobs.get(jobId)?.body.channelId ?? routing.holdings[heldId]?.channelId;
    for (const channel of w.channels) {
      if (channel.maxNumberOfJobs === undefined) continue;
      const onChannel = [...w.offers.map((o) => channelOf(o.offerId, o.jobId)), ...w.assignedJobs.map((a) => channelOf(a.assignmentId, a.jobId))].filter((c) => c === channel.channelId).length;
      if (onChannel > channel.maxNumberOfJobs) fail('worker-channel-max-jobs', `worker ${id}: ${onChannel} jobs on channel ${channel.channelId}, maxNumberOfJobs ${channel.maxNumberOfJobs}`);
    }

    // Fields derived from holdings.
    const state = w.availableForOffers ? 'active' : holding ? 'draining' : 'inactive';
    const loadRatio = w.capacity > 0 ? Math.min(1, used / w.capacity) : holding ? 1 : 0;
    if (w.state !== state || Math.abs(w.loadRatio - loadRatio) > 1e-9) {
      fail('worker-derived-fields', `worker ${id}: state ${w.state} loadRatio ${w.loadRatio}, expected ${state} ${loadRatio}`);
    }
    const expectedKeys = withOutboxKey(workerResource.indexKeys(w, options.now), w);
    if (!isDeepStrictEqual(normaliseKeys(keys), normaliseKeys(expectedKeys))) {
      fail('worker-index-keys', `worker ${id}: stored index keys ${JSON.stringify(keys)} differ from its body's ${JSON.stringify(expectedKeys)}`);
    }

    for (const offer of w.offers) {
      add(offerHolders, offer.offerId, id);
      const job = jobs.get(offer.jobId)?.body;
      const record = job?._routing?.offers.find((o) => o.offerId === offer.offerId);
      if (!job || job.status !== 'queued' || !record || record.workerId !== id) {
        fail('worker-offer-refers-to-queued-job', `worker ${id} holds offer ${offer.offerId} for job ${offer.jobId}, which ${!job ? 'does not exist' : `is ${job.status} and ${record ? `lists it for worker ${record.workerId}` : `does not list it (its offers: ${JSON.stringify(job._routing?.offers.map((o) => [o.offerId, o.workerId]) ?? [])})`}`}`);
      }
      const channel = job?.channelId ? w.channels.find((c) => c.channelId === job.channelId) : undefined;
      if (job && channel && channel.capacityCostPerJob !== offer.capacityCost) fail('offer-cost-matches-channel', `worker ${id} offer ${offer.offerId}: cost ${offer.capacityCost}, channel ${channel.channelId} costs ${channel.capacityCostPerJob}`);
      if (record && record.capacityCost !== offer.capacityCost) fail('offer-cost-matches-channel', `offer ${offer.offerId}: worker says cost ${offer.capacityCost}, job says ${record.capacityCost}`);
      if (checkTimers && !timers.has(`offerExpiry:${offer.offerId}`)) fail('offer-has-expiry-timer', `worker ${id} holds offer ${offer.offerId} (job ${offer.jobId}) with no offerExpiry timer: nothing will ever release it`);
      if (options.expiriesFired && offer.expiresAt && Date.parse(offer.expiresAt) <= options.now.getTime()) fail('offer-past-expiry', `worker ${id} still holds offer ${offer.offerId} that expired at ${offer.expiresAt}`);
    }

    for (const held of w.assignedJobs) {
      add(assignmentHolders, held.assignmentId, id);
      const job = jobs.get(held.jobId)?.body;
      const assignment = job?.assignments[held.assignmentId];
      if (!job || !OPEN_STATUSES.has(job.status) || !assignment || assignment.workerId !== id || assignment.closedAt !== undefined) {
        fail('worker-assignment-refers-to-live-job', `worker ${id} holds assignment ${held.assignmentId} of job ${held.jobId} (capacity ${held.capacityCost}), but the job ${!job ? 'does not exist' : `is ${job.status}${assignment ? ` and the assignment is ${JSON.stringify(assignment)}` : ' and has no such assignment'}`}`);
      }
    }
  }

  for (const [offerId, holders] of offerHolders) if (holders.length > 1) fail('offer-held-once', `offer ${offerId} is held by workers ${holders.join(', ')}`);
  for (const [assignmentId, holders] of assignmentHolders) if (holders.length > 1) fail('assignment-held-once', `assignment ${assignmentId} is held by workers ${holders.join(', ')}`);

  const statuses = new Set<string>(JOB_STATUSES);
  for (const { id, body: job, keys } of jobs.values()) {
    if (!statuses.has(job.status)) fail('job-status-valid', `job ${id}: status ${String(job.status)} is not an API status`);
    const routing = job._routing ?? { offers: [], declines: [], unassignmentCount: 0 };

    // Assignments.
    const open = Object.values(job.assignments).filter((a) => a.closedAt === undefined);
    if (OPEN_STATUSES.has(job.status)) {
      if (open.length !== 1) {
        fail('job-single-current-assignment', `job ${id} is ${job.status} with ${open.length} open assignments: ${JSON.stringify(job.assignments)}`);
      }
      for (const assignment of open) {
        const holders = [...workers.values()].filter((w) => w.body.assignedJobs.some((a) => a.jobId === id));
        const exact = holders.filter((w) => w.id === assignment.workerId && w.body.assignedJobs.some((a) => a.assignmentId === assignment.assignmentId));
        if (holders.length !== 1 || exact.length !== 1) {
          fail('assigned-job-held-by-its-worker', `job ${id} is ${job.status}, assignment ${assignment.assignmentId} to worker ${assignment.workerId ?? '?'}; workers holding the job: ${JSON.stringify(holders.map((w) => [w.id, w.body.assignedJobs.filter((a) => a.jobId === id).map((a) => a.assignmentId)]))}${exact.length === 0 ? `; worker ${assignment.workerId ?? '?'} has offers ${JSON.stringify(workers.get(assignment.workerId ?? '')?.body.offers.filter((o) => o.jobId === id).map((o) => o.offerId) ?? [])}` : ''}`);
        }
      }
      if (job.status === 'completed' && open.some((a) => a.completedAt === undefined)) fail('job-completed-has-completedAt', `job ${id} is completed but its assignment has no completedAt`);
    } else if (job.status === 'queued' || job.status === 'waitingForActivation') {
      if (open.length > 0) fail('job-single-current-assignment', `job ${id} is ${job.status} but has open assignments ${JSON.stringify(open)}`);
    }

    // Offers.
    if (routing.offers.length > 0 && (job.status !== 'queued' || job.matchingMode.kind !== 'queueAndMatch')) {
      fail('job-offer-held-by-worker', `job ${id} is ${job.status}/${job.matchingMode.kind} but lists open offers ${JSON.stringify(routing.offers.map((o) => [o.offerId, o.workerId]))}`);
    }
    const queue = job.queueId ? snapshot.queues.get(job.queueId) : undefined;
    const policy = queue?.distributionPolicyId ? snapshot.policies.get(queue.distributionPolicyId) : undefined;
    const max = policy?.mode?.maxConcurrentOffers ?? 1;
    if (routing.offers.length > max) fail('job-offers-within-mode', `job ${id} has ${routing.offers.length} open offers, maxConcurrentOffers ${max}`);
    if (new Set(routing.offers.map((o) => o.workerId)).size !== routing.offers.length) fail('job-offers-within-mode', `job ${id} has two offers to one worker: ${JSON.stringify(routing.offers.map((o) => [o.offerId, o.workerId]))}`);
    for (const offer of routing.offers) {
      const worker = workers.get(offer.workerId)?.body;
      const held = worker?.offers.find((o) => o.offerId === offer.offerId);
      if (!held || held.jobId !== id) {
        fail('job-offer-held-by-worker', `job ${id} (${job.status}) lists offer ${offer.offerId} to worker ${offer.workerId}, which ${!worker ? 'does not exist' : `does not hold it (worker offers ${JSON.stringify(worker.offers.map((o) => [o.offerId, o.jobId]))}, ended ${JSON.stringify(worker._routing?.endedOffers.filter((e) => e.offerId === offer.offerId) ?? [])}, available ${String(worker.availableForOffers)})`}${checkTimers ? `; expiry timer ${timers.has(`offerExpiry:${offer.offerId}`) ? 'present' : 'absent'}` : ''}`);
      }
      if (checkTimers && !timers.has(`offerExpiry:${offer.offerId}`)) fail('offer-has-expiry-timer', `job ${id} lists offer ${offer.offerId} to worker ${offer.workerId} with no offerExpiry timer: it will occupy one of the job's offer slots for ever`);
      if (options.expiriesFired && Date.parse(offer.expiresAt) <= options.now.getTime()) fail('offer-past-expiry', `job ${id} still lists offer ${offer.offerId} that expired at ${offer.expiresAt}`);
    }

    // Pending close.
    const pending = routing.pendingClose;
    if (pending) {
      const assignment = job.assignments[pending.assignmentId];
      if (!OPEN_STATUSES.has(job.status) || !assignment || assignment.closedAt !== undefined) fail('pending-close-on-live-assignment', `job ${id} is ${job.status} with a pending close of ${pending.assignmentId}: ${JSON.stringify(assignment)}`);
      const timer = timers.get(`settle:${id}:${pending.assignmentId}`);
      if (checkTimers && !timer) fail('pending-close-has-timer', `job ${id} has a pending close at ${pending.closeAt} but no settle timer: it will never close`);
      if (checkTimers && timer && Date.parse(timer.dueAt) > Date.parse(pending.closeAt)) fail('pending-close-has-timer', `job ${id} has a pending close at ${pending.closeAt} but its settle timer is due only at ${timer.dueAt}: it will close late`);
    }

    const expectedKeys = withOutboxKey(jobResource.indexKeys(job, options.now), job);
    if (!isDeepStrictEqual(normaliseKeys(keys), normaliseKeys(expectedKeys))) {
      fail('job-index-keys', `job ${id}: stored index keys ${JSON.stringify(keys)} differ from its body's ${JSON.stringify(expectedKeys)}`);
    }
  }

  if (options.createdJobIds) {
    for (const id of options.createdJobIds) {
      if (!jobs.has(id) && !options.deleteAttempted?.has(id)) fail('job-lost', `job ${id} was created and never deleted, but is gone`);
    }
  }
  return out;
}

/** Index keys as the store keeps them: undefined members dropped, arrays as sorted sets. */
function normaliseKeys(keys: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(keys)) {
    if (value === undefined) continue;
    out[key] = Array.isArray(value) ? [...new Set(value.map((v) => JSON.stringify(v)))].sort() : value;
  }
  return out;
}

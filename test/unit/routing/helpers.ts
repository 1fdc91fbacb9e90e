import type { LabelOperator, LabelValue, WorkerInput } from '../../../shared/domain/model';
import type { RouterJob, StoredWorkerSelector } from '../../../shared/domain/resources/job';
import type { RouterJobOffer } from '../../../shared/domain/resources/worker';
import { workerResource } from '../../../shared/domain/resources/worker';
import type { EngineJob, EngineWorker } from '../../../shared/domain/routing/routingState';
import { workerRouting } from '../../../shared/domain/routing/routingState';
import { stateOf, usedCapacity } from '../../../shared/domain/routing/workerCapacity';

/** A fixed instant every test measures from: nothing here reads the clock. */
export const T0 = new Date('2024-01-01T00:00:00.000Z');
export const MINUTE = 60_000;
export const at = (ms: number) => new Date(T0.getTime() + ms);

const noIds = () => {
  throw new Error('building a worker should not need new ids');
};

/** A worker body as the resource definition builds it (registered at `now` when available). */
export function makeWorker(input: WorkerInput, id = 'w1', now: Date = T0): EngineWorker {
  return workerResource.build(input, { id, now, newId: noIds });
}

/** The same worker after an update (e.g. deregistering or registering again) at `now`. */
export function updateWorker(existing: EngineWorker, input: WorkerInput, now: Date): EngineWorker {
  return workerResource.build(input, { id: existing.id, existing, now, newId: noIds });
}

export function offer(offerId: string, jobId: string, capacityCost: number): RouterJobOffer {
  return { offerId, jobId, capacityCost, offeredAt: '2024-01-01T00:00:00+00:00', expiresAt: '2024-01-01T00:05:00+00:00' };
}

export function selector(key: string, labelOperator: LabelOperator, value?: LabelValue, extra: Partial<StoredWorkerSelector> = {}): StoredWorkerSelector {
  const s: StoredWorkerSelector = { expedite: false, status: 'active', key, labelOperator, ...extra };
  if (value !== undefined) s.value = value;
  return s;
}

/** A queued job waiting for offers on queue q1, channel voice; override anything. */
export function makeJob(overrides: Partial<EngineJob> = {}): EngineJob {
  const job: RouterJob = {
    id: 'j1',
    channelReference: 'ref-1',
    status: 'queued',
    enqueuedAt: '2024-01-01T00:00:00+00:00',
    channelId: 'voice',
    queueId: 'q1',
    priority: 1,
    requestedWorkerSelectors: [],
    attachedWorkerSelectors: [],
    labels: {},
    assignments: {},
    tags: {},
    notes: [],
    matchingMode: { kind: 'queueAndMatch' },
  };
  return { ...job, ...overrides };
}

/** Asserts the invariants the holdings functions promise to keep after every change. */
export function expectConsistent(worker: EngineWorker): void {
  const routing = workerRouting(worker);
  const held = [...worker.offers.map((o) => o.offerId), ...worker.assignedJobs.map((a) => a.assignmentId)].sort();
  expect(Object.keys(routing.holdings).sort()).toEqual(held);
  for (const o of worker.offers) expect(routing.holdings[o.offerId]?.jobId).toBe(o.jobId);
  for (const a of worker.assignedJobs) expect(routing.holdings[a.assignmentId]?.jobId).toBe(a.jobId);
  const expectedLoad = worker.capacity > 0 ? Math.min(1, usedCapacity(worker) / worker.capacity) : held.length > 0 ? 1 : 0;
  expect(worker.loadRatio).toBeCloseTo(expectedLoad, 12);
  expect(worker.state).toBe(stateOf(worker.availableForOffers, held.length > 0));
  expect(routing.endedOffers.length).toBeLessThanOrEqual(20);
}

import type { EngineJob, EngineWorker } from '../../../shared/domain/routing/routingState';
import { jobRouting, workerRouting } from '../../../shared/domain/routing/routingState';
import {
  JOB_ASSIGNED_AT,
  JOB_MATCH_ORDER,
  JOB_QUEUED_SINCE,
  jobRoutingKeys,
  prefixRange,
  SEP,
  WORKER_IDLE_ORDER,
  WORKER_OFFERABLE,
  workerRoutingKeys,
  type KeyRange,
} from '../../../shared/domain/routing/routingKeys';
import { acceptHeldOffer, addOffer } from '../../../shared/domain/routing/workerHoldings';
import type { WorkerInput } from '../../../shared/domain/model';
import { at, makeJob, makeWorker, MINUTE, offer, selector, updateWorker } from './helpers';

const NOW = at(60 * MINUTE);
const inRange = (key: string, range: KeyRange) => key >= range.from && key < range.to;

function matchOrder(job: EngineJob, now: Date = NOW): string {
  const key = jobRoutingKeys(job, now)[JOB_MATCH_ORDER];
  if (typeof key !== 'string') throw new Error(`job ${job.id} has no match order key`);
  return key;
}

const enqueued = (minute: number) => `2024-01-01T00:${String(minute).padStart(2, '0')}:00+00:00`;

describe('jobRoutingKeys: matchOrder', () => {
  it('orders expedited jobs first, then higher priority, then earlier enqueued, then id', () => {
    const jobs = [
      makeJob({ id: 'p1-late', priority: 1, enqueuedAt: enqueued(30) }),
      makeJob({ id: 'p1-early', priority: 1, enqueuedAt: enqueued(10) }),
      makeJob({ id: 'p100', priority: 100, enqueuedAt: enqueued(50) }),
      makeJob({ id: 'p-100', priority: -100, enqueuedAt: enqueued(0) }),
      makeJob({ id: 'p10', priority: 10, enqueuedAt: enqueued(59) }),
      makeJob({ id: 'p0', priority: 0, enqueuedAt: enqueued(1) }),
      makeJob({ id: 'p-5', priority: -5, enqueuedAt: enqueued(1) }),
      makeJob({ id: 'exp-low', priority: -100, enqueuedAt: enqueued(55), requestedWorkerSelectors: [selector('x', 'equal', 1, { expedite: true })] }),
      makeJob({ id: 'exp-high', priority: 50, enqueuedAt: enqueued(58), attachedWorkerSelectors: [selector('x', 'equal', 1, { expedite: true })] }),
      makeJob({ id: 'p1-late-b', priority: 1, enqueuedAt: enqueued(30) }),
    ];
    const sorted = [...jobs].sort((a, b) => (matchOrder(a) < matchOrder(b) ? -1 : matchOrder(a) > matchOrder(b) ? 1 : 0));
    expect(sorted.map((j) => j.id)).toEqual(['exp-high', 'exp-low', 'p100', 'p10', 'p1-early', 'p1-late', 'p1-late-b', 'p0', 'p-5', 'p-100']);
  });

  it('starts with the queue id and the separator', () => {
    expect(matchOrder(makeJob({ queueId: 'sales' })).startsWith(`sales${SEP}`)).toBe(true);
  });

  it('an expedite selector counts only while it is active', () => {
    const job = makeJob({ id: 'e', priority: 1, requestedWorkerSelectors: [selector('x', 'equal', 1, { expedite: true, expiresAt: '2024-01-01T01:00:00+00:00' })] });
    const plain = makeJob({ id: 'a', priority: 1, enqueuedAt: '2023-12-31T00:00:00+00:00' });
    expect(matchOrder(job, at(60 * MINUTE - 1)) < matchOrder(plain)).toBe(true);
    expect(matchOrder(job, at(60 * MINUTE)) > matchOrder(plain)).toBe(true);
    const markedExpired = makeJob({ id: 'm', requestedWorkerSelectors: [selector('x', 'equal', 1, { expedite: true, status: 'expired' })] });
    expect(matchOrder(markedExpired) > matchOrder(plain)).toBe(true);
  });

  it('compares enqueue times at millisecond precision whatever their spelling', () => {
    const a = makeJob({ id: 'b', enqueuedAt: '2024-01-01T00:00:00.5+00:00' });
    const b = makeJob({ id: 'a', enqueuedAt: '2024-01-01T00:00:00.6Z' });
    const c = makeJob({ id: 'c', enqueuedAt: '2024-01-01T00:00:00.4000001+00:00' });
    expect([matchOrder(a), matchOrder(b), matchOrder(c)].sort()).toEqual([matchOrder(c), matchOrder(a), matchOrder(b)]);
  });

  it('gives queuedSince (queue, then enqueue time) alongside', () => {
    const keys = jobRoutingKeys(makeJob({ queueId: 'q1', enqueuedAt: '2024-01-01T00:05:00+00:00' }), NOW);
    expect(keys[JOB_QUEUED_SINCE]).toBe(`q1${SEP}2024-01-01T00:05:00.000Z`);
  });

  it.each([
    ['assigned', makeJob({ status: 'assigned' })],
    ['pendingClassification', makeJob({ status: 'pendingClassification' })],
    ['waitingForActivation', makeJob({ status: 'waitingForActivation', matchingMode: { kind: 'suspend' } })],
    ['queued but suspended', makeJob({ matchingMode: { kind: 'suspend' } })],
    ['queued but scheduled', makeJob({ matchingMode: { kind: 'scheduleAndSuspend', scheduleAt: '2024-01-02T00:00:00+00:00' } })],
    ['closed', makeJob({ status: 'closed' })],
  ])('has no match order or queuedSince key when %s', (_what, job) => {
    const keys = jobRoutingKeys(job, NOW);
    expect(keys).not.toHaveProperty(JOB_MATCH_ORDER);
    expect(keys).not.toHaveProperty(JOB_QUEUED_SINCE);
  });

  it('a job without a queue has no routing keys at all', () => {
    const job = makeJob({ queueId: undefined });
    jobRouting(job).assignedAt = '2024-01-01T00:30:00+00:00';
    expect(jobRoutingKeys(job, NOW)).toEqual({});
  });

  it('an assigned job is keyed by the time of its assignment', () => {
    const job = makeJob({ id: 'j7', status: 'assigned', queueId: 'q1' });
    expect(jobRoutingKeys(job, NOW)).toEqual({});
    jobRouting(job).assignedAt = '2024-01-01T00:30:00+00:00';
    expect(jobRoutingKeys(job, NOW)).toEqual({ [JOB_ASSIGNED_AT]: `q1${SEP}2024-01-01T00:30:00.000Z${SEP}j7` });
  });
});

describe('workerRoutingKeys: offerable', () => {
  const INPUT: WorkerInput = {
    availableForOffers: true,
    capacity: 100,
    queues: ['q1', 'q2'],
    channels: [
      { channelId: 'voice', capacityCostPerJob: 100 },
      { channelId: 'chat', capacityCostPerJob: 20 },
    ],
  };
  const offerable = (worker: EngineWorker) => workerRoutingKeys(worker)[WORKER_OFFERABLE];

  it('lists every queue × channel pair of an active worker with room', () => {
    expect(offerable(makeWorker(INPUT))).toEqual([`q1${SEP}voice`, `q1${SEP}chat`, `q2${SEP}voice`, `q2${SEP}chat`]);
  });

  it('lists only the channels that still have room', () => {
    const worker = makeWorker(INPUT);
    addOffer(worker, offer('o1', 'j1', 20), 'chat');
    expect(offerable(worker)).toEqual([`q1${SEP}chat`, `q2${SEP}chat`]);
  });

  it('has no keys for a worker that is full', () => {
    const worker = makeWorker(INPUT);
    addOffer(worker, offer('o1', 'j1', 100), 'voice');
    expect(workerRoutingKeys(worker)).toEqual({});
  });

  it('has no keys for an inactive or draining worker, room or not', () => {
    expect(workerRoutingKeys(makeWorker({ ...INPUT, availableForOffers: false }))).toEqual({});
    const holding = makeWorker(INPUT);
    addOffer(holding, offer('o1', 'j1', 20), 'chat');
    acceptHeldOffer(holding, 'o1', { assignmentId: 'a1', jobId: 'j1', assignedAt: '2024-01-01T00:01:00+00:00' }, at(MINUTE));
    const draining = updateWorker(holding, { ...INPUT, availableForOffers: false }, at(2 * MINUTE));
    expect(draining.state).toBe('draining');
    expect(workerRoutingKeys(draining)).toEqual({});
  });

  it('has no offerable pairs for a worker without queues or channels', () => {
    expect(offerable(makeWorker({ ...INPUT, queues: [] })) ?? []).toEqual([]);
    expect(workerRoutingKeys(makeWorker({ ...INPUT, queues: [] }))[WORKER_IDLE_ORDER] ?? []).toEqual([]);
    expect(workerRoutingKeys(makeWorker({ ...INPUT, channels: [] }))).toEqual({});
  });
});

describe('workerRoutingKeys: idleOrder', () => {
  /** The documented longest-idle example, registered `idleMinutes` before NOW with `load`% used. */
  function idleWorker(id: string, load: number, idleMinutes: number): EngineWorker {
    const worker = makeWorker({ availableForOffers: true, capacity: 100, queues: ['q1'], channels: [{ channelId: 'voice', capacityCostPerJob: 1 }] }, id, at(60 * MINUTE - idleMinutes * MINUTE));
    if (load > 0) addOffer(worker, offer(`o-${id}`, `j-${id}`, load), 'voice');
    return worker;
  }

  it('sorts the workers of one queue × channel in longest-idle order: D, C, A, B', () => {
    const workers = [idleWorker('A', 60, 5), idleWorker('B', 75, 3), idleWorker('C', 60, 7), idleWorker('D', 0, 2)];
    const entries = workers.map((w) => {
      const keys = workerRoutingKeys(w)[WORKER_IDLE_ORDER] as string[];
      expect(keys).toHaveLength(1);
      return { id: w.id, key: keys[0]! };
    });
    const range = prefixRange('q1', 'voice');
    for (const e of entries) expect(inRange(e.key, range)).toBe(true);
    expect(entries.sort((a, b) => (a.key < b.key ? -1 : 1)).map((e) => e.id)).toEqual(['D', 'C', 'A', 'B']);
  });

  it('spells the key as queue, channel, load (6 decimals) and idle time, then worker id', () => {
    const worker = idleWorker('w9', 25, 4);
    expect(workerRouting(worker).idleSince).toBe('2024-01-01T00:56:00+00:00');
    expect(workerRoutingKeys(worker)[WORKER_IDLE_ORDER]).toEqual([`q1${SEP}voice${SEP}0.2500002024-01-01T00:56:00.000Z${SEP}w9`]);
  });
});

describe('prefixRange', () => {
  const queues = ['a', 'a b', 'ab', 'a-', 'b', 'a a'];

  it('contains every key of its queue and no key of another queue (a, "a b", ab, …)', () => {
    const keysByQueue = new Map(queues.map((q) => [q, [`${q}${SEP}`, `${q}${SEP}0`, `${q}${SEP}1099${SEP}zzz`, `${q}${SEP}\uffff`, `${q}${SEP}${SEP}`]]));
    for (const queue of queues) {
      const range = prefixRange(queue);
      for (const [other, keys] of keysByQueue) {
        for (const key of keys) expect({ queue, key, inRange: inRange(key, range) }).toEqual({ queue, key, inRange: other === queue });
      }
    }
  });

  it('contains the real match order keys of its queue only', () => {
    const keys = queues.map((q) => ({ q, key: matchOrder(makeJob({ id: `job-${q}`, queueId: q })) }));
    for (const queue of queues) {
      expect(keys.filter((k) => inRange(k.key, prefixRange(queue))).map((k) => k.q)).toEqual([queue]);
    }
  });

  it('with a channel, contains that queue × channel pair only', () => {
    const pairs: Array<[string, string]> = [
      ['a', 'chat'],
      ['a', 'chat b'],
      ['a', 'chatx'],
      ['a b', 'chat'],
      ['ab', 'chat'],
    ];
    const workers = pairs.map(([q, c], i) => makeWorker({ availableForOffers: true, capacity: 10, queues: [q], channels: [{ channelId: c, capacityCostPerJob: 1 }] }, `w${i}`));
    for (const [i, [q, c]] of pairs.entries()) {
      const range = prefixRange(q, c);
      const inside = workers.filter((w) => (workerRoutingKeys(w)[WORKER_IDLE_ORDER] as string[]).some((k) => inRange(k, range)));
      expect(inside.map((w) => w.id)).toEqual([`w${i}`]);
    }
  });

  it('joins the parts with the separator', () => {
    expect(prefixRange('q', 'c')).toEqual({ from: `q${SEP}c${SEP}`, to: `q${SEP}c\u0020` });
  });
});

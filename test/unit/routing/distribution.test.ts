import type { Labels } from '../../../shared/domain/model';
import { byLongestIdle, byScore, defaultWorkerScore } from '../../../shared/domain/routing/distribution';
import type { EngineWorker } from '../../../shared/domain/routing/routingState';
import { workerRouting } from '../../../shared/domain/routing/routingState';
import { acceptHeldOffer, addOffer } from '../../../shared/domain/routing/workerHoldings';
import { at, makeJob, makeWorker, MINUTE, offer, selector } from './helpers';

const sigma = (x: number) => 1 / (1 + Math.exp(-x));
const NOW = at(60 * MINUTE);

const labelled = (id: string, labels: Labels) => makeWorker({ availableForOffers: true, capacity: 1, queues: ['q1'], channels: [{ channelId: 'voice', capacityCostPerJob: 1 }], labels }, id);

/** A worker registered `idleMinutes` before NOW that holds an assignment of `load`% of its capacity. */
function idleWorker(id: string, load: number, idleMinutes: number): EngineWorker {
  const worker = makeWorker({ availableForOffers: true, capacity: 100, queues: ['q1'], channels: [{ channelId: 'voice', capacityCostPerJob: 1 }] }, id, at(60 * MINUTE - idleMinutes * MINUTE));
  if (load > 0) {
    addOffer(worker, offer(`o-${id}`, `j-${id}`, load), 'voice');
    acceptHeldOffer(worker, `o-${id}`, { assignmentId: `a-${id}`, jobId: `j-${id}`, assignedAt: '2024-01-01T00:59:00+00:00' }, NOW);
  }
  return worker;
}

const ids = (workers: EngineWorker[]) => workers.map((w) => w.id);

describe('defaultWorkerScore: label scoring (no selectors)', () => {
  const job = makeJob({ labels: { language: 'english', department: 'sales' } });

  it('reproduces the documented example: A = 1, B = 0.5, C = 0.5', () => {
    const a = labelled('A', { language: 'english', department: 'sales' });
    const b = labelled('B', { language: 'english' });
    const c = labelled('C', { language: 'english', department: 'support' });
    expect(defaultWorkerScore(job, a, NOW)).toBe(1);
    expect(defaultWorkerScore(job, b, NOW)).toBe(0.5);
    expect(defaultWorkerScore(job, c, NOW)).toBe(0.5);
  });

  it('ignores worker labels the job does not have', () => {
    const worker = labelled('X', { language: 'english', department: 'sales', shift: 'night', level: 9 });
    expect(defaultWorkerScore(job, worker, NOW)).toBe(1);
  });

  it('scores 0 when no label is shared, and 0 for a job without labels', () => {
    expect(defaultWorkerScore(job, labelled('X', { language: 'french' }), NOW)).toBe(0);
    expect(defaultWorkerScore(makeJob(), labelled('Y', { language: 'english' }), NOW)).toBe(0);
  });

  it('compares value and type: 5 is not "5", true is not "true"', () => {
    const typed = makeJob({ labels: { level: 5, vip: true } });
    expect(defaultWorkerScore(typed, labelled('X', { level: '5', vip: 'true' }), NOW)).toBe(0);
    expect(defaultWorkerScore(typed, labelled('Y', { level: 5, vip: 'true' }), NOW)).toBe(0.5);
    expect(defaultWorkerScore(typed, labelled('Z', { level: 5, vip: true }), NOW)).toBe(1);
  });
});

describe('defaultWorkerScore: selector scoring', () => {
  const job = makeJob({
    requestedWorkerSelectors: [
      selector('language', 'equal', 'french'),
      selector('sales', 'greaterThanOrEqual', 10),
      selector('cost', 'lessThanOrEqual', 10),
    ],
  });
  const G = labelled('G', { language: 'french', sales: 10, cost: 10 });
  const H = labelled('H', { language: 'french', sales: 15, cost: 10 });
  const I = labelled('I', { language: 'french', sales: 10, cost: 9 });

  it('reproduces the documented example: G ≈ 0.667, H ≈ 0.707, I ≈ 0.675', () => {
    const g = defaultWorkerScore(job, G, NOW);
    const h = defaultWorkerScore(job, H, NOW);
    const i = defaultWorkerScore(job, I, NOW);
    expect(g).toBeCloseTo((1 + 0.5 + 0.5) / 3, 12);
    expect(h).toBeCloseTo((1 + sigma(0.5) + 0.5) / 3, 12);
    expect(i).toBeCloseTo((1 + 0.5 + sigma(0.1)) / 3, 12);
    expect(g).toBeCloseTo(0.667, 3);
    expect(h).toBeCloseTo(0.707, 3); // 0.70749…
    expect(i).toBeCloseTo(0.675, 3);
  });

  it('ranks the documented example H, I, G (best first)', () => {
    const scores = new Map([G, H, I].map((w) => [w.id, defaultWorkerScore(job, w, NOW)]));
    expect(ids([G, H, I].sort(byScore(scores, true)))).toEqual(['H', 'I', 'G']);
  });

  it('an unsatisfied selector adds 0, a missing label too', () => {
    const lowSales = labelled('L', { language: 'french', sales: 9, cost: 10 });
    expect(defaultWorkerScore(job, lowSales, NOW)).toBeCloseTo((1 + 0 + 0.5) / 3, 12);
    const noCost = labelled('N', { language: 'french', sales: 10 });
    expect(defaultWorkerScore(job, noCost, NOW)).toBeCloseTo((1 + 0.5 + 0) / 3, 12);
  });

  it('the ordering operators score the relative margin: strict ones too, and lessThan mirrors greaterThan', () => {
    const strict = makeJob({ requestedWorkerSelectors: [selector('sales', 'greaterThan', 10)] });
    expect(defaultWorkerScore(strict, labelled('X', { sales: 12 }), NOW)).toBeCloseTo(sigma(0.2), 12);
    const below = makeJob({ requestedWorkerSelectors: [selector('wait', 'lessThan', 20)] });
    expect(defaultWorkerScore(below, labelled('Y', { wait: 5 }), NOW)).toBeCloseTo(sigma(0.75), 12);
  });

  it('a zero threshold uses the absolute margin; a negative threshold scales by its magnitude', () => {
    const zero = makeJob({ requestedWorkerSelectors: [selector('balance', 'greaterThanOrEqual', 0)] });
    expect(defaultWorkerScore(zero, labelled('X', { balance: 2 }), NOW)).toBeCloseTo(sigma(2), 12);
    const negative = makeJob({ requestedWorkerSelectors: [selector('t', 'greaterThan', -4)] });
    expect(defaultWorkerScore(negative, labelled('Y', { t: -2 }), NOW)).toBeCloseTo(sigma(0.5), 12);
  });

  it('satisfied notEqual and string comparisons score 1', () => {
    const s = makeJob({ requestedWorkerSelectors: [selector('language', 'notEqual', 'german'), selector('tier', 'greaterThan', 'b')] });
    expect(defaultWorkerScore(s, labelled('X', { language: 'french', tier: 'c' }), NOW)).toBe(1);
  });

  it('counts attached selectors together with requested ones', () => {
    const both = makeJob({ requestedWorkerSelectors: [selector('language', 'equal', 'french')], attachedWorkerSelectors: [selector('vip', 'equal', true)] });
    expect(defaultWorkerScore(both, labelled('X', { language: 'french' }), NOW)).toBe(0.5);
  });

  it('selectors win over labels when both are present', () => {
    const mixed = makeJob({ labels: { language: 'english' }, requestedWorkerSelectors: [selector('language', 'equal', 'french')] });
    expect(defaultWorkerScore(mixed, labelled('X', { language: 'english' }), NOW)).toBe(0);
    expect(defaultWorkerScore(mixed, labelled('Y', { language: 'french' }), NOW)).toBe(1);
  });

  it('falls back to label scoring once every selector has expired', () => {
    const expiring = makeJob({
      labels: { language: 'english' },
      requestedWorkerSelectors: [selector('language', 'equal', 'french', { expiresAt: '2024-01-01T01:00:00+00:00' })],
    });
    const english = labelled('X', { language: 'english' });
    expect(defaultWorkerScore(expiring, english, at(60 * MINUTE - 1))).toBe(0);
    expect(defaultWorkerScore(expiring, english, at(60 * MINUTE))).toBe(1);
  });
});

describe('byLongestIdle', () => {
  it('reproduces the documented example: A (0.6, 5 min), B (0.75, 3 min), C (0.6, 7 min), D (0, 2 min) → D, C, A, B', () => {
    const A = idleWorker('A', 60, 5);
    const B = idleWorker('B', 75, 3);
    const C = idleWorker('C', 60, 7);
    const D = idleWorker('D', 0, 2);
    expect([A.loadRatio, B.loadRatio, C.loadRatio, D.loadRatio]).toEqual([0.6, 0.75, 0.6, 0]);
    expect(workerRouting(C).idleSince).toBe('2024-01-01T00:53:00+00:00');
    expect(ids([A, B, C, D].sort(byLongestIdle))).toEqual(['D', 'C', 'A', 'B']);
    expect(ids([D, C, B, A].sort(byLongestIdle))).toEqual(['D', 'C', 'A', 'B']);
  });

  it('the load ratio comes before the idle time', () => {
    const busyButLongIdle = idleWorker('X', 10, 50);
    const freeJustNow = idleWorker('Y', 0, 0);
    expect(ids([busyButLongIdle, freeJustNow].sort(byLongestIdle))).toEqual(['Y', 'X']);
  });

  it('compares idle times at millisecond precision from the wire format', () => {
    const a = idleWorker('a', 0, 5);
    const b = idleWorker('b', 0, 5);
    workerRouting(a).idleSince = '2024-01-01T00:55:00.0021+00:00';
    workerRouting(b).idleSince = '2024-01-01T00:55:00.001+00:00';
    expect(ids([a, b].sort(byLongestIdle))).toEqual(['b', 'a']);
  });

  it('breaks full ties by worker id', () => {
    const workers = ['w3', 'w1', 'w2'].map((id) => idleWorker(id, 20, 4));
    expect(ids(workers.sort(byLongestIdle))).toEqual(['w1', 'w2', 'w3']);
    expect(byLongestIdle(workers[0]!, workers[0]!)).toBe(0);
  });
});

describe('byScore', () => {
  const scores = new Map([
    ['low', 0.2],
    ['mid', 0.5],
    ['high', 0.9],
  ]);
  const plain = (id: string) => idleWorker(id, 0, 1);

  it('descending: highest score first', () => {
    expect(ids(['mid', 'low', 'high'].map(plain).sort(byScore(scores, true)))).toEqual(['high', 'mid', 'low']);
  });

  it('ascending: lowest score first', () => {
    expect(ids(['mid', 'low', 'high'].map(plain).sort(byScore(scores, false)))).toEqual(['low', 'mid', 'high']);
  });

  it('breaks ties by longest idle (load, then idle time, then id) in both directions', () => {
    const tied = new Map([
      ['A', 0.5],
      ['B', 0.5],
      ['C', 0.5],
      ['D', 0.5],
      ['top', 0.9],
    ]);
    const workers = [idleWorker('A', 60, 5), idleWorker('B', 75, 3), idleWorker('C', 60, 7), idleWorker('D', 0, 2), idleWorker('top', 90, 0)];
    expect(ids([...workers].sort(byScore(tied, true)))).toEqual(['top', 'D', 'C', 'A', 'B']);
    expect(ids([...workers].sort(byScore(tied, false)))).toEqual(['D', 'C', 'A', 'B', 'top']);
  });

  it('descending: a worker without a score comes after every scored worker', () => {
    const workers = ['unscored', 'low', 'high'].map(plain);
    expect(ids(workers.sort(byScore(scores, true)))).toEqual(['high', 'low', 'unscored']);
  });

  // A batch scoring rule may leave a worker out of its result: that worker must not win in either order.
  it('ascending: a worker without a score comes after every scored worker', () => {
    const workers = ['unscored', 'low', 'high'].map(plain);
    expect(ids(workers.sort(byScore(scores, false)))).toEqual(['low', 'high', 'unscored']);
  });
});

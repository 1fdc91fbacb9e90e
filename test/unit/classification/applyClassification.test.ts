import { applyClassification, failClassification, targetQueueId } from '../../../shared/domain/classification/applyClassification';
import type { EngineJob } from '../../../shared/domain/routing/routingState';
import { expireDueSelectors } from '../../../shared/domain/routing/selectors';

const NOW = new Date('2026-01-05T09:00:00Z');

const pending = (overrides: Partial<EngineJob> = {}): EngineJob => ({
  id: 'j',
  status: 'pendingClassification',
  channelId: 'voice',
  classificationPolicyId: 'cp',
  priority: 1,
  requestedWorkerSelectors: [],
  attachedWorkerSelectors: [],
  labels: {},
  assignments: {},
  tags: {},
  notes: [],
  matchingMode: { kind: 'queueAndMatch' },
  ...overrides,
});

describe('where a classified job goes', () => {
  it('the caller own queue wins over the selectors and the fallback', () => {
    expect(targetQueueId(pending({ queueId: 'mine' }), 'chosen', 'fallback')).toBe('mine');
  });

  it('without an own queue: the selectors choice, then the fallback, then nothing', () => {
    expect(targetQueueId(pending(), 'chosen', 'fallback')).toBe('chosen');
    expect(targetQueueId(pending(), undefined, 'fallback')).toBe('fallback');
    expect(targetQueueId(pending(), undefined, undefined)).toBeUndefined();
  });

  it('a queue classification chose earlier is chosen again on reclassification', () => {
    const job = pending({ queueId: 'old', _routing: { offers: [], declines: [], unassignmentCount: 0, classifiedQueueId: 'old' } });
    expect(targetQueueId(job, 'new', 'fallback')).toBe('new');
  });
});

describe('applying a classification', () => {
  it('queues the job with the rule priority and the attached selectors (with expiresAt)', () => {
    const job = pending();
    applyClassification(job, { queueSelectors: [], workerSelectors: [{ key: 'Skill', labelOperator: 'equal', value: 'vip', expiresAfterSeconds: 5 }], priority: 10 }, 'vip', NOW);
    expect(job).toMatchObject({ status: 'queued', queueId: 'vip', priority: 10, enqueuedAt: '2026-01-05T09:00:00+00:00' });
    expect(job.attachedWorkerSelectors).toEqual([{ expedite: false, status: 'active', key: 'Skill', labelOperator: 'equal', value: 'vip', expiresAfterSeconds: 5, expiresAt: '2026-01-05T09:00:05+00:00' }]);
    expect(job._routing).toMatchObject({ classifiedQueueId: 'vip', classifiedPriority: 10 });
  });

  it('keeps a priority the caller set, and a Blank rule result keeps the default', () => {
    const own = pending({ priority: 25 });
    applyClassification(own, { queueSelectors: [], workerSelectors: [], priority: 10 }, 'q', NOW);
    expect(own.priority).toBe(25);
    const blank = pending();
    applyClassification(blank, { queueSelectors: [], workerSelectors: [] }, 'q', NOW);
    expect(blank.priority).toBe(1);
  });

  it('a job classified into the queue it was in keeps its enqueue time', () => {
    const job = pending({ queueId: 'q', enqueuedAt: '2026-01-05T08:00:00+00:00' });
    applyClassification(job, { queueSelectors: [], workerSelectors: [] }, 'q', NOW);
    expect(job.enqueuedAt).toBe('2026-01-05T08:00:00+00:00');
  });

  it('a failure leaves classificationFailed with the reason in a note', () => {
    const job = pending();
    failClassification(job, 'no queue matched', NOW);
    expect(job).toMatchObject({ status: 'classificationFailed', notes: [{ message: 'Classification failed: no queue matched', addedAt: '2026-01-05T09:00:00+00:00' }] });
  });
});

describe('selector expiry marks', () => {
  it('marks only selectors whose expiresAt has come, and answers them', () => {
    const selectors = [
      { expedite: false, status: 'active' as const, key: 'a', labelOperator: 'equal' as const, value: 1, expiresAt: '2026-01-05T09:00:00+00:00' },
      { expedite: false, status: 'active' as const, key: 'b', labelOperator: 'equal' as const, value: 1, expiresAt: '2026-01-05T09:00:01+00:00' },
      { expedite: false, status: 'active' as const, key: 'c', labelOperator: 'equal' as const, value: 1 },
    ];
    expect(expireDueSelectors(selectors, NOW).map((s) => s.key)).toEqual(['a']);
    expect(selectors.map((s) => s.status)).toEqual(['expired', 'active', 'active']);
    expect(expireDueSelectors(selectors, NOW)).toEqual([]);
  });
});

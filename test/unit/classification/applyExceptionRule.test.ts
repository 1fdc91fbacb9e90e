import { applyExceptionRule, hasFired } from '../../../shared/domain/exceptions/applyExceptionRule';
import type { ExceptionRule } from '../../../shared/domain/model';
import type { EngineJob } from '../../../shared/domain/routing/routingState';

const NOW = new Date('2026-01-05T09:10:00Z');

const queuedJob = (): EngineJob => ({
  id: 'j',
  status: 'queued',
  enqueuedAt: '2026-01-05T09:00:00+00:00',
  channelId: 'voice',
  queueId: 'q',
  priority: 1,
  requestedWorkerSelectors: [],
  attachedWorkerSelectors: [],
  labels: { Tier: 1 },
  assignments: {},
  tags: {},
  notes: [],
  matchingMode: { kind: 'queueAndMatch' },
  _routing: { offers: [{ offerId: 'o', workerId: 'w', capacityCost: 1, offeredAt: '', expiresAt: '' }], declines: [], unassignmentCount: 0, classifiedQueueId: 'q' },
});

const rule = (actions: ExceptionRule['actions']): ExceptionRule => ({ id: 'r1', trigger: { kind: 'waitTime', thresholdSeconds: 60 }, actions });

describe('exception rule actions on a job', () => {
  it('records the rule as fired (per policy and rule) and drops the offers', () => {
    const job = queuedJob();
    applyExceptionRule(job, 'ep', rule([{ kind: 'manualReclassify', priority: 5 }]), NOW);
    expect(hasFired(job, 'ep', 'r1')).toBe(true);
    expect(hasFired(job, 'other', 'r1')).toBe(false);
    expect(job._routing?.offers).toEqual([]);
  });

  it('cancel: cancelled with the disposition code (default Cancelled) and note; later actions do not run', () => {
    const job = queuedJob();
    const effect = applyExceptionRule(job, 'ep', rule([{ kind: 'cancel', note: 'waited too long' }, { kind: 'manualReclassify', queueId: 'other' }]), NOW);
    expect(effect).toBe('cancelled');
    expect(job).toMatchObject({ status: 'cancelled', dispositionCode: 'Cancelled', queueId: 'q', notes: [{ message: 'waited too long', addedAt: '2026-01-05T09:10:00+00:00' }] });
  });

  it('manualReclassify: new queue (at its end), priority and selectors; the queue is then the job own', () => {
    const job = queuedJob();
    const effect = applyExceptionRule(job, 'ep', rule([{ kind: 'manualReclassify', queueId: 'overflow', priority: 10, workerSelectors: [{ key: 'Senior', labelOperator: 'equal', value: true }] }]), NOW);
    expect(effect).toBe('requeued');
    expect(job).toMatchObject({ status: 'queued', queueId: 'overflow', priority: 10, enqueuedAt: '2026-01-05T09:10:00+00:00' });
    expect(job.attachedWorkerSelectors).toEqual([{ expedite: false, status: 'active', key: 'Senior', labelOperator: 'equal', value: true }]);
    expect(job._routing?.classifiedQueueId).toBeUndefined();
  });

  it('manualReclassify to the same queue keeps the job place', () => {
    const job = queuedJob();
    applyExceptionRule(job, 'ep', rule([{ kind: 'manualReclassify', queueId: 'q', priority: 3 }]), NOW);
    expect(job.enqueuedAt).toBe('2026-01-05T09:00:00+00:00');
  });

  it('reclassify: labels upserted, policy replaced, job waits for classification', () => {
    const job = { ...queuedJob(), classificationPolicyId: 'cp1' };
    const effect = applyExceptionRule(job, 'ep', rule([{ kind: 'reclassify', classificationPolicyId: 'cp2', labelsToUpsert: { Escalated: true } }]), NOW);
    expect(effect).toBe('reclassify');
    expect(job).toMatchObject({ status: 'pendingClassification', classificationPolicyId: 'cp2', labels: { Tier: 1, Escalated: true } });
  });

  it('reclassify without any policy only upserts the labels and re-queues the job', () => {
    const job = queuedJob();
    expect(applyExceptionRule(job, 'ep', rule([{ kind: 'reclassify', labelsToUpsert: { Escalated: true } }]), NOW)).toBe('requeued');
    expect(job).toMatchObject({ status: 'queued', labels: { Tier: 1, Escalated: true } });
  });
});

import type { RouterEvent } from '../../shared/ports/EventPublisher';
import { startTestRouter } from '../support/embeddedRouter';
import { recordedEvents } from '../support/recordedEvents';
import { newSignableTestClock, SECOND } from '../support/routingFixtures';
import { patch } from '../support/signedClient';
import type { TestClock } from '../support/testClock';

/**
 * Classification through the real signing client (docs/behaviour.md#classification): a policy
 * routes VIP jobs (a Power Fx condition on a label) to the VIP queue with priority 10 and a skill
 * selector that expires; other jobs fall back to the general queue. Classification runs on a durable
 * timer due at once: tests fire due timers with `runDue()` and wait for matching with `idle()`.
 */

type Router = Awaited<ReturnType<typeof startTestRouter>>;
let router: Router;
let clock: TestClock;

const VIP_POLICY = {
  name: 'vip routing',
  fallbackQueueId: 'general',
  queueSelectorAttachments: [{ kind: 'conditional', condition: { kind: 'expression', expression: 'job.VIP = true' }, queueSelectors: [{ key: 'Tier', labelOperator: 'equal', value: 'vip' }] }],
  prioritizationRule: { kind: 'expression', expression: 'If(job.VIP = true, 10, Blank())' },
  workerSelectorAttachments: [
    { kind: 'conditional', condition: { kind: 'expression', expression: 'job.VIP = true' }, workerSelectors: [{ key: 'VipSkill', labelOperator: 'equal', value: true, expiresAfterSeconds: 5 }] },
  ],
};

beforeEach(async () => {
  clock = newSignableTestClock();
  router = await startTestRouter({ clock });
  const ok = async (path: string, body: unknown) => expect((await patch(router.client, path, body)).status).toBe('201');
  await ok('/routing/distributionPolicies/dp', { offerExpiresAfterSeconds: 600, mode: { kind: 'longestIdle' } });
  await ok('/routing/queues/general', { distributionPolicyId: 'dp', labels: { Tier: 'standard' } });
  await ok('/routing/queues/vip', { distributionPolicyId: 'dp', labels: { Tier: 'vip' } });
  await ok('/routing/classificationPolicies/cp', VIP_POLICY);
});

afterEach(async () => {
  await router.close();
});

const get = async (path: string) => (await router.client.pathUnchecked(path).get()).body;
const post = (path: string) => router.client.pathUnchecked(path).post();
/** Fires what is due (classification, expiries) and lets matching finish. */
const settle = async () => {
  await router.engine.scheduler.runDue();
  await router.engine.idle();
};
const eventsOf = async (jobId: string, type?: string): Promise<RouterEvent[]> =>
  (await recordedEvents(router.store)).filter((e) => e.data['jobId'] === jobId && (type === undefined || e.type === type));

async function createJob(id: string, body: Record<string, unknown>) {
  const response = await patch(router.client, `/routing/jobs/${id}`, { channelId: 'voice', ...body });
  expect(response.status).toBe('201');
  return response.body;
}

async function createWorker(id: string, labels: Record<string, unknown> = {}) {
  const body = { capacity: 1, queues: ['general', 'vip'], channels: [{ channelId: 'voice', capacityCostPerJob: 1 }], availableForOffers: true, labels };
  expect((await patch(router.client, `/routing/workers/${id}`, body)).status).toBe('201');
}

const offersOf = async (workerId: string) => ((await get(`/routing/workers/${workerId}`)).offers as { jobId: string }[]).map((o) => o.jobId);

describe('classification policies', () => {
  it('answers pendingClassification, then queues the job where the policy says (RouterJobClassified, RouterJobQueued)', async () => {
    const created = await createJob('vip-1', { classificationPolicyId: 'cp', labels: { VIP: true } });
    expect(created).toMatchObject({ status: 'pendingClassification', priority: 1, attachedWorkerSelectors: [] });
    expect(created.enqueuedAt).toBeUndefined();
    await settle();

    const job = await get('/routing/jobs/vip-1');
    expect(job).toMatchObject({ status: 'queued', queueId: 'vip', priority: 10 });
    expect(job.enqueuedAt).toEqual(expect.any(String));
    const expiresAt = new Date(clock.now().getTime() + 5 * SECOND).toISOString().replace(/\.?0*Z$/, '+00:00');
    expect(job.attachedWorkerSelectors).toEqual([{ expedite: false, status: 'active', key: 'VipSkill', labelOperator: 'equal', value: true, expiresAfterSeconds: 5, expiresAt }]);

    const [classified] = await eventsOf('vip-1', 'RouterJobClassified');
    expect(classified?.subject).toBe('job/vip-1/channel/voice/queue/vip');
    expect(classified?.data).toMatchObject({ classificationPolicyId: 'cp', priority: 10, queueDetails: { id: 'vip', labels: { Tier: 'vip', Id: 'vip' } } });
    expect((classified?.data['attachedWorkerSelectors'] as unknown[])[0]).toMatchObject({ key: 'VipSkill', labelOperator: 'Equal', ttlSeconds: 5, state: 'active' });
    expect(await eventsOf('vip-1', 'RouterJobQueued')).toHaveLength(1);
  });

  it('a job without the VIP label falls back to the general queue with the default priority and no selectors', async () => {
    await createJob('plain-1', { classificationPolicyId: 'cp', labels: { VIP: false } });
    await settle();
    expect(await get('/routing/jobs/plain-1')).toMatchObject({ status: 'queued', queueId: 'general', priority: 1, attachedWorkerSelectors: [] });
  });

  it('the attached selector expires: marked expired, RouterJobWorkerSelectorsExpired, and the job is offered to a worker without the skill', async () => {
    await createWorker('plain-worker');
    await createJob('vip-2', { classificationPolicyId: 'cp', labels: { VIP: true } });
    await settle();
    expect(await offersOf('plain-worker')).toEqual([]);

    clock.advance(4 * SECOND);
    await settle();
    expect((await get('/routing/jobs/vip-2')).attachedWorkerSelectors[0].status).toBe('active');
    expect(await offersOf('plain-worker')).toEqual([]);

    clock.advance(1 * SECOND);
    await settle();
    expect((await get('/routing/jobs/vip-2')).attachedWorkerSelectors[0].status).toBe('expired');
    const [expired] = await eventsOf('vip-2', 'RouterJobWorkerSelectorsExpired');
    expect(expired?.subject).toBe('job/vip-2/channel/voice/queue/vip');
    expect(expired?.data['expiredRequestedWorkerSelectors']).toEqual([]);
    expect(expired?.data['expiredAttachedWorkerSelectors']).toEqual([expect.objectContaining({ key: 'VipSkill', state: 'expired' })]);
    expect(await offersOf('plain-worker')).toEqual(['vip-2']);
  });

  it('a worker with the skill gets the VIP job at once', async () => {
    await createWorker('vip-worker', { VipSkill: true });
    await createJob('vip-3', { classificationPolicyId: 'cp', labels: { VIP: true } });
    await settle();
    expect(await offersOf('vip-worker')).toEqual(['vip-3']);
  });

  it('a queue and priority the caller gives win; the policy still attaches its selectors', async () => {
    await createJob('own', { classificationPolicyId: 'cp', queueId: 'general', priority: 5, labels: { VIP: true } });
    await settle();
    const job = await get('/routing/jobs/own');
    expect(job).toMatchObject({ status: 'queued', queueId: 'general', priority: 5 });
    expect(job.attachedWorkerSelectors.map((s: { key: string }) => s.key)).toEqual(['VipSkill']);
  });

  it('classificationFailed with the reason (note and event) when no queue can be found', async () => {
    expect((await patch(router.client, '/routing/classificationPolicies/strict', { queueSelectorAttachments: [{ kind: 'static', queueSelector: { key: 'Tier', labelOperator: 'equal', value: 'gold' } }] })).status).toBe('201');
    await createJob('lost', { classificationPolicyId: 'strict' });
    await settle();
    const job = await get('/routing/jobs/lost');
    expect(job.status).toBe('classificationFailed');
    expect(job.notes).toEqual([{ message: 'Classification failed: no queue matched the queue selectors and the policy has no fallbackQueueId', addedAt: expect.any(String) }]);
    const [failed] = await eventsOf('lost', 'RouterJobClassificationFailed');
    expect(failed?.subject).toBe('job/lost/channel/voice/classificationpolicy/strict');
    expect(failed?.data['errors']).toEqual([{ code: 'ClassificationFailed', message: 'no queue matched the queue selectors and the policy has no fallbackQueueId', target: 'strict' }]);
    expect(await eventsOf('lost', 'RouterJobQueued')).toEqual([]);
  });

  it('a job that failed classification is classified again once the caller gives it a queue', async () => {
    expect((await patch(router.client, '/routing/classificationPolicies/strict', { queueSelectorAttachments: [{ kind: 'static', queueSelector: { key: 'Tier', labelOperator: 'equal', value: 'gold' } }] })).status).toBe('201');
    await createJob('rescued', { classificationPolicyId: 'strict' });
    await settle();
    expect((await get('/routing/jobs/rescued')).status).toBe('classificationFailed');
    expect((await patch(router.client, '/routing/jobs/rescued', { queueId: 'general' })).body.status).toBe('pendingClassification');
    await settle();
    expect(await get('/routing/jobs/rescued')).toMatchObject({ status: 'queued', queueId: 'general' });
  });

  it('a prioritization rule out of range fails the classification with its reason; the router keeps serving', async () => {
    expect((await patch(router.client, '/routing/classificationPolicies/wild', { fallbackQueueId: 'general', prioritizationRule: { kind: 'expression', expression: 'job.Boost * 100' } })).status).toBe('201');
    await createJob('wild', { classificationPolicyId: 'wild', labels: { Boost: 3 } });
    await createJob('tame', { classificationPolicyId: 'wild', labels: { Boost: 0.5 } });
    await settle();
    expect(await get('/routing/jobs/wild')).toMatchObject({
      status: 'classificationFailed',
      notes: [{ message: 'Classification failed: prioritizationRule: the prioritization rule returned 300; a priority must be between -100 and 100' }],
    });
    expect(await get('/routing/jobs/tame')).toMatchObject({ status: 'queued', priority: 50 });
  });

  it('a rule failing at run time (a text label compared as a number) fails the classification, never the request', async () => {
    expect((await patch(router.client, '/routing/classificationPolicies/typed', { fallbackQueueId: 'general', prioritizationRule: { kind: 'expression', expression: 'If(job.Tier > 2, 10, 1)' } })).status).toBe('201');
    await createJob('typed', { classificationPolicyId: 'typed', labels: { Tier: 'gold' } });
    await settle();
    const job = await get('/routing/jobs/typed');
    expect(job.status).toBe('classificationFailed');
    expect(job.notes[0].message).toMatch(/^Classification failed: prioritizationRule: the expression failed/);
  });

  it('new labels classify the job again under its policy (RouterJobQueued again)', async () => {
    await createJob('grow', { classificationPolicyId: 'cp', labels: { VIP: false } });
    await settle();
    expect((await get('/routing/jobs/grow')).queueId).toBe('general');
    const updated = await patch(router.client, '/routing/jobs/grow', { labels: { VIP: true } });
    expect(updated.body.status).toBe('pendingClassification');
    await settle();
    expect(await get('/routing/jobs/grow')).toMatchObject({ status: 'queued', queueId: 'vip', priority: 10 });
    expect(await eventsOf('grow', 'RouterJobQueued')).toHaveLength(2);
  });

  it(':reclassify runs the current policy again: 200 {} and the job follows the changed policy', async () => {
    await createJob('re', { classificationPolicyId: 'cp', labels: { VIP: false } });
    await settle();
    expect((await get('/routing/jobs/re')).queueId).toBe('general');
    expect((await patch(router.client, '/routing/classificationPolicies/cp', { fallbackQueueId: 'vip' })).status).toBe('200');

    const response = await post('/routing/jobs/re:reclassify');
    expect(response.status).toBe('200');
    expect(response.body).toEqual({});
    await settle();
    expect(await get('/routing/jobs/re')).toMatchObject({ status: 'queued', queueId: 'vip' });
    expect(await eventsOf('re', 'RouterJobClassified')).toHaveLength(2);
  });

  it(':reclassify keeps the job place when its queue stays the same', async () => {
    await createJob('same', { classificationPolicyId: 'cp', labels: { VIP: true } });
    await settle();
    const before = await get('/routing/jobs/same');
    clock.advance(2 * SECOND);
    expect((await post('/routing/jobs/same:reclassify')).status).toBe('200');
    await settle();
    const after = await get('/routing/jobs/same');
    expect(after).toMatchObject({ status: 'queued', queueId: 'vip', enqueuedAt: before.enqueuedAt });
  });

  it(':reclassify refuses a job without a policy (400), a cancelled job (409) and an unknown job (404)', async () => {
    await createJob('direct', { queueId: 'general' });
    const noPolicy = await post('/routing/jobs/direct:reclassify');
    expect(noPolicy.status).toBe('400');
    expect(noPolicy.body.communicationError.message).toContain('has no classificationPolicyId');
    await createJob('gone', { classificationPolicyId: 'cp' });
    expect((await post('/routing/jobs/gone:cancel')).status).toBe('200');
    expect((await post('/routing/jobs/gone:reclassify')).status).toBe('409');
    expect((await post('/routing/jobs/nope:reclassify')).status).toBe('404');
  });

  it('expedite puts the job first in its queue while the selector is active', async () => {
    await createJob('first', { queueId: 'general' });
    clock.advance(SECOND);
    await createJob('urgent', { queueId: 'general', requestedWorkerSelectors: [{ key: 'Any', labelOperator: 'notEqual', value: 'x', expedite: true, expiresAfterSeconds: 10 }] });
    expect((await get('/routing/jobs/urgent/position')).position).toBe(1);
    clock.advance(10 * SECOND);
    await settle();
    expect((await get('/routing/jobs/urgent')).requestedWorkerSelectors[0].status).toBe('expired');
    expect((await get('/routing/jobs/urgent/position')).position).toBe(2);
    const [expired] = await eventsOf('urgent', 'RouterJobWorkerSelectorsExpired');
    expect(expired?.data['expiredRequestedWorkerSelectors']).toEqual([expect.objectContaining({ key: 'Any', state: 'expired' })]);
  });
});

describe('queue selection reads the label index', () => {
  it('an equal selector finds its queue through the label index, and a queue stored without that index (an older data file) is still found', async () => {
    const vip = await router.store.get('queues', 'vip');
    expect(vip?.keys['label']).toEqual(expect.arrayContaining(['Tier\u001fstring:vip', 'Id\u001fstring:vip']));
    // The queue as a data file written before the index existed holds it: no label key.
    const { label: _dropped, ...older } = vip?.keys ?? {};
    await router.store.replace({ collection: 'queues', id: 'vip', lastModified: vip?.lastModified ?? '', body: vip?.body ?? {}, keys: older }, vip?.etag ?? '');
    await createJob('old-index', { classificationPolicyId: 'cp', labels: { VIP: true } });
    await settle();
    expect(await get('/routing/jobs/old-index')).toMatchObject({ status: 'queued', queueId: 'vip' });
    // A number label does not select a queue labelled with the same digits as text.
    await patch(router.client, '/routing/queues/digits', { distributionPolicyId: 'dp', labels: { Tier: '5' } });
    await patch(router.client, '/routing/classificationPolicies/numeric', { fallbackQueueId: 'general', queueSelectorAttachments: [{ kind: 'static', queueSelector: { key: 'Tier', labelOperator: 'equal', value: 5 } }] });
    await createJob('numeric', { classificationPolicyId: 'numeric' });
    await settle();
    expect(await get('/routing/jobs/numeric')).toMatchObject({ status: 'queued', queueId: 'general' });
  });
});

import type { RouterEvent } from '../../shared/ports/EventPublisher';
import { startTestRouter } from '../support/embeddedRouter';
import { recordedEvents } from '../support/recordedEvents';
import { newSignableTestClock, SECOND } from '../support/routingFixtures';
import { patch } from '../support/signedClient';
import type { TestClock } from '../support/testClock';

/**
 * Exception policies on queues through the real signing client (docs/behaviour.md#exception-policies,
 * #exception-actions): a wait-time rule moves jobs that waited too long to an overflow queue, a
 * queue-length rule cancels a job joining a long queue, a reclassify action re-runs a policy with new
 * labels; each rule fires once per job with RouterJobExceptionTriggered.
 */

type Router = Awaited<ReturnType<typeof startTestRouter>>;
let router: Router;
let clock: TestClock;

const ok = async (path: string, body: unknown, status = '201') => {
  const response = await patch(router.client, path, body);
  expect(response.status).toBe(status);
  return response.body;
};

beforeEach(async () => {
  clock = newSignableTestClock();
  router = await startTestRouter({ clock });
  await ok('/routing/distributionPolicies/dp', { offerExpiresAfterSeconds: 600, mode: { kind: 'longestIdle' } });
  await ok('/routing/exceptionPolicies/escalate', {
    exceptionRules: [{ id: 'waitedTooLong', trigger: { kind: 'waitTime', thresholdSeconds: 60 }, actions: [{ kind: 'manualReclassify', queueId: 'overflow', priority: 10 }] }],
  });
  await ok('/routing/exceptionPolicies/limit', {
    exceptionRules: [{ id: 'queueFull', trigger: { kind: 'queueLength', threshold: 1 }, actions: [{ kind: 'cancel', note: 'queue full', dispositionCode: 'QueueFull' }] }],
  });
  await ok('/routing/queues/main', { distributionPolicyId: 'dp', exceptionPolicyId: 'escalate' });
  // The overflow queue has the same policy: the rule must still not fire a second time.
  await ok('/routing/queues/overflow', { distributionPolicyId: 'dp', exceptionPolicyId: 'escalate' });
  await ok('/routing/queues/small', { distributionPolicyId: 'dp', exceptionPolicyId: 'limit' });
});

afterEach(async () => {
  await router.close();
});

const get = async (path: string) => (await router.client.pathUnchecked(path).get()).body;
const settle = async () => {
  await router.engine.scheduler.runDue();
  await router.engine.idle();
};
const eventsOf = async (jobId: string, type: string): Promise<RouterEvent[]> => (await recordedEvents(router.store)).filter((e) => e.data['jobId'] === jobId && e.type === type);
const createJob = (id: string, body: Record<string, unknown>) => ok(`/routing/jobs/${id}`, { channelId: 'voice', ...body });

describe('exception policies', () => {
  it('generates an id for every action that has none (docs/behaviour.md#defaults)', async () => {
    const policy = await get('/routing/exceptionPolicies/escalate');
    expect(policy.exceptionRules[0].actions[0]).toEqual({ kind: 'manualReclassify', queueId: 'overflow', priority: 10, id: expect.stringMatching(/^[0-9a-f-]{36}$/) });
  });

  it('waitTime: a job that waits past the threshold moves to the overflow queue with priority 10, once', async () => {
    await ok('/routing/workers/overflow-worker', { capacity: 1, queues: ['overflow'], channels: [{ channelId: 'voice', capacityCostPerJob: 1 }], availableForOffers: true });
    await createJob('waits', { queueId: 'main' });
    clock.advance(59 * SECOND);
    await settle();
    expect(await get('/routing/jobs/waits')).toMatchObject({ queueId: 'main', priority: 1 });

    clock.advance(1 * SECOND);
    await settle();
    const job = await get('/routing/jobs/waits');
    expect(job).toMatchObject({ status: 'queued', queueId: 'overflow', priority: 10 });
    const [triggered] = await eventsOf('waits', 'RouterJobExceptionTriggered');
    expect(triggered?.subject).toBe('job/waits/channel/voice/exceptionrule/waitedTooLong');
    expect(triggered?.data).toMatchObject({ ruleKey: 'waitedTooLong', exceptionRuleId: 'waitedTooLong', queueId: 'overflow' });
    const queued = await eventsOf('waits', 'RouterJobQueued');
    expect(queued.map((e) => e.data['queueId']).sort()).toEqual(['main', 'overflow']);
    expect((await get('/routing/workers/overflow-worker')).offers.map((o: { jobId: string }) => o.jobId)).toEqual(['waits']);

    clock.advance(120 * SECOND);
    await settle();
    expect(await eventsOf('waits', 'RouterJobExceptionTriggered')).toHaveLength(1);
  });

  it('waitTime does not fire for a job that was assigned before the threshold', async () => {
    await ok('/routing/workers/main-worker', { capacity: 1, queues: ['main'], channels: [{ channelId: 'voice', capacityCostPerJob: 1 }], availableForOffers: true });
    await createJob('served', { queueId: 'main' });
    await router.engine.idle();
    const [offer] = (await get('/routing/workers/main-worker')).offers as { offerId: string }[];
    expect((await router.client.pathUnchecked(`/routing/workers/main-worker/offers/${offer!.offerId}:accept`).post()).status).toBe('200');
    clock.advance(61 * SECOND);
    await settle();
    expect(await get('/routing/jobs/served')).toMatchObject({ status: 'assigned', queueId: 'main' });
    expect(await eventsOf('served', 'RouterJobExceptionTriggered')).toEqual([]);
  });

  it('queueLength: a job joining a queue with more jobs ahead than the threshold is cancelled', async () => {
    await createJob('first', { queueId: 'small' });
    await createJob('second', { queueId: 'small' });
    await createJob('third', { queueId: 'small' });
    await settle();
    expect((await get('/routing/jobs/first')).status).toBe('queued');
    expect((await get('/routing/jobs/second')).status).toBe('queued');
    const third = await get('/routing/jobs/third');
    expect(third).toMatchObject({ status: 'cancelled', dispositionCode: 'QueueFull', notes: [{ message: 'queue full' }] });
    expect((await eventsOf('third', 'RouterJobExceptionTriggered'))[0]?.data).toMatchObject({ ruleKey: 'queueFull' });
    expect((await eventsOf('third', 'RouterJobCancelled'))[0]?.data).toMatchObject({ dispositionCode: 'QueueFull', note: 'queue full' });
    expect(await eventsOf('second', 'RouterJobExceptionTriggered')).toEqual([]);
  });

  it('reclassify: labels upserted and the classification policy applied again', async () => {
    await ok('/routing/exceptionPolicies/relabel', {
      exceptionRules: [{ id: 'escalate', trigger: { kind: 'waitTime', thresholdSeconds: 30 }, actions: [{ kind: 'reclassify', classificationPolicyId: 'cp', labelsToUpsert: { Escalated: true } }] }],
    });
    await ok('/routing/queues/calm', { distributionPolicyId: 'dp', exceptionPolicyId: 'relabel' });
    await ok('/routing/classificationPolicies/cp', { fallbackQueueId: 'calm', prioritizationRule: { kind: 'expression', expression: 'If(job.Escalated = true, 10, 1)' } });
    await createJob('slow', { classificationPolicyId: 'cp', labels: { Region: 'EU' } });
    await settle();
    expect(await get('/routing/jobs/slow')).toMatchObject({ status: 'queued', queueId: 'calm', priority: 1 });

    clock.advance(30 * SECOND);
    await settle();
    expect(await get('/routing/jobs/slow')).toMatchObject({ status: 'queued', queueId: 'calm', priority: 10, labels: { Region: 'EU', Escalated: true } });
    expect(await eventsOf('slow', 'RouterJobExceptionTriggered')).toHaveLength(1);
    expect(await eventsOf('slow', 'RouterJobClassified')).toHaveLength(2);
  });
});

import type { RouterEvent } from '../../shared/ports/EventPublisher';
import { startTestRouter } from '../support/embeddedRouter';
import { recordedEvents } from '../support/recordedEvents';
import { newSignableTestClock, MINUTE, SECOND } from '../support/routingFixtures';
import { patch } from '../support/signedClient';
import type { TestClock } from '../support/testClock';

/**
 * Matching modes through the real signing client (docs/behaviour.md#scheduled-jobs-and-matching-modes):
 * a scheduleAndSuspend job is pendingSchedule, then scheduled; at scheduleAt it waits for activation
 * (RouterJobWaitingForActivation); a PATCH to queueAndMatch queues it and it is assigned. A scheduleAt
 * already past cannot be scheduled (scheduleFailed, RouterJobSchedulingFailed).
 */

type Router = Awaited<ReturnType<typeof startTestRouter>>;
let router: Router;
let clock: TestClock;

const wire = (ms: number) => new Date(ms).toISOString().replace(/\.?0*Z$/, '+00:00');

beforeEach(async () => {
  clock = newSignableTestClock();
  router = await startTestRouter({ clock });
  expect((await patch(router.client, '/routing/distributionPolicies/dp', { offerExpiresAfterSeconds: 600, mode: { kind: 'longestIdle' } })).status).toBe('201');
  expect((await patch(router.client, '/routing/queues/q', { distributionPolicyId: 'dp' })).status).toBe('201');
  const worker = { capacity: 1, queues: ['q'], channels: [{ channelId: 'voice', capacityCostPerJob: 1 }], availableForOffers: true };
  expect((await patch(router.client, '/routing/workers/w', worker)).status).toBe('201');
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
const offersOf = async () => ((await get('/routing/workers/w')).offers as { offerId: string; jobId: string }[]);

describe('scheduled jobs', () => {
  it('waits until scheduleAt, activates with its event, and is assigned after the PATCH to queueAndMatch', async () => {
    const scheduleAt = clock.now().getTime() + 2 * MINUTE;
    const created = await patch(router.client, '/routing/jobs/later', { queueId: 'q', channelId: 'voice', matchingMode: { kind: 'scheduleAndSuspend', scheduleAt: new Date(scheduleAt).toISOString() } });
    expect(created.status).toBe('201');
    expect(created.body).toMatchObject({ status: 'pendingSchedule', matchingMode: { kind: 'scheduleAndSuspend', scheduleAt: wire(scheduleAt) } });
    expect(created.body.enqueuedAt).toBeUndefined();
    expect(created.body.scheduledAt).toBeUndefined();
    await settle();
    expect((await get('/routing/jobs/later')).status).toBe('scheduled');
    const listed = await get(`/routing/jobs?scheduledBefore=${encodeURIComponent(new Date(scheduleAt + SECOND).toISOString())}`);
    expect(listed.value.map((j: { id: string }) => j.id)).toEqual(['later']);

    clock.advance(2 * MINUTE - SECOND);
    await settle();
    expect((await get('/routing/jobs/later')).status).toBe('scheduled');

    clock.advance(SECOND);
    await settle();
    const waiting = await get('/routing/jobs/later');
    expect(waiting).toMatchObject({ status: 'waitingForActivation', scheduledAt: wire(scheduleAt) });
    const [event] = await eventsOf('later', 'RouterJobWaitingForActivation');
    expect(event?.subject).toBe('job/later/channel/voice');
    expect(event?.data).toMatchObject({ scheduledOn: wire(scheduleAt), unavailableForMatching: true, priority: 1, expiredAttachedWorkerSelectors: [], expiredRequestedWorkerSelectors: [] });
    expect(await offersOf()).toEqual([]);

    const activated = await patch(router.client, '/routing/jobs/later', { matchingMode: { kind: 'queueAndMatch' }, priority: 100 });
    expect(activated.body).toMatchObject({ status: 'queued', priority: 100, enqueuedAt: wire(clock.now().getTime()) });
    await router.engine.idle();
    const [offer] = await offersOf();
    expect(offer?.jobId).toBe('later');
    expect((await router.client.pathUnchecked(`/routing/workers/w/offers/${offer!.offerId}:accept`).post()).status).toBe('200');
    expect((await get('/routing/jobs/later')).status).toBe('assigned');
    expect(await eventsOf('later', 'RouterJobQueued')).toHaveLength(1);
  });

  it('accepts the kebab-case mode and activates early when switched to queueAndMatch before scheduleAt', async () => {
    const scheduleAt = new Date(clock.now().getTime() + 10 * MINUTE).toISOString();
    expect((await patch(router.client, '/routing/jobs/early', { queueId: 'q', channelId: 'voice', matchingMode: { kind: 'schedule-and-suspend', scheduleAt } })).status).toBe('201');
    await settle();
    expect((await patch(router.client, '/routing/jobs/early', { matchingMode: { kind: 'queueAndMatch' } })).body.status).toBe('queued');
    await router.engine.idle();
    expect((await offersOf()).map((o) => o.jobId)).toEqual(['early']);
    // The activation timer finds the job already queued and leaves it alone.
    clock.advance(10 * MINUTE);
    await settle();
    expect((await get('/routing/jobs/early')).status).toBe('queued');
    expect(await eventsOf('early', 'RouterJobWaitingForActivation')).toEqual([]);
  });

  it('a scheduleAt in the past cannot be scheduled: scheduleFailed with RouterJobSchedulingFailed', async () => {
    const scheduleAt = new Date(clock.now().getTime() - MINUTE).toISOString();
    const created = await patch(router.client, '/routing/jobs/late', { queueId: 'q', channelId: 'voice', matchingMode: { kind: 'scheduleAndSuspend', scheduleAt } });
    expect(created.body.status).toBe('pendingSchedule');
    await settle();
    expect((await get('/routing/jobs/late')).status).toBe('scheduleFailed');
    const [failed] = await eventsOf('late', 'RouterJobSchedulingFailed');
    expect(failed?.data['failureReason']).toBe(`scheduleAt ${wire(Date.parse(scheduleAt))} is in the past; a scheduled job needs a future time`);
    expect(await eventsOf('late', 'RouterJobWaitingForActivation')).toEqual([]);
  });

  it('suspend parks the job (waitingForActivation, no offers) until a PATCH to queueAndMatch', async () => {
    expect((await patch(router.client, '/routing/jobs/parked', { queueId: 'q', channelId: 'voice', matchingMode: { kind: 'suspend' } })).body.status).toBe('waitingForActivation');
    await settle();
    expect(await offersOf()).toEqual([]);
    expect((await patch(router.client, '/routing/jobs/parked', { matchingMode: { kind: 'queueAndMatch' } })).body.status).toBe('queued');
    await router.engine.idle();
    expect((await offersOf()).map((o) => o.jobId)).toEqual(['parked']);
  });
});

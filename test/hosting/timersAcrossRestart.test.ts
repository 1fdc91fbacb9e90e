import type { Timer } from '../../shared/ports/Scheduler';
import type { TestRouter } from '../support/embeddedRouter';
import { useRestartingRouters } from '../support/restartingRouters';
import { recordedEvents } from '../support/recordedEvents';
import { patch } from '../support/signedClient';

/**
 * Durable timers of the embedded scheduler survive a restart on the same data folder: a close with a
 * future `closeAt` and an offer's expiry that were scheduled by one host are carried out by the next,
 * exactly once. Both hosts share one TestClock (started at the real time: the HMAC check allows 15
 * minutes of skew against the router's clock), and timers are fired with `runDue()`.
 */

type Router = TestRouter;

const wire = (iso: string) => new Date(iso).toISOString().replace(/\.?0*Z$/, '+00:00');

describe('durable timers across a restart', () => {
  const routers = useRestartingRouters('jobrouter-timers-');
  const { start, stop } = routers;

  const later = (ms: number) => new Date(routers.clock.now().getTime() + ms).toISOString();
  const get = async (host: Router, p: string) => (await host.client.pathUnchecked(p).get()).body;
  const post = (host: Router, p: string, body?: unknown) =>
    body === undefined ? host.client.pathUnchecked(p).post() : host.client.pathUnchecked(p).post({ body, contentType: 'application/json' });
  const eventsOf = async (host: Router, type: string) => (await recordedEvents(host.engine.ports.store)).filter((e) => e.type === type);
  const timers = async (host: Router) => (await host.engine.ports.store.list<Timer>('timers', { pageSize: 1000 })).items.map((t) => t.body);

  async function setUp(host: Router, offerExpiresAfterSeconds: number) {
    expect((await patch(host.client, '/routing/distributionPolicies/dp', { offerExpiresAfterSeconds, mode: { kind: 'longestIdle' } })).status).toBe('201');
    expect((await patch(host.client, '/routing/queues/q', { distributionPolicyId: 'dp' })).status).toBe('201');
  }

  async function createWorker(host: Router, id: string) {
    const body = { capacity: 1, queues: ['q'], channels: [{ channelId: 'voice', capacityCostPerJob: 1 }], availableForOffers: true };
    expect((await patch(host.client, `/routing/workers/${id}`, body)).status).toBe('201');
  }

  async function createJob(host: Router, id: string, extra: Record<string, unknown> = {}) {
    expect((await patch(host.client, `/routing/jobs/${id}`, { queueId: 'q', channelId: 'voice', ...extra })).status).toBe('201');
  }

  async function offerOf(host: Router, workerId: string, jobId: string): Promise<string> {
    await host.engine.idle();
    const offers = ((await get(host, `/routing/workers/${workerId}`)).offers as { offerId: string; jobId: string }[]).filter((o) => o.jobId === jobId);
    expect(offers).toHaveLength(1);
    return offers[0]!.offerId;
  }

  /** Worker `workerId` accepts and completes job `jobId`, then closes it at `closeAt`: the assignment id. */
  async function closeLater(host: Router, workerId: string, jobId: string, closeAt: string): Promise<string> {
    const offerId = await offerOf(host, workerId, jobId);
    const accepted = await post(host, `/routing/workers/${workerId}/offers/${offerId}:accept`);
    expect(accepted.status).toBe('200');
    const assignmentId = accepted.body.assignmentId as string;
    expect((await post(host, `/routing/jobs/${jobId}/assignments/${assignmentId}:complete`)).status).toBe('200');
    const closed = await post(host, `/routing/jobs/${jobId}/assignments/${assignmentId}:close`, { closeAt, note: 'wrap-up over' });
    expect(closed.status).toBe('200');
    expect(closed.body).toEqual({});
    return assignmentId;
  }

  it('a close with a future closeAt scheduled before the restart happens after it, exactly once, and releases the capacity', async () => {
    const first = await start();
    await setUp(first, 600);
    await createWorker(first, 'w');
    await createJob(first, 'j');
    const closeAt = later(60_000);
    const a = await closeLater(first, 'w', 'j', closeAt);
    await createJob(first, 'next');
    await first.engine.idle();
    expect((await get(first, '/routing/jobs/j')).status).toBe('completed');
    expect((await first.engine.scheduler.nextDue())?.toISOString()).toBe(closeAt);
    await stop(first);

    const second = await start();
    expect(second.accessKey).toBe(routers.accessKey);
    expect((await get(second, '/routing/jobs/j')).status).toBe('completed');
    expect(await get(second, '/routing/workers/w')).toMatchObject({ loadRatio: 1, offers: [], assignedJobs: [expect.objectContaining({ assignmentId: a, jobId: 'j' })] });
    expect(await second.engine.scheduler.runDue()).toBe(0);
    expect(await eventsOf(second, 'RouterJobClosed')).toEqual([]);

    routers.clock.advance(61_000);
    expect(await second.engine.scheduler.runDue()).toBeGreaterThanOrEqual(1);
    await second.engine.idle();

    const job = await get(second, '/routing/jobs/j');
    expect(job).toMatchObject({ status: 'closed', dispositionCode: 'Closed' });
    expect(job.assignments[a].closedAt).toBe(wire(closeAt));
    expect(job.notes).toEqual([{ message: 'wrap-up over', addedAt: wire(closeAt) }]);
    const closedEvents = await eventsOf(second, 'RouterJobClosed');
    expect(closedEvents).toHaveLength(1);
    expect(closedEvents[0]!.data).toMatchObject({ jobId: 'j', assignmentId: a, workerId: 'w', dispositionCode: 'Closed' });

    const worker = await get(second, '/routing/workers/w');
    expect(worker.assignedJobs).toEqual([]);
    expect(worker.offers).toEqual([expect.objectContaining({ jobId: 'next' })]);
    expect((await timers(second)).filter((t) => t.kind === 'settleAssignment')).toEqual([]);

    expect(await second.engine.scheduler.runDue()).toBe(0);
    expect(await eventsOf(second, 'RouterJobClosed')).toHaveLength(1);
  });

  it('an offer issued before the restart expires after it: one RouterWorkerOfferExpired, the worker deregistered', async () => {
    const first = await start();
    await setUp(first, 30);
    await createWorker(first, 'w');
    await createJob(first, 'j');
    const offerId = await offerOf(first, 'w', 'j');
    await stop(first);

    const second = await start();
    await second.engine.idle();
    expect(await second.engine.scheduler.runDue()).toBe(0);
    expect((await get(second, '/routing/workers/w')).offers).toEqual([expect.objectContaining({ offerId })]);

    routers.clock.advance(31_000);
    expect(await second.engine.scheduler.runDue()).toBeGreaterThanOrEqual(1);
    await second.engine.idle();

    const expired = await eventsOf(second, 'RouterWorkerOfferExpired');
    expect(expired).toHaveLength(1);
    expect(expired[0]!.data).toMatchObject({ offerId, workerId: 'w', jobId: 'j', queueId: 'q' });
    expect(await eventsOf(second, 'RouterWorkerDeregistered')).toHaveLength(1);
    expect(await get(second, '/routing/workers/w')).toMatchObject({ state: 'inactive', availableForOffers: false, offers: [], loadRatio: 0 });
    expect((await get(second, '/routing/jobs/j')).status).toBe('queued');
    const late = await post(second, `/routing/workers/w/offers/${offerId}:accept`);
    expect(late.status).toBe('404');
    expect(late.body.communicationError.message).toContain('expired');

    expect(await second.engine.scheduler.runDue()).toBe(0);
    expect(await eventsOf(second, 'RouterWorkerOfferExpired')).toHaveLength(1);
  });

  it('a due timer is never carried out twice, even when runDue runs twice at once', async () => {
    const first = await start();
    await setUp(first, 90);
    await createWorker(first, 'w1');
    await createJob(first, 'j');
    const closeAt = later(60_000);
    await closeLater(first, 'w1', 'j', closeAt);
    // An open offer of another job to another worker: its expiry timer is due at +90 s.
    await createWorker(first, 'w2');
    await createJob(first, 'k');
    const offerId = await offerOf(first, 'w2', 'k');
    await stop(first);

    const second = await start();
    await second.engine.idle();
    const scheduled = await timers(second);
    expect(scheduled.map((t) => t.kind).sort()).toEqual(['offerExpiry', 'settleAssignment']);
    routers.clock.advance(120_000);
    const fired = await Promise.all([second.engine.scheduler.runDue(), second.engine.scheduler.runDue()]);
    expect(fired[0] + fired[1]).toBeGreaterThanOrEqual(2);
    await second.engine.idle();
    expect(await second.engine.scheduler.runDue()).toBe(0);
    await second.engine.idle();

    expect(await eventsOf(second, 'RouterJobClosed')).toHaveLength(1);
    expect((await get(second, '/routing/jobs/j')).status).toBe('closed');
    const expired = await eventsOf(second, 'RouterWorkerOfferExpired');
    expect(expired.map((e) => e.data['offerId'])).toEqual([offerId]);
    expect(await eventsOf(second, 'RouterWorkerDeregistered')).toHaveLength(1);
    // w1 was freed by the close, so job k, whose offer to w2 expired, goes to w1.
    await offerOf(second, 'w1', 'k');
    const pending = await timers(second);
    expect(pending.filter((t) => t.kind === 'settleAssignment' || t.payload['offerId'] === offerId)).toEqual([]);

    // A crash after a handler ran but before its timer was removed fires it again: still nothing twice.
    for (const timer of scheduled) await second.engine.scheduler.schedule(timer);
    await second.engine.scheduler.runDue();
    await second.engine.idle();
    expect(await eventsOf(second, 'RouterJobClosed')).toHaveLength(1);
    expect(await eventsOf(second, 'RouterWorkerOfferExpired')).toHaveLength(1);
    expect(await eventsOf(second, 'RouterWorkerDeregistered')).toHaveLength(1);
    expect((await get(second, '/routing/workers/w1')).offers).toEqual([expect.objectContaining({ jobId: 'k' })]);
  });
});

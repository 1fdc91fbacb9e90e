import { QUEUE, SECOND, voiceJob, voiceWorker } from '../../support/routingFixtures';
import { RoutingHarness } from '../../support/routingHarness';

/*
 * The router through the wire on a virtual clock, driven as a simulation drives it: requests at the
 * clock's time, then `tick` — no runDue. An offer expires when the clock reaches its expiresAt, and
 * the job is offered again; a scheduled job wakes at its scheduleAt.
 */

describe('routing on a virtual clock, with no runDue', () => {
  let h: RoutingHarness;
  beforeEach(async () => {
    h = await RoutingHarness.start();
    await h.upsert('/routing/distributionPolicies/dp', { offerExpiresAfterSeconds: 60, mode: { kind: 'longestIdle' } });
    await h.upsert(`/routing/queues/${QUEUE}`, { distributionPolicyId: 'dp' });
  });
  afterEach(() => h.close());

  it('an offer expires when the clock reaches its expiresAt, not before, and the job is offered to the next worker', async () => {
    await h.upsert('/routing/workers/w1', voiceWorker());
    h.clock.advance(SECOND);
    await h.upsert('/routing/workers/w2', voiceWorker());
    await h.upsert('/routing/jobs/j', voiceJob());
    await h.settle();
    const [first] = await h.offers('w1');
    expect(first?.jobId).toBe('j');
    expect(await h.offers('w2')).toEqual([]);

    await h.clock.tick(Date.parse(first!.expiresAt) - h.clock.now().getTime() - 1, 20);
    await h.settle();
    expect(await h.offers('w1')).toHaveLength(1);

    await h.clock.tick(1, 20);
    await h.settle();
    expect(await h.offers('w1')).toEqual([]);
    expect((await h.events('RouterWorkerOfferExpired')).map((e) => e.data['offerId'])).toEqual([first!.offerId]);
    // w1 declined nothing, but an expired offer is not made again at once: w2 gets the job.
    expect((await h.offers('w2')).map((o) => o.jobId)).toEqual(['j']);
  });

  it('a scheduled job waits for activation once the clock reaches its scheduleAt, not before', async () => {
    const scheduleAt = new Date(h.clock.now().getTime() + 10 * 60 * SECOND).toISOString();
    await h.upsert('/routing/jobs/later', voiceJob({ matchingMode: { kind: 'scheduleAndSuspend', scheduleAt } }));
    await h.settle();
    expect((await h.get('/routing/jobs/later')).status).toBe('scheduled');
    await h.clock.tick(10 * 60 * SECOND - 1, 20);
    expect((await h.get('/routing/jobs/later')).status).toBe('scheduled');
    await h.clock.tick(1, 20);
    await h.settle();
    expect((await h.get('/routing/jobs/later')).status).toBe('waitingForActivation');
  });
});

import type { Timer } from '../../shared/ports/Scheduler';
import type { TestRouter } from '../support/embeddedRouter';
import { useRestartingRouters } from '../support/restartingRouters';
import { recordedEvents } from '../support/recordedEvents';
import { MINUTE, SECOND } from '../support/routingFixtures';
import { patch } from '../support/signedClient';

/**
 * The timers of scheduled jobs, exception rules and expiring worker selectors are durable: armed by one
 * embedded host, carried out by the next one on the same data folder, exactly once. Both hosts share a
 * TestClock started at the real time (the HMAC check allows 15 minutes of skew).
 */

type Router = TestRouter;

describe('routing timers across a restart', () => {
  const routers = useRestartingRouters('jobrouter-routing-timers-');
  const { start, stop } = routers;

  const ok = async (host: Router, p: string, body: unknown) => expect((await patch(host.client, p, body)).status).toBe('201');
  const get = async (host: Router, p: string) => (await host.client.pathUnchecked(p).get()).body;
  const eventsOf = async (host: Router, type: string) => (await recordedEvents(host.engine.ports.store)).filter((e) => e.type === type);
  const timerKinds = async (host: Router) => (await host.engine.ports.store.list<Timer>('timers', { pageSize: 1000 })).items.map((t) => t.body.kind).sort();

  it('activates a scheduled job, fires a wait-time exception and expires a selector after the restart, once each', async () => {
    const first = await start();
    await ok(first, '/routing/distributionPolicies/dp', { offerExpiresAfterSeconds: 600, mode: { kind: 'longestIdle' } });
    await ok(first, '/routing/exceptionPolicies/ep', {
      exceptionRules: [{ id: 'slow', trigger: { kind: 'waitTime', thresholdSeconds: 60 }, actions: [{ kind: 'manualReclassify', queueId: 'overflow' }] }],
    });
    await ok(first, '/routing/queues/main', { distributionPolicyId: 'dp', exceptionPolicyId: 'ep' });
    await ok(first, '/routing/queues/overflow', { distributionPolicyId: 'dp' });
    const scheduleAt = new Date(routers.clock.now().getTime() + 2 * MINUTE).toISOString();
    await ok(first, '/routing/jobs/scheduled', { queueId: 'overflow', channelId: 'voice', matchingMode: { kind: 'scheduleAndSuspend', scheduleAt } });
    await ok(first, '/routing/jobs/waiting', { queueId: 'main', channelId: 'voice' });
    await ok(first, '/routing/jobs/picky', { queueId: 'overflow', channelId: 'voice', requestedWorkerSelectors: [{ key: 'Skill', labelOperator: 'equal', value: 'x', expiresAfterSeconds: 30 }] });
    await first.engine.scheduler.runDue();
    expect(await timerKinds(first)).toEqual(['activateScheduledJob', 'exceptionTrigger', 'expireWorkerSelectors']);
    await stop(first);

    routers.clock.advance(2 * MINUTE + SECOND);
    const second = await start();
    await second.engine.scheduler.runDue();
    await second.engine.idle();
    expect((await get(second, '/routing/jobs/scheduled')).status).toBe('waitingForActivation');
    expect((await get(second, '/routing/jobs/waiting')).queueId).toBe('overflow');
    expect((await get(second, '/routing/jobs/picky')).requestedWorkerSelectors[0].status).toBe('expired');
    expect(await timerKinds(second)).toEqual([]);

    await second.engine.scheduler.runDue();
    for (const type of ['RouterJobWaitingForActivation', 'RouterJobExceptionTriggered', 'RouterJobWorkerSelectorsExpired']) {
      expect(await eventsOf(second, type)).toHaveLength(1);
    }
  });

  it('a classification asked for before the restart is carried out by the next host', async () => {
    const first = await start();
    await ok(first, '/routing/distributionPolicies/dp', { offerExpiresAfterSeconds: 600, mode: { kind: 'longestIdle' } });
    await ok(first, '/routing/queues/q', { distributionPolicyId: 'dp' });
    await ok(first, '/routing/classificationPolicies/cp', { fallbackQueueId: 'q' });
    // The host stops its timer loop first, as a crash right after the job's write would leave it:
    // the classification timer is still in the store.
    await first.engine.stop();
    await ok(first, '/routing/jobs/j', { classificationPolicyId: 'cp', channelId: 'voice' });
    expect(await timerKinds(first)).toEqual(['classifyJob']);
    await stop(first);

    const second = await start();
    await second.engine.scheduler.runDue();
    expect(await get(second, '/routing/jobs/j')).toMatchObject({ status: 'queued', queueId: 'q' });
    expect(await eventsOf(second, 'RouterJobClassified')).toHaveLength(1);
    expect(await timerKinds(second)).toEqual([]);
  });
});

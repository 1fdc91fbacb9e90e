import type { Client } from '@azure-rest/core-client';
import { patch } from './signedClient';
import { seededRandom } from './prng';
import type { RouterUnderTest } from './routerUnderTest';
import type { TestClock } from './testClock';

/** The scripted day starts here: the test clock is set to it, and requests are signed with the clock's time. */
export const DAY_START = '2026-01-05T08:00:00.000Z';
export const SECOND = 1000;
export const MINUTE = 60 * SECOND;

export const DAY_SCOPES = ['', 'queueId=sales', 'queueId=support', 'channelId=voice', 'channelId=chat', 'workerId=ann', 'workerId=bob', 'workerId=cid'] as const;

interface Offer {
  offerId: string;
  jobId: string;
}

/**
 * A small contact-centre day on a test clock, the same on every composition: three workers sign in,
 * jobs arrive on two queues and two channels, some are declined first, some abandoned while waiting,
 * some cancelled after assignment, the rest handled, completed and closed after wrap-up. Every duration
 * comes from a seeded generator, and the clock stands still while the router works, so the events and
 * their times are the same wherever the script runs.
 */
export async function runStatisticsDay(router: RouterUnderTest, clock: TestClock, client: Client): Promise<{ waitingSeen: unknown }> {
  const random = seededRandom(20260105);
  const ok = async (response: PromiseLike<{ status: string; body: unknown }>) => {
    const answer = await response;
    if (!['200', '201', '204'].includes(answer.status)) throw new Error(`request failed: ${answer.status} ${JSON.stringify(answer.body)}`);
    return answer.body as Record<string, unknown>;
  };
  const settle = async () => {
    await router.engine.idle();
    await router.engine.scheduler.runDue();
    await router.engine.idle();
  };
  // What the last request started settles at the time it was made, on either composition, before time moves on.
  const wait = async (ms: number) => {
    await settle();
    clock.advance(ms);
    await settle();
  };
  const post = (path: string, body: unknown = {}) => ok(client.pathUnchecked(path).post({ body, contentType: 'application/json' }));
  const offerFor = async (jobId: string): Promise<(Offer & { workerId: string }) | undefined> => {
    for (const workerId of ['ann', 'bob', 'cid']) {
      const worker = await ok(client.pathUnchecked(`/routing/workers/${workerId}`).get());
      const offer = (worker['offers'] as Offer[]).find((o) => o.jobId === jobId);
      if (offer) return { ...offer, workerId };
    }
    return undefined;
  };

  await ok(patch(client, '/routing/distributionPolicies/longest', { offerExpiresAfterSeconds: 3600, mode: { kind: 'longestIdle' } }));
  await ok(patch(client, '/routing/queues/sales', { distributionPolicyId: 'longest', labels: { serviceLevelThresholdSeconds: 30 } }));
  await ok(patch(client, '/routing/queues/support', { distributionPolicyId: 'longest' }));
  await ok(patch(client, '/routing/workers/ann', { capacity: 1, queues: ['sales', 'support'], channels: [{ channelId: 'voice', capacityCostPerJob: 1 }], availableForOffers: true }));
  await wait(3 * MINUTE);
  await ok(patch(client, '/routing/workers/bob', { capacity: 2, queues: ['sales'], channels: [{ channelId: 'voice', capacityCostPerJob: 2 }, { channelId: 'chat', capacityCostPerJob: 1 }], availableForOffers: true }));
  await wait(2 * MINUTE);
  await ok(patch(client, '/routing/workers/cid', { capacity: 2, queues: ['support'], channels: [{ channelId: 'chat', capacityCostPerJob: 1 }], availableForOffers: true }));

  // A job nobody can take yet: the real-time view shows it waiting.
  await ok(patch(client, '/routing/workers/ann', { availableForOffers: false }));
  await ok(patch(client, '/routing/jobs/early', { queueId: 'support', channelId: 'voice', priority: 5 }));
  await wait(40 * SECOND);
  const waitingSeen = await ok(client.pathUnchecked('/routing/statistics/realTime').get());
  await post('/routing/jobs/early:cancel', { note: 'caller hung up' });
  await ok(patch(client, '/routing/workers/ann', { availableForOffers: true }));

  for (let i = 0; i < 18; i++) {
    await wait(random.int(1, 9) * MINUTE + random.int(0, 59) * SECOND);
    const jobId = `job-${i}`;
    const queueId = random.pick(['sales', 'sales', 'support']);
    const channelId = queueId === 'support' ? random.pick(['voice', 'chat']) : random.pick(['voice', 'chat']);
    await ok(patch(client, `/routing/jobs/${jobId}`, { queueId, channelId }));
    await settle();
    const fate = random();
    if (fate < 0.15) {
      // Abandoned while waiting (an offer may be out: cancelling revokes it).
      await wait(random.int(5, 120) * SECOND);
      await post(`/routing/jobs/${jobId}:cancel`);
      continue;
    }
    await wait(random.int(2, 75) * SECOND);
    let offer = await offerFor(jobId);
    if (offer && random.chance(0.2)) {
      await post(`/routing/workers/${offer.workerId}/offers/${offer.offerId}:decline`, {});
      await wait(random.int(3, 20) * SECOND);
      offer = await offerFor(jobId);
    }
    if (!offer) {
      await wait(random.int(5, 60) * SECOND);
      await post(`/routing/jobs/${jobId}:cancel`);
      continue;
    }
    const accepted = await post(`/routing/workers/${offer.workerId}/offers/${offer.offerId}:accept`);
    const assignmentId = String(accepted['assignmentId']);
    await wait(random.int(30, 600) * SECOND);
    if (random.chance(0.1)) {
      await post(`/routing/jobs/${jobId}:cancel`, { dispositionCode: 'dropped' });
      continue;
    }
    await post(`/routing/jobs/${jobId}/assignments/${assignmentId}:complete`);
    await wait(random.int(5, 90) * SECOND);
    await post(`/routing/jobs/${jobId}/assignments/${assignmentId}:close`, { dispositionCode: 'done' });
    await settle();
  }
  await ok(patch(client, '/routing/workers/cid', { availableForOffers: false }));
  await wait(10 * MINUTE);
  return { waitingSeen };
}

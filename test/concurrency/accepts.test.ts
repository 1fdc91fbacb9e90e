import type { Client } from '@azure-rest/core-client';
import { startTestRouter } from '../support/embeddedRouter';
import { patch } from '../support/signedClient';

/**
 * Concurrent accepts through HTTP (the real signing client against the embedded host): however many
 * accepts race for one job, or for one offer, exactly one wins (200) and every other gets 409; the
 * job ends assigned to the winner only and every other worker's capacity comes back.
 */

type Router = Awaited<ReturnType<typeof startTestRouter>>;

const WORKERS = 50;
const workerIds = Array.from({ length: WORKERS }, (_, i) => `w-${String(i).padStart(2, '0')}`);
const VOICE = [{ channelId: 'voice', capacityCostPerJob: 1 }];

async function get(client: Client, path: string) {
  const response = await client.pathUnchecked(path).get();
  expect(response.status).toBe('200');
  return response.body;
}

const accept = (client: Client, workerId: string, offerId: string) => client.pathUnchecked(`/routing/workers/${workerId}/offers/${offerId}:accept`).post();

function countStatuses(statuses: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const status of statuses) counts[status] = (counts[status] ?? 0) + 1;
  return counts;
}

describe('concurrent accepts over HTTP', () => {
  let router: Router;
  beforeEach(async () => {
    router = await startTestRouter();
  });
  afterEach(async () => {
    await router.close();
  });

  it(`one job offered to ${WORKERS} workers, all accept at once: one 200, ${WORKERS - 1} × 409, only the winner holds the job`, async () => {
    const { client } = router;
    expect((await patch(client, '/routing/distributionPolicies/dp', { offerExpiresAfterSeconds: 3600, mode: { kind: 'longestIdle', maxConcurrentOffers: WORKERS } })).status).toBe('201');
    expect((await patch(client, '/routing/queues/q', { distributionPolicyId: 'dp' })).status).toBe('201');
    const created = await Promise.all(workerIds.map((id) => patch(client, `/routing/workers/${id}`, { capacity: 1, queues: ['q'], channels: VOICE, availableForOffers: true })));
    expect(created.map((r) => r.status)).toEqual(workerIds.map(() => '201'));
    await router.engine.idle();

    expect((await patch(client, '/routing/jobs/j', { queueId: 'q', channelId: 'voice' })).status).toBe('201');
    await router.engine.idle();

    const offers = await Promise.all(
      workerIds.map(async (id) => {
        const worker = await get(client, `/routing/workers/${id}`);
        expect(worker.offers).toHaveLength(1);
        expect(worker.offers[0]).toMatchObject({ jobId: 'j', capacityCost: 1 });
        return { workerId: id, offerId: worker.offers[0].offerId as string };
      }),
    );

    const responses = await Promise.all(offers.map((o) => accept(client, o.workerId, o.offerId)));
    expect(countStatuses(responses.map((r) => r.status))).toEqual({ '200': 1, '409': WORKERS - 1 });
    const winnerIndex = responses.findIndex((r) => r.status === '200');
    const winner = offers[winnerIndex]?.workerId;
    const won = responses[winnerIndex]?.body as { assignmentId: string; jobId: string; workerId: string };
    expect(won).toEqual({ assignmentId: expect.any(String), jobId: 'j', workerId: winner });
    await router.engine.idle();

    const job = await get(client, '/routing/jobs/j');
    expect(job.status).toBe('assigned');
    expect(Object.values(job.assignments)).toEqual([{ assignmentId: won.assignmentId, workerId: winner, assignedAt: expect.any(String) }]);

    for (const id of workerIds) {
      const worker = await get(client, `/routing/workers/${id}`);
      if (id === winner) {
        expect(worker).toMatchObject({ offers: [], assignedJobs: [{ assignmentId: won.assignmentId, jobId: 'j', capacityCost: 1 }], loadRatio: 1 });
      } else {
        expect({ id, offers: worker.offers, assignedJobs: worker.assignedJobs, loadRatio: worker.loadRatio }).toEqual({ id, offers: [], assignedJobs: [], loadRatio: 0 });
      }
    }
  });

  it(`${WORKERS} concurrent accepts of the same offer: one 200, the rest 409`, async () => {
    const { client } = router;
    await patch(client, '/routing/distributionPolicies/dp', { offerExpiresAfterSeconds: 3600, mode: { kind: 'longestIdle' } });
    await patch(client, '/routing/queues/q', { distributionPolicyId: 'dp' });
    await patch(client, '/routing/workers/w', { capacity: 1, queues: ['q'], channels: VOICE, availableForOffers: true });
    await patch(client, '/routing/jobs/j', { queueId: 'q', channelId: 'voice' });
    await router.engine.idle();
    const worker = await get(client, '/routing/workers/w');
    expect(worker.offers).toHaveLength(1);
    const offerId = worker.offers[0].offerId as string;

    const responses = await Promise.all(Array.from({ length: WORKERS }, () => accept(client, 'w', offerId)));
    expect(countStatuses(responses.map((r) => r.status))).toEqual({ '200': 1, '409': WORKERS - 1 });
    const won = responses.find((r) => r.status === '200')?.body as { assignmentId: string };
    await router.engine.idle();

    const job = await get(client, '/routing/jobs/j');
    expect(job.status).toBe('assigned');
    expect(Object.keys(job.assignments)).toEqual([won.assignmentId]);
    const after = await get(client, '/routing/workers/w');
    expect(after).toMatchObject({ offers: [], assignedJobs: [{ assignmentId: won.assignmentId, jobId: 'j', capacityCost: 1 }], loadRatio: 1 });
  });
});

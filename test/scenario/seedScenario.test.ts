import { startRouterUnderTest } from '../support/routerUnderTest';
import { recordedEvents } from '../support/recordedEvents';
import { patch } from '../support/signedClient';

/**
 * The seed scenario end to end through the real signing client: distribution policy → queue → job
 * with a selector → worker → offer visible on the worker → accept → complete → close.
 */
describe('seed scenario', () => {
  it('a job with a selector reaches the one matching worker and is carried to closed', async () => {
    const router = await startRouterUnderTest();
    const { store } = router;
    const { client } = router;
    try {
      expect((await patch(client, '/routing/distributionPolicies/dp', { offerExpiresAfterSeconds: 600, mode: { kind: 'longestIdle' } })).status).toBe('201');
      expect((await patch(client, '/routing/queues/q', { distributionPolicyId: 'dp' })).status).toBe('201');
      const job = await patch(client, '/routing/jobs/j', {
        queueId: 'q',
        channelId: 'voice',
        requestedWorkerSelectors: [{ key: 'language', labelOperator: 'equal', value: 'en' }],
      });
      expect(job.status).toBe('201');
      expect(job.body.status).toBe('queued');
      expect(typeof job.body.enqueuedAt).toBe('string');

      await patch(client, '/routing/workers/w-fr', { capacity: 1, queues: ['q'], channels: [{ channelId: 'voice', capacityCostPerJob: 1 }], labels: { language: 'fr' }, availableForOffers: true });
      await patch(client, '/routing/workers/w-en', { capacity: 1, queues: ['q'], channels: [{ channelId: 'voice', capacityCostPerJob: 1 }], labels: { language: 'en' }, availableForOffers: true });
      await router.engine.idle();

      const fr = await client.pathUnchecked('/routing/workers/w-fr').get();
      expect(fr.body.offers).toEqual([]);
      const en = await client.pathUnchecked('/routing/workers/w-en').get();
      expect(en.body.offers).toHaveLength(1);
      const offer = en.body.offers[0];
      expect(offer).toMatchObject({ jobId: 'j', capacityCost: 1 });
      expect(Date.parse(offer.expiresAt) - Date.parse(offer.offeredAt)).toBe(600_000);
      expect(en.body.loadRatio).toBe(1);

      const accepted = await client.pathUnchecked(`/routing/workers/w-en/offers/${offer.offerId}:accept`).post();
      expect(accepted.status).toBe('200');
      expect(accepted.body).toEqual({ assignmentId: expect.any(String), jobId: 'j', workerId: 'w-en' });
      const again = await client.pathUnchecked(`/routing/workers/w-en/offers/${offer.offerId}:accept`).post();
      expect(again.status).toBe('409');

      const assignmentId = accepted.body.assignmentId as string;
      const assigned = await client.pathUnchecked('/routing/jobs/j').get();
      expect(assigned.body.status).toBe('assigned');
      expect(assigned.body.assignments[assignmentId]).toEqual({ assignmentId, workerId: 'w-en', assignedAt: expect.any(String) });
      const busy = await client.pathUnchecked('/routing/workers/w-en').get();
      expect(busy.body.offers).toEqual([]);
      expect(busy.body.assignedJobs).toEqual([{ assignmentId, jobId: 'j', capacityCost: 1, assignedAt: expect.any(String) }]);

      expect((await client.pathUnchecked(`/routing/jobs/j/assignments/${assignmentId}:complete`).post({ body: { note: 'done' }, contentType: 'application/json' })).status).toBe('200');
      expect((await client.pathUnchecked('/routing/jobs/j').get()).body.status).toBe('completed');
      expect((await client.pathUnchecked('/routing/workers/w-en').get()).body.loadRatio).toBe(1);

      const closed = await client.pathUnchecked(`/routing/jobs/j/assignments/${assignmentId}:close`).post({ body: { note: 'wrapped up' }, contentType: 'application/json' });
      expect(closed.status).toBe('200');
      expect(closed.body).toEqual({});
      const final = await client.pathUnchecked('/routing/jobs/j').get();
      expect(final.body.status).toBe('closed');
      expect(final.body.dispositionCode).toBe('Closed');
      expect(final.body.notes.map((n: { message: string }) => n.message)).toEqual(['done', 'wrapped up']);
      expect(final.body.assignments[assignmentId]).toEqual({ assignmentId, workerId: 'w-en', assignedAt: expect.any(String), completedAt: expect.any(String), closedAt: expect.any(String) });
      const free = await client.pathUnchecked('/routing/workers/w-en').get();
      expect(free.body).toMatchObject({ state: 'active', offers: [], assignedJobs: [], loadRatio: 0 });

      const types = (await recordedEvents(store)).map((e) => e.type);
      expect(types).toEqual([
        'RouterJobReceived',
        'RouterJobQueued',
        'RouterWorkerRegistered',
        'RouterWorkerRegistered',
        'RouterWorkerOfferIssued',
        'RouterWorkerOfferAccepted',
        'RouterJobCompleted',
        'RouterJobClosed',
      ]);
    } finally {
      await router.close();
    }
  });
});

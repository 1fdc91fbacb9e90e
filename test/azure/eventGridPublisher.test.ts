import { AzureKeyCredential, EventGridDeserializer, EventGridPublisherClient, isSystemEvent } from '@azure/eventgrid';
import { batchesOf, EventGridPublisher } from '../../shared/adapters/azure/EventGridPublisher';
import type { RouterEvent } from '../../shared/ports/EventPublisher';
import { silentLogger } from '../../shared/ports/Logger';
import { startTestRouter } from '../support/embeddedRouter';
import { startEventGridReceiver } from '../support/eventGridReceiver';
import { recordedEvents } from '../support/recordedEvents';
import { patch } from '../support/signedClient';
import { openSqliteStore } from '../../shared/adapters/embedded/SqliteStore';

const TOPIC = '/subscriptions/s/resourceGroups/g/providers/Microsoft.EventGrid/topics/jobrouter';

const publisherFor = (endpoint: string) =>
  // The receiver is plain HTTP on loopback; the client is the real one, with its key policy and serializer.
  new EventGridPublisher(new EventGridPublisherClient(endpoint, 'EventGrid', new AzureKeyCredential('topic-key'), { allowInsecureConnection: true, retryOptions: { maxRetries: 0 } }));

describe('Event Grid publisher', () => {
  it('delivers the seed lifecycle as Microsoft.Communication.Router* system events the SDK recognises', async () => {
    const receiver = await startEventGridReceiver();
    const store = openSqliteStore({ path: ':memory:' });
    const router = await startTestRouter({ store, deliverEvents: publisherFor(receiver.endpoint), logger: silentLogger });
    try {
      const { client } = router;
      await patch(client, '/routing/distributionPolicies/dp', { offerExpiresAfterSeconds: 60, mode: { kind: 'longestIdle' } });
      await patch(client, '/routing/queues/q', { distributionPolicyId: 'dp' });
      await patch(client, '/routing/workers/w', { capacity: 1, queues: ['q'], channels: [{ channelId: 'voice', capacityCostPerJob: 1 }], availableForOffers: true });
      await patch(client, '/routing/jobs/j', { queueId: 'q', channelId: 'voice' });
      await router.engine.idle();
      const offerId = (await client.pathUnchecked('/routing/workers/w').get()).body.offers[0].offerId as string;
      const { assignmentId } = (await client.pathUnchecked(`/routing/workers/w/offers/${offerId}:accept`).post()).body as { assignmentId: string };
      await client.pathUnchecked(`/routing/jobs/j/assignments/${assignmentId}:complete`).post({ body: {}, contentType: 'application/json' });
      await client.pathUnchecked(`/routing/jobs/j/assignments/${assignmentId}:close`).post({ body: { dispositionCode: 'resolved' }, contentType: 'application/json' });

      expect(receiver.requests.length).toBeGreaterThan(0);
      for (const request of receiver.requests) {
        expect(request.headers['aeg-sas-key']).toBe('topic-key');
        expect(request.headers['content-type']).toMatch(/application\/json/);
      }
      const deserializer = new EventGridDeserializer();
      const published = receiver.requests.flatMap((r) => JSON.parse(r.body) as Record<string, unknown>[]);
      // The publisher leaves `topic` and `metadataVersion` to Event Grid, which sets them on delivery.
      for (const event of published) expect(event).not.toHaveProperty('topic');
      const delivered = published.map((event) => ({ ...event, topic: TOPIC, metadataVersion: '1' }));
      const received = await deserializer.deserializeEventGridEvents(JSON.stringify(delivered));
      // Everything recorded was delivered, in the same order, with the same ids.
      expect(received.map((e) => e.id)).toEqual((await recordedEvents(store)).map((e) => e.id));

      const types = received.map((e) => e.eventType);
      expect(types).toEqual(expect.arrayContaining([
        'Microsoft.Communication.RouterWorkerRegistered',
        'Microsoft.Communication.RouterJobReceived',
        'Microsoft.Communication.RouterJobQueued',
        'Microsoft.Communication.RouterWorkerOfferIssued',
        'Microsoft.Communication.RouterWorkerOfferAccepted',
        'Microsoft.Communication.RouterJobCompleted',
        'Microsoft.Communication.RouterJobClosed',
      ]));
      expect(types.indexOf('Microsoft.Communication.RouterWorkerOfferIssued')).toBeLessThan(types.indexOf('Microsoft.Communication.RouterWorkerOfferAccepted'));
      expect(types.indexOf('Microsoft.Communication.RouterJobCompleted')).toBeLessThan(types.indexOf('Microsoft.Communication.RouterJobClosed'));

      const issued = received.find((e) => e.eventType === 'Microsoft.Communication.RouterWorkerOfferIssued');
      if (!issued || !isSystemEvent('Microsoft.Communication.RouterWorkerOfferIssued', issued)) throw new Error('no offer issued event');
      expect(issued.data).toMatchObject({ jobId: 'j', workerId: 'w', offerId, channelId: 'voice', queueId: 'q' });
      expect(issued.subject).toBe('worker/w/job/j');
      expect(issued.dataVersion).toBe('1.0');
      expect(issued.eventTime).toBeInstanceOf(Date);

      const closed = received.find((e) => e.eventType === 'Microsoft.Communication.RouterJobClosed');
      if (!closed || !isSystemEvent('Microsoft.Communication.RouterJobClosed', closed)) throw new Error('no job closed event');
      expect(closed.data).toMatchObject({ jobId: 'j', assignmentId, workerId: 'w', dispositionCode: 'resolved' });
      expect(closed.subject).toBe(`job/j/channel/voice/assignment/${assignmentId}`);
    } finally {
      await router.close();
      await receiver.close();
    }
  });

  it('a failing topic does not fail the change: the events stay recorded', async () => {
    const receiver = await startEventGridReceiver();
    receiver.failNext(1_000);
    const store = openSqliteStore({ path: ':memory:' });
    const router = await startTestRouter({ store, deliverEvents: publisherFor(receiver.endpoint), logger: silentLogger });
    try {
      const created = await patch(router.client, '/routing/workers/w', { capacity: 1, queues: [], channels: [], availableForOffers: true });
      expect(created.status).toBe('201');
      expect(receiver.requests).toHaveLength(0);
      expect((await recordedEvents(store)).map((e) => e.type)).toContain('RouterWorkerRegistered');
    } finally {
      await router.close();
      await receiver.close();
    }
  });

  it('splits large sends into ordered batches under the request limit', () => {
    const event = (i: number): RouterEvent => ({ id: `e${i}`, type: 'RouterWorkerUpdated', subject: 'worker/w', time: '2026-01-01T00:00:00.000Z', data: { workerId: 'w', pad: 'x'.repeat(20_000) } });
    const batches = batchesOf(Array.from({ length: 60 }, (_, i) => event(i)));
    expect(batches.length).toBeGreaterThan(1);
    expect(batches.flat().map((e) => e.id)).toEqual(Array.from({ length: 60 }, (_, i) => `e${i}`));
    for (const batch of batches) expect(Buffer.byteLength(JSON.stringify(batch))).toBeLessThan(1024 * 1024);
    expect(batchesOf(Array.from({ length: 250 }, (_, i) => ({ ...event(i), data: {} }))).map((b) => b.length)).toEqual([100, 100, 50]);
  });
});

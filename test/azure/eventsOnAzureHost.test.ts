import { AzureKeyCredential, EventGridDeserializer, EventGridPublisherClient } from '@azure/eventgrid';
import { EventGridChannel } from '../../shared/adapters/azure/EventGridChannel';
import { startAzureTestRouter } from '../support/azureTestRouter';
import { startEventGridReceiver } from '../support/eventGridReceiver';
import { recordedEvents } from '../support/recordedEvents';
import { patch } from '../support/signedClient';

/**
 * The Azure host's composition (Functions HTTP handler, Cosmos store on the local server, Service Bus
 * matcher, Durable timers in the stand-in) with the relay publishing to an Event Grid topic through the
 * real EventGridPublisherClient; a local HTTP endpoint stands in for the topic.
 */
describe('router events on the Azure host', () => {
  it('the seed scenario reaches the Event Grid topic: every recorded event, once, in order, in the Event Grid schema', async () => {
    const topic = await startEventGridReceiver();
    const client = new EventGridPublisherClient(topic.endpoint, 'EventGrid', new AzureKeyCredential('topic-key'), { allowInsecureConnection: true, retryOptions: { maxRetries: 0 } });
    const router = await startAzureTestRouter({ channels: [new EventGridChannel(client, { endpoint: topic.endpoint })] });
    try {
      topic.failNext(1);
      await patch(router.client, '/routing/distributionPolicies/dp', { offerExpiresAfterSeconds: 600, mode: { kind: 'longestIdle' } });
      await patch(router.client, '/routing/queues/q', { distributionPolicyId: 'dp' });
      await patch(router.client, '/routing/workers/w1', { capacity: 1, queues: ['q'], channels: [{ channelId: 'voice', capacityCostPerJob: 1 }], availableForOffers: true });
      await patch(router.client, '/routing/jobs/j1', { queueId: 'q', channelId: 'voice' });
      await router.engine.idle();
      const offer = (await router.client.pathUnchecked('/routing/workers/w1').get()).body.offers[0] as { offerId: string };
      const accepted = await router.client.pathUnchecked(`/routing/workers/w1/offers/${offer.offerId}:accept`).post();
      const assignmentId = accepted.body.assignmentId as string;
      await router.client.pathUnchecked(`/routing/jobs/j1/assignments/${assignmentId}:complete`).post({ body: {}, contentType: 'application/json' });
      await router.client.pathUnchecked(`/routing/jobs/j1/assignments/${assignmentId}:close`).post({ body: {}, contentType: 'application/json' });

      const recorded = await recordedEvents(router.store);
      // The first send failed (503): the relay retries after a second; the eventSweep timer would too.
      const deserializer = new EventGridDeserializer();
      // Event Grid adds the topic's resource path and the metadata version before it delivers to subscribers; so does this stand-in.
      const asDelivered = (body: string) => (JSON.parse(body) as Record<string, unknown>[]).map((e) => ({ ...e, topic: '/subscriptions/s/resourceGroups/g/providers/Microsoft.EventGrid/topics/t', metadataVersion: '1' }));
      const arrived = async () => (await Promise.all(topic.requests.map((r) => deserializer.deserializeEventGridEvents(JSON.stringify(asDelivered(r.body)))))).flat();
      for (let waited = 0; (await arrived()).length < recorded.length && waited < 10_000; waited += 50) await new Promise((resolve) => setTimeout(resolve, 50));
      const events = await arrived();
      expect(events.map((e) => e.id)).toEqual(recorded.map((e) => e.id));
      expect(events.map((e) => e.eventType.replace('Microsoft.Communication.', ''))).toEqual([
        'RouterWorkerRegistered',
        'RouterJobReceived',
        'RouterJobQueued',
        'RouterWorkerOfferIssued',
        'RouterWorkerOfferAccepted',
        'RouterJobCompleted',
        'RouterJobClosed',
      ]);
      expect(events.find((e) => e.eventType.endsWith('RouterJobClosed'))).toMatchObject({ subject: `job/j1/channel/voice/assignment/${assignmentId}`, dataVersion: '1.0', data: { jobId: 'j1', assignmentId, workerId: 'w1' } });
    } finally {
      await router.close();
      await topic.close();
    }
  }, 60_000);
});

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { AzureKeyCredential, EventGridPublisherClient } from '@azure/eventgrid';
import { batchesOf, EventGridChannel } from '../../shared/adapters/azure/EventGridChannel';
import { DeliveryFailure } from '../../shared/ports/EventChannel';
import type { RouterEvent } from '../../shared/ports/EventPublisher';
import { startEventGridReceiver } from '../support/eventGridReceiver';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhookReceiver';
import { failureOf } from '../support/deliveryFailure';

// The receivers are plain HTTP on loopback; the client is the real one, with its key policy and serializer.
const channelFor = (endpoint: string, timeoutMs?: number) =>
  new EventGridChannel(new EventGridPublisherClient(endpoint, 'EventGrid', new AzureKeyCredential('topic-key'), { allowInsecureConnection: true, retryOptions: { maxRetries: 0 } }), { endpoint, timeoutMs });

const event = (i: number, pad = 0): RouterEvent => ({
  id: `e${i}`,
  type: 'RouterWorkerUpdated',
  subject: 'worker/w',
  time: '2026-01-01T00:00:00.000Z',
  data: pad > 0 ? { workerId: 'w', pad: 'x'.repeat(pad) } : { workerId: 'w' },
});

describe('EventGridChannel', () => {
  it('is the eventGrid channel for every type, taking up to 100 events at a time', () => {
    const channel = channelFor('http://127.0.0.1:1/api/events');
    expect(channel.name).toBe('eventGrid');
    expect(channel.maxBatch).toBe(100);
    expect(channel.accepts('RouterJobReceived')).toBe(true);
    expect(channel.accepts('RouterWorkerUpdated')).toBe(true);
  });

  it('sends every event in order, in batches under the request limit, signed with the topic key, leaving topic and metadataVersion to Event Grid', async () => {
    const receiver = await startEventGridReceiver();
    try {
      const events = Array.from({ length: 60 }, (_, i) => event(i, 20_000));
      await channelFor(receiver.endpoint).deliver(events);

      expect(receiver.requests.length).toBeGreaterThan(1);
      const published = receiver.requests.flatMap((r) => JSON.parse(r.body) as Record<string, unknown>[]);
      expect(published.map((e) => e.id)).toEqual(events.map((e) => e.id));
      for (const request of receiver.requests) {
        expect(request.headers['aeg-sas-key']).toBe('topic-key');
        expect(request.headers['content-type']).toMatch(/application\/json/);
        expect(Buffer.byteLength(request.body)).toBeLessThan(1024 * 1024);
      }
      expect(published[0]).toEqual({ id: 'e0', subject: 'worker/w', data: events[0]?.data, eventType: 'Microsoft.Communication.RouterWorkerUpdated', dataVersion: '1.0', eventTime: '2026-01-01T00:00:00.000Z' });
    } finally {
      await receiver.close();
    }
  });

  it('splits large sends into ordered batches under the request limit', () => {
    const batches = batchesOf(Array.from({ length: 60 }, (_, i) => event(i, 20_000)));
    expect(batches.length).toBeGreaterThan(1);
    expect(batches.flat().map((e) => e.id)).toEqual(Array.from({ length: 60 }, (_, i) => `e${i}`));
    for (const batch of batches) expect(Buffer.byteLength(JSON.stringify(batch))).toBeLessThan(1024 * 1024);
    expect(batchesOf(Array.from({ length: 250 }, (_, i) => event(i))).map((b) => b.length)).toEqual([100, 100, 50]);
  });

  describe('failures', () => {
    // Any local endpoint that can be told how to answer stands in for the topic here.
    let topic: WebhookReceiver;
    beforeEach(async () => {
      topic = await startWebhookReceiver();
    });
    afterEach(() => topic.close());

    it.each([400, 401, 403, 404, 413])('%i is permanent, with what the topic said', async (status) => {
      topic.failNext(1, status, JSON.stringify({ error: { code: 'BadRequest', message: 'The event is not valid.' } }));
      const failure = await failureOf(channelFor(topic.url).deliver([event(1)]));
      expect(failure.permanent).toBe(true);
      expect(failure.message).toMatch(new RegExp(`^Event Grid topic ${topic.url} answered ${status} \\(.*The event is not valid\\.\\) to 1 events$`));
    });

    it.each([408, 429, 500, 503])('%i is transient', async (status) => {
      topic.failNext(1, status);
      const failure = await failureOf(channelFor(topic.url).deliver([event(1)]));
      expect(failure.permanent).toBe(false);
      expect(failure.message).toContain(`answered ${status}`);
    });

    it('a topic nobody listens on is transient', async () => {
      const closed = http.createServer();
      await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
      const endpoint = `http://127.0.0.1:${(closed.address() as AddressInfo).port}/api/events`;
      await new Promise<void>((resolve) => closed.close(() => resolve()));
      const failure = await failureOf(channelFor(endpoint).deliver([event(1)]));
      expect(failure.permanent).toBe(false);
      expect(failure.message).toMatch(new RegExp(`^Event Grid topic ${endpoint} could not be reached \\(.*ECONNREFUSED.*\\)$`));
    });

    it('a topic that does not answer in time is transient', async () => {
      topic.hangNext(1);
      const failure = await failureOf(channelFor(topic.url, 200).deliver([event(1)]));
      expect(failure.permanent).toBe(false);
      expect(failure.message).toBe(`Event Grid topic ${topic.url} did not answer within 200 ms (1 events not confirmed)`);
    });

    it('a failed batch ends the delivery: the later batches are not sent', async () => {
      topic.failNext(1, 503);
      const events = Array.from({ length: 60 }, (_, i) => event(i, 20_000));
      expect(batchesOf(events).length).toBeGreaterThan(1);
      await expect(channelFor(topic.url).deliver(events)).rejects.toThrow(DeliveryFailure);
      expect(topic.requests).toHaveLength(1);
    });
  });
});

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { EventGridDeserializer, isSystemEvent } from '@azure/eventgrid';
import { WebhookChannel, type WebhookChannelOptions } from '../../shared/adapters/http/WebhookChannel';
import { DeliveryFailure } from '../../shared/ports/EventChannel';
import type { RouterEvent } from '../../shared/ports/EventPublisher';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhookReceiver';
import { failureOf } from '../support/deliveryFailure';

const TOPIC = '/jobrouter/test';

const event = (i: number): RouterEvent => ({
  id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
  type: 'RouterJobQueued',
  subject: `job/j${i}/channel/voice/queue/q`,
  time: `2024-01-01T00:00:0${i}.000Z`,
  data: { jobId: `j${i}`, channelId: 'voice', queueId: 'q', labels: {}, tags: {}, priority: 1 },
});

let receiver: WebhookReceiver;
beforeEach(async () => {
  receiver = await startWebhookReceiver();
});
afterEach(() => receiver.close());

const channel = (options: Partial<WebhookChannelOptions> = {}) => new WebhookChannel({ name: 'orders', url: receiver.url, topic: TOPIC, ...options });
const notifications = () => receiver.requests.filter((r) => r.method === 'POST' && r.headers['aeg-event-type'] === 'Notification');

describe('WebhookChannel, Event Grid schema', () => {
  it('validates the subscription first: a SubscriptionValidationEvent the SDK recognises, answered with its code', async () => {
    await channel().deliver([event(1)]);

    expect(receiver.validations).toHaveLength(1);
    const [validation] = receiver.validations;
    expect(validation?.method).toBe('POST');
    expect(validation?.headers['aeg-event-type']).toBe('SubscriptionValidation');
    expect(validation?.headers['aeg-subscription-name']).toBe('orders');
    expect(validation?.headers['content-type']).toMatch(/^application\/json/);
    const body = JSON.parse(validation?.body ?? '');
    expect(body).toHaveLength(1);
    expect(body[0]).toMatchObject({ topic: TOPIC, subject: '', eventType: 'Microsoft.EventGrid.SubscriptionValidationEvent', dataVersion: '2', metadataVersion: '1' });
    expect(body[0].data.validationCode).toMatch(/^[0-9A-F-]{36}$/);
    const [parsed] = await new EventGridDeserializer().deserializeEventGridEvents(validation?.body ?? '');
    if (!parsed || !isSystemEvent('Microsoft.EventGrid.SubscriptionValidationEvent', parsed)) throw new Error('not a validation event');
    expect(parsed.data.validationCode).toBe(body[0].data.validationCode);
    // The notification came after the handshake.
    expect(receiver.requests.indexOf(validation!)).toBe(0);
    expect(receiver.deliveries).toHaveLength(1);
  });

  it('validates once, then only delivers', async () => {
    const webhook = channel();
    await webhook.deliver([event(1)]);
    await webhook.deliver([event(2)]);
    expect(receiver.validations).toHaveLength(1);
    expect(receiver.events().map((e) => e.id)).toEqual([event(1).id, event(2).id]);
  });

  it('POSTs a JSON array of Event Grid events with the aeg headers', async () => {
    await channel({ maxEventsPerBatch: 10 }).deliver([event(1), event(2)]);

    const [delivery] = receiver.deliveries;
    expect(delivery?.method).toBe('POST');
    expect(delivery?.path).toBe('/api/events');
    expect(delivery?.headers).toMatchObject({ 'aeg-event-type': 'Notification', 'aeg-subscription-name': 'orders', 'aeg-delivery-count': '0', 'aeg-metadata-version': '1', 'aeg-data-version': '1.0' });
    expect(delivery?.headers['content-type']).toMatch(/^application\/json/);
    expect(delivery?.events).toEqual([
      { id: event(1).id, topic: TOPIC, subject: event(1).subject, data: event(1).data, eventType: 'Microsoft.Communication.RouterJobQueued', dataVersion: '1.0', metadataVersion: '1', eventTime: event(1).time },
      { id: event(2).id, topic: TOPIC, subject: event(2).subject, data: event(2).data, eventType: 'Microsoft.Communication.RouterJobQueued', dataVersion: '1.0', metadataVersion: '1', eventTime: event(2).time },
    ]);
  });

  it('sends one event per POST by default, as Event Grid does without batching, and up to maxEventsPerBatch otherwise', async () => {
    const single = channel();
    expect(single.maxBatch).toBe(1);
    await single.deliver([event(1), event(2), event(3)]);
    expect(receiver.deliveries.map((d) => d.events.map((e) => e.id))).toEqual([[event(1).id], [event(2).id], [event(3).id]]);

    const batched = channel({ name: 'batched', maxEventsPerBatch: 2 });
    expect(batched.maxBatch).toBe(2);
    await batched.deliver([event(4), event(5), event(6)]);
    expect(receiver.deliveries.slice(3).map((d) => d.events.map((e) => e.id))).toEqual([[event(4).id, event(5).id], [event(6).id]]);
  });

  it('accepts the subscribed event types only (all when none are given)', () => {
    const filtered = channel({ eventTypes: ['RouterJobQueued', 'RouterWorkerOfferIssued'] });
    expect(filtered.accepts('RouterJobQueued')).toBe(true);
    expect(filtered.accepts('RouterWorkerOfferIssued')).toBe(true);
    expect(filtered.accepts('RouterJobReceived')).toBe(false);
    expect(channel().accepts('RouterJobReceived')).toBe(true);
  });

  it('refuses a batch size outside 1 to 5000', () => {
    expect(() => channel({ maxEventsPerBatch: 0 })).toThrow(/maxEventsPerBatch must be a whole number from 1 to 5000, not 0/);
    expect(() => channel({ maxEventsPerBatch: 5001 })).toThrow(/from 1 to 5000/);
    expect(channel({ maxEventsPerBatch: 5000 }).maxBatch).toBe(5000);
  });
});

describe('WebhookChannel, CloudEvents schema', () => {
  it('does the abuse-protection handshake, then POSTs a CloudEvents batch', async () => {
    await channel({ schema: 'cloudEvents', maxEventsPerBatch: 5 }).deliver([event(1), event(2)]);

    expect(receiver.validations).toHaveLength(1);
    expect(receiver.validations[0]?.method).toBe('OPTIONS');
    expect(receiver.validations[0]?.headers['webhook-request-origin']).toBe('eventgrid.azure.net');
    const [delivery] = receiver.deliveries;
    expect(delivery?.headers['content-type']).toMatch(/^application\/cloudevents-batch\+json/);
    expect(delivery?.headers).toMatchObject({ 'aeg-event-type': 'Notification', 'aeg-subscription-name': 'orders', 'aeg-delivery-count': '0', 'aeg-metadata-version': '1.0' });
    expect(delivery?.headers).not.toHaveProperty('aeg-data-version');
    expect(delivery?.events).toEqual([1, 2].map((i) => ({
      specversion: '1.0',
      id: event(i).id,
      source: TOPIC,
      subject: event(i).subject,
      type: 'Microsoft.Communication.RouterJobQueued',
      time: event(i).time,
      datacontenttype: 'application/json',
      data: event(i).data,
    })));
  });

  it('accepts a receiver that allows any origin', async () => {
    const open = await startWebhookReceiver({ allowAnyOrigin: true });
    try {
      await new WebhookChannel({ name: 'any', url: open.url, topic: TOPIC, schema: 'cloudEvents' }).deliver([event(1)]);
      expect(open.deliveries).toHaveLength(1);
    } finally {
      await open.close();
    }
  });
});

describe('WebhookChannel failures', () => {
  it.each([400, 401, 403, 404, 413])('%i is permanent: the receiver refused the events', async (status) => {
    const webhook = channel();
    await webhook.deliver([event(1)]);
    receiver.failNext(1, status, 'no such order');
    const failure = await failureOf(webhook.deliver([event(2)]));
    expect(failure.permanent).toBe(true);
    expect(failure.message).toBe(`webhook "orders" (${new URL(receiver.url).host}/api/events) answered ${status}: "no such order" to 1 event(s)`);
  });

  it.each([408, 429, 500, 502, 503])('%i is transient: trying again can help', async (status) => {
    const webhook = channel();
    await webhook.deliver([event(1)]);
    receiver.failNext(1, status);
    const failure = await failureOf(webhook.deliver([event(2)]));
    expect(failure.permanent).toBe(false);
    expect(failure.message).toContain(`answered ${status} to 1 event(s)`);
  });

  it('an endpoint nobody listens on is transient', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const failure = await failureOf(new WebhookChannel({ name: 'gone', url: `http://127.0.0.1:${port}/hook?code=secret`, topic: TOPIC }).deliver([event(1)]));
    expect(failure.permanent).toBe(false);
    expect(failure.message).toBe(`webhook "gone" (127.0.0.1:${port}/hook) could not be reached (ECONNREFUSED)`);
  });

  it('a receiver that does not answer in time is transient', async () => {
    const webhook = channel({ timeoutMs: 200 });
    await webhook.deliver([event(1)]);
    receiver.hangNext(1);
    const failure = await failureOf(webhook.deliver([event(2)]));
    expect(failure.permanent).toBe(false);
    expect(failure.message).toMatch(/did not answer within 200 ms$/);
    // The same events go through once the receiver answers again.
    await webhook.deliver([event(2)]);
    expect(receiver.events().map((e) => e.id)).toEqual([event(1).id, event(2).id]);
  });

  it('counts the attempts at the same events in aeg-delivery-count', async () => {
    const webhook = channel();
    receiver.failNext(2, 503);
    await expect(webhook.deliver([event(1)])).rejects.toThrow(DeliveryFailure);
    await expect(webhook.deliver([event(1)])).rejects.toThrow(DeliveryFailure);
    await webhook.deliver([event(1)]);
    await webhook.deliver([event(2)]);
    expect(notifications().map((r) => [JSON.parse(r.body)[0].id, r.headers['aeg-delivery-count'], r.status])).toEqual([
      [event(1).id, '0', 503],
      [event(1).id, '1', 503],
      [event(1).id, '2', 200],
      [event(2).id, '0', 200],
    ]);
  });

  it('a refused Event Grid validation fails transiently, says what to answer, and is tried again next time', async () => {
    const webhook = channel();
    receiver.refuseValidation(1);
    const failure = await failureOf(webhook.deliver([event(1)]));
    expect(failure.permanent).toBe(false);
    expect(failure.message).toContain('did not complete the subscription validation: it answered 200: "{}"');
    expect(failure.message).toContain('with 200 and the JSON body {"validationResponse": "<data.validationCode of the event>"}');
    expect(notifications()).toHaveLength(0);

    await webhook.deliver([event(1)]);
    expect(receiver.validations).toHaveLength(2);
    expect(receiver.events().map((e) => e.id)).toEqual([event(1).id]);
  });

  it('a validation answered with an error status fails transiently too', async () => {
    receiver.refuseValidation(1, 404);
    const failure = await failureOf(channel().deliver([event(1)]));
    expect(failure.permanent).toBe(false);
    expect(failure.message).toContain('it answered 404');
  });

  it('a refused CloudEvents handshake fails transiently, says what to answer, and is tried again next time', async () => {
    const webhook = channel({ schema: 'cloudEvents' });
    receiver.refuseValidation(1);
    const failure = await failureOf(webhook.deliver([event(1)]));
    expect(failure.permanent).toBe(false);
    expect(failure.message).toContain('it answered OPTIONS with 200 and no WebHook-Allowed-Origin header');
    expect(failure.message).toContain('with 200 and the header WebHook-Allowed-Origin: eventgrid.azure.net (or *)');
    expect(notifications()).toHaveLength(0);

    await webhook.deliver([event(1)]);
    expect(receiver.validations.map((v) => v.method)).toEqual(['OPTIONS', 'OPTIONS']);
    expect(receiver.deliveries).toHaveLength(1);
  });

  it('a handshake that gets no answer in time fails transiently', async () => {
    const silent = http.createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    try {
      const failure = await failureOf(new WebhookChannel({ name: 'slow', url: `http://127.0.0.1:${port}/`, topic: TOPIC, timeoutMs: 100 }).deliver([event(1)]));
      expect(failure.permanent).toBe(false);
      expect(failure.message).toBe(`webhook "slow" (127.0.0.1:${port}/) did not answer within 100 ms`);
    } finally {
      silent.closeAllConnections();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });
});

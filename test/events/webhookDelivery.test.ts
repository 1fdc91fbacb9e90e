import { WebhookChannel } from '../../shared/adapters/http/WebhookChannel';
import type { RecordedEventBody } from '../../shared/domain/routing/eventHistory';
import { startTestRouter, type TestRouter } from '../support/embeddedRouter';
import { patch } from '../support/signedClient';
import { SseReader } from '../support/sseReader';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhookReceiver';

const TOPIC = '/jobrouter/test';
const quickRetries = { firstRetryMs: 20, maxRetryMs: 100, maxAttempts: 4 };

const webhook = (name: string, receiver: WebhookReceiver, extra: Partial<ConstructorParameters<typeof WebhookChannel>[0]> = {}) =>
  new WebhookChannel({ name, url: receiver.url, topic: TOPIC, timeoutMs: 2000, ...extra });

const typesOf = (events: readonly Record<string, unknown>[]) => events.map((e) => String(e['eventType']).replace('Microsoft.Communication.', ''));

async function setUpQueue(router: TestRouter, workers: string[]): Promise<void> {
  const { client } = router;
  await patch(client, '/routing/distributionPolicies/dp', { offerExpiresAfterSeconds: 600, mode: { kind: 'longestIdle' } });
  await patch(client, '/routing/queues/q', { distributionPolicyId: 'dp' });
  for (const id of workers) {
    await patch(client, `/routing/workers/${id}`, { capacity: 1, queues: ['q'], channels: [{ channelId: 'voice', capacityCostPerJob: 1 }], availableForOffers: true });
  }
}

/** Creates a job, waits for its offer, accepts, completes and closes it; answers the offer and assignment ids. */
async function carryJob(router: TestRouter, jobId: string, workerId: string) {
  const { client } = router;
  await patch(client, `/routing/jobs/${jobId}`, { queueId: 'q', channelId: 'voice', labels: { tier: 'gold' } });
  await router.engine.idle();
  const offers = (await client.pathUnchecked(`/routing/workers/${workerId}`).get()).body.offers as { offerId: string; jobId: string }[];
  const offer = offers.find((o) => o.jobId === jobId);
  if (!offer) throw new Error(`no offer of ${jobId} on ${workerId}`);
  const accepted = await client.pathUnchecked(`/routing/workers/${workerId}/offers/${offer.offerId}:accept`).post();
  const assignmentId = accepted.body.assignmentId as string;
  await client.pathUnchecked(`/routing/jobs/${jobId}/assignments/${assignmentId}:complete`).post({ body: {}, contentType: 'application/json' });
  await client.pathUnchecked(`/routing/jobs/${jobId}/assignments/${assignmentId}:close`).post({ body: { dispositionCode: 'Resolved' }, contentType: 'application/json' });
  return { offerId: offer.offerId, assignmentId };
}

describe('router events to webhook subscriptions (embedded host)', () => {
  const receivers: WebhookReceiver[] = [];
  const routers: TestRouter[] = [];
  const receiver = async () => {
    const started = await startWebhookReceiver();
    receivers.push(started);
    return started;
  };
  const router = async (options: Parameters<typeof startTestRouter>[0]) => {
    const started = await startTestRouter({ delivery: quickRetries, ...options });
    routers.push(started);
    return started;
  };
  afterEach(async () => {
    for (const r of routers.splice(0)) await r.close();
    for (const r of receivers.splice(0)) await r.close();
  });

  it('a receiver next to the host sees OfferIssued → OfferAccepted → JobCompleted → JobClosed for the seed scenario, with the schema fields', async () => {
    const desk = await receiver();
    const host = await router({ channels: [webhook('desk', desk, { eventTypes: ['RouterWorkerOfferIssued', 'RouterWorkerOfferAccepted', 'RouterJobCompleted', 'RouterJobClosed'] })] });
    await setUpQueue(host, ['w1']);
    const { offerId, assignmentId } = await carryJob(host, 'j1', 'w1');
    await desk.waitFor((r) => r.events().length >= 4, 5000);

    const events = desk.events();
    expect(typesOf(events)).toEqual(['RouterWorkerOfferIssued', 'RouterWorkerOfferAccepted', 'RouterJobCompleted', 'RouterJobClosed']);
    for (const event of events) {
      expect(event).toMatchObject({ id: expect.any(String), topic: TOPIC, eventTime: expect.any(String), dataVersion: '1.0', metadataVersion: '1' });
    }
    const [issued, acceptedEvent, completed, closed] = events.map((e) => e['data'] as Record<string, unknown>);
    expect(events[0]?.['subject']).toBe('worker/w1/job/j1');
    expect(issued).toMatchObject({ workerId: 'w1', jobId: 'j1', channelId: 'voice', queueId: 'q', offerId, jobPriority: 1, jobLabels: { tier: 'gold' }, offeredOn: expect.any(String), expiresOn: expect.any(String) });
    expect(acceptedEvent).toMatchObject({ workerId: 'w1', jobId: 'j1', offerId, assignmentId, queueId: 'q' });
    expect(events[2]?.['subject']).toBe(`job/j1/channel/voice/assignment/${assignmentId}`);
    expect(completed).toMatchObject({ jobId: 'j1', assignmentId, workerId: 'w1', queueId: 'q', labels: { tier: 'gold' } });
    expect(closed).toMatchObject({ jobId: 'j1', assignmentId, workerId: 'w1', dispositionCode: 'Resolved' });
    // Every event of the history was recorded; the filtered-out types were never pending for this subscription.
    await host.engine.relay.idle();
    const history = (await host.store.list<RecordedEventBody>('events', { pageSize: 1000 })).items;
    expect(history.filter((d) => d.body._delivery?.['desk']).map((d) => d.body.type)).toEqual(typesOf(events));
    expect(history.every((d) => !d.keys['pendingFor'])).toBe(true);

  });

  it('a failing subscriber is retried with backoff and gets every event in order, while another subscriber is served at once', async () => {
    const flaky = await receiver();
    const steady = await receiver();
    flaky.failNext(3, 503);
    const host = await router({ channels: [webhook('flaky', flaky), webhook('steady', steady)] });
    await setUpQueue(host, ['w1']);
    await carryJob(host, 'j1', 'w1');
    const total = (await host.store.list('events', { pageSize: 1000 })).items.length;
    await steady.waitFor((r) => r.events().length >= total, 5000);
    await flaky.waitFor((r) => r.events().length >= total, 5000);
    expect(flaky.events().map((e) => e['id'])).toEqual(steady.events().map((e) => e['id']));
    expect(flaky.requests.filter((r) => r.status === 503)).toHaveLength(3);
    // Event Grid's header: the attempt number of the first event of the delivery.
    expect(flaky.deliveries[0]?.headers['aeg-delivery-count']).toBe('3');
  });

  it('a subscriber that never answers holds up only itself: routing goes on and the other subscriber gets everything', async () => {
    const silent = await receiver();
    const steady = await receiver();
    silent.hangNext(1000);
    const host = await router({ channels: [webhook('silent', silent, { timeoutMs: 60_000 }), webhook('steady', steady)] });
    await setUpQueue(host, ['w1', 'w2']);
    await carryJob(host, 'j1', 'w1');
    await carryJob(host, 'j2', 'w2');
    const total = (await host.store.list('events', { pageSize: 1000 })).items.length;
    await steady.waitFor((r) => r.events().length >= total, 5000);
    expect(silent.deliveries).toHaveLength(0);
    expect((await host.client.pathUnchecked('/routing/jobs/j2').get()).body.status).toBe('closed');
    const pending = await host.store.list('events', { where: [{ key: 'pendingFor', op: 'eq', value: 'silent' }], pageSize: 1000 });
    expect(pending.items).toHaveLength(total);
  });

  it('a receiver that refuses the events (400) dead-letters them at once; one that keeps failing dead-letters them after the last attempt', async () => {
    const refusing = await receiver();
    const down = await receiver();
    refusing.failNext(1, 400);
    down.failNext(1000, 503);
    const host = await router({ channels: [webhook('refusing', refusing, { eventTypes: ['RouterWorkerRegistered'] }), webhook('down', down, { eventTypes: ['RouterWorkerRegistered'] })] });
    await patch(host.client, '/routing/workers/w1', { capacity: 1, availableForOffers: true });
    await refusing.waitFor((r) => r.requests.some((q) => q.status === 400), 5000);
    await down.waitFor((r) => r.requests.filter((q) => q.status === 503).length >= quickRetries.maxAttempts, 5000);
    await host.engine.relay.idle();
    const [recorded] = (await host.store.list<RecordedEventBody>('events', { where: [{ key: 'type', op: 'eq', value: 'RouterWorkerRegistered' }], pageSize: 10 })).items;
    expect(recorded?.keys['deadFor']).toEqual(['refusing', 'down']);
    expect(recorded?.keys['pendingFor']).toBeUndefined();
    expect(recorded?.body._delivery?.['refusing']).toMatchObject({ attempts: 1, deadLetteredAt: expect.any(String), lastError: expect.stringContaining('400') });
    expect(recorded?.body._delivery?.['down']).toMatchObject({ attempts: quickRetries.maxAttempts, deadLetteredAt: expect.any(String), lastError: expect.stringContaining('503') });
    // Nothing more is tried once an event is dead-lettered.
    const tries = down.requests.length;
    host.engine.relay.kick();
    await host.engine.relay.idle();
    expect(down.requests).toHaveLength(tries);
  });
});

describe('the relay feeds the live stream and the history of the embedded host', () => {
  it('GET /routing/events:stream shows the events of routing as they are recorded, and GET /routing/events lists them with their delivery', async () => {
    const desk = await startWebhookReceiver();
    const host = await startTestRouter({ channels: [webhook('desk', desk)] });
    const response = await host.client.pathUnchecked('/routing/events:stream').get().asNodeStream();
    const body = response.body as NodeJS.ReadableStream & { destroy(): void };
    try {
      const reader = new SseReader(body);
      expect((await reader.next()).comment).toBe('subscribed to router events');
      await patch(host.client, '/routing/workers/w1', { capacity: 1, availableForOffers: true });
      const frame = await reader.next();
      expect(frame.event).toBe('Microsoft.Communication.RouterWorkerRegistered');
      expect(JSON.parse(frame.data ?? '{}')).toMatchObject({ eventType: 'Microsoft.Communication.RouterWorkerRegistered', subject: 'worker/w1', data: { workerId: 'w1' } });

      await desk.waitFor((r) => r.events().length >= 1, 5000);
      await host.engine.relay.idle();
      const listed = await host.client.pathUnchecked('/routing/events').get({ queryParameters: { workerId: 'w1' } });
      expect(listed.status).toBe('200');
      expect(listed.body.value).toEqual([
        expect.objectContaining({ id: frame.id, eventType: 'Microsoft.Communication.RouterWorkerRegistered', deliveries: { desk: expect.objectContaining({ status: 'delivered', attempts: 1 }) } }),
      ]);
    } finally {
      body.destroy();
      await host.close();
      await desk.close();
    }
  });
});

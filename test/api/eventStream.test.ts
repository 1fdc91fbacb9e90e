import { toEventGridEnvelope } from '../../shared/domain/routing/eventEnvelope';
import { DEFAULT_EVENT_TOPIC } from '../../shared/http/handleRequest';
import { startTestRouter, type TestRouter } from '../support/embeddedRouter';
import { startEventOperatorHost, type EventOperatorHost } from '../support/eventOperatorHost';
import { routerEvent } from '../support/historyDocuments';
import { LiveEventFeed } from '../support/liveEventFeed';
import { rawSignedFetch, withApiVersion } from '../support/rawSignedFetch';
import { SseReader } from '../support/sseReader';

/**
 * GET /routing/events:stream on the embedded host, read by the signing SDK pipeline as a Node stream
 * (the way an SDK user would read it). Events come from a feed the test drives (the engine's own
 * live feed is the relay's; here only the endpoint is under test).
 */

/** Streams a test opened; each is closed after the test, also when it failed half-way. */
const opened: Array<() => void> = [];

async function openStream(router: TestRouter, query: Record<string, string> = {}) {
  const response = await router.client.pathUnchecked('/routing/events:stream').get({ queryParameters: query }).asNodeStream();
  expect(response.status).toBe('200');
  const body = response.body;
  if (!body) throw new Error('the stream answer has no body');
  const reader = new SseReader(body);
  // The first frame is the comment sent once the stream listens: events emitted after it are on the stream.
  expect((await reader.next()).comment).toBe('subscribed to router events');
  const close = () => (body as NodeJS.ReadableStream & { destroy(): void }).destroy();
  opened.push(close);
  return { response, reader, close };
}

/** Waits for the server to notice something (a closed connection) that it learns of asynchronously. */
async function until(condition: () => boolean): Promise<void> {
  for (let turn = 0; !condition(); turn++) {
    if (turn > 2000) throw new Error('the condition did not come true');
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

const received = routerEvent('e-received', 'RouterJobReceived', '2026-01-05T09:00:00.000Z', { jobId: 'job-1', channelId: 'voice' });
const offered = routerEvent('e-offer', 'RouterWorkerOfferIssued', '2026-01-05T09:00:01.000Z', { jobId: 'job-1', workerId: 'w-1', offerId: 'o-1' });
const registered = routerEvent('e-registered', 'RouterWorkerRegistered', '2026-01-05T09:00:02.000Z', { workerId: 'w-2' });

describe('GET /routing/events:stream', () => {
  const feed = new LiveEventFeed();
  let router: TestRouter;

  beforeAll(async () => {
    router = await startTestRouter({ liveEvents: feed });
  });
  afterAll(async () => {
    await router.close();
  });
  afterEach(async () => {
    for (const close of opened.splice(0)) close();
    await until(() => feed.listening === 0);
  });

  it('sends each event as it is recorded: the Event Grid type as the event name, the id, the envelope as data', async () => {
    const stream = await openStream(router);
    expect(stream.response.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    expect(stream.response.headers['cache-control']).toBe('no-cache');
    feed.emit(received);
    feed.emit(offered);
    const first = await stream.reader.nextEvent();
    const second = await stream.reader.nextEvent();
    expect(first).toEqual({ event: 'Microsoft.Communication.RouterJobReceived', id: 'e-received', data: JSON.stringify(toEventGridEnvelope(received, DEFAULT_EVENT_TOPIC)) });
    expect(second.event).toBe('Microsoft.Communication.RouterWorkerOfferIssued');
    expect(second.id).toBe('e-offer');
    expect(JSON.parse(second.data ?? '')).toEqual({
      id: 'e-offer',
      topic: DEFAULT_EVENT_TOPIC,
      subject: 'test/e-offer',
      data: { jobId: 'job-1', workerId: 'w-1', offerId: 'o-1' },
      eventType: 'Microsoft.Communication.RouterWorkerOfferIssued',
      dataVersion: '1.0',
      metadataVersion: '1',
      eventTime: '2026-01-05T09:00:01.000Z',
    });
    stream.close();
  });

  it('every open stream gets every event', async () => {
    const a = await openStream(router);
    const b = await openStream(router);
    expect(feed.listening).toBe(2);
    feed.emit(registered);
    expect((await a.reader.nextEvent()).id).toBe('e-registered');
    expect((await b.reader.nextEvent()).id).toBe('e-registered');
    a.close();
    b.close();
  });

  it.each([
    ['type', { type: 'RouterWorkerOfferIssued' }],
    ['type with the Event Grid prefix', { type: 'Microsoft.Communication.RouterWorkerOfferIssued' }],
    ['workerId', { workerId: 'w-1' }],
    ['jobId and type', { jobId: 'job-1', type: 'RouterWorkerOfferIssued' }],
  ])('filters by %s: events that do not match are left out', async (_name, query) => {
    const stream = await openStream(router, query);
    feed.emit(received);
    feed.emit(registered);
    feed.emit(offered);
    // The stream keeps the order of the feed, so the first event to arrive shows what was left out before it.
    expect((await stream.reader.nextEvent()).id).toBe('e-offer');
    stream.close();
  });

  it('a jobId filter passes the job\'s events of every type', async () => {
    const stream = await openStream(router, { jobId: 'job-1' });
    feed.emit(registered);
    feed.emit(received);
    feed.emit(offered);
    expect((await stream.reader.nextEvent()).id).toBe('e-received');
    expect((await stream.reader.nextEvent()).id).toBe('e-offer');
    stream.close();
  });

  it('stops listening when the client disconnects', async () => {
    const stream = await openStream(router);
    expect(feed.listening).toBe(1);
    stream.close();
    await until(() => feed.listening === 0);
    // Events after the disconnect have nobody to go to, and nothing fails.
    feed.emit(received);
  });

  it('a client that stops reading is cut off once it is far behind, rather than buffered for', async () => {
    const stream = await openStream(router);
    // Synchronous emits leave the server no turn to flush: the backlog grows past the limit within this loop.
    const big = 'x'.repeat(100_000);
    for (let i = 0; i < 200 && feed.listening > 0; i++) feed.emit(routerEvent(`big-${i}`, 'RouterJobReceived', received.time, { jobId: 'job-1', note: big }));
    expect(feed.listening).toBe(0);
    await stream.reader.closed();
  });

  it('is refused like any other route without a valid signature, and nothing starts listening', async () => {
    const response = await rawSignedFetch(router.url, router.accessKey, { method: 'GET', path: withApiVersion('/routing/events:stream'), tamper: { authorization: null } });
    expect(response.status).toBe(401);
    expect(response.json.communicationError.code).toBe('Unauthorized');
    const wrongKey = await rawSignedFetch(router.url, router.accessKey, { method: 'GET', path: withApiVersion('/routing/events:stream'), tamper: { key: Buffer.alloc(32, 1).toString('base64') } });
    expect(wrongKey.status).toBe(401);
    expect(feed.listening).toBe(0);
  });

  it('needs the api-version, as every route does', async () => {
    const response = await rawSignedFetch(router.url, router.accessKey, { method: 'GET', path: '/routing/events:stream' });
    expect(response.status).toBe(400);
    expect(response.json.communicationError.message).toMatch(/api-version/);
  });

  it.each([
    ['type=RouterJobTeleported', /type="RouterJobTeleported" is not a router event type; use one of RouterJobReceived, .*RouterWorkerUpdated/],
    ['jobId=', /jobId is empty/],
  ])('a bad filter (%s) is a 400 that says what to fix, before anything streams', async (query, message) => {
    const response = await rawSignedFetch(router.url, router.accessKey, { method: 'GET', path: withApiVersion(`/routing/events:stream?${query}`) });
    expect(response.status).toBe(400);
    expect(response.json.communicationError.message).toMatch(message);
    expect(feed.listening).toBe(0);
  });

  it('ends when the host closes', async () => {
    const other = await startTestRouter({ liveEvents: feed });
    const stream = await openStream(other);
    await other.close();
    await stream.reader.closed();
    expect(feed.listening).toBe(0);
  });
});

describe('GET /routing/events:stream on a host without a live feed', () => {
  let host: EventOperatorHost;

  beforeAll(async () => {
    host = await startEventOperatorHost({});
  });
  afterAll(async () => {
    await host.close();
  });

  it('answers 501 and points to the Event Grid topic', async () => {
    const response = await host.client.pathUnchecked('/routing/events:stream').get();
    expect(response.status).toBe('501');
    expect(response.body.communicationError).toMatchObject({ code: 'NotImplemented', target: '/routing/events:stream' });
    expect(response.body.communicationError.message).toMatch(/Subscribe to the router's Event Grid topic/);
  });
});

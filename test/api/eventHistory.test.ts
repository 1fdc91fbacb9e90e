import type { Client } from '@azure-rest/core-client';
import { toEventGridEnvelope } from '../../shared/domain/routing/eventEnvelope';
import { DEFAULT_EVENT_TOPIC } from '../../shared/http/handleRequest';
import { readEventTopic } from '../../shared/hosting/webhookConfig';
import type { RouterEvent } from '../../shared/ports/EventPublisher';
import { startTestRouter, type TestRouter } from '../support/embeddedRouter';
import { historyDocument, routerEvent, seedHistory } from '../support/historyDocuments';
import { listPages as listPagesOf } from '../support/listPages';
import { rawSignedFetch, withApiVersion } from '../support/rawSignedFetch';
import { recordedEvents } from '../support/recordedEvents';
import { QUEUE, voiceJob, voiceWorker } from '../support/routingFixtures';
import { patch } from '../support/signedClient';

/**
 * GET /routing/events: the recorded events, oldest first, in the Event Grid schema with each
 * channel's delivery state, filtered and paged like the service's list operations.
 */

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- items are read member by member
type Item = { id: string } & Record<string, any>;
interface Page {
  value: Item[];
  nextLink?: string;
}

const listPages = (client: Client, query: Record<string, string | number> = {}) => listPagesOf<Page>(client, '/routing/events', query);

const itemsOf = async (client: Client, query: Record<string, string | number> = {}) => (await listPages(client, query)).flatMap((page) => page.value);
const idsOf = (items: readonly { id: string }[]) => items.map((item) => item.id);

describe('event history of a routed job', () => {
  let router: TestRouter;
  let recorded: RouterEvent[];

  beforeAll(async () => {
    router = await startTestRouter();
    const { client } = router;
    expect((await patch(client, '/routing/distributionPolicies/dp', { offerExpiresAfterSeconds: 60, mode: { kind: 'longestIdle' } })).status).toBe('201');
    expect((await patch(client, `/routing/queues/${QUEUE}`, { distributionPolicyId: 'dp' })).status).toBe('201');
    expect((await patch(client, '/routing/jobs/job-1', voiceJob())).status).toBe('201');
    expect((await patch(client, '/routing/workers/w-1', voiceWorker())).status).toBe('201');
    await router.engine.idle();
    expect((await patch(client, '/routing/jobs/job-2', voiceJob())).status).toBe('201');
    await router.engine.idle();
    recorded = await recordedEvents(router.store);
  });
  afterAll(async () => {
    await router.close();
  });

  it('the scenario recorded the job, worker and offer events it needs', () => {
    const types = recorded.map((event) => event.type);
    expect(types).toEqual(expect.arrayContaining(['RouterJobReceived', 'RouterJobQueued', 'RouterWorkerRegistered', 'RouterWorkerOfferIssued']));
    expect(recorded.filter((event) => event.data['jobId'] === 'job-2').length).toBeGreaterThan(0);
  });

  it('lists every recorded event, oldest first, in the Event Grid schema (topic from the host) with its deliveries', async () => {
    const items = await itemsOf(router.client);
    expect(idsOf(items)).toEqual(idsOf(recorded));
    expect(items).toEqual(recorded.map((event) => ({ ...toEventGridEnvelope({ id: event.id, type: event.type, subject: event.subject, time: event.time, data: event.data }, DEFAULT_EVENT_TOPIC), deliveries: {} })));
    const times = items.map((item) => item.eventTime as string);
    expect(times).toEqual([...times].sort());
  });

  it('without a topic from the host, items carry the one delivered events carry by default', () => {
    expect(DEFAULT_EVENT_TOPIC).toBe(readEventTopic({}));
  });

  it('filters by jobId', async () => {
    const expected = recorded.filter((event) => event.data['jobId'] === 'job-1');
    expect(expected.length).toBeGreaterThan(1);
    expect(idsOf(await itemsOf(router.client, { jobId: 'job-1' }))).toEqual(idsOf(expected));
  });

  it('filters by workerId', async () => {
    const expected = recorded.filter((event) => event.data['workerId'] === 'w-1');
    expect(expected.map((event) => event.type)).toEqual(expect.arrayContaining(['RouterWorkerRegistered', 'RouterWorkerOfferIssued']));
    expect(idsOf(await itemsOf(router.client, { workerId: 'w-1' }))).toEqual(idsOf(expected));
  });

  it('filters by type, named with or without the Event Grid prefix', async () => {
    const expected = idsOf(recorded.filter((event) => event.type === 'RouterJobQueued'));
    expect(expected).toHaveLength(2);
    expect(idsOf(await itemsOf(router.client, { type: 'RouterJobQueued' }))).toEqual(expected);
    expect(idsOf(await itemsOf(router.client, { type: 'Microsoft.Communication.RouterJobQueued' }))).toEqual(expected);
  });

  it('combines filters: all of them hold', async () => {
    const expected = recorded.filter((event) => event.type === 'RouterJobQueued' && event.data['jobId'] === 'job-2');
    expect(expected).toHaveLength(1);
    expect(idsOf(await itemsOf(router.client, { type: 'RouterJobQueued', jobId: 'job-2' }))).toEqual(idsOf(expected));
    expect(await itemsOf(router.client, { type: 'RouterJobQueued', workerId: 'w-1' })).toEqual([]);
  });

  it('pages with maxpagesize and nextLink like the other lists, the same events in the same order', async () => {
    const pages = await listPages(router.client, { maxpagesize: 2 });
    expect(pages.length).toBe(Math.ceil(recorded.length / 2));
    expect(pages.slice(0, -1).every((page) => page.value.length === 2)).toBe(true);
    expect(pages[0]?.nextLink).toMatch(/^\/routing\/events\?continuationToken=[^&]+$/);
    expect(pages[pages.length - 1]?.nextLink).toBeUndefined();
    expect(idsOf(pages.flatMap((page) => page.value))).toEqual(idsOf(recorded));
  });

  it('a nextLink keeps the filters of the first request', async () => {
    const pages = await listPages(router.client, { jobId: 'job-1', maxpagesize: 1 });
    const expected = recorded.filter((event) => event.data['jobId'] === 'job-1');
    expect(pages.length).toBeGreaterThanOrEqual(expected.length);
    expect(idsOf(pages.flatMap((page) => page.value))).toEqual(idsOf(expected));
  });

  it.each([
    ['type=RouterJobTeleported', /type="RouterJobTeleported" is not a router event type; use one of RouterJobReceived, .*RouterWorkerUpdated \(the Microsoft\.Communication\. prefix is optional\)/],
    ['type=Microsoft.Communication.routerjobqueued', /type="Microsoft\.Communication\.routerjobqueued" is not a router event type/],
    ['since=yesterday', /since="yesterday" is not an RFC 3339 date-time such as 2024-01-01T00:00:00Z/],
    ['until=2026-13-01T00:00:00Z', /until="2026-13-01T00:00:00Z" is not an RFC 3339 date-time/],
    ['since=2026-01-02T00:00:00Z&until=2026-01-01T00:00:00Z', /since="2026-01-02T00:00:00Z" is later than until="2026-01-01T00:00:00Z"/],
    ['jobId=', /jobId is empty; give the jobId to filter on, or leave the parameter out/],
    ['workerId=', /workerId is empty/],
    ['maxpagesize=0', /maxpagesize="0" is not valid; use a whole number from 1 to 1000/],
    ['continuationToken=not-a-token', /continuationToken is not valid: pass the nextLink of the previous page unchanged/],
  ])('a bad query (%s) is a 400 that says what to fix', async (query, message) => {
    const response = await rawSignedFetch(router.url, router.accessKey, { method: 'GET', path: withApiVersion(`/routing/events?${query}`) });
    expect(response.status).toBe(400);
    expect(response.json.communicationError).toMatchObject({ code: 'BadRequest', target: '/routing/events' });
    expect(response.json.communicationError.message).toMatch(message);
  });

  it('is authenticated and versioned like every other route', async () => {
    const unsigned = await rawSignedFetch(router.url, router.accessKey, { method: 'GET', path: withApiVersion('/routing/events'), tamper: { authorization: null } });
    expect(unsigned.status).toBe(401);
    const unversioned = await rawSignedFetch(router.url, router.accessKey, { method: 'GET', path: '/routing/events' });
    expect(unversioned.status).toBe(400);
    expect(unversioned.json.communicationError.message).toMatch(/api-version query parameter is required/);
  });

  it('is read-only: POST is refused with the methods the path has', async () => {
    const response = await rawSignedFetch(router.url, router.accessKey, { method: 'POST', path: withApiVersion('/routing/events') });
    expect(response.status).toBe(405);
    expect(response.json.communicationError.message).toMatch(/use GET/);
  });
});

/**
 * These tests seed the store directly with history documents in the layout of
 * shared/domain/routing/eventHistory.ts (delivery state per channel, `time`, `pendingFor`, `deadFor`,
 * `awaiting` keys), as the relay records them, so delivery states and time ranges are exactly known.
 */
describe('event history with delivery states (seeded in the store)', () => {
  let router: TestRouter;
  const at = (second: number) => `2020-01-01T00:00:0${second}.000Z`;
  const s1 = routerEvent('s1', 'RouterJobReceived', at(1), { jobId: 'sj-1' });
  const s2 = routerEvent('s2', 'RouterJobQueued', at(2), { jobId: 'sj-1', queueId: 'sq' });
  const s3 = routerEvent('s3', 'RouterWorkerRegistered', at(3), { workerId: 'sw-1' });
  const s4 = routerEvent('s4', 'RouterJobDeleted', at(4), { jobId: 'sj-1' });
  const s5 = routerEvent('s5', 'RouterJobCancelled', at(5), { jobId: 'sj-1' });

  beforeAll(async () => {
    router = await startTestRouter();
    await seedHistory(router.store, [
      historyDocument(s1, { hook: { attempts: 1, deliveredAt: at(1) }, grid: { attempts: 2, lastAttemptAt: at(2), lastError: 'HTTP 503 from grid' } }),
      historyDocument(s2, { hook: { attempts: 5, lastAttemptAt: at(3), lastError: 'HTTP 500 from hook', deadLetteredAt: at(3) }, grid: { attempts: 1, deliveredAt: at(2) } }),
      historyDocument(s3),
      // A delete's event, recorded before the delete is known to have happened.
      historyDocument(s4, { hook: { attempts: 0 } }, { collection: 'jobs', id: 'sj-1', etag: '"e1"' }),
      historyDocument(s5, { hook: { attempts: 0 } }),
    ]);
  });
  afterAll(async () => {
    await router.close();
  });

  it('shows each channel\'s delivery: pending, delivered or dead-lettered, with attempts, last error and times', async () => {
    const items = await itemsOf(router.client);
    expect(idsOf(items)).toEqual(['s1', 's2', 's3', 's5']);
    expect(items[0]?.deliveries).toEqual({
      grid: { status: 'pending', attempts: 2, lastError: 'HTTP 503 from grid' },
      hook: { status: 'delivered', attempts: 1, deliveredAt: at(1) },
    });
    expect(items[1]?.deliveries).toEqual({
      grid: { status: 'delivered', attempts: 1, deliveredAt: at(2) },
      hook: { status: 'deadLettered', attempts: 5, lastError: 'HTTP 500 from hook', deadLetteredAt: at(3) },
    });
    expect(items[2]?.deliveries).toEqual({});
    expect(items[3]?.deliveries).toEqual({ hook: { status: 'pending', attempts: 0 } });
    expect(items[1]).toMatchObject({ id: 's2', eventType: 'Microsoft.Communication.RouterJobQueued', eventTime: at(2), data: { jobId: 'sj-1', queueId: 'sq' }, topic: DEFAULT_EVENT_TOPIC });
  });

  it('never shows the private delivery state or the awaited delete on the wire', async () => {
    const response = await router.client.pathUnchecked('/routing/events').get();
    const text = JSON.stringify(response.body);
    expect(text).not.toContain('_delivery');
    expect(text).not.toContain('_awaiting');
    expect(text).not.toContain('lastAttemptAt');
  });

  it('leaves out the event of a delete that is not known to have happened, also when paging one by one', async () => {
    const pages = await listPages(router.client, { jobId: 'sj-1', maxpagesize: 1 });
    expect(idsOf(pages.flatMap((page) => page.value))).toEqual(['s1', 's2', 's5']);
  });

  it.each([
    ['since and until, both inclusive', { since: at(2), until: at(3) }, ['s2', 's3']],
    ['since alone', { since: at(5) }, ['s5']],
    ['until alone, between two events', { until: '2020-01-01T00:00:01.5Z' }, ['s1']],
    ['an offset instead of Z', { since: '2020-01-01T01:00:02+01:00', until: '2020-01-01T01:00:03+01:00' }, ['s2', 's3']],
    ['a range and a type', { since: at(1), until: at(5), type: 'RouterJobCancelled' }, ['s5']],
    ['a range with no events', { since: '2021-01-01T00:00:00Z' }, []],
  ])('time range on the event time: %s', async (_name, query, expected) => {
    expect(idsOf(await itemsOf(router.client, query))).toEqual(expected);
  });

  it('a time range holds across pages', async () => {
    const pages = await listPages(router.client, { since: at(2), until: at(5), maxpagesize: 1 });
    expect(idsOf(pages.flatMap((page) => page.value))).toEqual(['s2', 's3', 's5']);
  });
});

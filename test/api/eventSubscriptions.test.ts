import type { Client } from '@azure-rest/core-client';
import { openSqliteStore } from '../../shared/adapters/embedded/SqliteStore';
import type { RecordedEventBody } from '../../shared/domain/routing/eventHistory';
import { redeliverDeadLetters } from '../../shared/http/redeliverDeadLetters';
import type { NewDocument, Store } from '../../shared/ports/Store';
import { startCosmosTestServer, type CosmosTestServer } from '../support/cosmosTestServer';
import { startTestRouter } from '../support/embeddedRouter';
import { startEventOperatorHost, type EventOperatorHost } from '../support/eventOperatorHost';
import { historyDocument, routerEvent, seedHistory } from '../support/historyDocuments';
import { rawSignedFetch, withApiVersion } from '../support/rawSignedFetch';
import { listPages } from '../support/listPages';

/**
 * The event subscriptions (the host's delivery channels), their dead letters and redelivery.
 * These tests seed the store directly with history documents in the layout of
 * shared/domain/routing/eventHistory.ts, so that every channel's delivery state is exactly known.
 */

const at = (second: number) => `2020-01-01T00:00:0${second}.000Z`;
const CHANNELS = ['hook', 'grid', 'hook-b', 'web hook'];

const e1 = routerEvent('e1', 'RouterJobReceived', at(1), { jobId: 'j1' });
const e2 = routerEvent('e2', 'RouterJobQueued', at(2), { jobId: 'j1', queueId: 'q' });
const e3 = routerEvent('e3', 'RouterWorkerRegistered', at(3), { workerId: 'w1' });
const e4 = routerEvent('e4', 'RouterJobClosed', at(4), { jobId: 'j1' });

const SEEDED = [
  historyDocument(e1, { hook: { attempts: 1, deliveredAt: at(1) }, grid: { attempts: 1, lastAttemptAt: at(2), lastError: 'HTTP 503 from grid' } }),
  historyDocument(e2, {
    hook: { attempts: 3, lastAttemptAt: at(4), lastError: 'HTTP 500 from hook', deadLetteredAt: at(4) },
    grid: { attempts: 1, deliveredAt: at(2) },
    'web hook': { attempts: 8, lastError: 'timed out', deadLetteredAt: at(5) },
  }),
  historyDocument(e3, {
    hook: { attempts: 1, lastAttemptAt: at(5), lastError: 'HTTP 410 Gone', deadLetteredAt: at(5) },
    'hook-b': { attempts: 1, lastError: 'refused', deadLetteredAt: at(5) },
    'web hook': { attempts: 8, lastError: 'timed out', deadLetteredAt: at(6) },
  }),
  historyDocument(e4, { hook: { attempts: 2, lastAttemptAt: at(6), lastError: 'HTTP 502 from hook' }, 'hook-b': { attempts: 0 } }),
];

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- items are read member by member
type Item = Record<string, any>;

const deadLetterPages = (client: Client, name: string, query: Record<string, number> = {}) =>
  listPages<{ value: Item[]; nextLink?: string }>(client, `/routing/eventSubscriptions/${encodeURIComponent(name)}/deadLetters`, query, 50);

const redeliver = (client: Client, name: string) => client.pathUnchecked('/routing/eventSubscriptions/{subscriptionName}/deadLetters:redeliver', name).post();

describe('event subscriptions, dead letters and redelivery', () => {
  let host: EventOperatorHost;
  let kicks: number;

  beforeEach(async () => {
    kicks = 0;
    host = await startEventOperatorHost({ eventChannels: CHANNELS, eventTopic: '/routers/test', onRedeliver: () => kicks++ });
    await seedHistory(host.store, SEEDED);
  });
  afterEach(async () => {
    await host.close();
  });

  it('lists the configured channels in their order, each with its pending and dead-lettered events counted', async () => {
    const response = await host.client.pathUnchecked('/routing/eventSubscriptions').get();
    expect(response.status).toBe('200');
    expect(response.body).toEqual({
      value: [
        { name: 'hook', pending: 1, deadLettered: 2 },
        { name: 'grid', pending: 1, deadLettered: 0 },
        { name: 'hook-b', pending: 1, deadLettered: 1 },
        { name: 'web hook', pending: 0, deadLettered: 2 },
      ],
    });
  });

  it('lists a channel\'s dead letters oldest first: the event in the Event Grid schema, attempts, last error, when it gave up', async () => {
    const [page, ...more] = await deadLetterPages(host.client, 'hook');
    expect(more).toEqual([]);
    expect(page?.value).toEqual([
      {
        id: 'e2',
        topic: '/routers/test',
        subject: 'test/e2',
        data: { jobId: 'j1', queueId: 'q' },
        eventType: 'Microsoft.Communication.RouterJobQueued',
        dataVersion: '1.0',
        metadataVersion: '1',
        eventTime: at(2),
        attempts: 3,
        lastError: 'HTTP 500 from hook',
        deadLetteredAt: at(4),
      },
      expect.objectContaining({ id: 'e3', eventType: 'Microsoft.Communication.RouterWorkerRegistered', attempts: 1, lastError: 'HTTP 410 Gone', deadLetteredAt: at(5) }),
    ]);
  });

  it('pages dead letters like the other lists, with a nextLink to the same (encoded) channel', async () => {
    const pages = await deadLetterPages(host.client, 'web hook', { maxpagesize: 1 });
    expect(pages.map((page) => page.value.map((item) => item.id))).toEqual([['e2'], ['e3']]);
    expect(pages[0]?.nextLink).toMatch(/^\/routing\/eventSubscriptions\/web%20hook\/deadLetters\?continuationToken=[^&]+$/);
  });

  it('a continuation token cannot read another channel\'s dead letters: the path names the channel', async () => {
    const [first] = await deadLetterPages(host.client, 'web hook', { maxpagesize: 1 });
    const token = new URL(first?.nextLink ?? '', 'http://x').searchParams.get('continuationToken') ?? '';
    const response = await host.client.pathUnchecked('/routing/eventSubscriptions/hook-b/deadLetters').get({ queryParameters: { continuationToken: token } });
    expect(response.status).toBe('200');
    // hook-b's dead letter e3 comes after web hook's e2, where the token continues.
    expect(response.body.value.map((item: Item) => item.id)).toEqual(['e3']);
  });

  it.each([
    ['GET', '/routing/eventSubscriptions/nope/deadLetters'],
    ['POST', '/routing/eventSubscriptions/nope/deadLetters:redeliver'],
  ] as const)('%s on a channel that is not configured is a 404 naming the configured ones', async (method, path) => {
    const response = await rawSignedFetch(host.url, host.accessKey, { method, path: withApiVersion(path) });
    expect(response.status).toBe(404);
    expect(response.json.communicationError.message).toBe('There is no event subscription "nope"; the configured ones are "hook", "grid", "hook-b", "web hook".');
  });

  it('redelivery moves every dead letter of the channel back to pending, resets its attempts, and kicks delivery once', async () => {
    const response = await redeliver(host.client, 'hook');
    expect(response.status).toBe('200');
    expect(response.body).toEqual({ redelivered: 2 });
    expect(kicks).toBe(1);

    expect((await deadLetterPages(host.client, 'hook'))[0]?.value).toEqual([]);
    const channels = (await host.client.pathUnchecked('/routing/eventSubscriptions').get()).body.value;
    expect(channels).toEqual([
      { name: 'hook', pending: 3, deadLettered: 0 },
      { name: 'grid', pending: 1, deadLettered: 0 },
      { name: 'hook-b', pending: 1, deadLettered: 1 },
      { name: 'web hook', pending: 0, deadLettered: 2 },
    ]);

    const e2Item = (await host.client.pathUnchecked('/routing/events').get({ queryParameters: { type: 'RouterJobQueued' } })).body.value[0];
    expect(e2Item.deliveries).toEqual({
      grid: { status: 'delivered', attempts: 1, deliveredAt: at(2) },
      hook: { status: 'pending', attempts: 0 },
      'web hook': { status: 'deadLettered', attempts: 8, lastError: 'timed out', deadLetteredAt: at(5) },
    });
    // What the relay queries: the channel is in pendingFor and out of deadFor; other channels keep their place.
    const e3Doc = await host.store.get<RecordedEventBody>('events', SEEDED[2]?.id ?? '');
    expect(e3Doc?.keys['pendingFor']).toEqual(['hook']);
    expect(e3Doc?.keys['deadFor']).toEqual(['hook-b', 'web hook']);
    expect(e3Doc?.body._delivery?.['hook']).toEqual({ attempts: 0 });
    expect(e3Doc?.body._delivery?.['hook-b']).toEqual({ attempts: 1, lastError: 'refused', deadLetteredAt: at(5) });
  });

  it('redelivering again finds nothing and does not kick delivery', async () => {
    expect((await redeliver(host.client, 'hook')).body).toEqual({ redelivered: 2 });
    const again = await redeliver(host.client, 'hook');
    expect(again.status).toBe('200');
    expect(again.body).toEqual({ redelivered: 0 });
    expect(kicks).toBe(1);
  });

  it('redelivery takes no options: a body with members is a 400 and moves nothing', async () => {
    const response = await host.client.pathUnchecked('/routing/eventSubscriptions/hook/deadLetters:redeliver').post({ body: { onlyType: 'RouterJobQueued' }, contentType: 'application/json' });
    expect(response.status).toBe('400');
    expect(response.body.communicationError.message).toBe('Redelivering dead letters takes no options; send no body (or {}).');
    expect((await redeliver(host.client, 'hook')).body).toEqual({ redelivered: 2 });
  });

  it('an empty JSON object is no options', async () => {
    const response = await host.client.pathUnchecked('/routing/eventSubscriptions/hook-b/deadLetters:redeliver').post({ body: {}, contentType: 'application/json' });
    expect(response.body).toEqual({ redelivered: 1 });
  });

  it('redelivery needs a valid signature; an unsigned one moves nothing', async () => {
    const response = await rawSignedFetch(host.url, host.accessKey, { method: 'POST', path: withApiVersion('/routing/eventSubscriptions/hook/deadLetters:redeliver'), tamper: { authorization: null } });
    expect(response.status).toBe(401);
    expect((await deadLetterPages(host.client, 'hook'))[0]?.value).toHaveLength(2);
    expect(kicks).toBe(0);
  });
});

describe('a redelivery whose kick fails', () => {
  it('still answers what it moved: the events are pending, and the relay\'s next pass takes them', async () => {
    const failingKick = () => {
      throw new Error('relay stopped');
    };
    const host = await startEventOperatorHost({ eventChannels: CHANNELS, onRedeliver: failingKick });
    try {
      await seedHistory(host.store, SEEDED);
      const response = await redeliver(host.client, 'hook');
      expect(response.status).toBe('200');
      expect(response.body).toEqual({ redelivered: 2 });
      expect((await deadLetterPages(host.client, 'hook'))[0]?.value).toEqual([]);
    } finally {
      await host.close();
    }
  });
});

describe('event subscriptions of a router without channels', () => {
  it('lists none, and has no dead letters to show', async () => {
    const router = await startTestRouter();
    try {
      expect((await router.client.pathUnchecked('/routing/eventSubscriptions').get()).body).toEqual({ value: [] });
      const response = await router.client.pathUnchecked('/routing/eventSubscriptions/hook/deadLetters').get();
      expect(response.status).toBe('404');
      expect(response.body.communicationError.message).toBe('There is no event subscription "hook": this router delivers events to no channel.');
    } finally {
      await router.close();
    }
  });
});

let cosmos: CosmosTestServer | undefined;
afterAll(async () => {
  await cosmos?.close();
});

const STORES: Array<[string, () => Promise<Store>]> = [
  ['SQLite', () => Promise.resolve(openSqliteStore({ path: ':memory:' }))],
  ['Cosmos DB', async () => (await (cosmos ??= await startCosmosTestServer()).createTestCosmosStore('redeliver'))],
];

/**
 * Redelivery against a relay writing the same documents, on each store. The relay's write is made by
 * the test, on the real store, in the moment between redelivery reading an event and replacing it.
 */
describe.each(STORES)('redelivery racing the relay (%s)', (_name, openStore) => {
  let store: Store;

  beforeEach(async () => {
    store = await openStore();
    await seedHistory(store, SEEDED);
  });
  afterEach(async () => {
    await store.close();
  });

  /** The store, with `interfere` run once before the first replace of an event document. */
  function interferingStore(interfere: (doc: NewDocument<unknown>) => Promise<void>): Store {
    let done = false;
    return new Proxy(store, {
      get(target, property, receiver) {
        if (property === 'replace') {
          return async (doc: NewDocument<unknown>, ifMatch: string) => {
            if (!done) {
              done = true;
              await interfere(doc);
            }
            return target.replace(doc, ifMatch);
          };
        }
        const value = Reflect.get(target, property, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  }

  it('a write in between makes the replace fail on its etag; redelivery reads again and keeps both changes', async () => {
    const racing = interferingStore(async (doc) => {
      const current = await store.get<RecordedEventBody>('events', doc.id);
      if (!current) throw new Error('seeded event missing');
      // The relay records another channel's attempt on the same event.
      const body = { ...current.body, _delivery: { ...current.body._delivery, grid: { attempts: 2, deliveredAt: at(9) } } };
      await store.replace({ collection: 'events', id: current.id, lastModified: at(9), body, keys: current.keys }, current.etag);
    });
    expect(await redeliverDeadLetters(racing, 'hook', new Date(at(9)))).toBe(2);
    const e2Doc = await store.get<RecordedEventBody>('events', SEEDED[1]?.id ?? '');
    expect(e2Doc?.body._delivery?.['hook']).toEqual({ attempts: 0 });
    expect(e2Doc?.body._delivery?.['grid']).toEqual({ attempts: 2, deliveredAt: at(9) });
    expect(e2Doc?.keys['pendingFor']).toEqual(['hook']);
    expect(e2Doc?.keys['deadFor']).toEqual(['web hook']);
  });

  it('an event that stopped being dead for the channel in between is left as it is and not counted', async () => {
    const racing = interferingStore(async (doc) => {
      const current = await store.get<RecordedEventBody>('events', doc.id);
      if (!current) throw new Error('seeded event missing');
      // Someone else redelivered it first, and the relay delivered it.
      const body = { ...current.body, _delivery: { ...current.body._delivery, hook: { attempts: 1, deliveredAt: at(9) } } };
      const keys = { ...current.keys, deadFor: ['web hook'] };
      await store.replace({ collection: 'events', id: current.id, lastModified: at(9), body, keys }, current.etag);
    });
    expect(await redeliverDeadLetters(racing, 'hook', new Date(at(9)))).toBe(1);
    const e2Doc = await store.get<RecordedEventBody>('events', SEEDED[1]?.id ?? '');
    expect(e2Doc?.body._delivery?.['hook']).toEqual({ attempts: 1, deliveredAt: at(9) });
    expect(e2Doc?.keys['pendingFor']).toBeUndefined();
  });

  it('an event removed in between is not counted', async () => {
    const racing = interferingStore(async (doc) => {
      await store.delete('events', doc.id);
    });
    expect(await redeliverDeadLetters(racing, 'hook', new Date(at(9)))).toBe(1);
  });

  it('goes through every page of dead letters', async () => {
    const many = Array.from({ length: 250 }, (_, i) => historyDocument(routerEvent(`m${i}`, 'RouterJobQueued', '2020-02-01T00:00:00.000Z', { jobId: `m${i}` }), { grid: { attempts: 3, lastError: 'x', deadLetteredAt: at(1) } }));
    await seedHistory(store, many);
    expect(await redeliverDeadLetters(store, 'grid', new Date(at(9)))).toBe(250);
    expect(await store.count('events', { key: 'deadFor', from: 'grid', to: 'grid\u0000' })).toBe(0);
    expect(await store.count('events', { key: 'pendingFor', from: 'grid', to: 'grid\u0000' })).toBe(251);
  });
});

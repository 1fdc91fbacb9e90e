import { CosmosClient, type Container } from '@azure/cosmos';
import { fromCodePointOrder, toCodePointOrder } from '../../shared/adapters/azure/codePointOrder';
import { cosmosIndexingPolicy, COSMOS_ORDERED_KEYS, COSMOS_PARTITION_KEY_PATH } from '../../shared/adapters/azure/cosmosIndexing';
import { cosmosItemId } from '../../shared/adapters/azure/cosmosItemId';
import { groupedKeyParts, groupRange } from '../../shared/adapters/azure/cosmosGroupedKeys';
import { cosmosPartitionKey, isSpreadCollection } from '../../shared/adapters/azure/cosmosPartitioning';
import { CosmosStore } from '../../shared/adapters/azure/CosmosStore';
import { openSqliteStore } from '../../shared/adapters/embedded/SqliteStore';
import { JOB_MATCH_ORDER, WORKER_IDLE_ORDER } from '../../shared/domain/routing/routingKeys';
import type { IndexKeys, Store } from '../../shared/ports/Store';
import { seededRandom } from '../support/prng';
import { startCosmosTestServer, type CosmosTestServer } from '../support/cosmosTestServer';
import { byBinary, describeStoreContract, doc, eq } from './storeContract';

let server: CosmosTestServer;

beforeAll(async () => {
  server = await startCosmosTestServer();
});

afterAll(async () => {
  await server.close();
});

describeStoreContract(
  'CosmosStore (@vercel/cosmosdb-server)',
  async () => {
    let current = await server.createTestCosmosStore('contract');
    return {
      store: current,
      reopen: async () => {
        await current.close();
        current = await server.openTestCosmosStore(current.container.id);
        return current;
      },
    };
  },
  { durable: true },
);

describe('CosmosStore specifics', () => {
  let store: CosmosStore;
  beforeEach(async () => {
    store = await server.createTestCosmosStore('specifics');
  });
  afterEach(async () => {
    await store.close();
  });

  /** A client of our own for what the store does not do (raw items, other containers); disposed after use. */
  async function withClient<T>(use: (client: CosmosClient) => Promise<T>): Promise<T> {
    const client = new CosmosClient({ endpoint: server.endpoint, key: server.key, agent: server.agent });
    try {
      return await use(client);
    } finally {
      client.dispose();
    }
  }

  async function rawIds(container: Container, collection: string): Promise<string[]> {
    const query = { query: 'SELECT VALUE c.id FROM c WHERE c.pk = @pk', parameters: [{ name: '@pk', value: collection }] };
    return (await container.items.query<string>(query, { partitionKey: collection }).fetchAll()).resources;
  }

  describe('index keys', () => {
    it('rejects a document it could not index, writing nothing', async () => {
      await expect(store.create(doc('jobs', 'j1', {}, { score: Number.NaN }))).rejects.toThrow(TypeError);
      await expect(store.create(doc('jobs', 'j1', {}, { nested: [{ a: 1 }] as never }))).rejects.toThrow(TypeError);
      await expect(store.list('jobs', { pageSize: 1, where: [{ key: 'k', op: 'like' as never, value: 'x' }] })).rejects.toThrow(TypeError);
      expect(await store.exists('jobs', [])).toBe(false);
    });

    it('treats an undefined key as absent, as its JSON copy does', async () => {
      const created = await store.create(doc('queues', 'q1', {}, { exceptionPolicyId: undefined as never, distributionPolicyId: 'p1' }));
      expect(created.keys).toEqual({ distributionPolicyId: 'p1' });
      expect(await store.exists('queues', [eq('distributionPolicyId', 'p1')])).toBe(true);
    });

    it('accepts key names that need quoting in SQL', async () => {
      const keys = { 'we"ird\\key': 'x', 'a b': ['y'], "it's": 1 };
      const created = await store.create(doc('jobs', 'j1', {}, keys));
      expect(created.keys).toEqual(keys);
      for (const [key, value] of [['we"ird\\key', 'x'], ['a b', 'y'], ["it's", 1]] as const) {
        expect(await store.exists('jobs', [eq(key, value)])).toBe(true);
      }
      expect(await store.count('jobs', { key: 'we"ird\\key', from: 'a', to: 'z' })).toBe(1);
    });
  });

  describe('ids', () => {
    // What Cosmos forbids (/ \ ? #), what breaks its point operations (%, trailing space), look-alikes of
    // the escaped forms, and order-sensitive characters.
    const awkward = ['a/b', 'a\\b', 'a?b', 'a#b', 'a%2Fb', 'a!2Fb', 'a!b', '!', '', ' ', 'x ', 'a b', 'a.b', '.', '12345', 'é', '\uffff', '🙂', 'a\u2028b', '/'.repeat(255)];

    it('any string works as an id: created, read, replaced, listed in binary order and deleted', async () => {
      for (const id of awkward) await store.create(doc('queues', id, { id }, { tag: 't' }));

      for (const id of awkward) {
        const read = await store.get('queues', id);
        expect(read?.body).toEqual({ id });
        const replaced = await store.replace(doc('queues', id, { id, v: 2 }, { tag: 't' }), read!.etag);
        expect(replaced.id).toBe(id);
      }
      const listed = await store.list('queues', { pageSize: 100, where: [eq('tag', 't')] });
      expect(listed.items.map((item) => item.id)).toEqual([...awkward].sort(byBinary));
      for (const id of awkward) expect(await store.delete('queues', id)).toBe(true);
      expect(await store.exists('queues', [])).toBe(false);
    });

    it('stores Cosmos ids without the characters Cosmos forbids or mishandles, one per store id', async () => {
      for (const id of awkward) await store.create(doc('queues', id, {}, {}));
      const ids = await rawIds(store.container, 'queues');
      expect(new Set(ids).size).toBe(awkward.length);
      for (const id of ids) {
        expect(id).toMatch(/^[^/\\?#%\s]+$/u);
        expect(Buffer.byteLength(id)).toBeLessThanOrEqual(1023);
      }
      expect(cosmosItemId('a/b')).toBe('a!2Fb');
      expect(cosmosItemId('a!2Fb')).toBe('a!212Fb');
      expect(cosmosItemId('')).toBe('!');
      expect(cosmosItemId('é🙂')).toBe('é🙂');
    });

    it('refuses an id too long for Cosmos with a RangeError, writing nothing', async () => {
      await expect(store.create(doc('queues', 'x'.repeat(1024), {}, {}))).rejects.toThrow(/1023/);
      expect(await store.exists('queues', [])).toBe(false);
    });
  });

  describe('code point order form', () => {
    const alphabet = ['a', 'B', '\u0000', '\u001f', '\u007f', 'é', '\u1000', '\u17ff', '\ud7fe', '\ud7ff', '\ue000', '\uffff', '\u{10000}', '🙂', '\u{10ffff}'];

    it('compares as the UTF-8 bytes of the original do, and decodes back', () => {
      const random = seededRandom(9);
      const strings = Array.from({ length: 300 }, () => Array.from({ length: random.int(0, 4) }, () => random.pick(alphabet)).join(''));
      for (const s of strings) {
        const form = toCodePointOrder(s);
        expect(form).not.toMatch(/[\ud800-\udfff]/);
        expect(fromCodePointOrder(form)).toBe(s);
      }
      for (let i = 1; i < strings.length; i++) {
        const [a, b] = [strings[i - 1]!, strings[i]!];
        const form = toCodePointOrder(a) < toCodePointOrder(b) ? -1 : toCodePointOrder(a) > toCodePointOrder(b) ? 1 : 0;
        expect([a, b, form]).toEqual([a, b, Math.sign(byBinary(a, b))]);
      }
    });

    it('leaves strings below U+D7FF as they are and round-trips lone surrogates', () => {
      expect(toCodePointOrder('queue\u001f1099é')).toBe('queue\u001f1099é');
      for (const s of ['\ud800', 'a\udfffb', '\udbff\ud800']) expect(fromCodePointOrder(toCodePointOrder(s))).toBe(s);
    });
  });

  describe('ordered keys (TOP … ORDER BY value, docId)', () => {
    it('declares the engine job keys, each with its composite index', () => {
      expect(COSMOS_ORDERED_KEYS.jobs).toContain(JOB_MATCH_ORDER);
      for (const key of COSMOS_ORDERED_KEYS.jobs) {
        expect(cosmosIndexingPolicy.compositeIndexes).toContainEqual([
          { path: `/keys/${key}`, order: 'ascending' },
          { path: '/docId', order: 'ascending' },
        ]);
      }
    });

    it('give the same ranges and counts as SQLite and as an undeclared key, over random values, ties and limits', async () => {
      const random = seededRandom(42);
      const oracle = openSqliteStore({ path: ':memory:' });
      try {
        const pieces = ['q', '\u001f', '1', '2', 'a', 'é', '\uffff', '🙂', '\u0000'];
        const values: string[] = [];
        for (let i = 0; i < 60; i++) {
          const value = values.length > 0 && random.chance(0.3) ? random.pick(values) : Array.from({ length: random.int(1, 4) }, () => random.pick(pieces)).join('');
          values.push(value);
          // Ids whose order differs from creation order and from value order, some needing escapes.
          const id = `${random.pick(['a', 'B', 'é', '🙂', 'a/b', ' '])}${random.int(0, 999)}-${i}`;
          const keys: IndexKeys = random.chance(0.1) ? { [JOB_MATCH_ORDER]: i, plain: i } : { [JOB_MATCH_ORDER]: value, plain: value };
          for (const target of [store, oracle] as Store[]) await target.create(doc('jobs', id, {}, keys));
        }
        const bounds = ['', '\u{10ffff}', ...Array.from({ length: 8 }, (_, i) => (i % 2 ? `${random.pick(values)}\u0000` : random.pick(values)))];
        for (const from of bounds) {
          for (const to of bounds) {
            for (const key of [JOB_MATCH_ORDER, 'plain']) {
              const window = { key, from, to };
              const expectedCount = await oracle.count('jobs', window);
              expect([window, await store.count('jobs', window)]).toEqual([window, expectedCount]);
              for (const limit of [1, 3, 100]) {
                const ids = async (target: Store): Promise<string[]> => (await target.range('jobs', { ...window, limit })).map((d) => d.id);
                expect([window, limit, await ids(store)]).toEqual([window, limit, await ids(oracle)]);
              }
            }
          }
        }
      } finally {
        await oracle.close();
      }
    });

    it('hold one value: an array under an ordered key is refused, writing nothing', async () => {
      await expect(store.create(doc('jobs', 'j1', {}, { [JOB_MATCH_ORDER]: ['q\u001f1'] }))).rejects.toThrow(/COSMOS_ORDERED_KEYS/);
      expect(await store.exists('jobs', [])).toBe(false);
      // Other collections may use the same name for an array.
      await store.create(doc('workers', 'w1', {}, { [JOB_MATCH_ORDER]: ['a', 'b'] }));
      expect(await store.count('workers', { key: JOB_MATCH_ORDER, from: 'a', to: 'c' })).toBe(2);
    });

    it('need the composite index the policy declares: without it the server refuses the query', async () => {
      await withClient(async (client) => {
        const { database } = await client.databases.createIfNotExists({ id: server.database });
        const { container } = await database.containers.create({
          id: 'no-composite-index',
          partitionKey: { paths: [COSMOS_PARTITION_KEY_PATH] },
          indexingPolicy: { ...cosmosIndexingPolicy, compositeIndexes: [] },
        });
        const bare = new CosmosStore(container);
        await bare.create(doc('jobs', 'j1', {}, { [JOB_MATCH_ORDER]: 'q\u001f1' }));
        await expect(bare.range('jobs', { key: JOB_MATCH_ORDER, from: 'q', to: 'r', limit: 1 })).rejects.toThrow(/composite index/);
        // The container the store creates has it.
        const { resource } = await store.container.read();
        expect(resource?.indexingPolicy).toMatchObject(cosmosIndexingPolicy);
      });
    });
  });

  describe('grouped keys (one TOP … ORDER BY rank, docId within a group)', () => {
    it('declare the workers\' idle order, with its composite index', () => {
      expect(groupedKeyParts('workers', WORKER_IDLE_ORDER)).toBe(2);
      expect(cosmosIndexingPolicy.compositeIndexes).toContainEqual([
        { path: `/rk/${WORKER_IDLE_ORDER}`, order: 'ascending' },
        { path: '/docId', order: 'ascending' },
      ]);
    });

    it('give the same ranges as SQLite over random groups, ranks, ties, page starts and limits, in one query when the range stays in one group', async () => {
      const random = seededRandom(7);
      const oracle = openSqliteStore({ path: ':memory:' });
      try {
        const queues = ['q', 'q1', 'qé', 'q🙂'];
        const channels = ['c', 'c\u0000', 'cx'];
        const ranks: string[] = [];
        for (let i = 0; i < 50; i++) {
          const rank = ranks.length > 0 && random.chance(0.3) ? random.pick(ranks) : `${random.int(0, 3)}.5${random.pick(['', '\u001f', 'é', '🙂'])}${random.int(0, 9)}`;
          ranks.push(rank);
          const id = `${random.pick(['w', 'W', 'é', 'a/b'])}${random.int(0, 99)}-${i}`;
          const pairs = new Set(Array.from({ length: random.int(0, 4) }, () => `${random.pick(queues)}\u001f${random.pick(channels)}`));
          const keys: IndexKeys = { [WORKER_IDLE_ORDER]: [...pairs].map((pair) => `${pair}\u001f${rank}\u001f${id}`) };
          for (const target of [store, oracle] as Store[]) await target.create(doc('workers', id, {}, keys));
        }
        for (const queue of queues) {
          for (const channel of channels) {
            const group = `${queue}\u001f${channel}`;
            // Whole group, from a rank on (as the next page starts), and up to a rank.
            const pick = () => `${group}\u001f${random.pick(ranks)}`;
            for (const [from, to] of [[`${group}\u001f`, `${group}\u0020`], [`${pick()}\u0000`, `${group}\u0020`], [`${group}\u001f`, pick()], [pick(), pick()]] as const) {
              expect(groupRange('workers', { key: WORKER_IDLE_ORDER, from, to })).toBeDefined();
              for (const limit of [1, 2, 100]) {
                const window = { key: WORKER_IDLE_ORDER, from, to, limit };
                store.resetStats();
                const ids = (await store.range('workers', window)).map((d) => d.id);
                expect(store.stats().operations).toBe(1);
                expect([window, ids]).toEqual([window, (await oracle.range('workers', window)).map((d) => d.id)]);
              }
            }
          }
        }
        // A range over several groups is read element by element, with the same answer.
        const across = { key: WORKER_IDLE_ORDER, from: 'q', to: 'r', limit: 20 };
        expect(groupRange('workers', across)).toBeUndefined();
        expect((await store.range('workers', across)).map((d) => d.id)).toEqual((await oracle.range('workers', across)).map((d) => d.id));
      } finally {
        await oracle.close();
      }
    });

    it('are refused, writing nothing, when the elements of one document differ in rank or lack a group', async () => {
      await expect(store.create(doc('workers', 'w1', {}, { [WORKER_IDLE_ORDER]: ['q\u001fc\u001f1\u001fw1', 'q\u001fd\u001f2\u001fw1'] }))).rejects.toThrow(/same rank/);
      await expect(store.create(doc('workers', 'w1', {}, { [WORKER_IDLE_ORDER]: ['q\u001fc'] }))).rejects.toThrow(/COSMOS_GROUPED_KEYS/);
      await expect(store.create(doc('workers', 'w1', {}, { [WORKER_IDLE_ORDER]: [3] }))).rejects.toThrow(/COSMOS_GROUPED_KEYS/);
      expect(await store.exists('workers', [])).toBe(false);
      // An empty list is no group at all.
      await store.create(doc('workers', 'w1', {}, { [WORKER_IDLE_ORDER]: [] }));
      expect(await store.range('workers', { key: WORKER_IDLE_ORDER, from: 'q\u001fc\u001f', to: 'q\u001fc\u0020', limit: 5 })).toEqual([]);
    });
  });

  describe('partitions', () => {
    async function rawItem(collection: string, id: string): Promise<{ pk: string; coll: string } | undefined> {
      const query = { query: 'SELECT c.pk, c.coll FROM c WHERE c.id = @id AND c.coll = @coll', parameters: [{ name: '@id', value: cosmosItemId(id) }, { name: '@coll', value: collection }] };
      return (await store.container.items.query<{ pk: string; coll: string }>(query).fetchAll()).resources[0];
    }

    it('give every job, worker, event and cursor a partition of its own, and each small collection one partition', async () => {
      for (const collection of ['jobs', 'workers', 'events', 'routingState'] as const) {
        await store.create(doc(collection, 'a/b', {}, {}));
        await store.create(doc(collection, 'c', {}, {}));
        expect(await rawItem(collection, 'a/b')).toEqual({ pk: `${collection}/${cosmosItemId('a/b')}`, coll: collection });
        expect(await rawItem(collection, 'c')).toEqual({ pk: `${collection}/c`, coll: collection });
        expect(isSpreadCollection(collection)).toBe(true);
      }
      for (const collection of ['queues', 'distributionPolicies', 'classificationPolicies', 'exceptionPolicies', 'timers'] as const) {
        await store.create(doc(collection, 'a/b', {}, {}));
        expect(await rawItem(collection, 'a/b')).toEqual({ pk: collection, coll: collection });
        expect(cosmosPartitionKey(collection, 'anything')).toBe(collection);
      }
    });

    it('keep a job where it is when it changes queue: one replace, and ranges of both queues see the move', async () => {
      const created = await store.create(doc('jobs', 'j1', {}, { [JOB_MATCH_ORDER]: 'q1\u001f1' }));
      await store.create(doc('jobs', 'j2', {}, { [JOB_MATCH_ORDER]: 'q2\u001f2' }));
      store.resetStats();
      await store.replace(doc('jobs', 'j1', { moved: true }, { [JOB_MATCH_ORDER]: 'q2\u001f1' }), created.etag);
      expect(store.stats().byKind).toEqual({ 'write jobs': { requests: 1, bytes: expect.any(Number) as number } });
      expect(await store.range('jobs', { key: JOB_MATCH_ORDER, from: 'q1\u001f', to: 'q1\u0020', limit: 10 })).toEqual([]);
      expect((await store.range('jobs', { key: JOB_MATCH_ORDER, from: 'q2\u001f', to: 'q2\u0020', limit: 10 })).map((d) => d.id)).toEqual(['j1', 'j2']);
      expect((await store.get('jobs', 'j1'))?.body).toEqual({ moved: true });
    });

    it('keep ids unique across partitions: a second create of a job id fails whatever its keys', async () => {
      await store.create(doc('jobs', 'j1', {}, { [JOB_MATCH_ORDER]: 'q1\u001f1' }));
      await expect(store.create(doc('jobs', 'j1', {}, { [JOB_MATCH_ORDER]: 'q2\u001f1' }))).rejects.toMatchObject({ reason: 'exists' });
    });
  });

  describe('opening', () => {
    it('refuses a container of the earlier layout: without the /coll/? index, or holding documents partitioned by collection', async () => {
      await withClient(async (client) => {
        const { database } = await client.databases.createIfNotExists({ id: server.database });
        const withoutColl = { ...cosmosIndexingPolicy, includedPaths: cosmosIndexingPolicy.includedPaths.filter((p) => p.path !== '/coll/?') };
        await database.containers.create({ id: 'layout-1', partitionKey: { paths: [COSMOS_PARTITION_KEY_PATH] }, indexingPolicy: withoutColl });
        const { container } = await database.containers.create({ id: 'layout-1-reindexed', partitionKey: { paths: [COSMOS_PARTITION_KEY_PATH] }, indexingPolicy: cosmosIndexingPolicy });
        await container.items.create({ id: 'j1', pk: 'jobs', docId: 'j1', lastModified: '', body: {}, keys: {}, ix: {} });
      });
      await expect(server.openTestCosmosStore('layout-1')).rejects.toThrow(/does not index \/coll\/\?.*earlier layout.*0031-cosmos-partitioning-and-capacity/);
      await expect(server.openTestCosmosStore('layout-1-reindexed')).rejects.toThrow(/holds documents in the earlier layout \(partition "jobs"\).*new container/);
    });


    it('says what to do when the container is missing', async () => {
      await expect(server.openTestCosmosStore('never-created')).rejects.toThrow(/does not exist.*deploy infra\/, or for an emulator let the router create it \(JOBROUTER_COSMOS_CREATE_IF_MISSING=true\)/);
    });

    it('refuses a container partitioned by another path', async () => {
      await withClient(async (client) => {
        const { database } = await client.databases.createIfNotExists({ id: server.database });
        await database.containers.create({ id: 'by-id', partitionKey: { paths: ['/id'] } });
      });
      await expect(server.openTestCosmosStore('by-id')).rejects.toThrow(/partitioned by \/id; the router needs \/pk/);
    });

    it('checks etags across two stores (two clients) on one container', async () => {
      const other = await server.openTestCosmosStore(store.container.id);
      const created = await store.create(doc('jobs', 'j1', { v: 1 }, { status: 'queued' }));
      const replaced = await store.replace(doc('jobs', 'j1', { v: 2 }, { status: 'assigned' }), created.etag);

      await expect(other.replace(doc('jobs', 'j1', { v: 3 }, {}), created.etag)).rejects.toMatchObject({ reason: 'etagMismatch' });
      await expect(other.create(doc('jobs', 'j1', {}, {}))).rejects.toMatchObject({ reason: 'exists' });
      expect(await other.get('jobs', 'j1')).toEqual(replaced);
      expect(await other.exists('jobs', [eq('status', 'assigned')])).toBe(true);
      await other.close();
    });
  });

  describe('stats', () => {
    it('count one operation per request, failed conditional writes included, with the charge the server reports', async () => {
      const created = await store.create(doc('jobs', 'j1', {}, { order: 'm' }));
      await store.get('jobs', 'j1');
      await expect(store.replace(doc('jobs', 'j1', {}, {}), '"stale"')).rejects.toMatchObject({ reason: 'etagMismatch' });
      await store.replace(doc('jobs', 'j1', { v: 2 }, { order: 'm' }), created.etag);
      await store.list('jobs', { pageSize: 10 });
      await store.range('jobs', { key: 'order', from: 'a', to: 'z', limit: 5 });
      await store.count('jobs', { key: 'order', from: 'a', to: 'z' });
      expect(await store.delete('jobs', 'j1')).toBe(true);
      expect(await store.delete('jobs', 'j1')).toBe(false);

      // This server reports a charge of 1 on every response. `order` is not an ordered key, so its
      // range is two requests: the window's (element, id) pairs, then the documents kept.
      const stats = store.stats();
      expect(stats).toMatchObject({ operations: 10, requestCharge: 10 });
      // By kind and collection: create, failed replace, replace, two deletes; one read; list, two range pages, count.
      expect(Object.fromEntries(Object.entries(stats.byKind).map(([kind, tally]) => [kind, tally.requests]))).toEqual({ 'write jobs': 5, 'read jobs': 1, 'query jobs': 4 });
      expect(stats.byKind['write jobs']?.bytes).toBeGreaterThan(0);
      store.resetStats();
      expect(store.stats()).toEqual({ operations: 0, requestCharge: 0, byKind: {} });
      await store.exists('jobs', []);
      expect(store.stats()).toMatchObject({ operations: 1, requestCharge: 1, byKind: { 'query jobs': { requests: 1 } } });
      // Refused before anything is sent: no request.
      await expect(store.create(doc('jobs', 'j2', {}, { [JOB_MATCH_ORDER]: ['x'] }))).rejects.toThrow(TypeError);
      await expect(store.list('jobs', { pageSize: 0 })).rejects.toThrow(RangeError);
      expect(store.stats()).toMatchObject({ operations: 1, requestCharge: 1 });
    });
  });
});

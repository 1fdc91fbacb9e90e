import {
  COLLECTIONS,
  StoreConflictError,
  type Collection,
  type Condition,
  type IndexKeys,
  type NewDocument,
  type Store,
  type StoredDocument,
} from '../../shared/ports/Store';

/**
 * The behaviour every Store adapter must have (shared/ports/Store.ts), run once per adapter.
 *
 * `open` is called before every test and must return an empty store; the suite closes it afterwards.
 * `reopen` closes that store and returns a new one over the same data (a restart): the durability
 * tests use it and are only declared for adapters that say they are durable (an in-memory store is not). The suite supplies every lastModified itself
 * and reads no clock. Results are the caller's own `fresh` copies it may change at will, or `frozen`
 * snapshots shared between readers (and a written body becomes the store's, frozen), where a change
 * throws; either way, what is stored stays as written. A `shared` store (the unfrozen memory store)
 * keeps and hands out the written objects themselves, and its callers promise not to change them.
 */
export function describeStoreContract(
  name: string,
  open: () => Promise<{ store: Store; reopen?: () => Promise<Store> }>,
  options: { durable: boolean; reads?: 'fresh' | 'frozen' | 'shared' },
): void {
  /** Changes a result or a written input: it must either not reach the store or (frozen) throw. */
  const changeResult = (change: () => void) => (options.reads === 'frozen' ? expect(change).toThrow(TypeError) : change());
  describe(name, () => {
    let store: Store;
    let reopen: (() => Promise<Store>) | undefined;

    beforeEach(async () => {
      const opened = await open();
      store = opened.store;
      reopen = opened.reopen;
    });

    afterEach(async () => {
      await store.close();
    });

    async function restart(): Promise<Store> {
      if (!reopen) throw new Error('restart() needs reopen');
      store = await reopen();
      return store;
    }

    async function conflictOf(promise: Promise<unknown>): Promise<StoreConflictError> {
      const error: unknown = await promise.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(StoreConflictError);
      return error as StoreConflictError;
    }

    async function allIds(collection: Collection, where?: readonly Condition[]): Promise<string[]> {
      const page = await store.list(collection, { where, pageSize: 1000 });
      expect(page.hasMore).toBe(false);
      return page.items.map((item) => item.id);
    }

    async function createAll(docs: readonly NewDocument[]): Promise<void> {
      for (const d of docs) await store.create(d);
    }

    describe('create and get', () => {
      it('round-trips body and keys exactly, with an etag and the given lastModified', async () => {
        const body = {
          name: 'Voice "EN" queue\nline 2',
          labels: { language: 'en', tier: 3, vip: true, ratio: 0.25, none: null },
          nested: [[1, 2], { deep: ['x', { deeper: -7 }] }, []],
          unicode: 'é日本語🙂',
          big: 9007199254740991,
        };
        const keys: IndexKeys = { queueId: 'q1', priority: 5, available: true, queues: ['a', 'b'], empty: [] };
        const created = await store.create(doc('queues', 'q-1', body, keys, T0));

        expect(created).toEqual({ collection: 'queues', id: 'q-1', lastModified: T0, body, keys, etag: created.etag });
        expect(created.etag).toMatch(/^".+"$/);
        const read = await store.get('queues', 'q-1');
        expect(read).toEqual(created);
      });

      it('returns undefined for a missing document', async () => {
        expect(await store.get('queues', 'nope')).toBeUndefined();
      });

      it('refuses a second create of the same id with conflict "exists" and keeps the first', async () => {
        const first = await store.create(doc('jobs', 'j1', { v: 1 }, { status: 'queued' }));
        const error = await conflictOf(store.create(doc('jobs', 'j1', { v: 2 }, { status: 'closed' })));
        expect(error).toMatchObject({ collection: 'jobs', id: 'j1', reason: 'exists' });
        expect(await store.get('jobs', 'j1')).toEqual(first);
        expect(await allIds('jobs', [eq('status', 'closed')])).toEqual([]);
      });

      if (options.reads === 'shared') {
        it('returns the written objects themselves, to every reader', async () => {
          const input = doc('workers', 'w1', { labels: { a: 1 } }, { queues: ['q1'] });
          const created = await store.create(input);
          expect(created.body).toBe(input.body);
          expect((await store.get('workers', 'w1'))?.body).toBe(input.body);
          expect((await store.list('workers', { pageSize: 10 })).items[0]?.keys).toBe(input.keys);
        });
      } else {
        it(`returns ${options.reads ?? 'fresh'} objects: mutating results or inputs does not change what is stored`, async () => {
          const input = doc('workers', 'w1', { labels: { a: 1 } }, { queues: ['q1'] });
          const created = await store.create(input);
          changeResult(() => ((input.body as { labels: { a: number } }).labels.a = 99));
          changeResult(() => (input.keys.queues as string[]).push('q2'));
          changeResult(() => ((created.body as { labels: { a: number } }).labels.a = 98));

          const read = await store.get('workers', 'w1');
          expect(read?.body).toEqual({ labels: { a: 1 } });
          expect(read?.keys).toEqual({ queues: ['q1'] });
          changeResult(() => ((read!.body as { labels: { a: number } }).labels.a = 97));
          changeResult(() => (read!.keys.queues = []));

          const listed = (await store.list('workers', { pageSize: 10 })).items[0]!;
          expect(listed.body).toEqual({ labels: { a: 1 } });
          changeResult(() => ((listed.body as { labels: { a: number } }).labels.a = 96));

          expect((await store.get('workers', 'w1'))?.body).toEqual({ labels: { a: 1 } });
          expect(await allIds('workers', [eq('queues', 'q1')])).toEqual(['w1']);
          expect(await allIds('workers', [eq('queues', 'q2')])).toEqual([]);
        });
      }
    });

    describe('replace', () => {
      it('with the current etag writes body, keys and lastModified and returns a new etag', async () => {
        const created = await store.create(doc('jobs', 'j1', { v: 1 }, { status: 'queued' }, T0));
        const replaced = await store.replace(doc('jobs', 'j1', { v: 2 }, { status: 'assigned' }, T1), created.etag);

        expect(replaced.etag).not.toBe(created.etag);
        expect(replaced.etag).toMatch(/^".+"$/);
        expect(replaced).toMatchObject({ id: 'j1', body: { v: 2 }, keys: { status: 'assigned' }, lastModified: T1 });
        expect(await store.get('jobs', 'j1')).toEqual(replaced);
      });

      it('gives a different etag on every write, also within one second', async () => {
        const etags = new Set<string>();
        let current = await store.create(doc('jobs', 'j1', { v: 0 }, {}, T0));
        etags.add(current.etag);
        for (let v = 1; v <= 20; v++) {
          current = await store.replace(doc('jobs', 'j1', { v }, {}, T0), current.etag);
          etags.add(current.etag);
        }
        expect(etags.size).toBe(21);
      });

      it('with a stale etag fails with "etagMismatch" and changes nothing', async () => {
        const created = await store.create(doc('jobs', 'j1', { v: 1 }, { status: 'queued' }, T0));
        const second = await store.replace(doc('jobs', 'j1', { v: 2 }, { status: 'assigned' }, T1), created.etag);

        const error = await conflictOf(store.replace(doc('jobs', 'j1', { v: 3 }, { status: 'closed' }, T2), created.etag));
        expect(error).toMatchObject({ collection: 'jobs', id: 'j1', reason: 'etagMismatch' });
        expect(await store.get('jobs', 'j1')).toEqual(second);
        expect(await allIds('jobs', [eq('status', 'assigned')])).toEqual(['j1']);
        expect(await allIds('jobs', [eq('status', 'closed')])).toEqual([]);
      });

      it('with a made-up etag fails with "etagMismatch"', async () => {
        await store.create(doc('jobs', 'j1', { v: 1 }, {}));
        const error = await conflictOf(store.replace(doc('jobs', 'j1', { v: 2 }, {}), '"not-the-etag"'));
        expect(error.reason).toBe('etagMismatch');
      });

      it('of a missing document fails with "missing" and creates nothing', async () => {
        const error = await conflictOf(store.replace(doc('jobs', 'ghost', { v: 1 }, {}), '"anything"'));
        expect(error).toMatchObject({ collection: 'jobs', id: 'ghost', reason: 'missing' });
        expect(await store.get('jobs', 'ghost')).toBeUndefined();
      });

      it('of a deleted document fails with "missing", even with its last etag', async () => {
        const created = await store.create(doc('jobs', 'j1', { v: 1 }, {}));
        await store.delete('jobs', 'j1');
        const error = await conflictOf(store.replace(doc('jobs', 'j1', { v: 2 }, {}), created.etag));
        expect(error.reason).toBe('missing');
      });

      it('replaces the index keys: old values no longer match, new ones do', async () => {
        const created = await store.create(
          doc('workers', 'w1', {}, { queues: ['q1', 'q2'], state: 'active', capacity: 10, available: true }),
        );
        await store.replace(
          doc('workers', 'w1', {}, { queues: ['q2', 'q3'], state: 'inactive', available: false }),
          created.etag,
        );

        expect(await allIds('workers', [eq('queues', 'q1')])).toEqual([]);
        expect(await allIds('workers', [eq('queues', 'q2')])).toEqual(['w1']);
        expect(await allIds('workers', [eq('queues', 'q3')])).toEqual(['w1']);
        expect(await allIds('workers', [eq('state', 'active')])).toEqual([]);
        expect(await allIds('workers', [eq('state', 'inactive')])).toEqual(['w1']);
        expect(await allIds('workers', [eq('available', true)])).toEqual([]);
        expect(await allIds('workers', [eq('available', false)])).toEqual(['w1']);
        expect(await allIds('workers', [gte('capacity', 0)])).toEqual([]);
        expect(await store.exists('workers', [eq('queues', 'q1')])).toBe(false);
        expect((await store.get('workers', 'w1'))?.keys).toEqual({
          queues: ['q2', 'q3'],
          state: 'inactive',
          available: false,
        });
      });
    });

    describe('delete', () => {
      it('without ifMatch deletes whatever version is there', async () => {
        const created = await store.create(doc('queues', 'q1', {}, { distributionPolicyId: 'p1' }));
        await store.replace(doc('queues', 'q1', { v: 2 }, { distributionPolicyId: 'p1' }), created.etag);

        expect(await store.delete('queues', 'q1')).toBe(true);
        expect(await store.get('queues', 'q1')).toBeUndefined();
        expect(await store.exists('queues', [eq('distributionPolicyId', 'p1')])).toBe(false);
        expect(await store.exists('queues', [])).toBe(false);
      });

      it('with the current etag deletes', async () => {
        const created = await store.create(doc('queues', 'q1', {}, {}));
        expect(await store.delete('queues', 'q1', created.etag)).toBe(true);
        expect(await store.get('queues', 'q1')).toBeUndefined();
      });

      it('with a stale etag fails with "etagMismatch" and keeps the document', async () => {
        const created = await store.create(doc('queues', 'q1', { v: 1 }, { distributionPolicyId: 'p1' }));
        const replaced = await store.replace(doc('queues', 'q1', { v: 2 }, { distributionPolicyId: 'p1' }), created.etag);

        const error = await conflictOf(store.delete('queues', 'q1', created.etag));
        expect(error).toMatchObject({ collection: 'queues', id: 'q1', reason: 'etagMismatch' });
        expect(await store.get('queues', 'q1')).toEqual(replaced);
        expect(await store.exists('queues', [eq('distributionPolicyId', 'p1')])).toBe(true);
      });

      it('of a missing document returns false, with or without ifMatch', async () => {
        expect(await store.delete('queues', 'nope')).toBe(false);
        expect(await store.delete('queues', 'nope', '"some-etag"')).toBe(false);
      });

      it('allows the id to be created again, with a new etag', async () => {
        const first = await store.create(doc('queues', 'q1', { v: 1 }, {}));
        await store.delete('queues', 'q1');
        const second = await store.create(doc('queues', 'q1', { v: 2 }, {}));
        expect(second.etag).not.toBe(first.etag);
        expect((await store.get('queues', 'q1'))?.body).toEqual({ v: 2 });
      });
    });

    describe('list', () => {
      // Binary (code unit) order: digits < upper case < lower case; a prefix first; ' ' < '.'; non-ASCII last.
      const ORDERED_IDS = ['12345', 'B', 'a', 'a b', 'a.b', 'b', 'é'];

      it('orders documents by id, binary comparison', async () => {
        await createAll(['é', 'a.b', 'b', '12345', 'a', 'B', 'a b'].map((id) => doc('queues', id, { id }, {})));
        expect(await allIds('queues')).toEqual(ORDERED_IDS);
      });

      it('returns an empty page for an empty collection', async () => {
        expect(await store.list('queues', { pageSize: 5 })).toEqual({ items: [], hasMore: false });
      });

      it('pages with pageSize 1 through every id in order', async () => {
        await createAll(ORDERED_IDS.map((id) => doc('queues', id, {}, {})));
        const seen: string[] = [];
        let afterId: string | undefined;
        for (;;) {
          const page = await store.list('queues', { pageSize: 1, afterId });
          expect(page.items.length).toBeLessThanOrEqual(1);
          seen.push(...page.items.map((item) => item.id));
          if (!page.hasMore) break;
          afterId = page.items[0]!.id;
        }
        expect(seen).toEqual(ORDERED_IDS);
      });

      it('pages through many documents without gaps or duplicates; hasMore is exact', async () => {
        const ids = Array.from({ length: 23 }, (_, i) => `job-${((i * 7919) % 23).toString(36)}-${i}`);
        await createAll(ids.map((id) => doc('jobs', id, {}, {})));
        const expected = [...ids].sort(byBinary);

        const seen: string[] = [];
        const pageLengths: number[] = [];
        let afterId: string | undefined;
        for (;;) {
          const page = await store.list('jobs', { pageSize: 5, afterId });
          pageLengths.push(page.items.length);
          seen.push(...page.items.map((item) => item.id));
          if (!page.hasMore) break;
          afterId = page.items.at(-1)!.id;
        }
        expect(seen).toEqual(expected);
        expect(pageLengths).toEqual([5, 5, 5, 5, 3]);

        // Exactly pageSize left: no phantom further page.
        const lastFive = await store.list('jobs', { pageSize: 5, afterId: expected[17] });
        expect(lastFive.items.map((item) => item.id)).toEqual(expected.slice(18));
        expect(lastFive.hasMore).toBe(false);
      });

      it('continues after an afterId that is not itself a document', async () => {
        await createAll(ORDERED_IDS.map((id) => doc('queues', id, {}, {})));
        const page = await store.list('queues', { pageSize: 10, afterId: 'a a' });
        expect(page.items.map((item) => item.id)).toEqual(['a b', 'a.b', 'b', 'é']);
        expect((await store.list('queues', { pageSize: 10, afterId: 'é' })).items).toEqual([]);
      });

      it('eq on a scalar key matches that exact value and type', async () => {
        await createAll([
          doc('jobs', 'j1', {}, { status: 'queued', priority: 5, flag: true }),
          doc('jobs', 'j2', {}, { status: 'assigned', priority: 1, flag: false }),
          doc('jobs', 'j3', {}, { status: 'queued', priority: '5', flag: 'true' }),
          doc('jobs', 'j4', {}, {}),
        ]);
        expect(await allIds('jobs', [eq('status', 'queued')])).toEqual(['j1', 'j3']);
        expect(await allIds('jobs', [eq('status', 'Queued')])).toEqual([]);
        expect(await allIds('jobs', [eq('priority', 5)])).toEqual(['j1']);
        expect(await allIds('jobs', [eq('priority', '5')])).toEqual(['j3']);
        expect(await allIds('jobs', [eq('flag', true)])).toEqual(['j1']);
        expect(await allIds('jobs', [eq('flag', false)])).toEqual(['j2']);
        expect(await allIds('jobs', [eq('flag', 'true')])).toEqual(['j3']);
        expect(await allIds('jobs', [eq('missingKey', 'x')])).toEqual([]);
      });

      it('eq on an array key means "contains"', async () => {
        await createAll([
          doc('workers', 'w1', {}, { queues: ['q1', 'q2'] }),
          doc('workers', 'w2', {}, { queues: ['q2', 'q3'] }),
          doc('workers', 'w3', {}, { queues: [] }),
          doc('workers', 'w4', {}, { queues: ['q1', 'q1'] }),
          doc('workers', 'w5', {}, { queues: 'q1' }),
        ]);
        expect(await allIds('workers', [eq('queues', 'q1')])).toEqual(['w1', 'w4', 'w5']);
        expect(await allIds('workers', [eq('queues', 'q2')])).toEqual(['w1', 'w2']);
        expect(await allIds('workers', [eq('queues', 'q4')])).toEqual([]);
        expect((await store.get('workers', 'w4'))?.keys).toEqual({ queues: ['q1', 'q1'] });
      });

      it('lte/gte compare ISO instants as strings, inclusive', async () => {
        await createAll([
          doc('jobs', 'j1', {}, { enqueuedAt: '2023-11-01T09:00:00.000Z' }),
          doc('jobs', 'j2', {}, { enqueuedAt: '2023-11-01T10:00:00.000Z' }),
          doc('jobs', 'j3', {}, { enqueuedAt: '2023-11-02T08:00:00.000Z' }),
          doc('jobs', 'j4', {}, { enqueuedAt: 1 }),
        ]);
        expect(await allIds('jobs', [lte('enqueuedAt', '2023-11-01T10:00:00.000Z')])).toEqual(['j1', 'j2']);
        expect(await allIds('jobs', [gte('enqueuedAt', '2023-11-01T10:00:00.000Z')])).toEqual(['j2', 'j3']);
        expect(await allIds('jobs', [lte('enqueuedAt', '2023-11-01T08:59:59.999Z')])).toEqual([]);
        expect(await allIds('jobs', [gte('enqueuedAt', '2023-11-01T09:00:00.000Z'), lte('enqueuedAt', '2023-11-01T23:59:59.999Z')])).toEqual(['j1', 'j2']);
      });

      it('lte/gte compare numbers numerically, not as text', async () => {
        await createAll([
          doc('jobs', 'j1', {}, { priority: 2 }),
          doc('jobs', 'j2', {}, { priority: 10 }),
          doc('jobs', 'j3', {}, { priority: 100 }),
          doc('jobs', 'j4', {}, { priority: -1.5 }),
          doc('jobs', 'j5', {}, { priority: '50' }),
        ]);
        expect(await allIds('jobs', [gte('priority', 9)])).toEqual(['j2', 'j3']);
        expect(await allIds('jobs', [lte('priority', 10)])).toEqual(['j1', 'j2', 'j4']);
        expect(await allIds('jobs', [lte('priority', -1.5)])).toEqual(['j4']);
        expect(await allIds('jobs', [gte('priority', 2), lte('priority', 99.9)])).toEqual(['j1', 'j2']);
      });

      it('combines several conditions with AND', async () => {
        await createAll([
          doc('workers', 'w1', {}, { queues: ['q1', 'q2'], available: true, freeCapacity: 5, lastOffer: '2023-11-01T10:00:00Z' }),
          doc('workers', 'w2', {}, { queues: ['q1'], available: true, freeCapacity: 0, lastOffer: '2023-11-01T11:00:00Z' }),
          doc('workers', 'w3', {}, { queues: ['q1'], available: false, freeCapacity: 5, lastOffer: '2023-11-01T09:00:00Z' }),
          doc('workers', 'w4', {}, { queues: ['q2'], available: true, freeCapacity: 9, lastOffer: '2023-11-01T08:00:00Z' }),
          doc('workers', 'w5', {}, { queues: ['q1', 'q3'], available: true, freeCapacity: 1, lastOffer: '2023-11-01T12:00:00Z' }),
        ]);
        expect(await allIds('workers', [eq('queues', 'q1'), eq('available', true)])).toEqual(['w1', 'w2', 'w5']);
        expect(await allIds('workers', [eq('queues', 'q1'), eq('available', true), gte('freeCapacity', 1)])).toEqual(['w1', 'w5']);
        expect(
          await allIds('workers', [
            gte('freeCapacity', 1),
            eq('available', true),
            lte('lastOffer', '2023-11-01T11:30:00Z'),
            eq('queues', 'q1'),
          ]),
        ).toEqual(['w1']);
        expect(await allIds('workers', [eq('queues', 'q1'), eq('queues', 'q2')])).toEqual(['w1']);
        expect(await allIds('workers', [eq('queues', 'q3'), eq('available', false)])).toEqual([]);
      });

      it('pages through conditional results with afterId', async () => {
        const ids = Array.from({ length: 12 }, (_, i) => `w${String(i).padStart(2, '0')}`);
        await createAll(ids.map((id, i) => doc('workers', id, {}, { queues: i % 3 === 0 ? ['other'] : ['q1', 'x'], load: i })));
        const expected = ids.filter((_, i) => i % 3 !== 0 && i >= 2);

        for (const where of [[eq('queues', 'q1'), gte('load', 2)], [gte('load', 2), eq('queues', 'q1')]]) {
          const seen: string[] = [];
          let afterId: string | undefined;
          for (;;) {
            const page = await store.list('workers', { where, pageSize: 2, afterId });
            seen.push(...page.items.map((item) => item.id));
            if (!page.hasMore) break;
            afterId = page.items.at(-1)!.id;
          }
          expect(seen).toEqual(expected);
        }
      });

      it('returns each document once when several array elements satisfy a range', async () => {
        await createAll([
          doc('workers', 'w1', {}, { scores: [1, 5, 7] }),
          doc('workers', 'w2', {}, { scores: [2] }),
        ]);
        expect(await allIds('workers', [gte('scores', 1)])).toEqual(['w1', 'w2']);
        expect(await allIds('workers', [gte('scores', 6)])).toEqual(['w1']);
      });
    });

    describe('collections', () => {
      it('are isolated: same id in two collections, each with its own body, keys and lifecycle', async () => {
        await store.create(doc('queues', 'same', { kind: 'queue' }, { tag: 'x' }));
        await store.create(doc('jobs', 'same', { kind: 'job' }, { tag: 'x' }));
        await store.create(doc('jobs', 'other', { kind: 'job' }, { tag: 'y' }));

        expect((await store.get('queues', 'same'))?.body).toEqual({ kind: 'queue' });
        expect((await store.get('jobs', 'same'))?.body).toEqual({ kind: 'job' });
        expect(await allIds('queues')).toEqual(['same']);
        expect(await allIds('jobs', [eq('tag', 'x')])).toEqual(['same']);
        expect(await store.exists('workers', [])).toBe(false);
        expect(await store.exists('workers', [eq('tag', 'x')])).toBe(false);
        expect(await store.get('workers', 'same')).toBeUndefined();

        expect(await store.delete('queues', 'same')).toBe(true);
        expect(await store.get('jobs', 'same')).toBeDefined();
        expect(await store.exists('jobs', [eq('tag', 'x')])).toBe(true);
        expect(await store.exists('queues', [eq('tag', 'x')])).toBe(false);
      });
    });

    describe('exists', () => {
      it('is true when some document satisfies every condition', async () => {
        await createAll([
          doc('queues', 'q1', {}, { distributionPolicyId: 'p1', exceptionPolicyId: 'e1' }),
          doc('queues', 'q2', {}, { distributionPolicyId: 'p2' }),
          doc('workers', 'w1', {}, { queues: ['q1', 'q2'], capacity: 3 }),
        ]);
        expect(await store.exists('queues', [eq('distributionPolicyId', 'p1')])).toBe(true);
        expect(await store.exists('queues', [eq('distributionPolicyId', 'p3')])).toBe(false);
        expect(await store.exists('queues', [eq('distributionPolicyId', 'p2'), eq('exceptionPolicyId', 'e1')])).toBe(false);
        expect(await store.exists('queues', [eq('distributionPolicyId', 'p1'), eq('exceptionPolicyId', 'e1')])).toBe(true);
        expect(await store.exists('workers', [eq('queues', 'q2')])).toBe(true);
        expect(await store.exists('workers', [eq('queues', 'q2'), gte('capacity', 4)])).toBe(false);
        expect(await store.exists('workers', [eq('queues', 'q2'), lte('capacity', 3)])).toBe(true);
      });

      it('with no conditions tells whether the collection has any document', async () => {
        expect(await store.exists('queues', [])).toBe(false);
        const created = await store.create(doc('queues', 'q1', {}, {}));
        expect(await store.exists('queues', [])).toBe(true);
        await store.delete('queues', 'q1', created.etag);
        expect(await store.exists('queues', [])).toBe(false);
      });
    });

    describe('range and count', () => {
      /** Ids of `range` over [from, to) of `key`, in the order returned. */
      async function rangeIds(collection: Collection, key: string, from: string, to: string, limit = 1000): Promise<string[]> {
        return (await store.range(collection, { key, from, to, limit })).map((item) => item.id);
      }

      async function countOf(collection: Collection, key: string, from: string, to: string): Promise<number> {
        return store.count(collection, { key, from, to });
      }

      it('orders by the key value, binary comparison, not by id; equal values by id', async () => {
        // Ids run opposite to the values, and were created in neither order.
        await createAll([
          doc('jobs', 'j1', {}, { order: 'é' }),
          doc('jobs', 'j5', {}, { order: 'a b' }),
          doc('jobs', 'j2', {}, { order: 'a.b' }),
          doc('jobs', 'j7', {}, { order: 'B' }),
          doc('jobs', 'j3', {}, { order: 'a' }),
          doc('jobs', 'j6', {}, { order: '12345' }),
          doc('jobs', 'j4', {}, { order: 'a' }),
          doc('jobs', 'j0', {}, { order: 'a' }),
        ]);
        // '1' < 'B' < 'a' < 'a b' < 'a.b' < 'é'; the three 'a' by id.
        expect(await rangeIds('jobs', 'order', '', '\uffff')).toEqual(['j6', 'j7', 'j0', 'j3', 'j4', 'j5', 'j2', 'j1']);
        expect(await countOf('jobs', 'order', '', '\uffff')).toBe(8);
      });

      it('returns whole documents, equal to what get returns', async () => {
        const created = await store.create(doc('jobs', 'j1', { v: 1, nested: { a: [1] } }, { order: 'm', other: 3 }, T1));
        expect(await store.range('jobs', { key: 'order', from: 'a', to: 'z', limit: 5 })).toEqual([created]);
        expect(await store.get('jobs', 'j1')).toEqual(created);
      });

      it('is half-open: from is included, to is not', async () => {
        await createAll([
          doc('jobs', 'a', {}, { order: 'b' }),
          doc('jobs', 'b', {}, { order: 'b\u0000' }),
          doc('jobs', 'c', {}, { order: 'c' }),
          doc('jobs', 'd', {}, { order: 'c\uffff' }),
          doc('jobs', 'e', {}, { order: 'd' }),
          doc('jobs', 'f', {}, { order: 'a\uffff' }),
        ]);
        expect(await rangeIds('jobs', 'order', 'b', 'd')).toEqual(['a', 'b', 'c', 'd']);
        expect(await rangeIds('jobs', 'order', 'b\u0000', 'c')).toEqual(['b']);
        expect(await rangeIds('jobs', 'order', 'c', 'c\uffff')).toEqual(['c']);
        expect(await rangeIds('jobs', 'order', 'd', 'e')).toEqual(['e']);
        // Empty and inverted ranges hold nothing.
        expect(await rangeIds('jobs', 'order', 'c', 'c')).toEqual([]);
        expect(await rangeIds('jobs', 'order', 'd', 'b')).toEqual([]);
        expect(await countOf('jobs', 'order', 'b', 'd')).toBe(4);
        expect(await countOf('jobs', 'order', 'c', 'c')).toBe(0);
        expect(await countOf('jobs', 'order', 'd', 'b')).toBe(0);
      });

      it('returns at most limit documents, the first ones in value order', async () => {
        await createAll(['e', 'c', 'a', 'd', 'b'].map((v, i) => doc('jobs', `j${i}`, {}, { order: v })));
        expect(await rangeIds('jobs', 'order', 'a', 'z', 1)).toEqual(['j2']);
        expect(await rangeIds('jobs', 'order', 'a', 'z', 3)).toEqual(['j2', 'j4', 'j1']);
        expect(await rangeIds('jobs', 'order', 'b', 'z', 4)).toEqual(['j4', 'j1', 'j3', 'j0']);
        expect(await rangeIds('jobs', 'order', 'a', 'z', 5)).toEqual(['j2', 'j4', 'j1', 'j3', 'j0']);
        expect(await rangeIds('jobs', 'order', 'a', 'z', 100)).toEqual(['j2', 'j4', 'j1', 'j3', 'j0']);
      });

      it('rejects (never throws synchronously) a limit below 1', async () => {
        await store.create(doc('jobs', 'j1', {}, { order: 'm' }));
        for (const limit of [0, -1]) {
          let promise: Promise<unknown> | undefined;
          expect(() => {
            promise = store.range('jobs', { key: 'order', from: 'a', to: 'z', limit });
          }).not.toThrow();
          await expect(promise).rejects.toThrow();
        }
        // A refused query changes nothing.
        expect(await rangeIds('jobs', 'order', 'a', 'z', 1)).toEqual(['j1']);
      });

      it('reads only the named key of the named collection', async () => {
        await createAll([
          doc('jobs', 'j1', {}, { order: 'm1', other: 'm0' }),
          doc('jobs', 'j2', {}, { other: 'm2' }),
          doc('jobs', 'j3', {}, { Order: 'm3', orde: 'm3', orderX: 'm3' }),
          doc('workers', 'j4', {}, { order: 'm4' }),
          doc('queues', 'j1', {}, { order: 'm5' }),
        ]);
        expect(await rangeIds('jobs', 'order', 'm', 'n')).toEqual(['j1']);
        expect(await rangeIds('jobs', 'other', 'm', 'n')).toEqual(['j1', 'j2']);
        expect(await rangeIds('workers', 'order', 'm', 'n')).toEqual(['j4']);
        expect(await rangeIds('queues', 'order', 'm', 'n')).toEqual(['j1']);
        expect(await rangeIds('jobs', 'missing', '', '\uffff')).toEqual([]);
        expect(await countOf('jobs', 'order', 'm', 'n')).toBe(1);
        expect(await countOf('jobs', 'other', 'm', 'n')).toBe(2);
        expect(await countOf('exceptionPolicies', 'order', '', '\uffff')).toBe(0);
      });

      it('keeps every collection apart, including the engine collections', async () => {
        expect(COLLECTIONS).toEqual(expect.arrayContaining(['routingState', 'timers', 'events']));
        for (const [i, collection] of COLLECTIONS.entries()) {
          await store.create(doc(collection, 'same', { collection }, { order: `v${String(i).padStart(2, '0')}` }));
        }
        for (const [i, collection] of COLLECTIONS.entries()) {
          const items = await store.range(collection, { key: 'order', from: 'v', to: 'w', limit: 100 });
          expect(items.map((item) => [item.collection, item.id, item.body])).toEqual([[collection, 'same', { collection }]]);
          expect(items[0]?.keys).toEqual({ order: `v${String(i).padStart(2, '0')}` });
          expect(await countOf(collection, 'order', 'v', 'w')).toBe(1);
        }
      });

      it('matches string values only: numbers and booleans under the same key never match', async () => {
        await createAll([
          doc('jobs', 'n1', {}, { order: 5 }),
          doc('jobs', 'n2', {}, { order: 0 }),
          doc('jobs', 'b1', {}, { order: true }),
          doc('jobs', 'b2', {}, { order: false }),
          doc('jobs', 's1', {}, { order: '5' }),
          doc('jobs', 's2', {}, { order: 'true' }),
          doc('jobs', 'mixed', {}, { order: [7, '6', false] }),
        ]);
        // As text, 0, 5, 7, false and true would all fall in these ranges.
        expect(await rangeIds('jobs', 'order', '', '\uffff')).toEqual(['s1', 'mixed', 's2']);
        expect(await rangeIds('jobs', 'order', '0', 'z')).toEqual(['s1', 'mixed', 's2']);
        expect(await rangeIds('jobs', 'order', '7', '8')).toEqual([]);
        expect(await rangeIds('jobs', 'order', 'false', 'falsf')).toEqual([]);
        expect(await countOf('jobs', 'order', '', '\uffff')).toBe(3);
        expect(await countOf('jobs', 'order', '0', '9')).toBe(2);
      });

      it('counts each element of an array key; a document appears once per matching element', async () => {
        await createAll([
          doc('workers', 'w1', {}, { slots: ['a|1', 'b|1', 'x|1'] }),
          doc('workers', 'w2', {}, { slots: ['a|2'] }),
          doc('workers', 'w3', {}, { slots: [] }),
          doc('workers', 'w4', {}, { slots: 'b|0' }),
        ]);
        expect(await rangeIds('workers', 'slots', 'a', 'c')).toEqual(['w1', 'w2', 'w4', 'w1']);
        expect(await rangeIds('workers', 'slots', 'a', 'c', 2)).toEqual(['w1', 'w2']);
        expect(await rangeIds('workers', 'slots', 'x', 'y')).toEqual(['w1']);
        expect(await countOf('workers', 'slots', 'a', 'c')).toBe(4);
        expect(await countOf('workers', 'slots', '', '\uffff')).toBe(5);
      });

      it('pages without gaps or duplicates by continuing from lastValue + "\\u0000"', async () => {
        // Unique values (as engine keys are), some a prefix of others, one the NUL successor of another.
        const values = [
          'q\u001f1',
          'q\u001f10',
          'q\u001f100',
          'q\u001f2',
          'q\u001f2\u0000',
          'q\u001f2\u0001',
          ...Array.from({ length: 17 }, (_, i) => `q\u001f${((i * 7919) % 97).toString(36)}\u001fj${i}`),
        ];
        const ids = values.map((_, i) => `j${String((i * 5) % values.length).padStart(2, '0')}`);
        await createAll(values.map((order, i) => doc('jobs', ids[i]!, {}, { order })));
        await store.create(doc('jobs', 'outside', {}, { order: 'q\u0020' }));
        const expected = values
          .map((value, i) => ({ value, id: ids[i]! }))
          .sort((a, b) => byBinary(a.value, b.value))
          .map((entry) => entry.id);
        const valueOf = new Map(values.map((value, i) => [ids[i]!, value]));

        for (const limit of [1, 5]) {
          const seen: string[] = [];
          const pageLengths: number[] = [];
          let from = 'q\u001f';
          const to = 'q\u0020';
          for (;;) {
            expect(await countOf('jobs', 'order', from, to)).toBe(expected.length - seen.length);
            const page = await rangeIds('jobs', 'order', from, to, limit);
            if (page.length === 0) break;
            pageLengths.push(page.length);
            seen.push(...page);
            from = `${valueOf.get(page.at(-1)!)!}\u0000`;
          }
          expect(seen).toEqual(expected);
          if (limit === 5) expect(pageLengths).toEqual([5, 5, 5, 5, 3]);
        }
      });

      it('follows replaces: a changed key moves the document within, out of and into the range', async () => {
        const a = await store.create(doc('jobs', 'a', {}, { order: 'k1' }));
        const b = await store.create(doc('jobs', 'b', {}, { order: 'k2' }));
        const c = await store.create(doc('jobs', 'c', {}, { order: 'z9' }));
        expect(await rangeIds('jobs', 'order', 'k', 'l')).toEqual(['a', 'b']);

        // Within: a now sorts after b.
        const a2 = await store.replace(doc('jobs', 'a', { v: 2 }, { order: 'k3' }), a.etag);
        expect(await rangeIds('jobs', 'order', 'k', 'l')).toEqual(['b', 'a']);
        expect(await rangeIds('jobs', 'order', 'k1', 'k2')).toEqual([]);
        expect((await store.range('jobs', { key: 'order', from: 'k3', to: 'k4', limit: 1 }))[0]).toEqual(a2);

        // Out of: b loses its string value (a number under the same key, then no key at all).
        const b2 = await store.replace(doc('jobs', 'b', {}, { order: 2 }), b.etag);
        expect(await rangeIds('jobs', 'order', 'k', 'l')).toEqual(['a']);
        await store.replace(doc('jobs', 'b', {}, { unrelated: 'k2' }), b2.etag);
        expect(await rangeIds('jobs', 'order', '', '\uffff')).toEqual(['a', 'c']);

        // Into: c comes in first; an array value brings it in once per element.
        const c2 = await store.replace(doc('jobs', 'c', {}, { order: 'k0' }), c.etag);
        expect(await rangeIds('jobs', 'order', 'k', 'l')).toEqual(['c', 'a']);
        await store.replace(doc('jobs', 'c', {}, { order: ['k0', 'k4', 'z'] }), c2.etag);
        expect(await rangeIds('jobs', 'order', 'k', 'l')).toEqual(['c', 'a', 'c']);
        expect(await countOf('jobs', 'order', 'k', 'l')).toBe(3);
        expect(await countOf('jobs', 'order', '', '\uffff')).toBe(4);

        // A replace refused for its etag moves nothing.
        await conflictOf(store.replace(doc('jobs', 'a', {}, { order: 'a' }), a.etag));
        expect(await rangeIds('jobs', 'order', 'k', 'l')).toEqual(['c', 'a', 'c']);
      });

      it('follows deletes: a deleted document leaves the range and the count', async () => {
        await createAll([doc('jobs', 'a', {}, { order: 'k1' }), doc('jobs', 'b', {}, { order: ['k2', 'k3'] })]);
        expect(await countOf('jobs', 'order', 'k', 'l')).toBe(3);
        expect(await store.delete('jobs', 'b')).toBe(true);
        expect(await rangeIds('jobs', 'order', 'k', 'l')).toEqual(['a']);
        expect(await countOf('jobs', 'order', 'k', 'l')).toBe(1);
        expect(await store.delete('jobs', 'a')).toBe(true);
        expect(await rangeIds('jobs', 'order', 'k', 'l')).toEqual([]);
        expect(await countOf('jobs', 'order', 'k', 'l')).toBe(0);
        // Created again under the same id, it is found under its new value only.
        await store.create(doc('jobs', 'b', {}, { order: 'k9' }));
        expect(await rangeIds('jobs', 'order', 'k', 'l')).toEqual(['b']);
        expect(await countOf('jobs', 'order', 'k2', 'k4')).toBe(0);
      });

      it('count agrees with the length of range for every window', async () => {
        const values = ['a', 'a\u0000', 'ab', 'b', 'b\u001fx', 'c', 'é', '🙂'];
        await createAll([
          ...values.map((order, i) => doc('jobs', `s${i}`, {}, { order })),
          doc('jobs', 'arr', {}, { order: ['a', 'bb', 'c'] }),
          doc('jobs', 'num', {}, { order: 3 }),
          doc('queues', 'elsewhere', {}, { order: 'b' }),
        ]);
        const bounds = ['', 'a', 'a\u0000', 'aa', 'b', 'b\u001f', 'b\u0020', 'bb', 'c', 'd', 'é', '\uffff'];
        for (const from of bounds) {
          for (const to of bounds) {
            const ids = await rangeIds('jobs', 'order', from, to);
            expect(await countOf('jobs', 'order', from, to)).toBe(ids.length);
          }
        }
        // Values compare as ids do, by UTF-8 bytes: '🙂' (F0 9F …) lies above '\uffff' (EF BF BF), 'é' below.
        expect(await countOf('jobs', 'order', '', '\uffff')).toBe(values.length - 1 + 3);
        expect(await rangeIds('jobs', 'order', '\uffff', '\u{10ffff}')).toEqual(['s7']);
      });

      it('a prefix range `${queue}\\u001f`..`${queue}\\u0020` holds exactly that queue’s values', async () => {
        const queues = ['a', 'a b', 'ab'];
        const expected = new Map<string, string[]>();
        for (const queue of queues) {
          // Priority then enqueue time then id, as engine match keys are built; ids out of that order.
          const entries = [
            { id: `${queue}-3`, rest: `1\u001f2023-11-01T10:00:00.000Z\u001f${queue}-3` },
            { id: `${queue}-1`, rest: `1\u001f2023-11-01T10:00:01.000Z\u001f${queue}-1` },
            { id: `${queue}-2`, rest: `2\u001f2023-11-01T09:00:00.000Z\u001f${queue}-2` },
          ];
          for (const entry of entries) await store.create(doc('jobs', entry.id, {}, { match: `${queue}\u001f${entry.rest}` }));
          expected.set(queue, entries.map((entry) => entry.id));
        }
        // Neighbours that a sloppy bound would catch.
        await createAll([
          doc('jobs', 'bare-a', {}, { match: 'a' }),
          doc('jobs', 'a-space', {}, { match: 'a\u0020' }),
          doc('jobs', 'a-tab', {}, { match: 'a\u0009x' }),
          doc('jobs', 'a-nul', {}, { match: 'a\u0000' }),
        ]);

        for (const queue of queues) {
          const range = { from: `${queue}\u001f`, to: `${queue}\u0020` };
          expect(await rangeIds('jobs', 'match', range.from, range.to)).toEqual(expected.get(queue));
          expect(await countOf('jobs', 'match', range.from, range.to)).toBe(3);
          expect(await rangeIds('jobs', 'match', range.from, range.to, 1)).toEqual([`${queue}-3`]);
        }
      });
    });

    describe('concurrency', () => {
      it('of many replaces with the same etag, exactly one wins; the rest get "etagMismatch"', async () => {
        const created = await store.create(doc('jobs', 'j1', { winner: -1 }, { status: 'queued' }));
        const attempts = 20;
        const results = await Promise.allSettled(
          Array.from({ length: attempts }, (_, i) =>
            store.replace(doc('jobs', 'j1', { winner: i }, { status: `assigned-${i}` }), created.etag),
          ),
        );

        const won = results.flatMap((r, i) => (r.status === 'fulfilled' ? [{ i, doc: r.value }] : []));
        const lost = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
        expect(won).toHaveLength(1);
        expect(lost).toHaveLength(attempts - 1);
        for (const reason of lost) {
          expect(reason).toBeInstanceOf(StoreConflictError);
          expect(reason).toMatchObject({ reason: 'etagMismatch' });
        }
        const winner = won[0]!;
        expect(await store.get('jobs', 'j1')).toEqual(winner.doc);
        expect(await allIds('jobs', [eq('status', `assigned-${winner.i}`)])).toEqual(['j1']);
        expect(await allIds('jobs', [eq('status', 'queued')])).toEqual([]);
      });

      it('of many creates of one id, exactly one wins; the rest get "exists"', async () => {
        const results = await Promise.allSettled(
          Array.from({ length: 10 }, (_, i) => store.create(doc('jobs', 'j1', { creator: i }, {}))),
        );
        const won = results.filter((r) => r.status === 'fulfilled');
        const lost = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
        expect(won).toHaveLength(1);
        for (const reason of lost) expect(reason).toMatchObject({ reason: 'exists' });
        expect(await store.get('jobs', 'j1')).toEqual((won[0] as PromiseFulfilledResult<StoredDocument>).value);
      });

      it('of many deletes with the same etag, exactly one deletes', async () => {
        const created = await store.create(doc('jobs', 'j1', {}, {}));
        const results = await Promise.allSettled(
          Array.from({ length: 10 }, () => store.delete('jobs', 'j1', created.etag)),
        );
        const deleted = results.filter((r) => r.status === 'fulfilled' && r.value);
        expect(deleted).toHaveLength(1);
        // A loser finds it gone (false) or, mid-delete on a remote store, a conflict: never a second delete.
        for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(StoreConflictError);
        expect(await store.get('jobs', 'j1')).toBeUndefined();
      });
    });

    // Only durable adapters declare these: an in-memory store forgets everything by design.
    if (options.durable) describe('durability across a restart', () => {
      it('keeps every write, with its etag, across a reopen', async () => {
        const a = await store.create(doc('queues', 'a', { name: 'A' }, { distributionPolicyId: 'p1' }, T0));
        const b0 = await store.create(doc('workers', 'b', { v: 1 }, { queues: ['a'], capacity: 1 }, T0));
        const b = await store.replace(doc('workers', 'b', { v: 2 }, { queues: ['a', 'c'], capacity: 2 }, T1), b0.etag);
        const gone = await store.create(doc('jobs', 'gone', {}, { queueId: 'a' }, T0));
        await store.delete('jobs', 'gone', gone.etag);
        const accented = await store.create(doc('jobs', 'é', { unicode: '🙂' }, { queueId: 'a' }, T2));

        const reopened = await restart();

        expect(await reopened.get('queues', 'a')).toEqual(a);
        expect(await reopened.get('workers', 'b')).toEqual(b);
        expect(await reopened.get('jobs', 'é')).toEqual(accented);
        expect(await reopened.get('jobs', 'gone')).toBeUndefined();
        expect((await reopened.list('jobs', { pageSize: 10, where: [eq('queueId', 'a')] })).items).toEqual([accented]);
        expect(await reopened.exists('workers', [eq('queues', 'c'), gte('capacity', 2)])).toBe(true);
        expect(await reopened.exists('queues', [eq('distributionPolicyId', 'p1')])).toBe(true);
      });

      it('still enforces etags and conflicts after a reopen', async () => {
        const created = await store.create(doc('jobs', 'j1', { v: 1 }, {}, T0));
        const reopened = await restart();

        expect((await conflictOf(reopened.create(doc('jobs', 'j1', {}, {})))).reason).toBe('exists');
        expect((await conflictOf(reopened.replace(doc('jobs', 'j1', {}, {}), '"stale"'))).reason).toBe('etagMismatch');
        const replaced = await reopened.replace(doc('jobs', 'j1', { v: 2 }, {}, T1), created.etag);
        expect(replaced.etag).not.toBe(created.etag);

        const again = await restart();
        expect(await again.get('jobs', 'j1')).toEqual(replaced);
      });
    });
  });
}

/** Fixed instants: the suite never reads a clock. */
export const T0 = '2023-11-01T10:00:00.000Z';
export const T1 = '2023-11-01T10:00:01.000Z';
export const T2 = '2023-11-01T10:05:00.000Z';

export function doc(
  collection: Collection,
  id: string,
  body: Record<string, unknown>,
  keys: IndexKeys,
  lastModified: string = T0,
): NewDocument {
  return { collection, id, body, keys, lastModified };
}

export const eq = (key: string, value: Condition['value']): Condition => ({ key, op: 'eq', value });
export const lte = (key: string, value: Condition['value']): Condition => ({ key, op: 'lte', value });
export const gte = (key: string, value: Condition['value']): Condition => ({ key, op: 'gte', value });

/** The order the port promises for ids: binary, i.e. UTF-8 byte order. */
export function byBinary(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

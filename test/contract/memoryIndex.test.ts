import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { compareUtf8, fromUtf8SortKey, utf8SortKey } from '../../shared/adapters/embedded/MemoryIndex';
import { openSqliteStore, ROUTING_MEMORY_KEYS, type SqliteStore } from '../../shared/adapters/embedded/SqliteStore';
import { JOB_MATCH_ORDER, SEP, WORKER_IDLE_ORDER, WORKER_OFFERABLE } from '../../shared/domain/routing/routingKeys';
import { StoreConflictError, type Collection, type IndexKeys, type Store } from '../../shared/ports/Store';

/**
 * The in-memory routing index agrees with the database: the same random writes go to a store that
 * answers the routing keys from memory and to one that answers them with SQL (the plain path the
 * store contract covers), and every range, count and eq-list on those keys must give the same
 * documents in the same order, before and after the memory store is reopened from its file.
 */

let folder: string;
beforeAll(() => {
  folder = mkdtempSync(join(tmpdir(), 'memory-index-'));
});
afterAll(() => rmSync(folder, { recursive: true, force: true }));

const T = '2026-01-01T00:00:00.000Z';
// Few distinct values so that writes collide on ids and values; surrogates and U+E000+ test SQLite's byte order.
const part = fc.constantFrom('q1', 'q2', 'a', 'a b', 'é', '\ue000', '\ud83d\ude00', '');
const value = fc.oneof(
  fc.tuple(part, part).map(([a, b]) => `${a}${SEP}${b}`),
  fc.tuple(part, part, part).map(([a, b, c]) => `${a}${SEP}${b}${SEP}${c}`),
  part,
);
const keyValue = fc.oneof({ weight: 5, arbitrary: fc.array(value, { maxLength: 3 }) }, { weight: 3, arbitrary: value }, { weight: 1, arbitrary: fc.constantFrom(1, true) });
const ids = fc.constantFrom('w1', 'w2', 'w3', 'w10', 'j1', 'j2', 'é', '\ud83d\ude00');

const routingKeys = (collection: 'workers' | 'jobs') =>
  collection === 'workers'
    ? fc.record({ [WORKER_OFFERABLE]: keyValue, [WORKER_IDLE_ORDER]: keyValue, other: keyValue }, { requiredKeys: [] })
    : fc.record({ [JOB_MATCH_ORDER]: keyValue, other: keyValue }, { requiredKeys: [] });

type Write =
  | { kind: 'create' | 'replace'; collection: 'workers' | 'jobs'; id: string; keys: IndexKeys; stale: boolean }
  | { kind: 'delete'; collection: 'workers' | 'jobs'; id: string; stale: boolean };

const collection = fc.constantFrom<'workers' | 'jobs'>('workers', 'jobs');
const write: fc.Arbitrary<Write> = collection.chain((c) =>
  fc.oneof(
    fc.record({ kind: fc.constantFrom<'create' | 'replace'>('create', 'replace'), collection: fc.constant(c), id: ids, keys: routingKeys(c) as fc.Arbitrary<IndexKeys>, stale: fc.boolean() }),
    fc.record({ kind: fc.constant<'delete'>('delete'), collection: fc.constant(c), id: ids, stale: fc.boolean() }),
  ),
);

type Query =
  | { kind: 'range' | 'count'; collection: Collection; key: string; from: string; to: string; limit: number }
  | { kind: 'list'; collection: Collection; key: string; value: string; afterId?: string; pageSize: number };

const keyOf = (c: Collection) => (c === 'workers' ? fc.constantFrom(WORKER_OFFERABLE, WORKER_IDLE_ORDER) : fc.constant(JOB_MATCH_ORDER));
const bound = fc.oneof(value, fc.constantFrom('', '\uffff', `q1${SEP}`, `q1\u0020`, `a${SEP}a`));
const query: fc.Arbitrary<Query> = collection.chain((c) =>
  fc.oneof(
    fc.record({ kind: fc.constantFrom<'range' | 'count'>('range', 'count'), collection: fc.constant<Collection>(c), key: keyOf(c), from: bound, to: bound, limit: fc.integer({ min: 1, max: 6 }) }),
    fc.record({ kind: fc.constant<'list'>('list'), collection: fc.constant<Collection>(c), key: keyOf(c), value, afterId: fc.option(ids, { nil: undefined }), pageSize: fc.integer({ min: 1, max: 4 }) }),
  ),
);

/** Applies a write to both stores; a write refused by one must be refused by the other. */
async function apply(stores: Store[], w: Write, n: number): Promise<void> {
  const outcomes = await Promise.all(
    stores.map(async (store) => {
      const current = await store.get(w.collection, w.id);
      const etag = w.stale || !current ? '"stale"' : current.etag;
      try {
        if (w.kind === 'delete') return String(await store.delete(w.collection, w.id, w.stale ? etag : undefined));
        const doc = { collection: w.collection, id: w.id, lastModified: T, body: { id: w.id, n }, keys: w.keys };
        if (w.kind === 'create') await store.create(doc);
        else await store.replace(doc, etag);
        return 'ok';
      } catch (error) {
        if (error instanceof StoreConflictError) return error.reason;
        throw error;
      }
    }),
  );
  expect(new Set(outcomes).size).toBe(1);
}

async function answer(store: Store, q: Query): Promise<unknown> {
  switch (q.kind) {
    case 'range':
      return (await store.range(q.collection, q)).map((d) => [d.id, d.body]);
    case 'count':
      return store.count(q.collection, q);
    case 'list': {
      const page = await store.list(q.collection, { where: [{ key: q.key, op: 'eq', value: q.value }], pageSize: q.pageSize, afterId: q.afterId });
      return [page.hasMore, page.items.map((d) => [d.id, d.body])];
    }
  }
}

let run = 0;
const opened: SqliteStore[] = [];
afterEach(async () => {
  for (const store of opened.splice(0)) await store.close();
});

it('orders strings as SQLite orders their UTF-8 bytes', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'grapheme' }), (a, b) => {
      const bytes = Math.sign(Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8')));
      expect(Math.sign(compareUtf8(a, b))).toBe(bytes);
    }),
  );
});

it('makes sort keys whose native string order is the UTF-8 byte order, and gives back what they were made from', () => {
  const text = fc.oneof(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'binary' }), fc.string({ unit: fc.constantFrom('a', '\ud7ff', '\ud800', '\udfff', '\ue000', '\uffff') }));
  fc.assert(
    fc.property(text, text, (a, b) => {
      const [ka, kb] = [utf8SortKey(a), utf8SortKey(b)];
      expect(ka < kb ? -1 : ka > kb ? 1 : 0).toBe(Math.sign(compareUtf8(a, b)));
      expect(fromUtf8SortKey(ka)).toBe(a);
    }),
    { numRuns: 2000 },
  );
});

it('answers range, count and eq lists on the routing keys as the database does, after any writes and after a reopen', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(write, { maxLength: 40 }), fc.array(query, { minLength: 1, maxLength: 15 }), async (writes, queries) => {
      const path = join(folder, `run-${run++}.db`);
      let memory = openSqliteStore({ path, memoryKeys: ROUTING_MEMORY_KEYS });
      const sql = openSqliteStore({ path: ':memory:', memoryKeys: {} });
      opened.push(sql);
      try {
        for (const [n, w] of writes.entries()) await apply([memory, sql], w, n);
        for (const q of queries) expect(await answer(memory, q)).toEqual(await answer(sql, q));
        expect(memory.memoryIndexDrift()).toEqual([]);
        await memory.close();
        memory = openSqliteStore({ path, memoryKeys: ROUTING_MEMORY_KEYS });
        for (const q of queries) expect(await answer(memory, q)).toEqual(await answer(sql, q));
      } finally {
        await memory.close();
      }
    }),
    { numRuns: 150 },
  );
});

it('picks up another connection\'s writes to the file at its next read, and reports drift until then', async () => {
  const path = join(folder, 'drift.db');
  const first = openSqliteStore({ path });
  const second = openSqliteStore({ path });
  opened.push(first, second);
  const matchOrder = async (store: SqliteStore) => (await store.range('jobs', { key: JOB_MATCH_ORDER, from: '', to: '\uffff', limit: 5 })).map((d) => d.id);
  await first.create({ collection: 'jobs', id: 'j1', lastModified: T, body: { id: 'j1' }, keys: { [JOB_MATCH_ORDER]: `q${SEP}1` } });
  expect(first.memoryIndexDrift()).toEqual([]);
  await second.create({ collection: 'jobs', id: 'j2', lastModified: T, body: { id: 'j2' }, keys: { [JOB_MATCH_ORDER]: `q${SEP}2` } });
  expect(first.memoryIndexDrift()).toEqual([`jobs.${JOB_MATCH_ORDER}: ${JSON.stringify([`q${SEP}2`, 'j2'])} is in the file, not in memory`]);
  expect(await matchOrder(first)).toEqual(['j1', 'j2']);
  expect(first.memoryIndexDrift()).toEqual([]);
  await first.delete('jobs', 'j1');
  expect(await matchOrder(second)).toEqual(['j2']);
  expect(await second.count('jobs', { key: JOB_MATCH_ORDER, from: '', to: '\uffff' })).toBe(1);
  expect(second.memoryIndexDrift()).toEqual([]);
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openSqliteStore, type SqliteStore } from '../../shared/adapters/embedded/SqliteStore';
import { COLLECTIONS, StoreConflictError, type Condition, type ListQuery, type RangeQuery } from '../../shared/ports/Store';
import { byBinary, describeStoreContract, doc, eq, gte, lte, T0 } from './storeContract';

let tempDir: string | undefined;
let fileCount = 0;

/** A path to a new file under a fresh folder, to show the store creates missing parent folders. */
function newFilePath(): string {
  tempDir ??= mkdtempSync(join(tmpdir(), 'sqlite-store-'));
  fileCount += 1;
  return join(tempDir, `case-${fileCount}`, 'nested', 'router.db');
}

afterAll(() => {
  if (tempDir) rmSync(tempDir, { recursive: true, force: true });
});

describeStoreContract('SqliteStore (:memory:)', () => Promise.resolve({ store: openSqliteStore({ path: ':memory:', memoryKeys: {} }) }), { durable: false });

// The same behaviour when range, count and single-eq lists are answered from the in-memory index: every
// key the contract filters on is kept in memory, in every collection.
const EVERY_KEY = ['order', 'slots', 'queues', 'status', 'tag', 'flag', 'available', 'distributionPolicyId', 'kind', 'match', 'priority', 'enqueuedAt', 'queueId', 'labels', 'v', 'a'];
const inMemoryKeys = Object.fromEntries(COLLECTIONS.map((collection) => [collection, EVERY_KEY]));
describeStoreContract('SqliteStore (:memory:, keys answered from the memory index)', () => Promise.resolve({ store: openSqliteStore({ path: ':memory:', memoryKeys: inMemoryKeys }) }), { durable: false });

describeStoreContract('SqliteStore (file, reopened, keys answered from the memory index)', () => {
  const path = newFilePath();
  let current = openSqliteStore({ path, memoryKeys: inMemoryKeys });
  return Promise.resolve({
    store: current,
    reopen: async () => {
      await current.close();
      current = openSqliteStore({ path, memoryKeys: inMemoryKeys });
      return current;
    },
  });
}, { durable: true });

describeStoreContract('SqliteStore (file, reopened)', () => {
  const path = newFilePath();
  let current = openSqliteStore({ path, memoryKeys: {} });
  return Promise.resolve({
    store: current,
    reopen: async () => {
      await current.close();
      current = openSqliteStore({ path, memoryKeys: {} });
      return current;
    },
  });
}, { durable: true });

describe('SqliteStore specifics', () => {
  const open: SqliteStore[] = [];
  function openFile(path = newFilePath()): SqliteStore {
    const store = openSqliteStore({ path });
    open.push(store);
    return store;
  }
  afterEach(async () => {
    for (const store of open.splice(0)) await store.close();
  });

  it('runs files in WAL mode with synchronous NORMAL under group commit, a busy timeout and the schema version', () => {
    expect(openFile().diagnostics()).toEqual({ journalMode: 'wal', synchronous: 1, busyTimeoutMs: 5000, schemaVersion: 1, durability: 'groupCommit' });
  });

  it('syncs every commit (synchronous FULL) when asked to, with nothing left for the barrier', async () => {
    const store = openSqliteStore({ path: newFilePath(), durability: 'syncEachCommit' });
    open.push(store);
    expect(store.diagnostics()).toMatchObject({ journalMode: 'wal', synchronous: 2, durability: 'syncEachCommit' });
    await store.create(doc('jobs', 'j1', {}, {}));
    await store.durable();
    expect(store.durabilityStats()).toBeUndefined();
  });

  it('leaves WAL recorded in the file itself', async () => {
    const path = newFilePath();
    await openFile(path).close();
    const raw = new Database(path, { readonly: true });
    try {
      expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(raw.pragma('user_version', { simple: true })).toBe(1);
    } finally {
      raw.close();
    }
  });

  it('refuses a file written by a newer schema version rather than guess at it', async () => {
    const path = newFilePath();
    await openFile(path).close();
    const raw = new Database(path);
    raw.pragma('user_version = 99');
    raw.close();
    expect(() => openSqliteStore({ path })).toThrow(/schema version 99/);
  });

  it('makes etags in the Cosmos DB format, timed by lastModified, random per write', async () => {
    const store = openFile();
    const lastModified = '2023-11-15T00:15:42.123Z';
    // 1700007342 s since the epoch.
    const format = /^"[0-9a-f]{8}-0000-0700-0000-65540dae0000"$/;

    const created = await store.create(doc('jobs', 'j1', {}, {}, lastModified));
    const replaced = await store.replace(doc('jobs', 'j1', { v: 2 }, {}, lastModified), created.etag);
    expect(created.etag).toMatch(format);
    expect(replaced.etag).toMatch(format);
    expect(replaced.etag).not.toBe(created.etag);
  });

  it('rejects a document it could not index or stamp, writing nothing', async () => {
    const store = openFile();
    await expect(store.create(doc('jobs', 'j1', {}, {}, 'yesterday'))).rejects.toThrow(TypeError);
    await expect(store.create(doc('jobs', 'j1', {}, { score: Number.NaN }))).rejects.toThrow(TypeError);
    await expect(store.create(doc('jobs', 'j1', {}, { nested: [{ a: 1 }] as never }))).rejects.toThrow(TypeError);
    expect(await store.exists('jobs', [])).toBe(false);
    await expect(store.list('jobs', { pageSize: 0 })).rejects.toThrow(RangeError);
  });

  it('treats an undefined key as absent, as its JSON copy does', async () => {
    const store = openFile();
    const created = await store.create(doc('queues', 'q1', {}, { exceptionPolicyId: undefined as never, distributionPolicyId: 'p1' }));
    expect(created.keys).toEqual({ distributionPolicyId: 'p1' });
    expect(await store.exists('queues', [eq('distributionPolicyId', 'p1')])).toBe(true);
  });

  it('checks etags across connections to the same file', async () => {
    const path = newFilePath();
    const a = openFile(path);
    const b = openFile(path);
    const created = await a.create(doc('jobs', 'j1', { v: 1 }, { status: 'queued' }));
    const replaced = await a.replace(doc('jobs', 'j1', { v: 2 }, { status: 'assigned' }), created.etag);

    await expect(b.replace(doc('jobs', 'j1', { v: 3 }, {}), created.etag)).rejects.toMatchObject({ reason: 'etagMismatch' });
    await expect(b.create(doc('jobs', 'j1', {}, {}))).rejects.toBeInstanceOf(StoreConflictError);
    expect(await b.get('jobs', 'j1')).toEqual(replaced);
    expect(await b.exists('jobs', [eq('status', 'assigned')])).toBe(true);
  });

  it('refuses a range limit that is not an integer of at least 1 with a RangeError', async () => {
    const store = openFile();
    await store.create(doc('jobs', 'j1', {}, { order: 'm' }));
    for (const limit of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      await expect(store.range('jobs', { key: 'order', from: 'a', to: 'z', limit })).rejects.toThrow(RangeError);
    }
  });

  it('ranges over 20,000 documents with a limit of 10 return exactly the right 10', async () => {
    const store = openSqliteStore({ path: ':memory:' });
    open.push(store);
    const total = 20_000;
    const queues = ['q0', 'q1', 'q2', 'q3'];
    const values: { id: string; value: string }[] = [];
    for (let i = 0; i < total; i++) {
      const id = `j${String(i).padStart(5, '0')}`;
      // 7919 is prime to 20,000, so every position is used once and value order is unrelated to id order.
      const position = String((i * 7919) % total).padStart(5, '0');
      const value = `${queues[i % queues.length]!}\u001f${position}\u001f${id}`;
      values.push({ id, value });
      await store.create(doc('jobs', id, {}, { order: value, position: Number(position) }));
    }
    const inQueue = (queue: string): { id: string; value: string }[] =>
      values.filter((entry) => entry.value.startsWith(`${queue}\u001f`)).sort((a, b) => byBinary(a.value, b.value));

    const q2 = inQueue('q2');
    expect(q2).toHaveLength(total / queues.length);
    const head = await store.range('jobs', { key: 'order', from: 'q2\u001f', to: 'q2\u0020', limit: 10 });
    expect(head.map((item) => item.id)).toEqual(q2.slice(0, 10).map((entry) => entry.id));

    // From the middle, continuing after a value as a pager would.
    const after = q2[2_500]!;
    const middle = await store.range('jobs', { key: 'order', from: `${after.value}\u0000`, to: 'q2\u0020', limit: 10 });
    expect(middle.map((item) => item.id)).toEqual(q2.slice(2_501, 2_511).map((entry) => entry.id));

    // The tail: fewer than 10 left.
    const tail = await store.range('jobs', { key: 'order', from: q2.at(-4)!.value, to: 'q2\u0020', limit: 10 });
    expect(tail.map((item) => item.id)).toEqual(q2.slice(-4).map((entry) => entry.id));

    expect(await store.count('jobs', { key: 'order', from: 'q2\u001f', to: 'q2\u0020' })).toBe(total / queues.length);
    expect(await store.count('jobs', { key: 'order', from: `${after.value}\u0000`, to: 'q2\u0020' })).toBe(q2.length - 2_501);
  });

  describe('query plans use the index, never a scan of the collection', () => {
    let store: SqliteStore;
    beforeEach(async () => {
      store = openFile();
      for (let i = 0; i < 50; i++) {
        const id = `w${String(i).padStart(3, '0')}`;
        await store.create(doc('workers', id, {}, { queues: [`q${i % 5}`, 'all'], load: i, seen: T0, available: i % 2 === 0 }));
      }
    });

    const byValue = /USING (COVERING )?INDEX index_keys_by_value/;
    // The only SCAN allowed is over the subquery's own matches (m), never a table.
    const tableScan = /^SCAN (?!m\b)/;

    const lists: [string, ListQuery][] = [
      ['eq', { pageSize: 10, where: [eq('queues', 'q1')] }],
      ['eq after an id', { pageSize: 10, afterId: 'w010', where: [eq('available', true)] }],
      ['range', { pageSize: 10, where: [gte('load', 10)] }],
      ['range and eq combined', { pageSize: 10, where: [lte('seen', T0), gte('load', 3), eq('queues', 'q2')] }],
    ];
    it.each(lists)('list with %s', (_, query) => {
      const plan = store.explainList('workers', query);
      expect(plan.some((detail) => byValue.test(detail))).toBe(true);
      expect(plan.filter((detail) => tableScan.test(detail))).toEqual([]);
    });

    it('list with an eq reads index rows in id order, with no sort of all matches', () => {
      const plan = store.explainList('workers', { pageSize: 5, where: [eq('queues', 'all'), gte('load', 1)] });
      expect(plan.filter((detail) => detail.includes('TEMP B-TREE'))).toEqual([]);
    });

    const existsCases: [string, Condition[]][] = [
      ['eq', [eq('queues', 'q1')]],
      ['range then eq', [gte('load', 40), eq('queues', 'q1')]],
    ];
    it.each(existsCases)('exists with %s', (_, where) => {
      const plan = store.explainExists('workers', where);
      expect(plan.some((detail) => byValue.test(detail))).toBe(true);
      expect(plan.filter((detail) => tableScan.test(detail))).toEqual([]);
    });

    const ranges: [string, RangeQuery][] = [
      ['a prefix', { key: 'queues', from: 'q1', to: 'q2', limit: 10 }],
      ['an open-ended window', { key: 'seen', from: '', to: '\uffff', limit: 1 }],
    ];
    it.each(ranges)('range over %s walks index_keys_by_value in value order and reads documents by primary key', (_, query) => {
      const plan = store.explainRange('workers', query);
      expect(plan.some((detail) => /USING (COVERING )?INDEX index_keys_by_value \(collection=\? AND key=\? AND value_type=\? AND value>/.test(detail))).toBe(true);
      expect(plan.some((detail) => /^SEARCH d USING INDEX sqlite_autoindex_documents_1 \(collection=\? AND id=\?\)/.test(detail))).toBe(true);
      // No scan of documents (or of any table), and no sort of all matches: the limit stops the walk.
      expect(plan.filter((detail) => /^SCAN /.test(detail))).toEqual([]);
      expect(plan.filter((detail) => detail.includes('TEMP B-TREE'))).toEqual([]);
    });

    it('list and exists without conditions use the primary key', () => {
      for (const plan of [store.explainList('workers', { pageSize: 5, afterId: 'w001' }), store.explainExists('workers', [])]) {
        expect(plan.join('\n')).toMatch(/USING (COVERING )?INDEX sqlite_autoindex_documents_1 \(collection=\?/);
        expect(plan.filter((detail) => tableScan.test(detail))).toEqual([]);
      }
    });

    it('the planned statements return the same answers as the plans describe', async () => {
      expect((await store.list('workers', { pageSize: 3, where: [eq('queues', 'q1'), gte('load', 20)] })).items.map((d) => d.id)).toEqual([
        'w021',
        'w026',
        'w031',
      ]);
      expect(await store.exists('workers', [gte('load', 49), eq('available', false)])).toBe(true);
      expect(await store.exists('workers', [gte('load', 49), eq('available', true)])).toBe(false);
      expect((await store.range('workers', { key: 'queues', from: 'q1', to: 'q2', limit: 3 })).map((d) => d.id)).toEqual(['w001', 'w006', 'w011']);
    });
  });
});

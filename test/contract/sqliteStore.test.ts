import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openSqliteStore, type SqliteStore } from '../../shared/adapters/embedded/SqliteStore';
import { StoreConflictError, type Condition, type ListQuery } from '../../shared/ports/Store';
import { describeStoreContract, doc, eq, gte, lte, T0 } from './storeContract';

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

describeStoreContract('SqliteStore (:memory:)', () => Promise.resolve({ store: openSqliteStore({ path: ':memory:' }) }), { durable: false });

describeStoreContract('SqliteStore (file, reopened)', () => {
  const path = newFilePath();
  let current = openSqliteStore({ path });
  return Promise.resolve({
    store: current,
    reopen: async () => {
      await current.close();
      current = openSqliteStore({ path });
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

  it('runs files in WAL mode with synchronous FULL, a busy timeout and the schema version', () => {
    expect(openFile().diagnostics()).toEqual({ journalMode: 'wal', synchronous: 2, busyTimeoutMs: 5000, schemaVersion: 1 });
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
    });
  });
});

// The port is async for remote stores; better-sqlite3 does the work synchronously inside these methods.
/* eslint-disable @typescript-eslint/require-await */
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { GroupCommit, type GroupCommitStats, type SyncFile } from './GroupCommit';
import {
  StoreConflictError,
  type Collection,
  type Condition,
  type IndexKeys,
  type ListQuery,
  type NewDocument,
  type Page,
  type RangeQuery,
  type Store,
  type StoredDocument,
} from '../../ports/Store';
import { guarded } from './sqliteUnavailable';
import { MemoryIndex, type MemoryKeys } from './MemoryIndex';
import { JOB_MATCH_ORDER, WORKER_IDLE_ORDER, WORKER_OFFERABLE } from '../../domain/routing/routingKeys';

/**
 * Embedded Store on one SQLite file (see docs/adr/0003-embedded-store-sqlite.md).
 *
 * Tables
 * - documents: one row per document; body and keys as JSON text so both round-trip exactly.
 * - index_keys: one row per index key value (per element for arrays), typed so that numbers compare
 *   numerically and a string never equals a number or a boolean. Derived from documents.keys_json and
 *   rewritten in the same transaction as the document row.
 */

/** Bump with a new step in MIGRATIONS; PRAGMA user_version records how far a file has got. */
const SCHEMA_VERSION = 1;

const MIGRATIONS: readonly string[] = [
  // 0 → 1
  `CREATE TABLE documents (
     collection    TEXT NOT NULL,
     id            TEXT NOT NULL,
     etag          TEXT NOT NULL,
     last_modified TEXT NOT NULL,
     body          TEXT NOT NULL,
     keys_json     TEXT NOT NULL,
     PRIMARY KEY (collection, id)
   );
   -- value is declared without a type so SQLite keeps integers, reals and text as bound (no affinity).
   CREATE TABLE index_keys (
     collection TEXT NOT NULL,
     id         TEXT NOT NULL,
     key        TEXT NOT NULL,
     value_type TEXT NOT NULL CHECK (value_type IN ('s', 'n', 'b')),
     value      NOT NULL,
     PRIMARY KEY (collection, id, key, value_type, value)
   ) WITHOUT ROWID;
   -- Lookups by value: ids come out in id order for an eq, which is the order list pages in.
   CREATE INDEX index_keys_by_value ON index_keys (collection, key, value_type, value, id);`,
];

const BUSY_TIMEOUT_MS = 5000;

/**
 * The keys matching reads on every request, kept in memory (docs/adr/0030-routing-state-in-memory.md):
 * offerable workers per queue × channel (in id order: round robin), idle order, and the queue order of
 * matchable jobs.
 */
export const ROUTING_MEMORY_KEYS: MemoryKeys = { workers: [WORKER_OFFERABLE, WORKER_IDLE_ORDER], jobs: [JOB_MATCH_ORDER] };

/** index_keys_by_value walks the range in value order; each match is one primary-key lookup. */
const RANGE_SQL =
  'SELECT d.id, d.etag, d.last_modified, d.body, d.keys_json FROM' +
  " (SELECT k.id AS id, k.value AS value FROM index_keys k WHERE k.collection = ? AND k.key = ? AND k.value_type = 's' AND k.value >= ? AND k.value < ?) m" +
  ' CROSS JOIN documents d WHERE d.collection = ? AND d.id = m.id ORDER BY m.value, m.id LIMIT ?';

type ValueType = 's' | 'n' | 'b';
type SqlValue = string | number;

interface DocumentRow {
  id: string;
  etag: string;
  last_modified: string;
  body: string;
  keys_json: string;
}

/** A document as it goes into the database, serialised once per write. */
interface WriteRow {
  collection: Collection;
  id: string;
  lastModified: string;
  body: string;
  keysJson: string;
  keys: IndexKeys;
  keyRows: readonly KeyRow[];
}

interface KeyRow {
  key: string;
  type: ValueType;
  value: SqlValue;
}

const SQL_OPERATOR: Record<Condition['op'], string> = { eq: '=', lte: '<=', gte: '>=' };

export interface SqliteStoreOptions {
  /** File path, or `':memory:'` for a store that lives as long as the object. */
  path: string;
  /**
   * How a file store makes commits durable (see docs/adr/0027-group-commit.md):
   * - `groupCommit` (default): synchronous=NORMAL, and `durable()` shares one sync of the write-ahead
   *   log among all commits made before it;
   * - `syncEachCommit`: synchronous=FULL, every commit syncs before it returns (`durable()` has nothing
   *   to do). Slower under concurrency; kept for comparison.
   */
  durability?: 'groupCommit' | 'syncEachCommit';
  /** How the write-ahead log is synced under group commit (tests count and hold syncs). */
  syncFile?: SyncFile;
  /**
   * String index keys answered from memory (range, count, and lists by one `eq`); the rows stay in the
   * file too, which is what the memory copy is built from at open. ROUTING_MEMORY_KEYS unless given.
   */
  memoryKeys?: MemoryKeys;
}

/** Settings of the open connection, for tests and diagnostics. */
export interface SqliteStoreDiagnostics {
  journalMode: string;
  /** 0 OFF, 1 NORMAL, 2 FULL, 3 EXTRA. */
  synchronous: number;
  busyTimeoutMs: number;
  schemaVersion: number;
  durability: 'memory' | 'groupCommit' | 'syncEachCommit';
}

export class SqliteStore implements Store {
  private readonly db: Database.Database;
  private readonly byShape = new Map<string, Database.Statement<SqlValue[], unknown>>();
  /** Absent in memory and when every commit syncs itself. */
  private readonly groupCommit: GroupCommit | undefined;
  private readonly durability: SqliteStoreDiagnostics['durability'];
  private readonly memory: MemoryIndex;
  private readonly dataVersion: Database.Statement<[], number>;
  /** `PRAGMA data_version` when the memory index was last known to match the file. */
  private memoryVersion = 0;

  private readonly selectDocument: Database.Statement<[string, string], DocumentRow>;
  private readonly selectEtag: Database.Statement<[string, string], { etag: string }>;
  private readonly insertDocument: Database.Statement<[string, string, string, string, string, string]>;
  private readonly updateDocument: Database.Statement<[string, string, string, string, string, string]>;
  private readonly deleteDocument: Database.Statement<[string, string]>;
  private readonly insertKey: Database.Statement<[string, string, string, ValueType, SqlValue]>;
  private readonly deleteKeys: Database.Statement<[string, string]>;
  private readonly selectRange: Database.Statement<[string, string, string, string, string, number], DocumentRow>;
  private readonly countRange: Database.Statement<[string, string, string, string], { n: number }>;

  // Immediate transactions take the write lock before the read, so another process sharing the file
  // cannot slip a write between the etag check and the write (and no read→write lock upgrade can fail).
  private readonly createTx: Database.Transaction<(row: WriteRow) => string>;
  private readonly replaceTx: Database.Transaction<(row: WriteRow, ifMatch: string) => string>;
  private readonly deleteTx: Database.Transaction<(collection: Collection, id: string, ifMatch?: string) => boolean>;

  constructor(options: SqliteStoreOptions) {
    const inMemory = options.path === ':memory:' || options.path === '';
    if (!inMemory) mkdirSync(dirname(options.path), { recursive: true });
    this.db = new Database(options.path);
    try {
      this.db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
      if (!inMemory) {
        this.db.pragma('journal_mode = WAL');
        // The schema is set up with a sync per commit: it happens once per file and before any caller could ask.
        this.db.pragma('synchronous = FULL');
      }
      migrate(this.db);
      // NORMAL in WAL mode: a commit is appended to the log and returns without a sync, atomic and
      // consistent but durable only once the log is synced; `durable()` does that for many at once.
      if (!inMemory && options.durability !== 'syncEachCommit') this.db.pragma('synchronous = NORMAL');
    } catch (error) {
      // The caller gets no object to close, so the file handle must not outlive the failure.
      this.db.close();
      throw error;
    }

    this.memory = new MemoryIndex(options.memoryKeys ?? ROUTING_MEMORY_KEYS);
    this.durability = inMemory ? 'memory' : (options.durability ?? 'groupCommit');
    this.groupCommit = this.durability === 'groupCommit' ? new GroupCommit(`${options.path}-wal`, options.syncFile) : undefined;

    const db = this.db;
    this.selectDocument = db.prepare(
      'SELECT id, etag, last_modified, body, keys_json FROM documents WHERE collection = ? AND id = ?',
    );
    this.selectEtag = db.prepare('SELECT etag FROM documents WHERE collection = ? AND id = ?');
    this.insertDocument = db.prepare(
      'INSERT INTO documents (collection, id, etag, last_modified, body, keys_json) VALUES (?, ?, ?, ?, ?, ?)',
    );
    this.updateDocument = db.prepare(
      'UPDATE documents SET etag = ?, last_modified = ?, body = ?, keys_json = ? WHERE collection = ? AND id = ?',
    );
    this.deleteDocument = db.prepare('DELETE FROM documents WHERE collection = ? AND id = ?');
    // OR IGNORE: an array may repeat an element; "contains" needs it once.
    this.insertKey = db.prepare(
      'INSERT OR IGNORE INTO index_keys (collection, id, key, value_type, value) VALUES (?, ?, ?, ?, ?)',
    );
    this.deleteKeys = db.prepare('DELETE FROM index_keys WHERE collection = ? AND id = ?');
    this.selectRange = db.prepare(RANGE_SQL);
    this.countRange = db.prepare(
      "SELECT count(*) AS n FROM index_keys WHERE collection = ? AND key = ? AND value_type = 's' AND value >= ? AND value < ?",
    );

    this.dataVersion = db.prepare<[], number>('PRAGMA data_version').pluck();
    this.loadMemory();

    this.createTx = db.transaction((row: WriteRow): string => {
      if (this.selectEtag.get(row.collection, row.id)) throw new StoreConflictError(row.collection, row.id, 'exists');
      const etag = newEtag(row.lastModified);
      this.insertDocument.run(row.collection, row.id, etag, row.lastModified, row.body, row.keysJson);
      this.writeKeys(row);
      return etag;
    });

    this.replaceTx = db.transaction((row: WriteRow, ifMatch: string): string => {
      const current = this.selectEtag.get(row.collection, row.id);
      if (!current) throw new StoreConflictError(row.collection, row.id, 'missing');
      if (current.etag !== ifMatch) throw new StoreConflictError(row.collection, row.id, 'etagMismatch');
      let etag = newEtag(row.lastModified);
      // A writer holding the old etag must never see its write accepted twice, however unlikely the draw.
      while (etag === current.etag) etag = newEtag(row.lastModified);
      this.updateDocument.run(etag, row.lastModified, row.body, row.keysJson, row.collection, row.id);
      this.deleteKeys.run(row.collection, row.id);
      this.writeKeys(row);
      return etag;
    });

    this.deleteTx = db.transaction((collection: Collection, id: string, ifMatch?: string): boolean => {
      const current = this.selectEtag.get(collection, id);
      if (!current) return false;
      if (ifMatch !== undefined && current.etag !== ifMatch) throw new StoreConflictError(collection, id, 'etagMismatch');
      this.deleteDocument.run(collection, id);
      this.deleteKeys.run(collection, id);
      return true;
    });
  }

  async get<B = Record<string, unknown>>(collection: Collection, id: string): Promise<StoredDocument<B> | undefined> {
    const row = guarded(() => this.selectDocument.get(collection, id));
    return row ? toDocument<B>(collection, row) : undefined;
  }

  async create<B>(doc: NewDocument<B>): Promise<StoredDocument<B>> {
    const row = toWriteRow(doc);
    const etag = guarded(() => this.createTx.immediate(row));
    this.committed(row);
    return fromWriteRow<B>(row, etag);
  }

  async replace<B>(doc: NewDocument<B>, ifMatch: string): Promise<StoredDocument<B>> {
    const row = toWriteRow(doc);
    const etag = guarded(() => this.replaceTx.immediate(row, ifMatch));
    this.committed(row);
    return fromWriteRow<B>(row, etag);
  }

  async delete(collection: Collection, id: string, ifMatch?: string): Promise<boolean> {
    const deleted = guarded(() => this.deleteTx.immediate(collection, id, ifMatch));
    if (deleted) {
      this.memory.remove(collection, id);
      this.groupCommit?.noteCommit();
    }
    return deleted;
  }

  async list<B = Record<string, unknown>>(collection: Collection, query: ListQuery): Promise<Page<B>> {
    const { pageSize } = query;
    if (!Number.isSafeInteger(pageSize) || pageSize < 1) {
      throw new RangeError(`pageSize must be an integer of at least 1, got ${String(pageSize)}`);
    }
    const [only, ...others] = query.where ?? [];
    const rows =
      only && others.length === 0 && only.op === 'eq' && typeof only.value === 'string' && this.memory.covers(collection, only.key)
        ? this.byIds(collection, this.memoryFresh().ids(collection, only.key, only.value, query.afterId, pageSize + 1))
        : this.listRows(collection, query);
    const hasMore = rows.length > pageSize;
    return { items: rows.slice(0, pageSize).map((row) => toDocument<B>(collection, row)), hasMore };
  }

  async exists(collection: Collection, where: readonly Condition[]): Promise<boolean> {
    const { sql, params } = existsSql(collection, where);
    return guarded(() => this.statement(sql).get(...params)) !== undefined;
  }

  async range<B = Record<string, unknown>>(collection: Collection, query: RangeQuery): Promise<StoredDocument<B>[]> {
    if (!Number.isSafeInteger(query.limit) || query.limit < 1) throw new RangeError(`limit must be an integer of at least 1, got ${String(query.limit)}`);
    if (this.memory.covers(collection, query.key)) {
      const found = this.memoryFresh().range(collection, query.key, query.from, query.to, query.limit);
      return this.byIds(collection, found.map((entry) => entry.id)).map((row) => toDocument<B>(collection, row));
    }
    const rows = guarded(() => this.selectRange.all(collection, query.key, query.from, query.to, collection, query.limit));
    return rows.map((row) => toDocument<B>(collection, row));
  }

  async count(collection: Collection, query: Omit<RangeQuery, 'limit'>): Promise<number> {
    if (this.memory.covers(collection, query.key)) return this.memoryFresh().count(collection, query.key, query.from, query.to);
    return guarded(() => this.countRange.get(collection, query.key, query.from, query.to))?.n ?? 0;
  }

  /** `EXPLAIN QUERY PLAN` details of the statement `range` runs. */
  explainRange(collection: Collection, query: RangeQuery): string[] {
    return this.explain(RANGE_SQL, [collection, query.key, query.from, query.to, collection, query.limit]);
  }

  /** See Store.durable: under group commit, one sync of the write-ahead log for every caller waiting. */
  durable(): Promise<void> {
    return this.groupCommit ? this.groupCommit.durable() : Promise.resolve();
  }

  /** Commits, syncs and coverage under group commit; undefined otherwise. */
  durabilityStats(): GroupCommitStats | undefined {
    return this.groupCommit?.stats();
  }

  async close(): Promise<void> {
    // A sync in flight must not find its log gone: closing checkpoints the log into the file and removes it.
    await this.groupCommit?.durable().catch(() => undefined);
    if (this.db.open) this.db.close();
  }

  /** Connection settings as SQLite reports them. */
  diagnostics(): SqliteStoreDiagnostics {
    return {
      journalMode: String(this.db.pragma('journal_mode', { simple: true })),
      synchronous: Number(this.db.pragma('synchronous', { simple: true })),
      busyTimeoutMs: Number(this.db.pragma('busy_timeout', { simple: true })),
      schemaVersion: Number(this.db.pragma('user_version', { simple: true })),
      durability: this.durability,
    };
  }

  /** `EXPLAIN QUERY PLAN` details of the statement `list` runs for this query. */
  explainList(collection: Collection, query: ListQuery): string[] {
    const { sql, params } = listSql(collection, query.where ?? [], query.afterId, query.pageSize + 1);
    return this.explain(sql, params);
  }

  /** `EXPLAIN QUERY PLAN` details of the statement `exists` runs for these conditions. */
  explainExists(collection: Collection, where: readonly Condition[]): string[] {
    const { sql, params } = existsSql(collection, where);
    return this.explain(sql, params);
  }

  private explain(sql: string, params: SqlValue[]): string[] {
    const rows = this.db.prepare<SqlValue[], { detail: string }>(`EXPLAIN QUERY PLAN ${sql}`).all(...params);
    return rows.map((row) => row.detail);
  }

  /** Query text depends only on the shape of the conditions, so each shape is prepared once. */
  private statement(sql: string): Database.Statement<SqlValue[], unknown> {
    let statement = this.byShape.get(sql);
    if (!statement) {
      statement = this.db.prepare<SqlValue[], unknown>(sql);
      this.byShape.set(sql, statement);
    }
    return statement;
  }

  /** Entries of the in-memory index (diagnostics, memory figures). */
  memoryIndexSize(): number {
    return this.memory.size();
  }

  /**
   * Where the in-memory index and the committed index rows disagree (none, unless something is broken):
   * one line per difference, for tests that check the index after many concurrent writes.
   */
  memoryIndexDrift(): string[] {
    const drift: string[] = [];
    const select = this.db.prepare<[string, string], { id: string; value: string }>(
      "SELECT id, value FROM index_keys WHERE collection = ? AND key = ? AND value_type = 's'",
    );
    for (const [collection, keys] of Object.entries(this.memory.keys) as [Collection, readonly string[]][]) {
      for (const key of keys) {
        const entry = (e: { id: string; value: string }) => JSON.stringify([e.value, e.id]);
        const inFile = new Set(select.all(collection, key).map(entry));
        const inMemory = new Set(this.memory.all(collection, key).map(entry));
        for (const e of inFile) if (!inMemory.has(e)) drift.push(`${collection}.${key}: ${e} is in the file, not in memory`);
        for (const e of inMemory) if (!inFile.has(e)) drift.push(`${collection}.${key}: ${e} is in memory, not in the file`);
      }
    }
    return drift;
  }

  /** Keeps the memory index exact: called right after a write committed, before anything else runs. */
  private committed(row: WriteRow): void {
    this.memory.put(row.collection, row.id, row.keys);
    this.groupCommit?.noteCommit();
  }

  /**
   * The memory index is exact for this connection's own writes. Another connection's commit to the file
   * (a second store object, another process: the host locks its data folder against that, but a file
   * may still be opened twice) changes `data_version`; then the index is built again from the file.
   */
  private memoryFresh(): MemoryIndex {
    if (guarded(() => this.dataVersion.get()) !== this.memoryVersion) this.loadMemory();
    return this.memory;
  }

  /** The committed rows of the keys kept in memory: at open, and after another connection wrote. */
  private loadMemory(): void {
    this.memory.clear();
    this.memoryVersion = this.dataVersion.get() ?? 0;
    const select = this.db.prepare<[string, string], { id: string; value: string }>(
      "SELECT id, value FROM index_keys WHERE collection = ? AND key = ? AND value_type = 's' ORDER BY value, id",
    );
    for (const [collection, keys] of Object.entries(this.memory.keys) as [Collection, readonly string[]][]) {
      for (const key of keys) for (const row of select.iterate(collection, key)) this.memory.add(collection, row.id, key, row.value);
    }
  }

  /** Documents by id, in the order given, in one synchronous step (so they agree with the memory index). */
  private byIds(collection: Collection, ids: readonly string[]): DocumentRow[] {
    return guarded(() => {
      const rows: DocumentRow[] = [];
      for (const id of ids) {
        const row = this.selectDocument.get(collection, id);
        if (row) rows.push(row);
      }
      return rows;
    });
  }

  private listRows(collection: Collection, query: ListQuery): DocumentRow[] {
    const { sql, params } = listSql(collection, query.where ?? [], query.afterId, query.pageSize + 1);
    return guarded(() => this.statement(sql).all(...params) as DocumentRow[]);
  }

  private writeKeys(row: WriteRow): void {
    for (const key of row.keyRows) this.insertKey.run(row.collection, row.id, key.key, key.type, key.value);
  }
}

export function openSqliteStore(options: SqliteStoreOptions): SqliteStore {
  return new SqliteStore(options);
}

function migrate(db: Database.Database): void {
  db.transaction(() => {
    const version = Number(db.pragma('user_version', { simple: true }));
    if (version > SCHEMA_VERSION) {
      throw new Error(`store schema version ${version} is newer than this build understands (${SCHEMA_VERSION})`);
    }
    for (let step = version; step < SCHEMA_VERSION; step++) db.exec(MIGRATIONS[step] ?? '');
    // PRAGMA takes no bound parameters; the value is our own integer.
    if (version !== SCHEMA_VERSION) db.pragma(`user_version = ${SCHEMA_VERSION}`);
  }).immediate();
}

/**
 * Cosmos DB style, as the real service returned: `"xxxxxxxx-0000-0700-0000-yyyyyyyy0000"`, random x,
 * y the write time in epoch seconds. The time comes from the caller's lastModified: the store reads no clock.
 */
function newEtag(lastModified: string): string {
  const ms = Date.parse(lastModified);
  const seconds = Math.min(Math.max(Math.floor(ms / 1000), 0), 0xffffffff);
  const time = seconds.toString(16).padStart(8, '0');
  return `"${randomBytes(4).toString('hex')}-0000-0700-0000-${time}0000"`;
}

function toWriteRow(doc: NewDocument<unknown>): WriteRow {
  if (typeof doc.id !== 'string') throw new TypeError(`${doc.collection}: id must be a string`);
  if (Number.isNaN(Date.parse(doc.lastModified))) {
    throw new TypeError(`${doc.collection}/${doc.id}: lastModified is not an ISO instant: ${String(doc.lastModified)}`);
  }
  const keyRows: KeyRow[] = [];
  for (const [key, value] of Object.entries(doc.keys)) {
    // JSON drops an undefined key from keys_json, so the index must not know it either.
    if (value === undefined) continue;
    const values: readonly unknown[] = Array.isArray(value) ? value : [value];
    for (const element of values) keyRows.push({ key, ...typed(element, `${doc.collection}/${doc.id} key ${key}`) });
  }
  return {
    collection: doc.collection,
    id: doc.id,
    lastModified: doc.lastModified,
    body: JSON.stringify(doc.body),
    keysJson: JSON.stringify(doc.keys),
    keys: doc.keys,
    keyRows,
  };
}

/** Returns what was written, parsed back, so the caller gets the same fresh object `get` would give. */
function fromWriteRow<B>(row: WriteRow, etag: string): StoredDocument<B> {
  return toDocument<B>(row.collection, {
    id: row.id,
    etag,
    last_modified: row.lastModified,
    body: row.body,
    keys_json: row.keysJson,
  });
}

function toDocument<B>(collection: Collection, row: DocumentRow): StoredDocument<B> {
  return {
    collection,
    id: row.id,
    etag: row.etag,
    lastModified: row.last_modified,
    body: JSON.parse(row.body) as B,
    keys: JSON.parse(row.keys_json) as IndexKeys,
  };
}

function typed(value: unknown, where: string): { type: ValueType; value: SqlValue } {
  switch (typeof value) {
    case 'string':
      return { type: 's', value };
    case 'number':
      // NaN and ±Infinity do not survive JSON and SQLite stores NaN as NULL.
      if (!Number.isFinite(value)) throw new TypeError(`${where}: index numbers must be finite`);
      return { type: 'n', value };
    case 'boolean':
      return { type: 'b', value: value ? 1 : 0 };
    default:
      throw new TypeError(`${where}: index values must be strings, numbers or booleans`);
  }
}

function conditionParams(condition: Condition): [string, ValueType, SqlValue] {
  if (!(condition.op in SQL_OPERATOR)) throw new TypeError(`unknown condition operator ${String(condition.op)}`);
  const { type, value } = typed(condition.value, `condition on ${condition.key}`);
  return [condition.key, type, value];
}

/**
 * Conditions on the document `alias` beyond the one driving the query. Each is a probe of the
 * index_keys primary key (collection, id, key, value_type, value), never a scan.
 */
function restrictions(
  collection: Collection,
  alias: string,
  conditions: readonly Condition[],
): { sql: string; params: SqlValue[] } {
  const parts: string[] = [];
  const params: SqlValue[] = [];
  for (const condition of conditions) {
    parts.push(
      ` AND EXISTS (SELECT 1 FROM index_keys x WHERE x.collection = ? AND x.id = ${alias}.id` +
        ` AND x.key = ? AND x.value_type = ? AND x.value ${SQL_OPERATOR[condition.op]} ?)`,
    );
    params.push(collection, ...conditionParams(condition));
  }
  return { sql: parts.join(''), params };
}

/**
 * An eq drives when there is one: index_keys_by_value then yields ids already in id order, so a page
 * reads only its own rows. Otherwise the first range condition drives (its ids need a sort).
 */
function splitDriver(where: readonly Condition[]): { driver: Condition; rest: Condition[] } | undefined {
  if (where.length === 0) return undefined;
  const index = Math.max(
    where.findIndex((condition) => condition.op === 'eq'),
    0,
  );
  const driver = where[index];
  if (!driver) return undefined;
  return { driver, rest: where.filter((_, i) => i !== index) };
}

function listSql(
  collection: Collection,
  where: readonly Condition[],
  afterId: string | undefined,
  limit: number,
): { sql: string; params: SqlValue[] } {
  const columns = 'd.id, d.etag, d.last_modified, d.body, d.keys_json';
  const split = splitDriver(where);
  if (!split) {
    const after = afterId === undefined ? '' : ' AND d.id > ?';
    return {
      sql: `SELECT ${columns} FROM documents d WHERE d.collection = ?${after} ORDER BY d.id LIMIT ?`,
      params: afterId === undefined ? [collection, limit] : [collection, afterId, limit],
    };
  }
  const { driver, rest } = split;
  const after = afterId === undefined ? '' : ' AND k.id > ?';
  // Range matches on an array key can repeat an id (one row per element).
  const distinct = driver.op === 'eq' ? '' : 'DISTINCT ';
  const more = restrictions(collection, 'd', rest);
  // CROSS JOIN fixes the loop order: matching index rows outside, document lookups by primary key inside.
  // Ordering by m.id rather than d.id (equal values) lets SQLite see that an eq driver's index already
  // yields id order, so it stops after `limit` rows instead of sorting every match.
  const sql =
    `SELECT ${columns} FROM (SELECT ${distinct}k.id AS id FROM index_keys k` +
    ` WHERE k.collection = ? AND k.key = ? AND k.value_type = ? AND k.value ${SQL_OPERATOR[driver.op]} ?${after}) m` +
    ` CROSS JOIN documents d WHERE d.collection = ? AND d.id = m.id${more.sql} ORDER BY m.id LIMIT ?`;
  const params: SqlValue[] = [collection, ...conditionParams(driver)];
  if (afterId !== undefined) params.push(afterId);
  params.push(collection, ...more.params, limit);
  return { sql, params };
}

function existsSql(collection: Collection, where: readonly Condition[]): { sql: string; params: SqlValue[] } {
  const split = splitDriver(where);
  if (!split) return { sql: 'SELECT 1 FROM documents d WHERE d.collection = ? LIMIT 1', params: [collection] };
  const { driver, rest } = split;
  const more = restrictions(collection, 'k', rest);
  return {
    sql:
      'SELECT 1 FROM index_keys k WHERE k.collection = ? AND k.key = ? AND k.value_type = ?' +
      ` AND k.value ${SQL_OPERATOR[driver.op]} ?${more.sql} LIMIT 1`,
    params: [collection, ...conditionParams(driver), ...more.params],
  };
}

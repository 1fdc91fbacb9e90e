import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ErrorResponse } from '@azure/cosmos';
import Database from 'better-sqlite3';
import { cosmosUnavailable, type CosmosStore } from '../../shared/adapters/azure/CosmosStore';
import { SqliteStore } from '../../shared/adapters/embedded/SqliteStore';
import { sqliteUnavailable } from '../../shared/adapters/embedded/sqliteUnavailable';
import { StoreUnavailableError } from '../../shared/ports/Store';
import { startCosmosTestServer, type CosmosTestServer } from '../support/cosmosTestServer';

/**
 * Which store failures are "ours, retry later" (StoreUnavailableError → 503 + Retry-After) and which
 * stay what they are. SQLite's errors are produced by SQLite itself where this machine can make it
 * (a full file through max_page_count, a read-only connection); I/O and lock errors cannot be caused
 * on demand here, so those are built with better-sqlite3's own SqliteError class and the codes SQLite
 * documents. Cosmos errors: the SDK's ErrorResponse as it throws them, and the real SDK on the wire
 * against the in-process server with a gate that answers 429/503 as Cosmos does (it cannot on its own).
 */

describe('SQLite failures that are the machine, not the request', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jobrouter-unavailable-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('a database file at its size limit: SQLITE_FULL → diskFull', () => {
    const db = new Database(path.join(dir, 'full.sqlite'));
    db.exec('CREATE TABLE t (x TEXT)');
    db.pragma(`max_page_count = ${Number(db.pragma('page_count', { simple: true }))}`);
    let caught: unknown;
    try {
      db.prepare('INSERT INTO t VALUES (?)').run('x'.repeat(100_000));
    } catch (error) {
      caught = error;
    }
    db.close();
    expect((caught as { code?: string }).code).toBe('SQLITE_FULL');
    expect(sqliteUnavailable(caught)).toEqual(expect.objectContaining({ kind: 'diskFull', retryAfterSeconds: 30, message: expect.stringMatching(/disk is full/) }));
  });

  it('a write on a read-only database: SQLITE_READONLY → readOnly', async () => {
    const file = path.join(dir, 'ro.sqlite');
    await new SqliteStore({ path: file }).close();
    const db = new Database(file, { readonly: true });
    let caught: unknown;
    try {
      db.exec('CREATE TABLE t (x TEXT)');
    } catch (error) {
      caught = error;
    }
    db.close();
    expect((caught as { code?: string }).code).toMatch(/^SQLITE_READONLY/);
    expect(sqliteUnavailable(caught)).toEqual(expect.objectContaining({ kind: 'readOnly', message: expect.stringMatching(/read-only/) }));
  });

  it.each([
    ['SQLITE_IOERR_WRITE', 'ioError'],
    ['SQLITE_IOERR_FSYNC', 'ioError'],
    ['SQLITE_IOERR', 'ioError'],
    ['SQLITE_READONLY_DBMOVED', 'readOnly'],
    ['SQLITE_CANTOPEN', 'ioError'],
    ['SQLITE_BUSY', 'busy'],
    ['SQLITE_BUSY_SNAPSHOT', 'busy'],
  ])('%s → %s', (code, kind) => {
    const mapped = sqliteUnavailable(new Database.SqliteError('failed', code));
    expect(mapped).toBeInstanceOf(StoreUnavailableError);
    expect(mapped?.kind).toBe(kind);
    expect(mapped?.retryAfterSeconds).toBeGreaterThan(0);
  });

  it.each([['SQLITE_CONSTRAINT_PRIMARYKEY'], ['SQLITE_ERROR'], ['SQLITE_MISMATCH']])('%s is not a machine failure: left as it is', (code) => {
    expect(sqliteUnavailable(new Database.SqliteError('failed', code))).toBeUndefined();
  });

  it('other errors are left as they are', () => {
    expect(sqliteUnavailable(new TypeError('x'))).toBeUndefined();
  });
});

describe('Cosmos failures that are the account, not the request', () => {
  function cosmosError(code: number, retryAfterInMs?: number): ErrorResponse {
    const error = new ErrorResponse('from the service');
    error.code = code;
    if (retryAfterInMs !== undefined) error.retryAfterInMs = retryAfterInMs;
    return error;
  }

  it('429 → throttled, Retry-After from the account hint (rounded up to whole seconds)', () => {
    expect(cosmosUnavailable(cosmosError(429, 2500))).toEqual(expect.objectContaining({ kind: 'throttled', retryAfterSeconds: 3 }));
    expect(cosmosUnavailable(cosmosError(429))?.retryAfterSeconds).toBe(1);
    expect(cosmosUnavailable(cosmosError(429, 10 * 60 * 1000))?.retryAfterSeconds).toBe(60);
  });

  it('503 → unavailable', () => {
    expect(cosmosUnavailable(cosmosError(503))).toEqual(expect.objectContaining({ kind: 'unavailable', retryAfterSeconds: 5 }));
  });

  it.each([[404], [409], [412], [400], [500]])('%i is left to the store (conflicts) or is a real failure', (code) => {
    expect(cosmosUnavailable(cosmosError(code))).toBeUndefined();
  });
});

describe('Cosmos throttling and outage through the real SDK', () => {
  let server: CosmosTestServer;
  let store: CosmosStore;
  const doc = (id: string) => ({ collection: 'queues' as const, id, lastModified: '2024-01-01T00:00:00.000Z', body: { id }, keys: {} });

  beforeAll(async () => {
    server = await startCosmosTestServer();
    store = await server.createTestCosmosStore('unavailable');
  });
  afterAll(async () => {
    await server.close();
  });

  it.each([
    [429, 'throttled', 1],
    [503, 'unavailable', 5],
  ] as const)('%i on every document request → StoreUnavailableError(%s) after the SDK gives up; served again once it stops', async (status, kind, retryAfterSeconds) => {
    server.refuseDocuments({ status, retryAfterMs: 1 });
    const refused = await store.create(doc(`refused-${status}`)).catch((error: unknown) => error);
    const read = await store.get('queues', 'anything').catch((error: unknown) => error);
    server.refuseDocuments(undefined);
    expect(refused).toBeInstanceOf(StoreUnavailableError);
    expect(refused).toEqual(expect.objectContaining({ kind, retryAfterSeconds }));
    expect(read).toBeInstanceOf(StoreUnavailableError);
    expect(await store.get('queues', `refused-${status}`)).toBeUndefined();
    expect((await store.create(doc(`refused-${status}`))).id).toBe(`refused-${status}`);
  });
});

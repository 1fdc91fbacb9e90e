import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fdatasyncFile, type SyncFile } from '../adapters/embedded/GroupCommit';
import { openSqliteStore, type SqliteStore, type SqliteStoreOptions } from '../adapters/embedded/SqliteStore';

export const DATABASE_FILE = 'jobrouter.db';

export function databasePath(dataDir: string): string {
  return dataDir === ':memory:' ? ':memory:' : path.join(dataDir, DATABASE_FILE);
}

/** Each group commit's sync, timed: what the store's commit latency is made of. */
function timedSync(observe: (seconds: number) => void): SyncFile {
  return async (file) => {
    const started = performance.now();
    await fdatasyncFile(file);
    observe((performance.now() - started) / 1000);
  };
}

/**
 * The embedded store: one SQLite file in the data folder (or memory), with group commit unless told
 * otherwise. `observeCommit` hears the duration of every group commit (the sync that makes the writes
 * before it durable).
 */
export function openEmbeddedStore(dataDir: string, durability?: SqliteStoreOptions['durability'], observeCommit?: (seconds: number) => void): SqliteStore {
  return openSqliteStore({ path: databasePath(dataDir), durability, syncFile: observeCommit ? timedSync(observeCommit) : undefined });
}

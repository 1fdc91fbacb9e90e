import path from 'node:path';
import { openSqliteStore, type SqliteStore, type SqliteStoreOptions } from '../adapters/embedded/SqliteStore';

export const DATABASE_FILE = 'jobrouter.db';

export function databasePath(dataDir: string): string {
  return dataDir === ':memory:' ? ':memory:' : path.join(dataDir, DATABASE_FILE);
}

/** The embedded store: one SQLite file in the data folder (or memory), with group commit unless told otherwise. */
export function openEmbeddedStore(dataDir: string, durability?: SqliteStoreOptions['durability']): SqliteStore {
  return openSqliteStore({ path: databasePath(dataDir), durability });
}

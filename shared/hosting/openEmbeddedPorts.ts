import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { openSqliteStore } from '../adapters/embedded/SqliteStore';
import { systemClock, type Clock } from '../ports/Clock';
import type { RouterPorts } from '../ports/RouterPorts';

export const DATABASE_FILE = 'jobrouter.db';

export function databasePath(dataDir: string): string {
  return dataDir === ':memory:' ? ':memory:' : path.join(dataDir, DATABASE_FILE);
}

/** The embedded composition: SQLite store in the data folder, system clock, UUIDs. */
export function openEmbeddedPorts(dataDir: string, clock: Clock = systemClock): RouterPorts {
  return { store: openSqliteStore({ path: databasePath(dataDir) }), clock, newId: randomUUID };
}

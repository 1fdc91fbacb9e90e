import Database from 'better-sqlite3';
import { StoreUnavailableError } from '../../ports/Store';

/**
 * SQLite result codes that say the machine, not the request, is at fault, as StoreUnavailableError
 * (answered 503 + Retry-After). better-sqlite3 reports extended codes (`SQLITE_IOERR_WRITE`,
 * `SQLITE_READONLY_DBMOVED`…), so families are matched by prefix. A failed statement or transaction
 * is rolled back whole, and the same connection works again once the cause is gone: no restart.
 */
const FAMILIES: readonly { prefix: string; kind: StoreUnavailableError['kind']; retryAfterSeconds: number; message: string }[] = [
  // SQLite reports ENOSPC on its own files as SQLITE_FULL; a file at max_page_count says the same.
  { prefix: 'SQLITE_FULL', kind: 'diskFull', retryAfterSeconds: 30, message: "The router's disk is full, so it cannot save changes; free space on the data folder's disk and retry." },
  { prefix: 'SQLITE_READONLY', kind: 'readOnly', retryAfterSeconds: 30, message: "The router's data folder is read-only now, so it cannot save changes; make it writable again and retry." },
  { prefix: 'SQLITE_IOERR', kind: 'ioError', retryAfterSeconds: 10, message: "The router's disk failed to read or write (I/O error); retry, and check the data folder's disk if it lasts." },
  { prefix: 'SQLITE_CANTOPEN', kind: 'ioError', retryAfterSeconds: 10, message: 'The router could not open a file in its data folder; retry, and check the folder if it lasts.' },
  { prefix: 'SQLITE_BUSY', kind: 'busy', retryAfterSeconds: 1, message: 'Another process holds the router database locked; retry.' },
];

/**
 * Recognised by shape rather than `instanceof`: the native addon keeps the SqliteError class (and
 * so the Error) of the first module instance and realm that loaded it, so where modules load more
 * than once in a process (Jest's per-file registries and contexts) its errors are instances of neither.
 */
function sqliteCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || (error as { name?: unknown }).name !== Database.SqliteError.name) return undefined;
  const code: unknown = (error as { code?: unknown }).code;
  return typeof code === 'string' && code.startsWith('SQLITE_') ? code : undefined;
}

export function sqliteUnavailable(error: unknown): StoreUnavailableError | undefined {
  const code = sqliteCode(error);
  if (code === undefined) return undefined;
  const family = FAMILIES.find((f) => code.startsWith(f.prefix));
  return family && new StoreUnavailableError(family.kind, family.message, family.retryAfterSeconds, { cause: error });
}

/** Runs one store operation, turning the codes above into StoreUnavailableError. */
export function guarded<T>(run: () => T): T {
  try {
    return run();
  } catch (error) {
    throw sqliteUnavailable(error) ?? error;
  }
}

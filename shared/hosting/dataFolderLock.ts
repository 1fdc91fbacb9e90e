import fs from 'node:fs';
import path from 'node:path';
import { SETTINGS } from './config';
import { StartupError } from './startupError';

export const LOCK_FILE = 'jobrouter.lock';

export interface DataFolderLock {
  file: string;
  release(): void;
}

/** Lock files this process holds, so a second host in the same process is refused too (same pid). */
const heldHere = new Set<string>();

const errorCode = (error: unknown) => (error as NodeJS.ErrnoException).code;
const CANNOT_WRITE = new Set(['EACCES', 'EPERM', 'EROFS']);

function cannotWrite(dataDir: string, error: unknown): StartupError {
  return new StartupError(
    `The data folder ${dataDir} cannot be written (${errorCode(error)}: ${(error as Error).message}). ` +
      `Give the user running the router write access to it, or set ${SETTINGS.dataDir} to a writable folder.`,
  );
}

function notAFolder(dataDir: string): StartupError {
  return new StartupError(`${SETTINGS.dataDir} must name a folder, but ${dataDir} (or a folder above it) is a file. Set ${SETTINGS.dataDir} to a folder path; it is created when missing.`);
}

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to another user.
    return errorCode(error) === 'EPERM';
  }
}

/** The pid in a lock file; undefined when it is gone, or 0 when it holds no pid (a write cut short: stale). */
function readOwner(file: string): number | undefined {
  try {
    const pid = Number.parseInt(fs.readFileSync(file, 'utf8'), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : 0;
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return undefined;
    throw error;
  }
}

/** Creates the data folder when missing, or says why it cannot be used. */
function ensureFolder(dataDir: string): void {
  const explain = (error: unknown): unknown => {
    if (errorCode(error) === 'ENOTDIR' || errorCode(error) === 'EEXIST') return notAFolder(dataDir);
    if (CANNOT_WRITE.has(errorCode(error) ?? '')) return cannotWrite(dataDir, error);
    return error;
  };
  try {
    const stat = fs.statSync(dataDir, { throwIfNoEntry: false });
    if (stat && !stat.isDirectory()) throw notAFolder(dataDir);
    if (!stat) fs.mkdirSync(dataDir, { recursive: true });
  } catch (error) {
    throw explain(error);
  }
}

/**
 * Takes the data folder for this router: the embedded host is a single instance (its timers and
 * matcher assume no other process changes the same SQLite file), so a second router on the same
 * folder is refused. The lock file holds the owner's pid; a lock whose process is gone (a crash,
 * kill -9, a container restarted with the same pid) is taken over.
 */
export function lockDataFolder(dataDir: string): DataFolderLock {
  ensureFolder(dataDir);
  const file = path.join(dataDir, LOCK_FILE);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      fs.writeFileSync(file, `${process.pid}\n`, { flag: 'wx', mode: 0o644 });
      heldHere.add(file);
      return {
        file,
        release: () => {
          heldHere.delete(file);
          if (readOwner(file) === process.pid) fs.rmSync(file, { force: true });
        },
      };
    } catch (error) {
      if (CANNOT_WRITE.has(errorCode(error) ?? '')) throw cannotWrite(dataDir, error);
      if (errorCode(error) !== 'EEXIST') throw error;
    }
    const owner = readOwner(file);
    if (owner === undefined) continue;
    const ours = owner === process.pid;
    if ((ours && heldHere.has(file)) || (!ours && owner > 0 && processIsAlive(owner))) {
      throw new StartupError(
        `Another Job Router (pid ${owner}) is using the data folder ${dataDir}. Stop it first, or give this one its own folder with ${SETTINGS.dataDir}. ` +
          `If no router is running, delete ${file}.`,
      );
    }
    // Left behind by a router that did not stop cleanly.
    fs.rmSync(file, { force: true });
  }
  throw new StartupError(`Could not take the lock ${file}: other processes keep creating it. Is another router starting on ${dataDir}?`);
}

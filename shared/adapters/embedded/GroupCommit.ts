import { open } from 'node:fs/promises';
import { dirname } from 'node:path';

/** Makes everything written to the file so far survive a power loss (an fdatasync, off the event loop). */
export type SyncFile = (path: string) => Promise<void>;

/** Counters of a group commit, for tests and the bench. */
export interface GroupCommitStats {
  /** Commits noted so far. */
  commits: number;
  /** Syncs completed so far. */
  syncs: number;
  /** How many of the commits (counted from the first) a completed sync covers. */
  durableThrough: number;
  /** Callers waiting for a sync now. */
  waiting: number;
}

interface Waiter {
  /** The commits this caller needs covered (the count when it asked). */
  through: number;
  resolve: () => void;
  reject: (error: Error) => void;
}

/**
 * fdatasync through its own descriptor: on Linux a sync flushes the file (the inode), whichever
 * descriptor asks, so the pages SQLite wrote through its descriptor are the ones flushed. Opened per
 * sync so that a file SQLite recreated is never missed through a stale descriptor; an open costs
 * microseconds next to the sync.
 */
export const fdatasyncFile: SyncFile = async (path) => {
  const handle = await open(path, 'r+');
  try {
    await handle.datasync();
  } finally {
    await handle.close();
  }
};

/** fsync of a folder, so a file created in it is found after a power loss. */
async function syncFolder(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Group commit: commits are written without a sync, and `durable()` callers share syncs. A sync
 * covers every commit noted before it started; a caller that arrives while one runs waits for the
 * next, which then covers all such callers at once. At most one sync runs at a time, and none runs
 * when every commit is covered already.
 *
 * A failed sync leaves the state of the written pages unknown (the kernel may have dropped them and
 * a later sync would report success), so it fails every caller from then on: the process must
 * restart and recover from what the file holds, rather than acknowledge writes it cannot vouch for.
 */
export class GroupCommit {
  private commits = 0;
  private syncs = 0;
  private durableThrough = 0;
  private syncing = false;
  private failure: Error | undefined;
  private folderSynced = false;
  private waiters: Waiter[] = [];

  /**
   * @param file the file whose sync makes the commits durable (SQLite's write-ahead log)
   * @param sync how a file is synced (tests count and hold syncs through it)
   */
  constructor(
    private readonly file: string,
    private readonly sync: SyncFile = fdatasyncFile,
  ) {}

  /** Called after each commit returned (its pages are written to the file, not yet synced). */
  noteCommit(): void {
    this.commits++;
  }

  stats(): GroupCommitStats {
    return { commits: this.commits, syncs: this.syncs, durableThrough: this.durableThrough, waiting: this.waiters.length };
  }

  durable(): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.durableThrough >= this.commits) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.waiters.push({ through: this.commits, resolve, reject });
      if (!this.syncing) void this.run();
    });
  }

  private async run(): Promise<void> {
    this.syncing = true;
    while (this.waiters.length > 0 && !this.failure) {
      const covers = this.commits;
      try {
        if (!this.folderSynced) {
          // The log may be new since the folder was last synced; its name must survive with its pages.
          await syncFolder(dirname(this.file));
          this.folderSynced = true;
        }
        await this.sync(this.file);
      } catch (error) {
        this.failure = new Error(`the store could not make its writes durable (${error instanceof Error ? error.message : String(error)}); restart the router`, { cause: error });
        break;
      }
      this.syncs++;
      this.durableThrough = covers;
      const still: Waiter[] = [];
      for (const waiter of this.waiters) {
        if (waiter.through <= covers) waiter.resolve();
        else still.push(waiter);
      }
      this.waiters = still;
    }
    if (this.failure) {
      for (const waiter of this.waiters) waiter.reject(this.failure);
      this.waiters = [];
    }
    this.syncing = false;
  }
}

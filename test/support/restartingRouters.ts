import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startTestRouter, type TestRouter } from './embeddedRouter';
import { TestClock } from './testClock';

export interface RestartingRouters {
  /** Shared by every host of a test; starts at the real time (the HMAC check allows 15 minutes of skew). */
  readonly clock: TestClock;
  /** The access key every host of a test is started with. */
  readonly accessKey: string;
  /** Starts an embedded host on the test's data folder. */
  start(): Promise<TestRouter>;
  /** Stops the host as a restart would: the next host opens the same SQLite file. */
  stop(host: TestRouter): Promise<void>;
}

/**
 * Registers beforeEach/afterEach hooks that give each test a fresh data folder and one clock, and
 * close whatever hosts the test left running. For tests of what survives a restart.
 */
export function useRestartingRouters(folderPrefix: string): RestartingRouters {
  const accessKey = randomBytes(32).toString('base64');
  let dataDir = '';
  let clock = new TestClock();
  let open: TestRouter[] = [];

  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), folderPrefix));
    clock = new TestClock(new Date(Math.floor(Date.now() / 1000) * 1000));
    open = [];
  });

  afterEach(async () => {
    for (const host of open) await host.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  return {
    get clock() {
      return clock;
    },
    accessKey,
    async start() {
      const host = await startTestRouter({ dataDir, clock, accessKey });
      open.push(host);
      return host;
    },
    async stop(host) {
      open = open.filter((h) => h !== host);
      await host.close();
    },
  };
}

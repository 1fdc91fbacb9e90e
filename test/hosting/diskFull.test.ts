import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startEmbeddedHost, type EmbeddedHost } from '../../shared/hosting/startEmbeddedHost';
import { recordingLogger } from '../support/recordingLogger';
import { createSignedClient, patch } from '../support/signedClient';

/**
 * A disk that really fills up: the data folder is a tmpfs of 8 MB mounted for this test (root only,
 * as CI runs), then a filler file takes every free byte. SQLite's WAL can no longer grow, its write
 * fails with ENOSPC, which SQLite reports as SQLITE_FULL. Where mounting is not allowed the suite is
 * skipped and says so; test/unit/store/sqliteUnavailable.test.ts still checks the mapping of every
 * code with SQLite's own errors.
 */

function mountTmpfs(dir: string): boolean {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=8m', 'tmpfs', dir], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Appends to `file` until the file system refuses with ENOSPC. */
function fillDisk(file: string): void {
  const chunk = Buffer.alloc(64 * 1024);
  const fd = fs.openSync(file, 'a');
  try {
    for (;;) fs.writeSync(fd, chunk);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  } finally {
    fs.closeSync(fd);
  }
  // Whatever the last chunk did not fit, byte by byte on a page-granular fs is at most one page more.
  const small = fs.openSync(file, 'a');
  try {
    for (;;) fs.writeSync(small, Buffer.alloc(512));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  } finally {
    fs.closeSync(small);
  }
}

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jobrouter-diskfull-'));
const mounted = mountTmpfs(dataDir);
if (!mounted) console.warn(`diskFull.test.ts skipped: cannot mount a tmpfs on ${dataDir} (needs root)`);

(mounted ? describe : describe.skip)('a full disk under the embedded host (real tmpfs)', () => {
  const logger = recordingLogger();
  const filler = path.join(dataDir, 'filler');
  let host: EmbeddedHost;
  let client: ReturnType<typeof createSignedClient>;
  const policy = (n: number) => patch(client, `/routing/distributionPolicies/full-${n}`, { offerExpiresAfterSeconds: 30, mode: { kind: 'longestIdle' } });

  beforeAll(async () => {
    host = await startEmbeddedHost({ port: 0, dataDir, logger });
    client = createSignedClient(host.connectionString);
    expect((await policy(0)).status).toBe('201');
  });
  afterAll(async () => {
    await host.close();
    execFileSync('umount', [dataDir]);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers writes 503 + Retry-After with a JSON body saying the disk is full, logs it, keeps reading, and writes again once space returns', async () => {
    fillDisk(filler);
    // The WAL may still have room in its last page; at the latest a few writes on it has to grow.
    let refused: Awaited<ReturnType<typeof policy>> | undefined;
    let n = 1;
    for (; n <= 200 && !refused; n++) {
      const answer = await policy(n);
      expect(['201', '503']).toContain(answer.status);
      if (answer.status === '503') refused = answer;
    }
    const refusedId = `full-${n - 1}`;
    expect(refused).toBeDefined();
    expect(refused?.headers['retry-after']).toBe('30');
    expect(refused?.headers['content-type']).toMatch(/^application\/json/);
    expect(refused?.body.communicationError).toEqual(
      expect.objectContaining({ code: 'ServiceUnavailable', target: `/routing/distributionPolicies/${refusedId}`, details: [expect.objectContaining({ code: 'DiskFull' })] }),
    );
    expect(refused?.body.communicationError.message).toMatch(/disk is full/);
    expect(logger.lines).toContainEqual(expect.objectContaining({ level: 'warn', message: expect.stringMatching(/store unavailable: .*disk is full/) }));
    expect(logger.lines.filter((line) => line.level === 'warn' && /disk is full/.test(line.message))[0]?.fields).toEqual(expect.objectContaining({ kind: 'diskFull', cause: expect.stringMatching(/SQLITE_FULL|disk is full/) }));

    // Reads need no new space: the router keeps answering them, and the refused write left nothing.
    expect((await client.pathUnchecked('/routing/distributionPolicies/full-0').get()).status).toBe('200');
    expect((await client.pathUnchecked(`/routing/distributionPolicies/${refusedId}`).get()).status).toBe('404');

    fs.rmSync(filler);
    // Same process, same connection: no restart.
    const retried = await patch(client, `/routing/distributionPolicies/${refusedId}`, { offerExpiresAfterSeconds: 30, mode: { kind: 'longestIdle' } });
    expect(retried.status).toBe('201');
    expect((await client.pathUnchecked(`/routing/distributionPolicies/${refusedId}`).get()).status).toBe('200');
    expect(logger.lines.filter((line) => line.level === 'error' && line.message === 'request failed')).toEqual([]);
  });
});

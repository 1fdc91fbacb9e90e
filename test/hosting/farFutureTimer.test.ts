import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { StoredWorkerSelector } from '../../shared/domain/resources/job';
import { toWireTime } from '../../shared/domain/wireTime';
import { openEmbeddedStore } from '../../shared/hosting/openEmbeddedStore';
import { startEmbeddedHost } from '../../shared/hosting/startEmbeddedHost';
import { silentLogger } from '../../shared/ports/Logger';
import type { Timer } from '../../shared/ports/Scheduler';
import { createSignedClient, patch } from '../support/signedClient';

const register = path.join(__dirname, '../support/swcRegister.js');
const hostScript = path.join(__dirname, '../events/hostProcess.ts');
/** Generous: a host on this folder starts in well under a second; only a wedged one takes this long. */
const LISTEN_WITHIN_MS = 60_000;

/** The host in its own process, so that a wedged event loop cannot take the test runner with it. */
function startHostProcess(dataDir: string, accessKey: string): { child: ChildProcess; serving: Promise<string> } {
  const child = spawn(process.execPath, ['-r', register, hostScript, JSON.stringify({ dataDir, accessKey, webhooks: [] })], { stdio: ['ignore', 'pipe', 'inherit'] });
  const serving = new Promise<string>((resolve, reject) => {
    let out = '';
    const timeout = setTimeout(() => reject(new Error(`the host did not listen within ${LISTEN_WITHIN_MS} ms`)), LISTEN_WITHIN_MS);
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      const line = out.split('\n')[0];
      if (!out.includes('\n') || !line) return;
      clearTimeout(timeout);
      resolve((JSON.parse(line) as { connectionString: string }).connectionString);
    });
    child.once('exit', (code) => {
      clearTimeout(timeout);
      reject(new Error(`host process exited with ${code} before serving`));
    });
  });
  return { child, serving };
}

const killed = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });

describe('a data folder holding a selector that expires after year 9999', () => {
  const accessKey = randomBytes(32).toString('base64');
  let dataDir: string;
  let child: ChildProcess | undefined;

  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jobrouter-far-future-'));
  });
  afterEach(async () => {
    if (child) await killed(child);
    child = undefined;
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('lets the host restart on it, listen and answer', async () => {
    const first = await startEmbeddedHost({ port: 0, dataDir, accessKey, logger: silentLogger });
    const client = createSignedClient(first.connectionString);
    expect((await patch(client, '/routing/distributionPolicies/dp', { offerExpiresAfterSeconds: 60, mode: { kind: 'longestIdle' } })).status).toBe('201');
    expect((await patch(client, '/routing/queues/q', { distributionPolicyId: 'dp' })).status).toBe('201');
    const job = await patch(client, '/routing/jobs/jc', {
      channelId: 'voice',
      queueId: 'q',
      requestedWorkerSelectors: [{ key: 'skill', labelOperator: 'equal', value: 1, expiresAfterSeconds: 3600 }],
    });
    expect(job.status).toBe('201');
    await first.close();

    // What a router that accepted `expiresAfterSeconds: 3e11` left behind: the selector's expiry and its
    // timer lie in year 11533, whose ISO form (`+011533-…`) sorts before every four-digit year.
    const store = openEmbeddedStore(dataDir);
    const far = new Date(Date.now() + 3e11 * 1000);
    const jobDoc = await store.get<{ requestedWorkerSelectors: StoredWorkerSelector[] }>('jobs', 'jc');
    const timerDoc = await store.get<Timer>('timers', 'selectorExpiry:jc');
    if (!jobDoc || !timerDoc) throw new Error('the job and its selector expiry timer should be stored');
    const selectors = jobDoc.body.requestedWorkerSelectors.map((s) => ({ ...s, expiresAfterSeconds: 3e11, expiresAt: toWireTime(far) }));
    await store.replace({ ...jobDoc, body: { ...jobDoc.body, requestedWorkerSelectors: selectors } }, jobDoc.etag);
    const timer = { ...timerDoc.body, dueAt: far.toISOString() };
    await store.replace({ ...timerDoc, body: timer, keys: { due: `${far.toISOString()}\u001f${timer.id}` } }, timerDoc.etag);
    await store.close();
    expect(far.toISOString()).toMatch(/^\+011533-/);

    const host = startHostProcess(dataDir, accessKey);
    child = host.child;
    const again = createSignedClient(await host.serving);
    const read = await again.pathUnchecked('/routing/jobs/jc').get();
    expect(read.status).toBe('200');
    expect((read.body as { requestedWorkerSelectors: { status: string }[] }).requestedWorkerSelectors[0]?.status).toBe('active');
    await killed(host.child);

    // ...and once more after a kill, on what the second host left in the file.
    const third = startHostProcess(dataDir, accessKey);
    child = third.child;
    const thirdClient = createSignedClient(await third.serving);
    expect((await thirdClient.pathUnchecked('/routing/queues/q').get()).status).toBe('200');
  }, 3 * LISTEN_WITHIN_MS);
});

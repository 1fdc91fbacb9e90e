import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { WebhookChannel } from '../../shared/adapters/http/WebhookChannel';
import type { RecordedEventBody } from '../../shared/domain/routing/eventHistory';
import { openEmbeddedStore } from '../../shared/hosting/openEmbeddedStore';
import { startEmbeddedHost } from '../../shared/hosting/startEmbeddedHost';
import { silentLogger } from '../../shared/ports/Logger';
import type { Store } from '../../shared/ports/Store';
import { createSignedClient, patch } from '../support/signedClient';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhookReceiver';

const register = path.join(__dirname, '../support/swcRegister.js');
const hostScript = path.join(__dirname, 'hostProcess.ts');

function startHostProcess(options: object): Promise<{ child: ChildProcess; connectionString: string }> {
  const child = spawn(process.execPath, ['-r', register, hostScript, JSON.stringify(options)], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      const line = out.split('\n')[0];
      if (out.includes('\n') && line) resolve({ child, connectionString: (JSON.parse(line) as { connectionString: string }).connectionString });
    });
    child.once('exit', (code) => reject(new Error(`host process exited with ${code} before serving`)));
  });
}

const killed = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });

async function history(store: Store): Promise<RecordedEventBody[]> {
  return (await store.list<RecordedEventBody>('events', { pageSize: 1000 })).items.map((d) => d.body);
}

/** Every event of the history reached the receiver, in history order, each id answered 200 exactly once. */
function expectDeliveredOnce(receiver: WebhookReceiver, recorded: readonly RecordedEventBody[]): void {
  const ids = receiver.events().map((e) => e['id']);
  expect(ids).toEqual(recorded.map((e) => e.id));
  expect(new Set(ids).size).toBe(ids.length);
}

describe('events survive a crash between the state change and its delivery', () => {
  let dataDir: string;
  const receivers: WebhookReceiver[] = [];
  const accessKey = randomBytes(32).toString('base64');

  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jobrouter-crash-'));
  });
  afterEach(async () => {
    for (const r of receivers.splice(0)) await r.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('a host killed (SIGKILL) while its deliveries hang delivers every event after the restart, once per subscriber', async () => {
    const desk = await startWebhookReceiver();
    const audit = await startWebhookReceiver();
    receivers.push(desk, audit);
    desk.hangNext(1);
    audit.hangNext(1);
    const webhooks = [
      { name: 'desk', url: desk.url },
      { name: 'audit', url: audit.url },
    ];
    const { child, connectionString } = await startHostProcess({ dataDir, accessKey, webhooks });
    try {
      const client = createSignedClient(connectionString);
      await patch(client, '/routing/distributionPolicies/dp', { offerExpiresAfterSeconds: 600, mode: { kind: 'longestIdle' } });
      await patch(client, '/routing/queues/q', { distributionPolicyId: 'dp' });
      await patch(client, '/routing/workers/w1', { capacity: 1, queues: ['q'], channels: [{ channelId: 'voice', capacityCostPerJob: 1 }], availableForOffers: true });
      expect((await patch(client, '/routing/jobs/j1', { queueId: 'q', channelId: 'voice' })).status).toBe('201');
      // The first event is on its way to each subscriber and unanswered: the host dies now.
      await desk.waitFor((r) => r.requests.some((q) => q.status === 0 && q.method === 'POST' && !q.headers['aeg-event-type']?.includes('Validation')), 10_000);
      await audit.waitFor((r) => r.requests.some((q) => q.status === 0 && q.method === 'POST' && !q.headers['aeg-event-type']?.includes('Validation')), 10_000);
    } finally {
      await killed(child);
    }
    expect(desk.deliveries).toHaveLength(0);
    expect(audit.deliveries).toHaveLength(0);

    const channels = webhooks.map((w) => new WebhookChannel({ ...w, topic: '/jobrouter/test' }));
    const host = await startEmbeddedHost({ dataDir, accessKey, port: 0, logger: silentLogger, channels });
    try {
      const recorded = await history(host.engine.ports.store);
      expect(recorded.map((e) => e.type)).toEqual(expect.arrayContaining(['RouterWorkerRegistered', 'RouterJobReceived', 'RouterJobQueued', 'RouterWorkerOfferIssued']));
      await desk.waitFor((r) => r.events().length >= recorded.length, 10_000);
      await audit.waitFor((r) => r.events().length >= recorded.length, 10_000);
      await host.engine.relay.idle();
      expectDeliveredOnce(desk, recorded);
      expectDeliveredOnce(audit, recorded);
    } finally {
      await host.close();
    }
  }, 60_000);

  it('events a crash left unrecorded in the outbox are recorded and delivered by the sweep at the next start', async () => {
    const desk = await startWebhookReceiver();
    receivers.push(desk);
    const channels = () => [new WebhookChannel({ name: 'desk', url: desk.url, topic: '/jobrouter/test' })];
    // Test double of a crash at one instant: the store refuses to record events (as if the process died
    // right after committing the change), everything else is the real SQLite file.
    const file = openEmbeddedStore(dataDir);
    const crashing: Store = Object.assign(Object.create(file) as Store, {
      create: (doc: Parameters<Store['create']>[0]) => (doc.collection === 'events' ? Promise.reject(new Error('the process died here')) : file.create(doc)),
      close: async () => {},
    });
    const first = await startEmbeddedHost({ dataDir, accessKey, port: 0, logger: silentLogger, store: crashing, channels: channels() });
    const client = createSignedClient(first.connectionString);
    expect((await patch(client, '/routing/workers/w1', { capacity: 1, availableForOffers: true })).status).toBe('201');
    expect((await patch(client, '/routing/workers/w1', { labels: { skill: 'billing' } })).status).toBe('200');
    await first.close();
    await file.close();
    const reopened = openEmbeddedStore(dataDir);
    expect(await history(reopened)).toEqual([]);
    await reopened.close();

    const host = await startEmbeddedHost({ dataDir, accessKey, port: 0, logger: silentLogger, channels: channels() });
    try {
      const recorded = await history(host.engine.ports.store);
      expect(recorded.map((e) => e.type)).toEqual(['RouterWorkerRegistered', 'RouterWorkerUpdated']);
      await desk.waitFor((r) => r.events().length >= 2, 10_000);
      expectDeliveredOnce(desk, recorded);
      // The worker's next write finds its outbox recorded and carries nothing over.
      await patch(createSignedClient(host.connectionString), '/routing/workers/w1', { labels: { skill: 'sales' } });
      const worker = await host.engine.ports.store.get<{ _outbox?: { pending: { event: { type: string } }[] } }>('workers', 'w1');
      expect(worker?.body._outbox?.pending.map((p) => p.event.type)).toEqual(['RouterWorkerUpdated']);
    } finally {
      await host.close();
    }
  });
});

describe('writes answered before a SIGKILL', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jobrouter-kill-'));
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('are all there after the restart, though the host was killed the moment the first answer came', async () => {
    const accessKey = randomBytes(32).toString('base64');
    const { child, connectionString } = await startHostProcess({ dataDir, accessKey, webhooks: [] });
    const client = createSignedClient(connectionString);
    const acknowledged: string[] = [];
    let dying: Promise<void> | undefined;
    // Many writes in flight at once, so that they share syncs; the host dies right after the first 2xx.
    await Promise.all(
      Array.from({ length: 24 }, async (_, i) => {
        const id = `dp-${i}`;
        try {
          const response = await patch(client, `/routing/distributionPolicies/${id}`, { offerExpiresAfterSeconds: 100 + i, mode: { kind: 'longestIdle' } });
          if (response.status === '201') acknowledged.push(id);
          dying ??= killed(child);
        } catch {
          // Cut off by the kill: not acknowledged, so free to be lost.
        }
      }),
    );
    await dying;
    expect(acknowledged.length).toBeGreaterThan(0);

    const host = await startEmbeddedHost({ dataDir, accessKey, port: 0, logger: silentLogger });
    try {
      for (const id of acknowledged) {
        expect((await host.engine.ports.store.get('distributionPolicies', id))?.body).toMatchObject({ offerExpiresAfterSeconds: 100 + Number(id.slice(3)) });
      }
    } finally {
      await host.close();
    }
  }, 60_000);
});

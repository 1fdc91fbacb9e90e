import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fdatasyncFile, type SyncFile } from '../../shared/adapters/embedded/GroupCommit';
import { openSqliteStore, type SqliteStore } from '../../shared/adapters/embedded/SqliteStore';
import { WebhookChannel } from '../../shared/adapters/http/WebhookChannel';
import { DATABASE_FILE, databasePath } from '../../shared/hosting/openEmbeddedStore';
import { startEmbeddedHost, type EmbeddedHost } from '../../shared/hosting/startEmbeddedHost';
import type { EventChannel } from '../../shared/ports/EventChannel';
import { silentLogger } from '../../shared/ports/Logger';
import type { NewDocument, Store } from '../../shared/ports/Store';
import { createSignedClient, patch } from '../support/signedClient';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhookReceiver';

/**
 * Syncs of the write-ahead log that wait for the test to let them through (the real fdatasync then
 * runs), so that which commits a sync covers does not depend on how fast this machine is.
 */
function syncGate() {
  let open = false;
  let calls = 0;
  const held: (() => void)[] = [];
  const started: { n: number; resolve: () => void }[] = [];
  const sync: SyncFile = async (file) => {
    calls++;
    for (const s of started.filter((s) => s.n <= calls)) s.resolve();
    if (!open) await new Promise<void>((resolve) => held.push(resolve));
    await fdatasyncFile(file);
  };
  return {
    sync,
    /** Resolves once the n-th sync has begun. */
    begun: (n: number) => (calls >= n ? Promise.resolve() : new Promise<void>((resolve) => started.push({ n, resolve }))),
    /** Lets the syncs that are waiting run. */
    release: () => held.splice(0).forEach((go) => go()),
    /** Lets every sync run from now on. */
    open: () => {
      open = true;
      held.splice(0).forEach((go) => go());
    },
  };
}

/** Turns of the event loop until `ready()`: a wait on a condition, never on the clock. */
async function until(ready: () => boolean): Promise<void> {
  while (!ready()) await new Promise<void>((resolve) => setImmediate(resolve));
}

const policy = (id: string): NewDocument => ({ collection: 'distributionPolicies', id, lastModified: '2026-01-01T00:00:00.000Z', body: { id }, keys: {} });

describe('group commit on the SQLite file', () => {
  let dataDir: string;
  const closing: (() => Promise<void>)[] = [];
  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jobrouter-group-commit-'));
  });
  afterEach(async () => {
    for (const gate of gates.splice(0)) gate.open();
    for (const close of closing.splice(0).reverse()) await close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  /** Held syncs are let through before anything closes. */
  const gates: ReturnType<typeof syncGate>[] = [];
  const newGate = () => {
    const gate = syncGate();
    gates.push(gate);
    return gate;
  };

  function openStore(syncFile: SyncFile): SqliteStore {
    const store = openSqliteStore({ path: databasePath(dataDir), syncFile });
    closing.push(() => store.close());
    return store;
  }

  async function startHost(store: Store, channels: readonly EventChannel[] = []): Promise<EmbeddedHost> {
    const host = await startEmbeddedHost({ dataDir, port: 0, logger: silentLogger, store, channels });
    closing.push(() => host.close());
    return host;
  }

  it('covers each commit by exactly one sync: the one that began after it, shared by the commits made while the previous one ran', async () => {
    const gate = newGate();
    const store = openStore(gate.sync);
    await store.create(policy('a'));
    const a = store.durable();
    await gate.begun(1);
    for (const id of ['b', 'c', 'd']) await store.create(policy(id));
    let laterSettled = false;
    const later = Promise.all(['b', 'c', 'd'].map(() => store.durable())).then(() => (laterSettled = true));
    expect(store.durabilityStats()).toEqual({ commits: 4, syncs: 0, durableThrough: 0, waiting: 4 });

    gate.release();
    await a;
    // The first sync began before b, c and d were written: it covers a only, and they wait for the next.
    expect(store.durabilityStats()).toMatchObject({ syncs: 1, durableThrough: 1 });
    expect(laterSettled).toBe(false);
    await gate.begun(2);
    gate.release();
    await later;
    expect(store.durabilityStats()).toEqual({ commits: 4, syncs: 2, durableThrough: 4, waiting: 0 });

    // Nothing written since: the barrier holds without another sync.
    await store.durable();
    expect(store.durabilityStats()?.syncs).toBe(2);
  });

  it('refuses every later barrier once a sync failed, rather than vouch for pages the kernel may have dropped', async () => {
    let fail = true;
    const store = openStore(async (file) => {
      if (fail) throw new Error('EIO: i/o error, fdatasync');
      await fdatasyncFile(file);
    });
    await store.create(policy('a'));
    await expect(store.durable()).rejects.toThrow(/could not make its writes durable.*EIO/);
    fail = false;
    await store.create(policy('b'));
    await expect(store.durable()).rejects.toThrow(/restart the router/);
  });

  it('answers concurrent writes only after a sync covered them, sharing syncs among them', async () => {
    const gate = newGate();
    const store = openStore(gate.sync);
    const host = await startHost(store);
    const client = createSignedClient(host.connectionString);
    const before = store.durabilityStats();
    const writers = 8;
    let answered = 0;
    const responses = Array.from({ length: writers }, (_, i) =>
      patch(client, `/routing/distributionPolicies/dp-${i}`, { offerExpiresAfterSeconds: 60, mode: { kind: 'longestIdle' } }).then((response) => {
        answered++;
        return response;
      }),
    );
    // Every request committed and waits at the barrier; the first sync is held.
    await until(() => store.durabilityStats()?.waiting === writers);
    expect(answered).toBe(0);
    gate.open();
    const statuses = (await Promise.all(responses)).map((r) => r.status);
    expect(statuses).toEqual(Array(writers).fill('201'));
    const after = store.durabilityStats();
    if (!before || !after) throw new Error('the file store runs group commit by default');
    const commits = after.commits - before.commits;
    const syncs = after.syncs - before.syncs;
    expect(commits).toBeGreaterThanOrEqual(writers);
    // One sync for the request that came first, one for the seven that committed while it was held.
    expect(syncs).toBe(2);
    expect(after.durableThrough).toBe(after.commits);
  });

  it('holds every answered write in what the disk held when the answer left (a power-loss stand-in)', async () => {
    // Stand-in for pulling the plug, which a test cannot do: at each sync the database and its log
    // are copied as they are, before the sync — the most a power loss right after that sync could
    // leave. A write must be in the image of the last sync completed before its answer arrived.
    const images: string[] = [];
    let completed = 0;
    const file = databasePath(dataDir);
    const store = openStore(async (wal) => {
      const image = path.join(dataDir, `image-${images.length}`);
      fs.mkdirSync(image);
      fs.copyFileSync(file, path.join(image, DATABASE_FILE));
      fs.copyFileSync(wal, path.join(image, `${DATABASE_FILE}-wal`));
      images.push(image);
      await fdatasyncFile(wal);
      completed = images.length;
    });
    const host = await startHost(store);
    const client = createSignedClient(host.connectionString);
    const acknowledged: { id: string; image: number }[] = [];
    await Promise.all(
      Array.from({ length: 12 }, async (_, i) => {
        const id = `dp-${i}`;
        const response = await patch(client, `/routing/distributionPolicies/${id}`, { offerExpiresAfterSeconds: 60 + i, mode: { kind: 'roundRobin' } });
        expect(response.status).toBe('201');
        acknowledged.push({ id, image: completed });
      }),
    );
    expect(acknowledged.every((a) => a.image > 0)).toBe(true);
    for (const [index, image] of images.entries()) {
      const wanted = acknowledged.filter((a) => a.image === index + 1).map((a) => a.id);
      if (wanted.length === 0) continue;
      const restored = openSqliteStore({ path: path.join(image, DATABASE_FILE) });
      try {
        for (const id of wanted) expect(await restored.get('distributionPolicies', id)).toMatchObject({ body: { offerExpiresAfterSeconds: 60 + Number(id.slice(3)) } });
      } finally {
        await restored.close();
      }
    }
    expect(images.length).toBeLessThan(12);
  });

  describe('webhooks', () => {
    let receiver: WebhookReceiver;
    beforeEach(async () => {
      receiver = await startWebhookReceiver();
    });
    afterEach(() => receiver.close());

    it('never receive an event before a sync covered the commit that recorded it', async () => {
      const gate = newGate();
      const store = openStore(gate.sync);
      // Notes the commit count right after each event is recorded in the history.
      const recordedAt = new Map<string, number>();
      const observed: Store = Object.assign(Object.create(store) as Store, {
        create: async (doc: NewDocument) => {
          const written = await store.create(doc);
          if (doc.collection === 'events') recordedAt.set(String(doc.body['id']), store.durabilityStats()?.commits ?? 0);
          return written;
        },
      });
      // The real webhook channel, watched at the moment the relay hands it events.
      const webhook = new WebhookChannel({ name: 'desk', url: receiver.url, topic: '/jobrouter/test' });
      const handed: { id: string; durableThrough: number }[] = [];
      const channel: EventChannel = {
        name: webhook.name,
        maxBatch: webhook.maxBatch,
        accepts: (type) => webhook.accepts(type),
        deliver: (events) => {
          for (const event of events) handed.push({ id: event.id, durableThrough: store.durabilityStats()?.durableThrough ?? 0 });
          return webhook.deliver(events);
        },
      };
      const host = await startHost(observed, [channel]);
      const client = createSignedClient(host.connectionString);
      // The client sends when its answer is asked for.
      const answer = Promise.resolve(patch(client, '/routing/workers/w1', { capacity: 1, availableForOffers: true }));
      // The request and the relay both wait on the held sync — or, without a barrier, the relay would
      // already have handed the event over.
      await until(() => handed.length > 0 || (store.durabilityStats()?.waiting ?? 0) >= 2);
      expect(handed).toEqual([]);
      gate.open();
      expect((await answer).status).toBe('201');
      await receiver.waitFor((r) => r.events().length >= 1, 10_000);
      await host.engine.relay.idle();
      expect(handed.length).toBeGreaterThan(0);
      for (const { id, durableThrough } of handed) expect(durableThrough).toBeGreaterThanOrEqual(recordedAt.get(id) ?? Infinity);
      expect(receiver.events().map((e) => e['eventType'] ?? e['type'])).toContain('Microsoft.Communication.RouterWorkerRegistered');
    });
  });
});

/**
 * `npm run bench`: figures for the embedded host, printed, never asserted (timing goals live here,
 * not in unit tests). Requests go through the real signing client over loopback HTTP.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { openSqliteStore } from '../../shared/adapters/embedded/SqliteStore';
import { workerResource } from '../../shared/domain/resources';
import { startEmbeddedHost } from '../../shared/hosting/startEmbeddedHost';
import { silentLogger } from '../../shared/ports/Logger';
import { createSignedClient, patch } from '../support/signedClient';

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

async function timed(label: string, count: number, run: (i: number) => Promise<void>): Promise<void> {
  const samples: number[] = [];
  const started = performance.now();
  for (let i = 0; i < count; i++) {
    const t = performance.now();
    await run(i);
    samples.push(performance.now() - t);
  }
  const total = performance.now() - started;
  samples.sort((a, b) => a - b);
  console.log(`${label.padEnd(58)} ${String(count).padStart(5)} req  ${(count / (total / 1000)).toFixed(0).padStart(6)} req/s  p50 ${percentile(samples, 50).toFixed(2)} ms  p99 ${percentile(samples, 99).toFixed(2)} ms`);
}

/** Fills the store directly (faster than HTTP) with `count` workers spread over 100 queues. */
async function seedWorkers(store: ReturnType<typeof openSqliteStore>, count: number, from: number): Promise<void> {
  const now = new Date();
  for (let i = from; i < from + count; i++) {
    const id = `w-${String(i).padStart(6, '0')}`;
    const body = workerResource.build(
      { capacity: 10, queues: [`q-${i % 100}`], channels: [{ channelId: i % 2 ? 'voice' : 'chat', capacityCostPerJob: 5 }], availableForOffers: i % 3 !== 0 },
      { id, now, newId: randomUUID },
    );
    await store.create({ collection: 'workers', id, lastModified: now.toISOString(), body, keys: workerResource.indexKeys(body, now) });
  }
}

async function main(): Promise<void> {
  const store = openSqliteStore({ path: ':memory:' });
  const host = await startEmbeddedHost({ port: 0, dataDir: ':memory:', logger: silentLogger, store });
  const client = createSignedClient(host.connectionString);
  console.log(`Job Router bench — node ${process.version}, in-memory SQLite, signed requests over loopback\n`);

  await patch(client, '/routing/distributionPolicies/dp', { offerExpiresAfterSeconds: 30, mode: { kind: 'longestIdle' } });
  await patch(client, '/routing/queues/q-0', { distributionPolicyId: 'dp' });
  await timed('PATCH create queue', 500, async (i) => void (await patch(client, `/routing/queues/bench-${i}`, { distributionPolicyId: 'dp', labels: { tier: i % 5 } })));
  await timed('PATCH update worker (merge patch, referential check)', 500, async (i) => void (await patch(client, '/routing/workers/bench', { capacity: 10 + (i % 7), queues: ['q-0'], availableForOffers: true })));
  await timed('GET queue', 1000, async (i) => void (await client.pathUnchecked(`/routing/queues/bench-${i % 500}`).get()));

  for (const [size, from] of [[1_000, 0], [9_000, 1_000]] as const) {
    await seedWorkers(store, size, from);
    const total = from + size;
    await timed(`GET workers?queueId=q-7&maxpagesize=20 (${total} workers)`, 300, async () => void (await client.pathUnchecked('/routing/workers').get({ queryParameters: { queueId: 'q-7', maxpagesize: 20 } })));
    await timed(`GET workers?state=active&hasCapacity=true&channelId=voice (${total})`, 300, async () => void (await client.pathUnchecked('/routing/workers').get({ queryParameters: { state: 'active', hasCapacity: true, channelId: 'voice', maxpagesize: 20 } })));
    await timed(`DELETE blocked queue (reference check, ${total} workers)`, 300, async () => void (await client.pathUnchecked('/routing/queues/q-0').delete()));
  }
  await host.close();

  // The default deployment: a file in WAL mode with synchronous=FULL, so every 2xx is on disk.
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jobrouter-bench-'));
  const durable = await startEmbeddedHost({ port: 0, dataDir, logger: silentLogger });
  const durableClient = createSignedClient(durable.connectionString);
  await patch(durableClient, '/routing/distributionPolicies/dp', { offerExpiresAfterSeconds: 30, mode: { kind: 'longestIdle' } });
  await timed('PATCH create queue (SQLite file, fsync per write)', 500, async (i) => void (await patch(durableClient, `/routing/queues/bench-${i}`, { distributionPolicyId: 'dp' })));
  await durable.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

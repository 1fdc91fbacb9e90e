/**
 * Figure 0: single requests one after another through the signed SDK client — upserts, reads, list
 * filters and a blocked delete in memory, and the upsert again on a SQLite file (fsync per write).
 * These are the bench's original measurements, kept with the same workloads so runs compare.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { workerResource } from '../../shared/domain/resources';
import type { Store } from '../../shared/ports/Store';
import { patch } from '../support/signedClient';
import { putPolicy, startBenchHost, type BenchHost } from './benchHost';
import { heading, timed } from './stats';

/** `count` workers over 100 queues, half voice half chat, a third unavailable (the original list-filter population). */
async function seedListWorkers(store: Store, count: number, from: number): Promise<void> {
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

async function upsertsAndReads({ client }: BenchHost): Promise<void> {
  await patch(client, '/routing/queues/q-0', { distributionPolicyId: 'dp' });
  await timed('PATCH create queue', 500, async (i) => void (await patch(client, `/routing/queues/bench-${i}`, { distributionPolicyId: 'dp', labels: { tier: i % 5 } })));
  await timed('PATCH update worker (merge patch, referential check)', 500, async (i) => void (await patch(client, '/routing/workers/bench', { capacity: 10 + (i % 7), queues: ['q-0'], availableForOffers: true })));
  await timed('GET queue', 1000, async (i) => void (await client.pathUnchecked(`/routing/queues/bench-${i % 500}`).get()));
}

async function listFilters(bench: BenchHost): Promise<void> {
  for (const [size, from] of [[1_000, 0], [9_000, 1_000]] as const) {
    await seedListWorkers(bench.store, size, from);
    await bench.settle();
    const total = from + size;
    await timed(`GET workers?queueId=q-7&maxpagesize=20 (${total} workers)`, 300, async () => void (await bench.client.pathUnchecked('/routing/workers').get({ queryParameters: { queueId: 'q-7', maxpagesize: 20 } })));
    await timed(`GET workers?state=active&hasCapacity=true&channelId=voice (${total})`, 300, async () => void (await bench.client.pathUnchecked('/routing/workers').get({ queryParameters: { state: 'active', hasCapacity: true, channelId: 'voice', maxpagesize: 20 } })));
    await timed(`DELETE blocked queue (reference check, ${total} workers)`, 300, async () => void (await bench.client.pathUnchecked('/routing/queues/q-0').delete()));
  }
}

/** The default deployment: a file in WAL mode with synchronous=FULL, so every 2xx is on disk. */
async function durableUpserts(): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jobrouter-bench-'));
  const durable = await startBenchHost(dataDir);
  try {
    await putPolicy(durable.client, 'dp', 'longestIdle');
    await timed('PATCH create queue (SQLite file, fsync per write)', 500, async (i) => void (await patch(durable.client, `/routing/queues/bench-${i}`, { distributionPolicyId: 'dp' })));
  } finally {
    await durable.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

export async function apiBasics(): Promise<void> {
  heading('0. single requests, one at a time (signed SDK client over loopback)');
  const bench = await startBenchHost();
  try {
    await putPolicy(bench.client, 'dp', 'longestIdle');
    await upsertsAndReads(bench);
    await listFilters(bench);
  } finally {
    await bench.close();
  }
  await durableUpserts();
}

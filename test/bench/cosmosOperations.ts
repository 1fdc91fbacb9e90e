import { acceptOffer } from '../../shared/app/acceptOffer';
import { closeJob } from '../../shared/app/closeJob';
import { completeJob } from '../../shared/app/completeJob';
import { runMatching } from '../../shared/app/runMatching';
import { upsertJob } from '../../shared/app/upsertJob';
import { upsertResource } from '../../shared/app/upsertResource';
import { upsertWorker } from '../../shared/app/upsertWorker';
import { InProcessMatchQueue } from '../../shared/adapters/embedded/InProcessMatchQueue';
import { EventRelay } from '../../shared/app/EventRelay';
import { systemClock } from '../../shared/ports/Clock';
import type { JSONObject, OperationInput } from '@azure/cosmos';
import { toItem, type CosmosRequestTally, type CosmosStore } from '../../shared/adapters/azure/CosmosStore';
import { cosmosItemId } from '../../shared/adapters/azure/cosmosItemId';
import { cosmosPartitionKey } from '../../shared/adapters/azure/cosmosPartitioning';
import { jobResource, workerResource } from '../../shared/domain/resources';
import type { EngineJob } from '../../shared/domain/routing/routingState';
import type { StoredDocument } from '../../shared/ports/Store';
import type { DistributionMode } from '../../shared/domain/model';
import { distributionPolicyResource, queueResource } from '../../shared/domain/resources';
import type { EngineWorker } from '../../shared/domain/routing/routingState';
import { createAzureEngine } from '../../shared/hosting/createAzureEngine';
import { silentLogger } from '../../shared/ports/Logger';
import type { RouterPorts } from '../../shared/ports/RouterPorts';
import { RememberingScheduler } from '../support/rememberingScheduler';

export interface OperationCount {
  workers: number;
  waitingJobs: number;
  mode: DistributionMode['kind'];
  /** Cosmos requests per routed job, for each measured cycle. */
  perJob: number[];
  /** Request units per routed job as the server reported them (the local server charges 1 per response). */
  requestCharge: number[];
  /** Requests and bytes per routed job by `<kind> <collection>` (read, query, write), over all measured cycles. */
  byKind: Record<string, CosmosRequestTally>;
}

/** Workers and waiting jobs seeded through the engine; the rest of a population are copies of the last of them. */
const SEEDED_THROUGH_ENGINE = 10;

/**
 * Cosmos operations per routed job in the steady state of a busy contact centre, with the Azure
 * host's store (and events recorded in it): `workers` workers on one queue are all busy, `waitingJobs`
 * jobs wait behind them. One cycle = a worker completes and closes its job (its capacity comes back),
 * the head of the queue is offered to it, the worker accepts, and a new job arrives at the back:
 * create → offer → accept → complete → close of one job's worth of work.
 *
 * The first SEEDED_THROUGH_ENGINE workers and waiting jobs go through the use cases; the rest are
 * copies of the last one of each (own id, index keys the resource computes), one write each, so that
 * ten thousand workers seed in seconds. A copied worker holds its template's assignment; cycles only
 * ever free the workers seeded through the engine, so no copy is ever asked to give a job back.
 */
export async function countOperationsPerRoutedJob(store: CosmosStore, workers: number, waitingJobs: number, mode: DistributionMode, cycles = 5): Promise<OperationCount> {
  const matchQueue = new InProcessMatchQueue(silentLogger);
  const engine = createAzureEngine({ store, matchQueue, events: new EventRelay({ store, clock: systemClock, logger: silentLogger, channels: [] }), logger: silentLogger });
  const ports: RouterPorts = engine.portsWith(new RememberingScheduler());
  matchQueue.start((request) => runMatching(ports, request));
  await upsertResource(ports, distributionPolicyResource, 'dp', { offerExpiresAfterSeconds: 3600, mode });
  await upsertResource(ports, queueResource, 'q', { distributionPolicyId: 'dp' });
  let jobSeq = 0;
  const newJob = () => upsertJob(ports, `job-${String(++jobSeq).padStart(7, '0')}`, { queueId: 'q', channelId: 'voice' }, {});
  const acceptHeldOffer = async (workerId: string) => {
    // Read past the store, so that it is not counted: a client learns of its offer from the offer event.
    const worker = (await store.container.item(cosmosItemId(workerId), cosmosPartitionKey('workers', workerId)).read<{ body: EngineWorker }>()).resource?.body;
    const offer = worker?.offers[0];
    if (!offer) throw new Error(`worker ${workerId} holds no offer`);
    return acceptOffer(ports, workerId, offer.offerId);
  };

  // Every worker gets one job and accepts it; the rest of the jobs wait.
  const assignments = new Map<string, { jobId: string; assignmentId: string }>();
  for (let i = 0; i < Math.min(workers, SEEDED_THROUGH_ENGINE); i++) {
    const workerId = `w-${String(i).padStart(6, '0')}`;
    await upsertWorker(ports, workerId, { capacity: 1, queues: ['q'], channels: [{ channelId: 'voice', capacityCostPerJob: 1 }], availableForOffers: true }, {});
    await newJob();
    await matchQueue.idle();
    const accepted = await acceptHeldOffer(workerId);
    assignments.set(workerId, { jobId: accepted.jobId, assignmentId: accepted.assignmentId });
  }
  await copies(store, 'workers', `w-${String(Math.min(workers, SEEDED_THROUGH_ENGINE) - 1).padStart(6, '0')}`, workers - SEEDED_THROUGH_ENGINE, (i) => `w-${String(SEEDED_THROUGH_ENGINE + i).padStart(6, '0')}`);
  for (let i = 0; i < Math.min(waitingJobs, SEEDED_THROUGH_ENGINE); i++) await newJob();
  await matchQueue.idle();
  await copies(store, 'jobs', `job-${String(jobSeq).padStart(7, '0')}`, waitingJobs - SEEDED_THROUGH_ENGINE, (i) => `job-copy-${String(i).padStart(7, '0')}`);

  const perJob: number[] = [];
  const requestCharge: number[] = [];
  const byKind: Record<string, CosmosRequestTally> = {};
  const workerIds = [...assignments.keys()];
  for (let cycle = 0; cycle < cycles; cycle++) {
    const workerId = workerIds[cycle % workerIds.length] ?? '';
    const held = assignments.get(workerId);
    if (!held) throw new Error(`no assignment for ${workerId}`);
    store.resetStats();
    await completeJob(ports, held.jobId, held.assignmentId, {});
    await closeJob(ports, held.jobId, held.assignmentId, {});
    await matchQueue.idle();
    const accepted = await acceptHeldOffer(workerId);
    await newJob();
    await matchQueue.idle();
    const stats = store.stats();
    perJob.push(stats.operations);
    requestCharge.push(stats.requestCharge);
    for (const [kind, tally] of Object.entries(stats.byKind)) {
      const sum = (byKind[kind] ??= { requests: 0, bytes: 0 });
      sum.requests += tally.requests / cycles;
      sum.bytes += tally.bytes / cycles;
    }
    assignments.set(workerId, { jobId: accepted.jobId, assignmentId: accepted.assignmentId });
  }
  await matchQueue.stop();
  return { workers, waitingJobs, mode: mode.kind, perJob, requestCharge, byKind };
}

/** Writes `count` copies of a stored worker or job under new ids, a few at a time. */
async function copies(store: CosmosStore, collection: 'workers' | 'jobs', templateId: string, count: number, idOf: (i: number) => string): Promise<void> {
  if (count <= 0) return;
  const template = await store.get<EngineJob & EngineWorker>(collection, templateId);
  if (!template) throw new Error(`no ${collection} ${templateId} to copy`);
  const now = new Date(template.lastModified);
  const copyOf = (id: string): StoredDocument<EngineJob & EngineWorker> => {
    const body = { ...structuredClone(template.body), id };
    const keys = collection === 'jobs' ? jobResource.indexKeys(body, now) : workerResource.indexKeys(body, now);
    return { ...template, id, body, keys };
  };
  // Bulk: the SDK packs up to a hundred creates in one request. Seeding only: not counted, not measured.
  const BATCH = 100;
  for (let from = 0; from < count; from += BATCH) {
    const operations = Array.from({ length: Math.min(BATCH, count - from) }, (_, i): OperationInput => {
      const item = toItem(copyOf(idOf(from + i)));
      return { operationType: 'Create', partitionKey: item.pk, resourceBody: item as unknown as JSONObject };
    });
    // `bulk` rather than `executeBulkOperations`, which never settles against the local server.
    const results = await store.container.items.bulk(operations);
    const failed = results.find((result) => result.statusCode >= 300);
    if (failed) throw new Error(`seeding ${collection} failed with status ${failed.statusCode}`);
  }
}

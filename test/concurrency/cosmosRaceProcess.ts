/**
 * One router instance of the two-process race (cosmosRace.test.ts): the embedded engine's matcher and
 * timer loop over a CosmosStore on the shared local Cosmos server, plus a seeded stream of operations
 * (creates, accepts, declines, completes, closes, worker updates, explicit matching passes) run a few
 * at a time. Its only output is one JSON line: counts of outcomes and any unexpected error.
 *
 *   node -r ./test/support/swcRegister.js test/concurrency/cosmosRaceProcess.ts <json options>
 */
import { Agent } from 'node:https';
import { openCosmosStore } from '../../shared/adapters/azure/openCosmosStore';
import { acceptOffer } from '../../shared/app/acceptOffer';
import { AppError } from '../../shared/app/AppError';
import { closeJob } from '../../shared/app/closeJob';
import { completeJob } from '../../shared/app/completeJob';
import { declineOffer } from '../../shared/app/declineOffer';
import { runMatching } from '../../shared/app/runMatching';
import { upsertJob } from '../../shared/app/upsertJob';
import { upsertWorker } from '../../shared/app/upsertWorker';
import type { EngineJob, EngineWorker } from '../../shared/domain/routing/routingState';
import { createEmbeddedEngine } from '../../shared/hosting/createEmbeddedEngine';
import type { Logger } from '../../shared/ports/Logger';
import { seededRandom } from '../support/prng';

export interface RaceProcessOptions {
  endpoint: string;
  key: string;
  database: string;
  container: string;
  seed: number;
  operations: number;
  /** Distinct per process, so the two never create the same job id. */
  name: string;
  queues: string[];
  channels: string[];
  workers: string[];
}

export interface RaceProcessResult {
  name: string;
  outcomes: Record<string, number>;
  unexpected: string[];
  loggedErrors: string[];
  /** Jobs whose creation was acknowledged. */
  created: string[];
}

async function main(options: RaceProcessOptions): Promise<RaceProcessResult> {
  const result: RaceProcessResult = { name: options.name, outcomes: {}, unexpected: [], loggedErrors: [], created: [] };
  const logger: Logger = {
    info: () => {},
    warn: () => {},
    error: (fields, message) => result.loggedErrors.push(`${message} ${JSON.stringify(fields)}`),
  };
  // The local Cosmos server's certificate is self-signed.
  const agent = new Agent({ rejectUnauthorized: false, keepAlive: true });
  const store = await openCosmosStore({ endpoint: options.endpoint, key: options.key, database: options.database, container: options.container, agent });
  const engine = createEmbeddedEngine({ store, logger });
  const ports = engine.ports;
  await engine.start();
  const r = seededRandom(options.seed);
  let jobs = 0;

  const count = (key: string) => (result.outcomes[key] = (result.outcomes[key] ?? 0) + 1);
  const attempt = async (kind: string, run: () => Promise<unknown>) => {
    try {
      await run();
      count(`${kind} ok`);
    } catch (error) {
      if (error instanceof AppError) count(`${kind} ${error.reason}`);
      else result.unexpected.push(`${kind}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    }
  };
  const readWorkers = async () => (await store.list<EngineWorker>('workers', { pageSize: 1000 })).items.map((d) => d.body);
  const readJobs = async () => (await store.list<EngineJob>('jobs', { pageSize: 1000 })).items.map((d) => d.body);

  for (let done = 0; done < options.operations; ) {
    const batch: Promise<void>[] = [];
    const workers = await readWorkers();
    const offers = workers.flatMap((w) => w.offers.map((o) => ({ workerId: w.id, offerId: o.offerId })));
    const active = (await readJobs()).filter((j) => j.status === 'assigned' || j.status === 'completed');
    for (let i = r.int(3, 8); i > 0; i--, done++) {
      const kind = r.weighted({ create: 5, accept: 6, decline: 2, complete: 3, close: 3, worker: 2, match: 3 });
      switch (kind) {
        case 'create': {
          const id = `${options.name}-job-${++jobs}`;
          const body = { queueId: r.pick(options.queues), channelId: r.pick(options.channels), priority: r.int(1, 5) };
          batch.push(attempt(kind, async () => {
            await upsertJob(ports, id, body, {});
            result.created.push(id);
          }));
          break;
        }
        case 'accept':
        case 'decline': {
          if (offers.length === 0) break;
          const o = r.pick(offers);
          batch.push(attempt(kind, () => (kind === 'accept' ? acceptOffer(ports, o.workerId, o.offerId) : declineOffer(ports, o.workerId, o.offerId, {}))));
          break;
        }
        case 'complete':
        case 'close': {
          if (active.length === 0) break;
          const job = r.pick(active);
          const assignment = Object.values(job.assignments).find((a) => !a.closedAt);
          if (!assignment) break;
          batch.push(attempt(kind, () => (kind === 'complete' ? completeJob(ports, job.id, assignment.assignmentId, {}) : closeJob(ports, job.id, assignment.assignmentId, {}))));
          break;
        }
        case 'worker': {
          const id = r.pick(options.workers);
          // Availability only: a capacity cut legitimately leaves a worker above its new capacity.
          batch.push(attempt(kind, () => upsertWorker(ports, id, { availableForOffers: r.chance(0.8) }, { ifMatch: '*' })));
          break;
        }
        case 'match':
          batch.push(attempt(kind, () => runMatching(ports, { queueId: r.pick(options.queues) })));
          break;
      }
    }
    await Promise.all(batch);
  }
  await engine.idle();
  await engine.stop();
  await store.close();
  agent.destroy();
  return result;
}

main(JSON.parse(process.argv[2] ?? '{}') as RaceProcessOptions).then(
  (result) => {
    process.stdout.write(`${JSON.stringify(result)}\n`);
    process.exit(0);
  },
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);

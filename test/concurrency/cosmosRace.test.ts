import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { upsertResource } from '../../shared/app/upsertResource';
import { upsertWorker } from '../../shared/app/upsertWorker';
import { distributionPolicyResource, queueResource } from '../../shared/domain/resources';
import { createEmbeddedEngine } from '../../shared/hosting/createEmbeddedEngine';
import { silentLogger } from '../../shared/ports/Logger';
import { startCosmosTestServer, type CosmosTestServer } from '../support/cosmosTestServer';
import { checkInvariants } from '../support/invariants';
import type { RaceProcessOptions, RaceProcessResult } from './cosmosRaceProcess';

/**
 * Two router processes race on one Cosmos container (the real @azure/cosmos SDK in each, against the
 * local Cosmos server this test runs): each runs its own matcher and timer loop and a seeded stream of
 * creates, accepts, declines, completes, closes, worker updates and matching passes. Afterwards every
 * due timer fires and the store must hold: no worker over capacity, no job assigned twice, no offer or
 * assignment held on one side only, no acknowledged job lost.
 *
 *   COSMOS_RACE_SEEDS=7,8 COSMOS_RACE_OPS=400 npx jest test/concurrency/cosmosRace
 */
const SEEDS = (process.env['COSMOS_RACE_SEEDS'] ?? '20261123').split(',').map((s) => Number(s.trim()));
const OPERATIONS = Number(process.env['COSMOS_RACE_OPS'] ?? 200);
const QUEUES = [
  { queueId: 'q-rr', mode: { kind: 'roundRobin', maxConcurrentOffers: 2 } },
  { queueId: 'q-idle', mode: { kind: 'longestIdle' } },
];
const CHANNELS = ['voice', 'chat'];
const WORKERS = Array.from({ length: 8 }, (_, i) => `w${i}`);
/** Offers expire quickly so that both processes' timer loops fire expiries during the race. */
const OFFER_EXPIRY_SECONDS = 2;

const run = promisify(execFile);
const raceProcess = path.join(__dirname, 'cosmosRaceProcess.ts');
const register = path.join(__dirname, '../support/swcRegister.js');

let cosmos: CosmosTestServer;
beforeAll(async () => {
  cosmos = await startCosmosTestServer();
});
afterAll(async () => {
  await cosmos.close();
});

describe.each(SEEDS)('two router processes on one Cosmos container (seed %i)', (seed) => {
  it(`${OPERATIONS} operations each: no worker over capacity, no job assigned twice`, async () => {
    const store = await cosmos.createTestCosmosStore('race');
    const engine = createEmbeddedEngine({ store, logger: silentLogger });
    const ports = engine.ports;
    for (const q of QUEUES) {
      await upsertResource(ports, distributionPolicyResource, `dp-${q.queueId}`, { offerExpiresAfterSeconds: OFFER_EXPIRY_SECONDS, mode: q.mode });
      await upsertResource(ports, queueResource, q.queueId, { distributionPolicyId: `dp-${q.queueId}` });
    }
    for (const [i, id] of WORKERS.entries()) {
      await upsertWorker(ports, id, { capacity: 2, queues: i % 3 === 0 ? ['q-rr'] : ['q-rr', 'q-idle'], channels: CHANNELS.map((channelId) => ({ channelId, capacityCostPerJob: 1 })), availableForOffers: true }, {});
    }

    const container = store.container.id;
    const options = (name: string, offset: number): RaceProcessOptions => ({
      endpoint: cosmos.endpoint,
      key: cosmos.key,
      database: cosmos.database,
      container,
      seed: seed + offset,
      operations: OPERATIONS,
      name,
      queues: QUEUES.map((q) => q.queueId),
      channels: CHANNELS,
      workers: WORKERS,
    });
    const results = await Promise.all(
      [options('a', 0), options('b', 1)].map(async (o) => {
        const { stdout } = await run(process.execPath, ['-r', register, raceProcess, JSON.stringify(o)], { maxBuffer: 16 * 1024 * 1024 });
        return JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as RaceProcessResult;
      }),
    );
    if (process.env['COSMOS_RACE_VERBOSE'] === '1') for (const result of results) process.stdout.write(`${result.name}: ${JSON.stringify(result.outcomes)} logged errors: ${result.loggedErrors.length}\n`);
    for (const result of results) {
      expect(result.unexpected).toEqual([]);
      // Both processes really worked: offers were accepted, jobs completed.
      expect(result.outcomes['accept ok'] ?? 0).toBeGreaterThan(0);
      expect(result.created.length).toBeGreaterThan(0);
    }

    // Let every offer of the race expire, then fire what is due, here, once.
    await new Promise((resolve) => setTimeout(resolve, OFFER_EXPIRY_SECONDS * 1000 + 200));
    await engine.start();
    await engine.scheduler.runDue();
    await engine.idle();
    await engine.scheduler.runDue();
    await engine.stop();
    const violations = await checkInvariants(store, { now: new Date(), createdJobIds: results.flatMap((r) => r.created), expiriesFired: false });
    expect(violations).toEqual([]);
  }, 180_000);
});

import type { DistributionMode } from '../../shared/domain/model';
import { countOperationsPerRoutedJob } from '../bench/cosmosOperations';
import { startCosmosTestServer, type CosmosTestServer } from '../support/cosmosTestServer';

/**
 * The Cosmos cost of routing one job (create → offer → accept → complete → close, counted in Cosmos
 * requests through the store's own counter) must not grow with the number of busy workers or waiting
 * jobs: matching reads ranges by index, never whole collections. `npm run bench` prints the figures.
 */
let cosmos: CosmosTestServer;
beforeAll(async () => {
  cosmos = await startCosmosTestServer();
});
afterAll(async () => {
  await cosmos.close();
});

const MODES: DistributionMode[] = [{ kind: 'roundRobin' }, { kind: 'longestIdle' }, { kind: 'bestWorker' }];

describe.each(MODES.map((m) => [m.kind, m] as const))('Cosmos operations per routed job, %s', (_kind, mode) => {
  it('are the same with 3 busy workers and 2 waiting jobs as with 60 busy workers and 150 waiting jobs', async () => {
    const small = await countOperationsPerRoutedJob(await cosmos.createTestCosmosStore('small'), 3, 2, mode);
    const large = await countOperationsPerRoutedJob(await cosmos.createTestCosmosStore('large'), 60, 150, mode);
    // Cycles cost the same in both populations; round robin reads once more when its cursor wraps
    // around to the first worker, which happens whatever the population.
    expect(Math.min(...large.perJob)).toBe(Math.min(...small.perJob));
    expect(Math.max(...large.perJob)).toBeLessThanOrEqual(Math.max(...small.perJob));
    expect(Math.max(...small.perJob) - Math.min(...small.perJob)).toBeLessThanOrEqual(mode.kind === 'roundRobin' ? 1 : 0);
    expect(small.perJob[0]).toBeGreaterThan(10);
  }, 120_000);
});

import type { DistributionMode } from '../../shared/domain/model';
import { startCosmosTestServer } from '../support/cosmosTestServer';
import { countOperationsPerRoutedJob, type OperationCount } from './cosmosOperations';

const POPULATIONS: readonly [workers: number, waitingJobs: number][] = [
  [10, 10],
  [300, 1_000],
];
const MODES: readonly DistributionMode[] = [{ kind: 'roundRobin' }, { kind: 'longestIdle' }, { kind: 'bestWorker' }];

/** Section 5: Cosmos requests per routed job in a busy queue, by population and distribution mode. */
export async function cosmosOperations(): Promise<OperationCount[]> {
  console.log('\n5. Cosmos DB requests per routed job (complete + close frees a worker → head job offered → accepted; a new job arrives)');
  const cosmos = await startCosmosTestServer();
  const figures: OperationCount[] = [];
  try {
    for (const [workers, waitingJobs] of POPULATIONS) {
      for (const mode of MODES) {
        const count = await countOperationsPerRoutedJob(await cosmos.createTestCosmosStore('bench'), workers, waitingJobs, mode, 10);
        console.log(`   ${mode.kind.padEnd(12)} ${String(workers).padStart(6)} busy workers ${String(waitingJobs).padStart(7)} waiting jobs: ${count.perJob.join(' ')} requests per job`);
        figures.push(count);
      }
    }
  } finally {
    await cosmos.close();
  }
  return figures;
}

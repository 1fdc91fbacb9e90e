import type { CosmosRequestTally } from '../../shared/adapters/azure/CosmosStore';
import type { DistributionMode } from '../../shared/domain/model';
import { startCosmosTestServer } from '../support/cosmosTestServer';
import { countOperationsPerRoutedJob, type OperationCount } from './cosmosOperations';
import { estimatedRequestUnits } from './cosmosRequestUnits';

const POPULATIONS: readonly [workers: number, waitingJobs: number][] = [
  [100, 100],
  [10_000, 1_000],
];
const MODES: readonly DistributionMode[] = [{ kind: 'roundRobin' }, { kind: 'longestIdle' }, { kind: 'bestWorker' }];
const KINDS = ['read', 'query', 'write'] as const;

/** Section 5: Cosmos requests per routed job in a busy queue, by population and distribution mode, by kind and collection. */
export async function cosmosOperations(): Promise<OperationCount[]> {
  console.log('\n5. Cosmos DB requests per routed job (complete + close frees a worker → head job offered → accepted; a new job arrives)');
  console.log('   read = point read, query = one page of a query, write = create/replace/delete; the events collection is the event path, shown apart.');
  console.log('   RU are estimated from the bytes each request carried with Cosmos DB\'s published costs (test/bench/cosmosRequestUnits.ts): the local server charges 1 per response.');
  const cosmos = await startCosmosTestServer();
  const figures: OperationCount[] = [];
  try {
    for (const [workers, waitingJobs] of POPULATIONS) {
      for (const mode of MODES) {
        const count = await countOperationsPerRoutedJob(await cosmos.createTestCosmosStore('bench'), workers, waitingJobs, mode, 4);
        console.log(`   ${mode.kind.padEnd(12)} ${String(workers).padStart(6)} busy workers ${String(waitingJobs).padStart(7)} waiting jobs: ${count.perJob.join(' ')} requests per job`);
        for (const line of breakdown(count.byKind)) console.log(`      ${line}`);
        figures.push(count);
      }
    }
  } finally {
    await cosmos.close();
  }
  return figures;
}

/** Lines: totals by kind without and with events, then each collection's requests by kind with bytes and estimated RU. */
function breakdown(byKind: Record<string, CosmosRequestTally>): string[] {
  const rows = Object.entries(byKind).map(([name, tally]) => {
    const [kind = '', collection = ''] = name.split(' ');
    return { kind, collection, tally, ru: estimatedRequestUnits(kind, tally) };
  });
  const sum = (filter: (row: (typeof rows)[number]) => boolean) => {
    const picked = rows.filter(filter);
    const requests = picked.reduce((n, row) => n + row.tally.requests, 0);
    const kinds = KINDS.map((kind) => `${fmt(picked.filter((row) => row.kind === kind).reduce((n, row) => n + row.tally.requests, 0))} ${kind}`).join(', ');
    return `${fmt(requests)} requests (${kinds}) ≈ ${picked.reduce((n, row) => n + row.ru, 0).toFixed(0)} RU`;
  };
  const lines = [`routing: ${sum((row) => row.collection !== 'events')}; events: ${sum((row) => row.collection === 'events')}`];
  const collections = [...new Set(rows.map((row) => row.collection))].sort();
  for (const collection of collections) {
    const parts = KINDS.flatMap((kind) => {
      const row = rows.find((r) => r.collection === collection && r.kind === kind);
      return row ? [`${fmt(row.tally.requests)} ${kind} (${(row.tally.bytes / row.tally.requests / 1024).toFixed(1)} KB each)`] : [];
    });
    const ru = rows.filter((row) => row.collection === collection).reduce((n, row) => n + row.ru, 0);
    lines.push(`  ${collection.padEnd(22)} ${parts.join(', ')} ≈ ${ru.toFixed(0)} RU`);
  }
  return lines;
}

const fmt = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(1));

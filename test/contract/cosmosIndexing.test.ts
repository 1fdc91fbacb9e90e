import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cosmosIndexingPolicy } from '../../shared/adapters/azure/cosmosIndexing';

describe('Cosmos DB indexing policy', () => {
  it('infra/cosmos-indexing.json (what the Bicep deploys) is the policy the store is written for', () => {
    const deployed: unknown = JSON.parse(readFileSync(join(__dirname, '../../infra/cosmos-indexing.json'), 'utf8'));
    expect(deployed).toEqual(cosmosIndexingPolicy);
  });
});

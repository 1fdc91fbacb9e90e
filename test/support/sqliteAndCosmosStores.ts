import { openSqliteStore } from '../../shared/adapters/embedded/SqliteStore';
import type { Store } from '../../shared/ports/Store';
import { startCosmosTestServer, type CosmosTestServer } from './cosmosTestServer';

/**
 * The two stores a contract suite runs on, for `describe.each`: SQLite in memory, and Cosmos DB on the
 * local server (started for the suite, a database of its own per store opened, named after `prefix`).
 */
export function sqliteAndCosmosStores(prefix: string): [string, () => Promise<Store>][] {
  let cosmos: CosmosTestServer | undefined;
  beforeAll(async () => {
    cosmos = await startCosmosTestServer();
  });
  afterAll(async () => {
    await cosmos?.close();
  });
  return [
    ['SQLite', () => Promise.resolve(openSqliteStore({ path: ':memory:' }))],
    [
      'Cosmos DB (local server)',
      async () => {
        if (!cosmos) throw new Error('the Cosmos test server starts in beforeAll');
        return cosmos.createTestCosmosStore(prefix);
      },
    ],
  ];
}

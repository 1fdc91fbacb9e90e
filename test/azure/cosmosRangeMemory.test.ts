import type { CosmosStore } from '../../shared/adapters/azure/CosmosStore';
import { startCosmosTestServer, type CosmosTestServer } from '../support/cosmosTestServer';

/**
 * A range over a key that may hold arrays (workers' offerable and idle order keys) cannot be sorted
 * by Cosmos DB, so the store reads the whole window. What it keeps of it must not grow with the
 * window: the bodies of `limit` documents and a page of (element, id) pairs. Measured as the JSON
 * the Cosmos client handed the store, through the real SDK against the local Cosmos server.
 */

let cosmos: CosmosTestServer;
let store: CosmosStore;
let received = 0;

beforeAll(async () => {
  cosmos = await startCosmosTestServer();
  store = await cosmos.createTestCosmosStore('range-memory');
  // Counts what each query page brings back (the container caches its Items, so this is the store's).
  const items = store.container.items;
  const query = items.query.bind(items);
  items.query = ((spec: Parameters<typeof query>[0], options: Parameters<typeof query>[1]) => {
    const iterator = query(spec, options);
    const fetchNext = iterator.fetchNext.bind(iterator);
    iterator.fetchNext = async () => {
      const page = await fetchNext();
      received += JSON.stringify(page.resources).length;
      return page;
    };
    return iterator;
  }) as typeof items.query;
});
afterAll(async () => {
  await cosmos.close();
});

const BODY = 'x'.repeat(10_000);
const WORKERS = 300;

it('an element range over 300 workers of 10 KB with a limit of 3 returns the first 3 and reads the bodies of those 3 only', async () => {
  for (let i = 0; i < WORKERS; i++) {
    const id = `w${String(i).padStart(3, '0')}`;
    // Two elements per worker in the window, in the reverse order of ids, so sorting matters.
    const order = [`q\u001f${String(WORKERS - i).padStart(3, '0')}`, `q\u001f9${id}`];
    await store.create({ collection: 'workers', id, lastModified: new Date(0).toISOString(), body: { filler: BODY }, keys: { order } });
  }
  received = 0;
  const first = await store.range('workers', { key: 'order', from: 'q\u001f', to: 'q\u0020', limit: 3 });
  expect(first.map((doc) => doc.id)).toEqual(['w299', 'w298', 'w297']);
  expect(first[0]?.body).toEqual({ filler: BODY });
  // Reading every body in the window would be 600 rows of 10 KB (6 MB); pairs and 3 bodies are tens of KB.
  expect(received).toBeLessThan(100_000);
}, 60_000);

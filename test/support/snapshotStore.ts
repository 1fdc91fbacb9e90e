import { COLLECTIONS, type Collection, type Store } from '../../shared/ports/Store';

/**
 * Statistics are derived from the event history by a projector that runs on its own schedule: it may
 * write between two snapshots whatever the request in between did. The history itself is compared.
 */
const DERIVED: readonly Collection[] = ['statistics'];

/**
 * Every document of every collection (id, etag, write time, body and index keys) serialised in store
 * order: two snapshots are equal exactly when nothing was written in between.
 */
export async function snapshotStore(store: Store): Promise<string> {
  const collections: Record<string, unknown[]> = {};
  for (const collection of COLLECTIONS.filter((c) => !DERIVED.includes(c))) {
    const page = await store.list(collection, { pageSize: 1_000_000 });
    if (page.hasMore) throw new Error(`snapshotStore: ${collection} has more than a million documents`);
    collections[collection] = page.items;
  }
  return JSON.stringify(collections);
}

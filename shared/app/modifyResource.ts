import { ordered, type ResourceDefinition } from '../domain/resources';
import type { RouterPorts } from '../ports/RouterPorts';
import { StoreConflictError, type StoredDocument } from '../ports/Store';
import { AppError } from './AppError';

const MAX_ATTEMPTS = 8;

/**
 * Read-modify-write of one document with an etag-conditional write, retried when another writer
 * got there first. `change` sees the latest body each time and either returns the new body or
 * throws an AppError (which is not retried).
 */
export async function modifyResource<Body extends { id: string }>(
  ports: RouterPorts,
  definition: Pick<ResourceDefinition<unknown, Body>, 'collection' | 'noun' | 'indexKeys' | 'wireOrder'>,
  id: string,
  change: (body: Body, now: Date) => Body,
): Promise<StoredDocument<Body>> {
  for (let attempt = 1; ; attempt++) {
    const current = await ports.store.get<Body>(definition.collection, id);
    if (!current) throw new AppError('notFound', `The ${definition.noun} '${id}' was not found.`);
    const now = ports.clock.now();
    const body = ordered<Body>(change(structuredClone(current.body), now), definition.wireOrder);
    try {
      return await ports.store.replace(
        { collection: definition.collection, id, lastModified: now.toISOString(), body, keys: definition.indexKeys(body) },
        current.etag,
      );
    } catch (error) {
      if (!(error instanceof StoreConflictError) || attempt >= MAX_ATTEMPTS) throw error;
    }
  }
}

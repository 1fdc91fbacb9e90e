import { ordered, type ResourceDefinition } from '../domain/resources';
import type { RouterPorts } from '../ports/RouterPorts';
import { StoreConflictError, type Collection, type StoredDocument } from '../ports/Store';

const MAX_ATTEMPTS = 16;
const MAX_DELETE_ATTEMPTS = 8;

export type Definition<Body extends { id: string }> = Pick<ResourceDefinition<unknown, Body>, 'collection' | 'noun' | 'indexKeys' | 'wireOrder'>;

export interface Mutation<Body> {
  /** The body as read for the write that succeeded. */
  before: Body;
  /** What was written, or the unchanged document when `change` returned false. */
  document: StoredDocument<Body>;
  changed: boolean;
}

/**
 * Read-modify-write of one document with an etag-conditional write, retried from a fresh read when
 * another writer got there first. `change` edits a copy of the latest body in place and returns false
 * to write nothing; it may throw (an AppError reaches the caller, nothing is retried). Undefined when
 * the document does not exist.
 */
export async function mutateDocument<Body extends { id: string }>(
  ports: Pick<RouterPorts, 'store' | 'clock'>,
  definition: Definition<Body>,
  id: string,
  change: (body: Body, now: Date) => boolean,
): Promise<Mutation<Body> | undefined> {
  for (let attempt = 1; ; attempt++) {
    const current = await ports.store.get<Body>(definition.collection, id);
    if (!current) return undefined;
    const now = ports.clock.now();
    const draft = structuredClone(current.body);
    if (!change(draft, now)) return { before: current.body, document: current, changed: false };
    const body = ordered<Body>(draft, definition.wireOrder);
    try {
      const document = await ports.store.replace(
        { collection: definition.collection, id, lastModified: now.toISOString(), body, keys: definition.indexKeys(body, now) },
        current.etag,
      );
      return { before: current.body, document, changed: true };
    } catch (error) {
      if (!(error instanceof StoreConflictError) || error.reason === 'missing' || attempt >= MAX_ATTEMPTS) {
        if (error instanceof StoreConflictError && error.reason === 'missing') return undefined;
        throw error;
      }
    }
  }
}

/**
 * Deletes a document as last read (etag-conditional), retried from a fresh read when another writer
 * got there first. `beforeDelete` runs for each read, before its delete (durable reminders of what the
 * delete leaves to do). Answers the deleted body, or undefined when there was nothing to delete.
 */
export async function deleteDocument<Body>(
  ports: Pick<RouterPorts, 'store'>,
  collection: Collection,
  id: string,
  beforeDelete: (body: Body) => Promise<void> = async () => {},
): Promise<Body | undefined> {
  for (let attempt = 1; ; attempt++) {
    const current = await ports.store.get<Body>(collection, id);
    if (!current) return undefined;
    await beforeDelete(current.body);
    try {
      await ports.store.delete(collection, id, current.etag);
      return current.body;
    } catch (error) {
      if (!(error instanceof StoreConflictError) || attempt >= MAX_DELETE_ATTEMPTS) throw error;
    }
  }
}

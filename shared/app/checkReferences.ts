import type { Reference } from '../domain/resources';
import type { Collection, Store, StoredDocument } from '../ports/Store';
import { AppError } from './AppError';

/** The documents a write points at, as its reference check read them. */
export type Referenced = readonly StoredDocument<unknown>[];

/** One of the referenced documents, as read; undefined when the write does not point at it. */
export function referenced<B>(documents: Referenced | undefined, collection: Collection, id: string): StoredDocument<B> | undefined {
  return documents?.find((d) => d.collection === collection && d.id === id) as StoredDocument<B> | undefined;
}

/**
 * Refuses a write that points at documents that do not exist (a queue needs its distribution policy, …).
 * Answers the documents it read, so that what the write does next with them needs no second read.
 */
export async function checkReferences(store: Store, references: readonly Reference[]): Promise<Referenced> {
  const missing: Reference[] = [];
  const found: StoredDocument<unknown>[] = [];
  for (const reference of references) {
    const document = await store.get<unknown>(reference.collection, reference.id);
    if (document) found.push(document);
    else missing.push(reference);
  }
  if (missing.length === 0) return found;
  const details = missing.map((ref) => ({
    code: 'InvalidReference',
    message: `${ref.field}: '${ref.id}' does not exist in /routing/${ref.collection}; create it first or correct the id.`,
    target: ref.field,
  }));
  throw new AppError('invalid', details.map((d) => d.message).join(' '), details);
}

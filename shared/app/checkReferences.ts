import type { Reference } from '../domain/resources';
import type { RouterPorts } from '../ports/RouterPorts';
import type { Collection, StoredDocument } from '../ports/Store';
import { AppError } from './AppError';
import { isConfiguration, readConfiguration } from './configurationCache';

/** The documents a write points at, as its reference check read them. */
export type Referenced = readonly StoredDocument<unknown>[];

/** One of the referenced documents, as read; undefined when the write does not point at it. */
export function referenced<B>(documents: Referenced | undefined, collection: Collection, id: string): StoredDocument<B> | undefined {
  return documents?.find((d) => d.collection === collection && d.id === id) as StoredDocument<B> | undefined;
}

/**
 * Refuses a write that points at documents that do not exist (a queue needs its distribution policy, …).
 * Answers the documents it read, so that what the write does next with them needs no second read.
 * Queues and policies come from the process's configuration copies when it keeps them (frozen); an
 * absent one is always looked for in the store.
 */
export async function checkReferences(ports: Pick<RouterPorts, 'store' | 'configuration'>, references: readonly Reference[]): Promise<Referenced> {
  const missing: Reference[] = [];
  const found: StoredDocument<unknown>[] = [];
  for (const reference of references) {
    const { collection, id } = reference;
    const document = isConfiguration(collection) ? await readConfiguration<unknown>(ports, collection, id) : await ports.store.get<unknown>(collection, id);
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

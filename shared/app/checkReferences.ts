import type { Reference } from '../domain/resources';
import type { Store } from '../ports/Store';
import { AppError } from './AppError';

/** Refuses a write that points at documents that do not exist (a queue needs its distribution policy, …). */
export async function checkReferences(store: Store, references: readonly Reference[]): Promise<void> {
  const missing: Reference[] = [];
  for (const reference of references) {
    if (!(await store.get(reference.collection, reference.id))) missing.push(reference);
  }
  if (missing.length === 0) return;
  const details = missing.map((ref) => ({
    code: 'InvalidReference',
    message: `${ref.field}: '${ref.id}' does not exist in /routing/${ref.collection}; create it first or correct the id.`,
    target: ref.field,
  }));
  throw new AppError('invalid', details.map((d) => d.message).join(' '), details);
}

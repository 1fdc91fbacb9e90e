import type { ResourceDefinition } from '../domain/resources';
import type { RouterPorts } from '../ports/RouterPorts';
import type { StoredDocument } from '../ports/Store';
import { AppError } from './AppError';

export async function getResource<Body extends { id: string }>(
  ports: RouterPorts,
  definition: Pick<ResourceDefinition<unknown, Body>, 'collection' | 'noun'>,
  id: string,
): Promise<StoredDocument<Body>> {
  const document = await ports.store.get<Body>(definition.collection, id);
  if (!document) throw new AppError('notFound', `The ${definition.noun} '${id}' was not found.`);
  return document;
}

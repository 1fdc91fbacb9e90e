import type { ResourceDefinition } from '../domain/resources';
import type { RouterPorts } from '../ports/RouterPorts';
import type { ListQuery, Page } from '../ports/Store';

export async function listResources<Body extends { id: string }>(
  ports: RouterPorts,
  definition: Pick<ResourceDefinition<unknown, Body>, 'collection'>,
  query: ListQuery,
): Promise<Page<Body>> {
  return ports.store.list<Body>(definition.collection, query);
}

import { deleteResource } from '../app/deleteResource';
import { getResource } from '../app/getResource';
import { listResources } from '../app/listResources';
import type { Preconditions } from '../app/checkPreconditions';
import { upsertResource, type UpsertResult } from '../app/upsertResource';
import type { RouterPorts } from '../ports/RouterPorts';
import type { ResourceDefinition } from '../domain/resources';
import { wireBody } from '../domain/routing/routingState';
import { badRequest } from './errors';
import { parseHttpDate } from './httpDate';
import { noFilters, type ListFilters } from './listFilters';
import type { Operation, OperationRequest, ResourceShape } from './Operation';
import type { Parameter } from './Parameter';
import { PAGING_PARAMETERS, cursorOf, pageAnswer } from './pagingToken';

interface ResourceNames {
  /** `/routing/queues` */
  collectionPath: string;
  /** `queueId` */
  idParam: string;
  /** Operation id stems: `Queue` / `Queues` → GetQueue, ListQueues, … */
  singular: string;
  plural: string;
  filters?: ListFilters;
  /** Use cases that replace the generic upsert/delete (jobs and workers have routing consequences). */
  upsert?: (ports: RouterPorts, id: string, patch: Record<string, unknown>, preconditions: Preconditions) => Promise<UpsertResult<object & { id: string }>>;
  remove?: (ports: RouterPorts, id: string) => Promise<void>;
}

function ifUnmodifiedSince(request: OperationRequest): Date | undefined {
  const raw = request.headers['if-unmodified-since'];
  if (raw === undefined) return undefined;
  const time = parseHttpDate(raw);
  if (time === undefined) throw badRequest(`If-Unmodified-Since "${raw}" is not an HTTP date such as "Wed, 15 Nov 2023 00:05:12 GMT".`);
  return new Date(time);
}

const PRECONDITIONS: readonly Parameter[] = [
  { name: 'If-Match', in: 'header', description: 'Write only if the resource still has this etag (`*`: only if it exists); 412 otherwise.', schema: { type: 'string' } },
  { name: 'If-Unmodified-Since', in: 'header', description: 'Write only if the resource was not changed after this HTTP date; 412 otherwise.', schema: { type: 'string' } },
];

/** List, get, upsert and delete of one resource: written once, used by all six. */
export function resourceOperations<Input, Body extends { id: string }>(
  definition: ResourceDefinition<Input, Body>,
  names: ResourceNames,
): Operation[] {
  const itemPath = `${names.collectionPath}/{${names.idParam}}`;
  const filters = names.filters ?? noFilters;
  const idOf = (request: OperationRequest) => request.params[names.idParam] ?? '';
  const resource: ResourceShape = { name: names.singular, inputSchema: definition.inputSchema, wireOrder: definition.wireOrder };
  return [
    {
      operationId: `List${names.plural}`,
      method: 'GET',
      path: names.collectionPath,
      body: 'none',
      parameters: [...PAGING_PARAMETERS, ...filters.parameters],
      answers: { kind: 'page', item: resource },
      run: async (request, ports) => {
        const cursor = cursorOf(request.query, filters);
        const page = await listResources(ports, definition, { where: cursor.where, pageSize: cursor.pageSize, afterId: cursor.afterId || undefined });
        const value = page.items.map((doc) => ({ ...wireBody(doc.body), etag: doc.etag }));
        return { status: 200, json: pageAnswer(names.collectionPath, cursor, page, value) };
      },
    },
    {
      operationId: `Get${names.singular}`,
      method: 'GET',
      path: itemPath,
      body: 'none',
      answers: { kind: 'resource', resource },
      run: async (request, ports) => ({ status: 200, document: await getResource(ports, definition, idOf(request)) }),
    },
    {
      operationId: `Upsert${names.singular}`,
      method: 'PATCH',
      path: itemPath,
      body: 'mergePatch',
      requestSchema: definition.inputSchema,
      parameters: PRECONDITIONS,
      answers: { kind: 'resource', resource, creates: true },
      run: async (request, ports) => {
        const preconditions = { ifMatch: request.headers['if-match'], ifUnmodifiedSince: ifUnmodifiedSince(request) };
        const patch = request.body as Record<string, unknown>;
        const { created, document } = names.upsert
          ? await names.upsert(ports, idOf(request), patch, preconditions)
          : await upsertResource(ports, definition, idOf(request), patch, preconditions);
        return { status: created ? 201 : 200, document };
      },
    },
    {
      operationId: `Delete${names.singular}`,
      method: 'DELETE',
      path: itemPath,
      body: 'none',
      answers: { kind: 'noContent' },
      run: async (request, ports) => {
        await (names.remove ? names.remove(ports, idOf(request)) : deleteResource(ports, definition, idOf(request)));
        return { status: 204 };
      },
    },
  ];
}

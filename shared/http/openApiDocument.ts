import { z } from 'zod';
import { ID_PATTERN, MAX_ID_LENGTH } from '../domain/model';
import { SUPPORTED_API_VERSIONS } from './apiVersion';
import { errorBodySchema } from './errorBody';
import type { Answer, Operation, ResourceShape } from './Operation';
import type { JsonSchema, Parameter } from './Parameter';

/** A route outside the signed table (probes, this document), as the document describes it. */
export interface PublicRouteDescription {
  operationId: string;
  path: string;
  summary: string;
  responses: Readonly<Record<number, { description: string; schema: z.ZodType }>>;
}

type OpenApiObject = Record<string, unknown>;

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const JSON_TYPE = 'application/json';
const MERGE_PATCH_TYPE = 'application/merge-patch+json';

/** JSON Schema 2020-12 of what a client sends (`input`) or receives (`output`); zod's `$schema` key is left to the document's dialect. */
function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  // `unrepresentable: 'any'` only matters for a check zod cannot express; those schemas state their JSON Schema with `.meta`.
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' }) as JsonSchema;
  return rest;
}

/** The resource as read: what clients write, plus what the router sets (read-only), in wire order, and the etag. */
function readSchema(resource: ResourceShape): JsonSchema {
  // The input side: a worker's `queues` is deduplicated by a transform, whose output zod cannot describe; the shape is the same.
  const input = jsonSchema(resource.inputSchema, 'input');
  const written = (input['properties'] ?? {}) as Record<string, JsonSchema>;
  const properties: Record<string, JsonSchema> = {};
  // Keys starting with `_` are the router's bookkeeping and never leave it.
  for (const key of resource.wireOrder.filter((name) => !name.startsWith('_'))) {
    properties[key] = written[key] ?? (key === 'id' ? { type: 'string', readOnly: true } : { readOnly: true, description: 'Set by the router.' });
  }
  properties['etag'] = { type: 'string', readOnly: true, description: 'The version read; send it as If-Match to write only over this version.' };
  return { type: 'object', properties, required: ['id', 'etag'] };
}

function patchSchema(resource: ResourceShape): JsonSchema {
  return {
    ...jsonSchema(resource.inputSchema, 'input'),
    description: `A JSON merge patch (RFC 7386) of the ${resource.name}: members given replace the stored ones, members set to null are removed, unknown and read-only members are ignored. The result is validated whole.`,
  };
}

const isResource = (item: ResourceShape | z.ZodType): item is ResourceShape => 'wireOrder' in item;

/** Collects component schemas by name; the same name twice must be the same schema. */
class Components {
  readonly schemas: Record<string, JsonSchema> = {};
  add(name: string, make: () => JsonSchema): { $ref: string } {
    this.schemas[name] ??= make();
    return ref(name);
  }
  resource(resource: ResourceShape) {
    return this.add(resource.name, () => readSchema(resource));
  }
}

function successResponses(operation: Operation, components: Components): OpenApiObject {
  const answer: Answer = operation.answers;
  const json = (schema: unknown) => ({ content: { [JSON_TYPE]: { schema } } });
  switch (answer.kind) {
    case 'resource': {
      const versionHeaders = {
        headers: {
          ETag: { description: 'The version of the resource, as in its `etag` member.', schema: { type: 'string' } },
          'Last-Modified': { description: 'When the resource was last written.', schema: { type: 'string' } },
        },
      };
      const body = { ...json(components.resource(answer.resource)), ...versionHeaders };
      return answer.creates
        ? { '200': { description: `The ${answer.resource.name} as updated.`, ...body }, '201': { description: `The ${answer.resource.name} as created.`, ...body } }
        : { '200': { description: `The ${answer.resource.name}.`, ...body } };
    }
    case 'page': {
      const item = isResource(answer.item) ? components.resource(answer.item) : jsonSchema(answer.item, 'output');
      const page = {
        type: 'object',
        properties: {
          value: { type: 'array', items: item },
          nextLink: { type: 'string', description: 'Where the next page is (relative, without api-version); absent on the last page.' },
        },
        required: ['value'],
      };
      return { '200': { description: 'One page of items.', ...json(page) } };
    }
    case 'json':
      return { '200': { description: 'Success.', ...json(jsonSchema(answer.schema, 'output')) } };
    case 'noContent':
      return { '204': { description: 'Done (also when there was nothing to delete).' } };
    case 'eventStream':
      return { '200': { description: 'Server-Sent Events, one router event (Event Grid schema) per `data:` line, until the client leaves.', content: { 'text/event-stream': { schema: { type: 'string' } } } } };
  }
}

function requestBody(operation: Operation, components: Components): OpenApiObject | undefined {
  if (operation.body === 'mergePatch' && operation.answers.kind === 'resource') {
    const schema = components.add(`${operation.answers.resource.name}MergePatch`, () => patchSchema((operation.answers as { resource: ResourceShape }).resource));
    return { required: true, content: { [MERGE_PATCH_TYPE]: { schema }, [JSON_TYPE]: { schema } } };
  }
  if (operation.body === 'optionalJson' && operation.requestSchema) {
    return { required: false, description: 'Optional: no body means no options.', content: { [JSON_TYPE]: { schema: jsonSchema(operation.requestSchema, 'input') } } };
  }
  return undefined;
}

const pathParameters = (path: string) =>
  [...path.matchAll(/\{(\w+)\}/g)].map(([, name]) => ({
    name,
    in: 'path',
    required: true,
    schema: { type: 'string', minLength: 1, maxLength: MAX_ID_LENGTH, pattern: ID_PATTERN },
  }));

const parameterObject = (parameter: Parameter) => ({ name: parameter.name, in: parameter.in, description: parameter.description, schema: parameter.schema });

/** `/routing/jobs/{jobId}:cancel` → `jobs`; the public routes share one tag. */
const tagOf = (path: string) => /^\/routing\/(\w+)/.exec(path)?.[1] ?? 'operations';

function signedOperation(operation: Operation, components: Components): OpenApiObject {
  const body = requestBody(operation, components);
  return {
    operationId: operation.operationId,
    tags: [tagOf(operation.path)],
    parameters: [{ $ref: '#/components/parameters/ApiVersion' }, ...pathParameters(operation.path), ...(operation.parameters ?? []).map(parameterObject)],
    ...(body ? { requestBody: body } : {}),
    responses: { ...successResponses(operation, components), default: { description: 'An error; the body says what to fix.', content: { [JSON_TYPE]: { schema: ref('CommunicationErrorResponse') } } } },
  };
}

function publicOperation(route: PublicRouteDescription): OpenApiObject {
  const responses = Object.fromEntries(
    Object.entries(route.responses).map(([status, { description, schema }]) => [status, { description, content: { [JSON_TYPE]: { schema: jsonSchema(schema, 'output') } } }]),
  );
  return { operationId: route.operationId, tags: [tagOf(route.path)], summary: route.summary, security: [], responses };
}

const SIGNING = [
  'Every /routing/ request is signed with the access key of the connection string (`endpoint=…;accesskey=<base64 key>`), as the Job Router SDKs do:',
  '`x-ms-date` (HTTP date, within 15 minutes of the router\'s clock), `x-ms-content-sha256` (base64 SHA-256 of the body, also of an empty one),',
  'and `Authorization: HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=<signature>`, where the signature is the base64',
  'HMAC-SHA256, keyed with the base64-decoded access key, of `<METHOD>\\n<path and query>\\n<x-ms-date>;<host>;<x-ms-content-sha256>`.',
  'A request signed the same way with the read-only key may only read: every GET is served, any other method answers 403 Forbidden.',
].join(' ');

/**
 * The OpenAPI 3.1 document of every route, generated from the route table (paths, methods, operation
 * ids, parameters, body and answer schemas) and the public routes. The same for every deployment: it
 * names no server, key or version of the software.
 */
export function openApiDocument(table: readonly Operation[], publicRoutes: readonly PublicRouteDescription[]): OpenApiObject {
  const components = new Components();
  const paths: Record<string, Record<string, OpenApiObject>> = {};
  for (const operation of table) {
    (paths[operation.path] ??= {})[operation.method.toLowerCase()] = signedOperation(operation, components);
  }
  for (const route of publicRoutes) {
    (paths[route.path] ??= {})['get'] = publicOperation(route);
  }
  components.add('CommunicationErrorResponse', () => jsonSchema(errorBodySchema, 'output'));
  return {
    openapi: '3.1.1',
    info: {
      title: 'Job Router',
      version: SUPPORTED_API_VERSIONS[0],
      summary: 'The Azure Communication Services Job Router REST API (2023-11-01), self-hosted, with the router\'s own event, probe and document routes.',
      license: { name: 'MIT', identifier: 'MIT' },
    },
    jsonSchemaDialect: 'https://spec.openapis.org/oas/3.1/dialect/base',
    security: [{ hmac: [] }],
    paths,
    components: {
      schemas: components.schemas,
      parameters: {
        ApiVersion: { name: 'api-version', in: 'query', required: true, description: 'The API version the client speaks.', schema: { type: 'string', enum: [...SUPPORTED_API_VERSIONS] } },
      },
      securitySchemes: { hmac: { type: 'apiKey', in: 'header', name: 'Authorization', description: SIGNING } },
    },
  };
}

import fc from 'fast-check';
import type { Operation } from '../../shared/http/Operation';
import { ALTERNATIVE_PARTS, BODY_TEMPLATES } from './bodyTemplates';
import { hostileJson, hostileNumber, hostileText } from './hostileValues';

/** One generated request, before signing. */
export interface HostileRequest {
  method: string;
  /** Path and query as they go on the wire. */
  path: string;
  body?: string;
  headers: Record<string, string>;
  /** `signed` passes authentication; the others must be 401 whatever else is wrong. */
  auth: 'signed' | 'unsigned' | 'otherKey';
}

/** Ids the seeded router knows, per path parameter (filled in by hostileRouter.ts once seeded). */
export type KnownIds = Record<string, readonly string[]>;

const printable = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code)), maxLength: 60 });

/** Path segments as sent: percent-encoded texts, and raw forms the URL parser and router must survive. */
const hostileSegment = fc.oneof(
  hostileText.map((text) => encodeURIComponent(text)),
  fc.constantFrom('%', '%zz', '%2F', '%2f..%2f', '..', '.', 'a.b', '12345', '0', 'a%20b', '%3A', ':x', 'x:', '%E0%A4%A', '%C0%AF', '%00', 'a'.repeat(300), '~', '!$&\'()*+,;=@'),
);

function idFor(param: string, known: KnownIds): fc.Arbitrary<string> {
  const ids = known[param] ?? [];
  return ids.length > 0 ? fc.oneof({ arbitrary: fc.constantFrom(...ids).map(encodeURIComponent), weight: 3 }, { arbitrary: hostileSegment, weight: 1 }) : hostileSegment;
}

const QUERY_NAMES = ['maxpagesize', 'continuationToken', 'status', 'state', 'channelId', 'queueId', 'classificationPolicyId', 'hasCapacity', 'scheduledBefore', 'scheduledAfter', 'type', 'jobId', 'workerId', 'since', 'until'];

const queryValue = fc.oneof(
  hostileText,
  hostileNumber.map(String),
  fc.constantFrom('all', 'active', 'queued', 'assigned', 'true', 'false', 'TRUE', 'voice', 'q', 'cp', 'RouterJobQueued', 'Microsoft.Communication.RouterJobQueued', '2030-01-01T00:00:00Z', '0', '-1', '51', '1000001', 'eyJ9', 'AAAA'),
);

const apiVersion = fc.oneof(
  { arbitrary: fc.constant(['2023-11-01']), weight: 12 },
  { arbitrary: fc.constant(['2024-01-18-preview']), weight: 2 },
  { arbitrary: fc.constant([]), weight: 1 },
  { arbitrary: fc.constant(['2023-11-01', '2023-11-01']), weight: 1 },
  { arbitrary: hostileText.map((v) => [v]), weight: 1 },
);

const queryString = fc
  .tuple(
    apiVersion,
    fc.array(fc.tuple(fc.oneof({ arbitrary: fc.constantFrom(...QUERY_NAMES), weight: 4 }, { arbitrary: hostileText, weight: 1 }), queryValue), { maxLength: 3 }),
    fc.boolean(),
  )
  .map(([versions, params, versionFirst]) => {
    const query = new URLSearchParams();
    const add = (pairs: [string, string][]) => pairs.forEach(([name, value]) => query.append(name, value));
    const version = versions.map((v): [string, string] => ['api-version', v]);
    if (versionFirst) add([...version, ...params]);
    else add([...params, ...version]);
    const text = query.toString();
    return text ? `?${text}` : '';
  });

const headers = fc
  .record(
    {
      'content-type': fc.oneof(
        fc.constantFrom('application/merge-patch+json', 'application/json', 'application/json; charset=utf-8', 'text/plain', 'application/json; charset=utf-16', 'application/xml', 'multipart/form-data; boundary=x', 'application/json;;;', '*/*', ''),
        printable,
      ),
      'if-match': fc.oneof(fc.constantFrom('*', '"x"', 'W/"x"', '"a", "b"', ''), printable),
      'if-none-match': fc.oneof(fc.constantFrom('*', '"x"'), printable),
      'if-unmodified-since': fc.oneof(fc.constantFrom('Wed, 15 Nov 2023 00:05:12 GMT', 'yesterday', ''), printable),
      'x-ms-client-request-id': printable,
      accept: fc.constantFrom('application/json', 'text/event-stream', '*/*', 'text/html'),
    },
    { requiredKeys: [] },
  )
  .map((record) => Object.fromEntries(Object.entries(record).filter((entry): entry is [string, string] => entry[1] !== undefined)));

/** Every node of a JSON value, by its path of keys and indexes. */
export function paths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  const out = [prefix];
  if (Array.isArray(value)) value.forEach((item, index) => out.push(...paths(item, [...prefix, index])));
  else if (value && typeof value === 'object') for (const [key, item] of Object.entries(value)) out.push(...paths(item, [...prefix, key]));
  return out;
}

type Mutation = { op: 'replace'; value: unknown } | { op: 'delete' } | { op: 'addKey'; key: string; value: unknown };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { arbitrary: hostileJson.map((value): Mutation => ({ op: 'replace', value })), weight: 4 },
  { arbitrary: fc.constantFrom(...ALTERNATIVE_PARTS).map((value): Mutation => ({ op: 'replace', value })), weight: 2 },
  { arbitrary: fc.constant<Mutation>({ op: 'delete' }), weight: 1 },
  { arbitrary: fc.tuple(hostileText, hostileJson).map(([key, value]): Mutation => ({ op: 'addKey', key, value })), weight: 1 },
);

/** The template with one node changed; returns a fresh copy. */
function mutate(template: unknown, pick: number, change: Mutation): unknown {
  const copy = structuredClone(template);
  const all = paths(copy);
  const path = all[pick % all.length] ?? [];
  if (path.length === 0) return change.op === 'replace' ? change.value : copy;
  const parent = path.slice(0, -1).reduce<unknown>((node, key) => (node as Record<string | number, unknown>)[key], copy) as Record<string | number, unknown>;
  const key = path[path.length - 1] as string | number;
  if (change.op === 'replace') parent[key] = change.value;
  else if (change.op === 'delete') {
    if (Array.isArray(parent)) parent.splice(Number(key), 1);
    else delete parent[key];
  } else if (parent[key] && typeof parent[key] === 'object' && !Array.isArray(parent[key])) {
    Object.defineProperty(parent[key], change.key, { value: change.value, enumerable: true, writable: true, configurable: true });
  }
  return copy;
}

const rawBodies = fc.constantFrom(
  '',
  ' ',
  'null',
  '[]',
  '"text"',
  '1e400',
  '-',
  '{',
  '{"a":',
  '{"a":1}{"b":2}',
  '{"a":1,}',
  "{'a':1}",
  '{"name":"a","name":"b"}',
  '\ufeff{}',
  '{"a":"\\ud800"}',
  '{"a":"\u0000"}',
  '{"__proto__":{"polluted":true}}',
  '{"constructor":{"prototype":{"polluted":true}}}',
  `{"labels":{${Array.from({ length: 50 }, (_, i) => `"k${i}":${i}`).join(',')}}}`,
);

function bodyFor(operation: Operation): fc.Arbitrary<string | undefined> {
  const template = BODY_TEMPLATES[operation.operationId];
  const mutated = template === undefined ? hostileJson : fc.tuple(fc.nat(), mutation).map(([pick, change]) => mutate(template, pick, change));
  return fc.oneof(
    { arbitrary: mutated.map((value) => JSON.stringify(value)), weight: 6 },
    { arbitrary: fc.constant(template === undefined ? undefined : JSON.stringify(template)), weight: 1 },
    { arbitrary: hostileJson.map((value) => JSON.stringify(value)), weight: 2 },
    { arbitrary: rawBodies, weight: 2 },
    { arbitrary: fc.constant(undefined), weight: 1 },
  );
}

const otherMethods = fc.constantFrom('GET', 'PATCH', 'POST', 'DELETE', 'PUT', 'OPTIONS');

/** Requests aimed at one operation of the route table: its path with generated ids, query, headers and body. */
export function requestsFor(operation: Operation, known: KnownIds): fc.Arbitrary<HostileRequest> {
  const params = [...operation.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? '');
  const ids = fc.tuple(...params.map((param) => idFor(param, known)));
  return fc
    .record({
      ids,
      query: queryString,
      headers,
      body: operation.body === 'none' ? fc.oneof({ arbitrary: fc.constant(undefined), weight: 4 }, { arbitrary: hostileJson.map((v) => JSON.stringify(v)), weight: 1 }) : bodyFor(operation),
      method: fc.oneof({ arbitrary: fc.constant(operation.method), weight: 9 }, { arbitrary: otherMethods, weight: 1 }),
      auth: fc.oneof({ arbitrary: fc.constant('signed' as const), weight: 8 }, { arbitrary: fc.constantFrom('unsigned' as const, 'otherKey' as const), weight: 2 }),
    })
    .map(({ ids: values, query, headers: extra, body, method, auth }) => {
      let index = 0;
      const path = operation.path.replace(/\{(\w+)\}/g, () => values[index++] ?? '');
      // fetch refuses a body on GET; those methods carry none.
      const sendsBody = method !== 'GET' && body !== undefined;
      return { method, path: `${path}${query}`, body: sendsBody ? body : undefined, headers: extra, auth };
    });
}

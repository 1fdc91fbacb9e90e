import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import fc from 'fast-check';
import { ID_PATTERN, MAX_ID_LENGTH, idProblem } from '../../../shared/domain/model';
import { createEmbeddedEngine } from '../../../shared/hosting/createEmbeddedEngine';
import { openEmbeddedStore } from '../../../shared/hosting/openEmbeddedStore';
import { eventSelection, eventSelectionParameters } from '../../../shared/http/eventFilters';
import type { Operation } from '../../../shared/http/Operation';
import { openApiDocument } from '../../../shared/http/openApiDocument';
import { publicRoutes } from '../../../shared/http/publicRoutes';
import { routeTable } from '../../../shared/http/routeTable';
import { silentLogger } from '../../../shared/ports/Logger';
import service from '../../fixtures/serviceOperations.json';

// The document is plain JSON: its members are read as such, and a wrong guess fails the expectation.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;
const document: Json = openApiDocument(routeTable, publicRoutes);
const operationsOf = (doc: Json) =>
  Object.entries(doc['paths'] as Record<string, Record<string, Json>>).flatMap(([p, methods]) => Object.entries(methods).map(([method, op]) => ({ path: p, method: method.toUpperCase(), op })));
const documented = operationsOf(document);
const find = (method: string, p: string) => documented.find((o) => o.method === method && o.path === p)?.op;

/** Resolves `#/components/...` references of the document. */
function resolve(node: Json): Json {
  if (typeof node['$ref'] !== 'string') return node;
  return (node['$ref']).slice(2).split('/').reduce((at: Json, key) => at[key], document);
}

describe('the OpenAPI document', () => {
  it('is a valid OpenAPI 3.1 document (checked by @seriousme/openapi-schema-validator against the official schema)', () => {
    // The validator is an ES module, which Jest's CommonJS runtime cannot load: it runs as its own CLI.
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'openapi-')), 'openapi.json');
    fs.writeFileSync(file, JSON.stringify(document));
    const cli = require.resolve('@seriousme/openapi-schema-validator/bin/validate-api-cli.js');
    const output = execFileSync(process.execPath, [cli, file], { encoding: 'utf8' });
    expect(output).toMatch(/"valid":\s*true/);
    expect(document['openapi']).toMatch(/^3\.1\./);
  });

  it('has one path and method per route of the table and per public route, with the same operation ids, and nothing else', () => {
    const expected = [...routeTable.map((op) => `${op.method} ${op.path} ${op.operationId}`), ...publicRoutes.map((route) => `GET ${route.path} ${route.operationId}`)];
    expect(documented.map((o) => `${o.method} ${o.path} ${o.op['operationId']}`).sort()).toEqual(expected.sort());
    expect(new Set(documented.map((o) => o.op['operationId'])).size).toBe(documented.length);
  });

  it('has the 33 operations of the service with its paths, methods, operation ids, parameters and success statuses', () => {
    expect(service.operations).toHaveLength(33);
    for (const expected of service.operations) {
      const op = find(expected.method, expected.path);
      expect(op?.['operationId']).toBe(expected.operationId.replace(/^\w+_/, ''));
      const names = (op?.['parameters'] as Json[]).map((p) => { const r = resolve(p); return `${r['in']} ${r['name']}`; });
      for (const parameter of expected.parameters) expect(names).toContain(`${parameter.in} ${parameter.name}`);
      expect(Object.keys(op?.['responses']).filter((s) => s !== 'default').sort()).toEqual(expected.responses);
      if (expected.consumes) expect(Object.keys(op?.['requestBody']?.['content'] ?? {})).toContain(expected.consumes[0]);
    }
  });

  it('signs every route of the table with the HMAC scheme; the public routes need no signature', () => {
    expect(document['security']).toEqual([{ hmac: [] }]);
    expect(document['components']['securitySchemes']['hmac']['description']).toContain('HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256');
    for (const route of publicRoutes) expect(find('GET', route.path)?.['security']).toEqual([]);
    for (const op of routeTable) expect(find(op.method, op.path)?.['security']).toBeUndefined();
  });

  it('describes every error with the communicationError body', () => {
    for (const op of routeTable) {
      expect(find(op.method, op.path)?.['responses']['default']['content']['application/json']['schema']).toEqual({ $ref: '#/components/schemas/CommunicationErrorResponse' });
    }
    expect(resolve({ $ref: '#/components/schemas/CommunicationErrorResponse' })['required']).toEqual(['communicationError']);
  });

  it('lists exactly the query parameters each list operation reads', async () => {
    /** Query parameters that record what the operation asked for. */
    class RecordingQuery extends URLSearchParams {
      readonly read = new Set<string>();
      override get(name: string): string | null {
        this.read.add(name);
        return super.get(name);
      }
    }
    const engine = createEmbeddedEngine({ store: openEmbeddedStore(':memory:'), logger: silentLogger });
    const host = { eventTopic: '/t', eventChannels: ['hook'], logger: silentLogger };
    const lists = routeTable.filter((op): op is Operation => op.answers.kind === 'page');
    expect(lists.length).toBeGreaterThanOrEqual(8);
    for (const op of lists) {
      const query = new RecordingQuery();
      await op.run({ params: { subscriptionName: 'hook' }, query, headers: {}, body: undefined, apiVersion: '2023-11-01', target: op.path }, engine.ports, host);
      const listed = (find(op.method, op.path)?.['parameters'] as Json[]).filter((p) => p['in'] === 'query').map((p) => p['name']);
      expect([op.operationId, [...query.read].sort()]).toEqual([op.operationId, listed.sort()]);
    }
    const selection = new RecordingQuery();
    eventSelection(selection);
    expect([...selection.read].sort()).toEqual(eventSelectionParameters.map((p) => p.name).sort());
    await engine.ports.store.close();
  });

  it('takes its request bodies from the schemas the router validates with: a merge patch per resource, options per action', () => {
    const upsertJob = find('PATCH', '/routing/jobs/{jobId}')?.['requestBody'];
    expect(upsertJob['required']).toBe(true);
    expect(Object.keys(upsertJob['content'])).toEqual(['application/merge-patch+json', 'application/json']);
    const jobPatch = resolve(upsertJob['content']['application/merge-patch+json']['schema']);
    expect(jobPatch['properties']['priority']).toEqual({ type: 'integer', minimum: -100, maximum: 100 });
    const close = find('POST', '/routing/jobs/{jobId}/assignments/{assignmentId}:close')?.['requestBody'];
    expect(close['required']).toBe(false);
    expect(close['content']['application/json']['schema']['properties']['closeAt']).toEqual({ type: 'string', format: 'date-time' });
  });

  it('shows what the router sets as read-only members of the resource, and never its bookkeeping', () => {
    const job = resolve({ $ref: '#/components/schemas/Job' });
    expect(job['properties']['status']['readOnly']).toBe(true);
    expect(job['properties']['etag']['readOnly']).toBe(true);
    expect(job['properties']['queueId']['readOnly']).toBeUndefined();
    for (const schema of Object.values(document['components']['schemas'] as Record<string, Json>)) {
      for (const key of Object.keys(schema['properties'] ?? {})) expect(key).not.toMatch(/^_/);
    }
  });

  it('states a type for every member: no check of the validators was left out as an empty schema', () => {
    const empty: string[] = [];
    const walk = (node: unknown, at: string) => {
      if (Array.isArray(node)) return node.forEach((item, i) => walk(item, `${at}[${i}]`));
      if (typeof node !== 'object' || node === null) return;
      for (const [key, value] of Object.entries(node)) {
        if (key === 'properties') for (const [name, schema] of Object.entries(value as Json)) if (Object.keys(schema).length === 0) empty.push(`${at}.${name}`);
        walk(value, `${at}.${key}`);
      }
    };
    walk(document, '');
    expect(empty).toEqual([]);
  });
});

describe('the JSON Schemas of the document agree with the validators they come from', () => {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  const patchSchema = (name: string) => ajv.compile({ ...resolve({ $ref: `#/components/schemas/${name}MergePatch` }), $defs: undefined });

  it.each([
    ['Job', true, { queueId: 'q1', priority: 5, labels: { tier: 'gold', n: 3, vip: true }, requestedWorkerSelectors: [{ key: 'skill', labelOperator: 'greaterThan', value: 5, expiresAfterSeconds: 30 }] }],
    ['Job', false, { priority: 101 }],
    ['Job', false, { priority: 1.5 }],
    ['Job', false, { labels: { tier: { nested: true } } }],
    ['Job', false, { queueId: 'a/b' }],
    ['Job', true, { notes: [{ message: 'hello', addedAt: '2024-01-01T00:00:00Z' }] }],
    ['Job', false, { notes: [{ message: 'hello', addedAt: 'yesterday' }] }],
    ['Worker', true, { capacity: 10, channels: [{ channelId: 'voice', capacityCostPerJob: 10, maxNumberOfJobs: 1 }], queues: ['q1'], availableForOffers: true }],
    ['Worker', false, { capacity: -1 }],
    ['Worker', false, { channels: [{ channelId: 'voice', capacityCostPerJob: 1, maxNumberOfJobs: 0 }] }],
    ['DistributionPolicy', true, { offerExpiresAfterSeconds: 60, mode: { kind: 'longestIdle', minConcurrentOffers: 1, maxConcurrentOffers: 2 } }],
    ['DistributionPolicy', false, { offerExpiresAfterSeconds: 0 }],
    ['ClassificationPolicy', true, { prioritizationRule: { kind: 'function', functionUri: 'https://example.com/score' } }],
    ['ClassificationPolicy', false, { prioritizationRule: { kind: 'function', functionUri: 'not a url' } }],
    ['Queue', true, { name: 'Sales', distributionPolicyId: 'dp1' }],
    ['Queue', false, { name: 'x'.repeat(501) }],
  ])('%s patch #%#: accepted = %s, by zod and by the JSON Schema alike', (name, accepted, body) => {
    const definition = routeTable.find((op) => op.operationId === `Upsert${name}`);
    const zodAccepts = definition?.requestSchema?.safeParse(body).success;
    expect([zodAccepts, patchSchema(name)(body)]).toEqual([accepted, accepted]);
  });

  it('the id pattern and length bounds accept exactly the ids idProblem accepts', () => {
    const pattern = new RegExp(ID_PATTERN, 'u');
    const documentedOk = (s: string) => s.length >= 1 && s.length <= MAX_ID_LENGTH && pattern.test(s);
    const interesting = fc.constantFrom('/', '\\', '?', '#', ':', ' ', '\t', '\u0000', '\u001f', '\u007f', '\u0085', '\u00a0', '\u2028', 'a', '.', '%', 'é');
    const ids = fc.oneof(fc.string({ maxLength: 300 }), fc.array(fc.oneof(interesting, fc.string({ maxLength: 3 })), { maxLength: 8 }).map((parts) => parts.join('')));
    fc.assert(fc.property(ids, (s) => documentedOk(s) === (idProblem(s) === undefined)), { numRuns: 2000 });
  });
});

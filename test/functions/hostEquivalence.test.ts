import { VirtualClock } from '../../shared/adapters/VirtualClock';
import { DEFAULT_EVENT_TOPIC } from '../../shared/hosting/webhookConfig';
import { getClient, type Client } from '@azure-rest/core-client';
import { createCommunicationAuthPolicy, parseClientArguments } from '@azure/communication-common';
import { openSqliteStore } from '../../shared/adapters/embedded/SqliteStore';
import { DEFAULT_MAX_BODY_BYTES } from '../../shared/http/handleRequest';
import { useFunctionsHost } from '../../shared/hosting/functionsHost';
import { startEmbeddedHost, type EmbeddedHost } from '../../shared/hosting/startEmbeddedHost';
import { silentLogger } from '../../shared/ports/Logger';
import { createEmbeddedEngine, type EmbeddedEngine } from '../../shared/hosting/createEmbeddedEngine';
import { functionsTransport } from '../support/functionsTransport';

/** Deterministic parts so that two independent hosts produce byte-identical answers (but etags). */
function deterministicParts(now: Date) {
  let next = 0;
  return { store: openSqliteStore({ path: ':memory:' }), clock: new VirtualClock(now), newId: () => `id-${++next}`, logger: silentLogger };
}

function client(connectionString: string, viaFunctions: boolean): Client {
  const { url, credential } = parseClientArguments(connectionString);
  const c = getClient(url, { apiVersion: '2023-11-01', allowInsecureConnection: true, retryOptions: { maxRetries: 0 }, ...(viaFunctions ? { httpClient: functionsTransport } : {}) });
  c.pipeline.addPolicy(createCommunicationAuthPolicy(credential));
  return c;
}

/** Etags are random per write; everything else must be identical. */
const withoutEtags = (text: string | undefined) => (text ?? '').replace(/\\?"[0-9a-f]{8}-0000-0700-0000-[0-9a-f]{12}\\?"/g, '<etag>');

type Step = [method: 'get' | 'patch' | 'delete' | 'post', path: string, body?: unknown];

const STEPS: Step[] = [
  ['patch', '/routing/distributionPolicies/dp-1', { name: 'Default', offerExpiresAfterSeconds: 30, mode: { kind: 'round-robin' } }],
  ['patch', '/routing/distributionPolicies/dp-1', { name: null }],
  ['patch', '/routing/exceptionPolicies/12345', { exceptionRules: [{ id: 'r1', trigger: { kind: 'waitTime', thresholdSeconds: 10 }, actions: [{ kind: 'cancel' }] }] }],
  ['patch', '/routing/queues/a.b', { distributionPolicyId: 'dp-1', exceptionPolicyId: '12345', labels: { tier: 1 } }],
  ['patch', '/routing/queues/a b', { distributionPolicyId: 'missing' }],
  ['patch', '/routing/queues/a%2Fb', { distributionPolicyId: 'dp-1' }],
  ['patch', '/routing/jobs/job-1', { queueId: 'a.b', channelId: 'voice', priority: 5, requestedWorkerSelectors: [{ key: 'skill', labelOperator: 'greaterThan', value: 3 }] }],
  ['patch', '/routing/jobs/job-1', { priority: 500 }],
  ['patch', '/routing/workers/w-1', { capacity: 10, queues: ['a.b'], channels: [{ channelId: 'voice', capacityCostPerJob: 5 }], availableForOffers: true }],
  ['get', '/routing/workers?hasCapacity=true&channelId=voice&maxpagesize=1'],
  ['get', '/routing/jobs?status=created'],
  ['get', '/routing/queues/a.b'],
  ['get', '/routing/queues/nope'],
  ['post', '/routing/jobs/job-1:cancel', { note: 'caller hung up' }],
  ['get', '/routing/jobs/job-1'],
  ['post', '/routing/workers/w-1/offers/o-1:accept'],
  ['get', '/routing/queues/a.b/statistics'],
  ['delete', '/routing/distributionPolicies/dp-1'],
  ['delete', '/routing/jobs/job-1'],
  ['get', '/routing/unknown'],
  ['get', '/routing/events?type=RouterJobQueued&maxpagesize=1'],
  ['get', '/routing/events?since=tomorrow'],
  ['get', '/routing/eventSubscriptions'],
  ['post', '/routing/eventSubscriptions/none/deadLetters:redeliver'],
];

describe('the embedded host and a direct Functions invocation answer alike', () => {
  let embedded: EmbeddedHost;
  let viaHttp: Client;
  let viaFunctions: Client;
  let functionsEngine: EmbeddedEngine;

  beforeAll(async () => {
    const now = new Date();
    const accessKey = Buffer.alloc(32, 7).toString('base64');
    embedded = await startEmbeddedHost({ port: 0, accessKey, ...deterministicParts(now) });
    functionsEngine = createEmbeddedEngine(deterministicParts(now));
    await functionsEngine.start();
    useFunctionsHost({ mode: 'embedded', ports: () => functionsEngine.ports, relay: functionsEngine.relay, eventTopic: DEFAULT_EVENT_TOPIC, accessKey, maxBodyBytes: DEFAULT_MAX_BODY_BYTES, logger: silentLogger });
    viaHttp = client(embedded.connectionString, false);
    viaFunctions = client(embedded.connectionString, true);
  });

  afterAll(async () => {
    await embedded.close();
    await functionsEngine.stop();
    await functionsEngine.ports.store.close();
    useFunctionsHost(undefined);
  });

  // Every row has four cells (body may be undefined): a shorter row would make Jest pass `done` as `body`.
  it.each(STEPS.map(([method, path, body], index) => [index + 1, method, path, body] as const))('#%i %s %s', async (_n, method, path, body) => {
    const send = (c: Client) => {
      const resource = c.pathUnchecked(path);
      if (method === 'patch') return resource.patch({ body, contentType: 'application/merge-patch+json' });
      if (method === 'post') return body === undefined ? resource.post() : resource.post({ body, contentType: 'application/json' });
      return resource[method]();
    };
    // Matching runs after the answer; both engines finish it before the next step reads its effects.
    const a = await send(viaHttp);
    await embedded.engine.idle();
    const b = await send(viaFunctions);
    await functionsEngine.idle();
    expect(b.status).toBe(a.status);
    expect(withoutEtags(JSON.stringify(b.body))).toBe(withoutEtags(JSON.stringify(a.body)));
    const headers = (h: Record<string, string>) => {
      const { etag, date: _date, connection: _connection, 'x-ms-client-request-id': _id, 'trace-id': _traceId, 'keep-alive': _k, 'transfer-encoding': _t, 'content-length': _l, ...rest } = h;
      return { ...rest, etag: etag === undefined ? undefined : '<etag>' };
    };
    expect(headers(b.headers)).toEqual(headers(a.headers));
  });

  it('the Functions host cannot stream: the event stream answers 501 and points to the Event Grid topic; the history is served', async () => {
    const stream = await viaFunctions.pathUnchecked('/routing/events:stream').get();
    expect(stream.status).toBe('501');
    expect(stream.body.communicationError.message).toMatch(/Subscribe to the router's Event Grid topic instead, or read GET \/routing\/events/);
    const history = await viaFunctions.pathUnchecked('/routing/events').get({ queryParameters: { type: 'RouterJobQueued' } });
    expect(history.status).toBe('200');
    expect(history.body.value.map((item: { data: { jobId: string } }) => item.data.jobId)).toEqual(['job-1']);
  });
});

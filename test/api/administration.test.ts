import type { Client } from '@azure-rest/core-client';
import { startTestRouter } from '../support/embeddedRouter';
import { patch } from '../support/signedClient';

/**
 * CRUD of the six resources through the SDK's signing client, with the defaults, merge-patch
 * semantics, references and delete rules that docs/behaviour.md#wire-conventions describes.
 */

type Response = Awaited<ReturnType<typeof patch>>;

const RFC1123 = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT$/;

/** A single-resource answer: status, ETag header == body etag (quoted, last key), RFC 1123 Last-Modified. */
function expectEntity(response: Response, status: '200' | '201'): void {
  expect(response.status).toBe(status);
  const etag = response.headers['etag'];
  expect(etag).toMatch(/^"[^"]+"$/);
  expect(response.body.etag).toBe(etag);
  expect(Object.keys(response.body).at(-1)).toBe('etag');
  const lastModified = response.headers['last-modified'] ?? '';
  expect(lastModified).toMatch(RFC1123);
  expect(new Date(lastModified).toUTCString()).toBe(lastModified);
  expect(response.headers['content-type']).toMatch(/^application\/json/);
}

function withoutEtag(body: Record<string, unknown>): Record<string, unknown> {
  const { etag: _etag, ...rest } = body;
  return rest;
}

function expectError(response: Response, status: string, code: string, target: string): void {
  expect(response.status).toBe(status);
  expect(response.body.communicationError).toEqual(expect.objectContaining({ code, target }));
  expect(response.body.communicationError.message).toEqual(expect.any(String));
  expect(response.body.communicationError.message.length).toBeGreaterThan(0);
  expect(response.headers['etag']).toBeUndefined();
}

interface LifecycleCase {
  collection: string;
  id: string;
  create: Record<string, unknown>;
  created: Record<string, unknown>;
  update: Record<string, unknown>;
  updated: Record<string, unknown>;
  /** A patch with null members, and the body it must produce. */
  nulls: Record<string, unknown>;
  afterNulls: (updated: Record<string, unknown>) => Record<string, unknown>;
}

const LONGEST_IDLE_DEFAULTS = { kind: 'longestIdle', minConcurrentOffers: 1, maxConcurrentOffers: 1, bypassSelectors: false };

const LIFECYCLE: LifecycleCase[] = [
  {
    collection: 'distributionPolicies',
    id: 'life-dp-1',
    create: { name: 'Default', offerExpiresAfterSeconds: 30, mode: { kind: 'longestIdle' } },
    created: { id: 'life-dp-1', name: 'Default', offerExpiresAfterSeconds: 30, mode: LONGEST_IDLE_DEFAULTS },
    update: { offerExpiresAfterSeconds: 10.0, mode: { maxConcurrentOffers: 3 } },
    updated: { id: 'life-dp-1', name: 'Default', offerExpiresAfterSeconds: 10, mode: { ...LONGEST_IDLE_DEFAULTS, maxConcurrentOffers: 3 } },
    nulls: { name: null },
    afterNulls: ({ name: _name, ...rest }) => rest,
  },
  {
    collection: 'classificationPolicies',
    id: 'life-cp-1',
    create: { name: 'Main', fallbackQueueId: 'life-q' },
    created: { id: 'life-cp-1', name: 'Main', fallbackQueueId: 'life-q', queueSelectorAttachments: [], workerSelectorAttachments: [] },
    update: {
      queueSelectorAttachments: [{ kind: 'static', queueSelector: { key: 'Id', labelOperator: 'equal', value: 'life-q' } }],
      prioritizationRule: { kind: 'static', value: 5 },
    },
    updated: {
      id: 'life-cp-1',
      name: 'Main',
      fallbackQueueId: 'life-q',
      queueSelectorAttachments: [{ kind: 'static', queueSelector: { key: 'Id', labelOperator: 'equal', value: 'life-q' } }],
      prioritizationRule: { kind: 'static', value: 5 },
      workerSelectorAttachments: [],
    },
    nulls: { name: null, prioritizationRule: null, queueSelectorAttachments: null },
    afterNulls: ({ name: _name, prioritizationRule: _rule, ...rest }) => ({ ...rest, queueSelectorAttachments: [] }),
  },
  {
    collection: 'exceptionPolicies',
    id: 'life-ep-1',
    create: { name: 'Esc', exceptionRules: [{ id: 'r1', trigger: { kind: 'waitTime', thresholdSeconds: 60 }, actions: [{ kind: 'cancel', dispositionCode: 'Timeout' }] }] },
    created: {
      id: 'life-ep-1',
      name: 'Esc',
      exceptionRules: [{ id: 'r1', trigger: { kind: 'waitTime', thresholdSeconds: 60 }, actions: [{ kind: 'cancel', dispositionCode: 'Timeout', id: expect.any(String) }] }],
    },
    update: { name: 'Escalation' },
    updated: {
      id: 'life-ep-1',
      name: 'Escalation',
      exceptionRules: [{ id: 'r1', trigger: { kind: 'waitTime', thresholdSeconds: 60 }, actions: [{ kind: 'cancel', dispositionCode: 'Timeout', id: expect.any(String) }] }],
    },
    nulls: { name: null },
    afterNulls: ({ name: _name, ...rest }) => rest,
  },
  {
    collection: 'queues',
    id: 'life-queue-1',
    create: { name: 'Sales', distributionPolicyId: 'life-dp', labels: { tier: 1, lang: 'en' } },
    created: { id: 'life-queue-1', name: 'Sales', distributionPolicyId: 'life-dp', labels: { tier: 1, lang: 'en', Id: 'life-queue-1' } },
    update: { labels: { tier: 2, vip: true }, exceptionPolicyId: 'life-ep' },
    updated: { id: 'life-queue-1', name: 'Sales', distributionPolicyId: 'life-dp', labels: { tier: 2, lang: 'en', Id: 'life-queue-1', vip: true }, exceptionPolicyId: 'life-ep' },
    nulls: { name: null, exceptionPolicyId: null, labels: { lang: null } },
    afterNulls: ({ name: _name, exceptionPolicyId: _ep, ...rest }) => ({ ...rest, labels: { tier: 2, Id: 'life-queue-1', vip: true } }),
  },
  {
    collection: 'jobs',
    id: 'life-job-1',
    create: {
      queueId: 'life-q',
      channelId: 'voice',
      channelReference: 'call-1',
      labels: { a: 1 },
      tags: { t: 'x' },
      requestedWorkerSelectors: [{ key: 'skill', labelOperator: 'greaterThan', value: 3 }],
    },
    created: {
      id: 'life-job-1',
      channelReference: 'call-1',
      status: 'queued',
      enqueuedAt: expect.any(String),
      channelId: 'voice',
      queueId: 'life-q',
      priority: 1,
      requestedWorkerSelectors: [{ expedite: false, status: 'active', key: 'skill', labelOperator: 'greaterThan', value: 3 }],
      attachedWorkerSelectors: [],
      labels: { a: 1 },
      assignments: {},
      tags: { t: 'x' },
      notes: [],
      matchingMode: { kind: 'queueAndMatch' },
    },
    update: { priority: 25, dispositionCode: 'testCode', labels: { b: true } },
    updated: {
      id: 'life-job-1',
      channelReference: 'call-1',
      status: 'queued',
      enqueuedAt: expect.any(String),
      channelId: 'voice',
      queueId: 'life-q',
      priority: 25,
      dispositionCode: 'testCode',
      requestedWorkerSelectors: [{ expedite: false, status: 'active', key: 'skill', labelOperator: 'greaterThan', value: 3 }],
      attachedWorkerSelectors: [],
      labels: { a: 1, b: true },
      assignments: {},
      tags: { t: 'x' },
      notes: [],
      matchingMode: { kind: 'queueAndMatch' },
    },
    nulls: { priority: null, dispositionCode: null, channelReference: null, tags: null },
    afterNulls: ({ dispositionCode: _code, channelReference: _ref, ...rest }) => ({ ...rest, priority: 1, tags: {} }),
  },
  {
    collection: 'workers',
    id: 'life-worker-1',
    // On a channel no job of these tests uses, so that matching never changes it behind the test's back.
    create: { capacity: 10, queues: ['life-q'], channels: [{ channelId: 'email', capacityCostPerJob: 5 }], labels: { skill: 5 }, tags: { team: 'a' }, availableForOffers: true },
    created: {
      id: 'life-worker-1',
      state: 'active',
      queues: ['life-q'],
      capacity: 10,
      labels: { skill: 5, Id: 'life-worker-1' },
      tags: { team: 'a' },
      channels: [{ channelId: 'email', capacityCostPerJob: 5 }],
      offers: [],
      assignedJobs: [],
      loadRatio: 0,
      availableForOffers: true,
    },
    update: { channels: [{ channelId: 'chat', capacityCostPerJob: 1, maxNumberOfJobs: 2 }], availableForOffers: false },
    updated: {
      id: 'life-worker-1',
      state: 'inactive',
      queues: ['life-q'],
      capacity: 10,
      labels: { skill: 5, Id: 'life-worker-1' },
      tags: { team: 'a' },
      channels: [{ channelId: 'chat', capacityCostPerJob: 1, maxNumberOfJobs: 2 }],
      offers: [],
      assignedJobs: [],
      loadRatio: 0,
      availableForOffers: false,
    },
    nulls: { tags: null, queues: null },
    afterNulls: (updated) => ({ ...updated, tags: {}, queues: [] }),
  },
];

describe('administration and CRUD', () => {
  let router: Awaited<ReturnType<typeof startTestRouter>>;
  let client: Client;
  const get = (path: string) => client.pathUnchecked(path).get();
  const del = (path: string) => client.pathUnchecked(path).delete();
  const cancel = (jobId: string, body?: Record<string, unknown>) =>
    body === undefined ? client.pathUnchecked(`/routing/jobs/${jobId}:cancel`).post() : client.pathUnchecked(`/routing/jobs/${jobId}:cancel`).post({ body, contentType: 'application/json' });
  const put = async (path: string, body: unknown, status: '200' | '201' = '201') => {
    const response = await patch(client, path, body);
    expect(response.status).toBe(status);
    return response;
  };

  beforeAll(async () => {
    router = await startTestRouter();
    client = router.client;
    await put('/routing/distributionPolicies/life-dp', { offerExpiresAfterSeconds: 30, mode: { kind: 'longestIdle' } });
    await put('/routing/exceptionPolicies/life-ep', { name: 'life-ep' });
    await put('/routing/queues/life-q', { distributionPolicyId: 'life-dp' });
  });
  afterAll(async () => {
    await router.close();
  });

  describe.each(LIFECYCLE)('$collection lifecycle', (c) => {
    const path = `/routing/${c.collection}/${c.id}`;
    let createdEtag = '';
    let updated: Record<string, unknown> = {};

    it('create → 201 with the full body, defaults filled in, ETag and Last-Modified', async () => {
      const response = await patch(client, path, c.create);
      expectEntity(response, '201');
      expect(withoutEtag(response.body)).toEqual(c.created);
      createdEtag = response.headers['etag'] ?? '';
    });

    it('get → 200 with the same body and etag', async () => {
      const response = await get(path);
      expectEntity(response, '200');
      expect(response.headers['etag']).toBe(createdEtag);
      expect(withoutEtag(response.body)).toEqual(c.created);
    });

    it('update → 200 with merge-patch semantics and a new etag', async () => {
      const response = await patch(client, path, c.update);
      expectEntity(response, '200');
      expect(withoutEtag(response.body)).toEqual(c.updated);
      expect(response.headers['etag']).not.toBe(createdEtag);
      const read = await get(path);
      expect(read.body).toEqual(response.body);
      expect(read.headers['last-modified']).toBe(response.headers['last-modified']);
      updated = withoutEtag(response.body);
    });

    it('a PATCH that changes nothing keeps etag and Last-Modified', async () => {
      const before = await get(path);
      for (const body of [c.update, {}, { id: c.id }]) {
        const response = await patch(client, path, body);
        expectEntity(response, '200');
        expect(response.headers['etag']).toBe(before.headers['etag']);
        expect(response.headers['last-modified']).toBe(before.headers['last-modified']);
        expect(response.body).toEqual(before.body);
      }
    });

    it('null members remove (or reset) what they name', async () => {
      const response = await patch(client, path, c.nulls);
      expectEntity(response, '200');
      expect(withoutEtag(response.body)).toEqual(c.afterNulls(updated));
      for (const [key, value] of Object.entries(c.nulls)) {
        if (value === null) expect(response.body[key]).not.toBeNull();
      }
    });

    it('the list shows the resource with the same etag', async () => {
      const single = await get(path);
      const list = await client.pathUnchecked(`/routing/${c.collection}`).get({ queryParameters: { maxpagesize: 1000 } });
      expect(list.status).toBe('200');
      expect(list.headers['etag']).toBeUndefined();
      expect(list.body.value.find((item: { id: string }) => item.id === c.id)).toEqual(single.body);
    });

    it('delete → 204 with no body, then GET → 404 NotFound naming the path', async () => {
      const response = await del(path);
      expect(response.status).toBe('204');
      expect(response.body).toBeUndefined();
      expect(response.headers['content-type']).toBeUndefined();
      expect(response.headers['etag']).toBeUndefined();
      expectError(await get(path), '404', 'NotFound', path);
    });

    it('delete of a missing id → 204', async () => {
      expect((await del(path)).status).toBe('204');
      expect((await del(`/routing/${c.collection}/never-existed`)).status).toBe('204');
    });

    it('after delete the same id is created again (201)', async () => {
      expectEntity(await patch(client, path, c.create), '201');
      expect((await del(path)).status).toBe('204');
    });
  });

  describe('merge patch', () => {
    it('arrays are replaced wholesale (worker queues and channels)', async () => {
      await put('/routing/queues/mp-q2', { distributionPolicyId: 'life-dp' });
      await put('/routing/workers/mp-w', { queues: ['life-q', 'mp-q2'], channels: [{ channelId: 'voice', capacityCostPerJob: 1 }, { channelId: 'chat', capacityCostPerJob: 1 }] });
      const response = await put('/routing/workers/mp-w', { queues: ['mp-q2'], channels: [{ channelId: 'email', capacityCostPerJob: 2 }] }, '200');
      expect(response.body.queues).toEqual(['mp-q2']);
      expect(response.body.channels).toEqual([{ channelId: 'email', capacityCostPerJob: 2 }]);
    });

    it('arrays are replaced wholesale (job selectors and notes, classification attachments, exception rules)', async () => {
      await put('/routing/jobs/mp-j', {
        queueId: 'life-q',
        requestedWorkerSelectors: [
          { key: 'a', labelOperator: 'equal', value: 1 },
          { key: 'b', labelOperator: 'equal', value: 2 },
        ],
        notes: [{ message: 'one', addedAt: '2024-01-01T00:00:00Z' }, { message: 'two', addedAt: '2024-01-02T00:00:00Z' }],
      });
      const job = await put('/routing/jobs/mp-j', { requestedWorkerSelectors: [{ key: 'c', labelOperator: 'notEqual', value: 'x' }], notes: [{ message: 'three', addedAt: '2024-01-03T00:00:00Z' }] }, '200');
      expect(job.body.requestedWorkerSelectors).toEqual([{ expedite: false, status: 'active', key: 'c', labelOperator: 'notEqual', value: 'x' }]);
      expect(job.body.notes).toEqual([{ message: 'three', addedAt: '2024-01-03T00:00:00+00:00' }]);

      const attachment = (value: string) => ({ kind: 'static', queueSelector: { key: 'Id', labelOperator: 'equal', value } });
      await put('/routing/classificationPolicies/mp-cp', { queueSelectorAttachments: [attachment('a'), attachment('b')] });
      const cp = await put('/routing/classificationPolicies/mp-cp', { queueSelectorAttachments: [attachment('c')] }, '200');
      expect(cp.body.queueSelectorAttachments).toEqual([attachment('c')]);

      const rule = (id: string) => ({ id, trigger: { kind: 'queueLength', threshold: 5 }, actions: [{ kind: 'cancel', id: `${id}-a` }] });
      await put('/routing/exceptionPolicies/mp-ep', { exceptionRules: [rule('r1'), rule('r2')] });
      const ep = await put('/routing/exceptionPolicies/mp-ep', { exceptionRules: [rule('r3')] }, '200');
      expect(ep.body.exceptionRules).toEqual([rule('r3')]);
    });

    it('nested objects are merged and null removes one label', async () => {
      await put('/routing/jobs/mp-labels', { queueId: 'life-q', labels: { a: 1, b: 'x', c: true }, tags: { t1: 1 } });
      const response = await put('/routing/jobs/mp-labels', { labels: { b: null, d: 2.5 }, tags: { t2: 'two' } }, '200');
      expect(response.body.labels).toEqual({ a: 1, c: true, d: 2.5 });
      expect(response.body.tags).toEqual({ t1: 1, t2: 'two' });
    });

    it('a distribution mode is merged, and its kind can change', async () => {
      await put('/routing/distributionPolicies/mp-dp', { mode: { kind: 'longestIdle', minConcurrentOffers: 2, maxConcurrentOffers: 4, bypassSelectors: true } });
      const response = await put('/routing/distributionPolicies/mp-dp', { mode: { kind: 'roundRobin' } }, '200');
      expect(response.body.mode).toEqual({ kind: 'roundRobin', minConcurrentOffers: 2, maxConcurrentOffers: 4, bypassSelectors: true });
    });

    it('absent members are unchanged', async () => {
      await put('/routing/queues/mp-absent', { name: 'keep', distributionPolicyId: 'life-dp', exceptionPolicyId: 'life-ep', labels: { x: 1 } });
      const response = await put('/routing/queues/mp-absent', { labels: { y: 2 } }, '200');
      expect(withoutEtag(response.body)).toEqual({ id: 'mp-absent', name: 'keep', distributionPolicyId: 'life-dp', labels: { x: 1, Id: 'mp-absent', y: 2 }, exceptionPolicyId: 'life-ep' });
    });

    it('null on create just leaves the member out', async () => {
      const response = await put('/routing/distributionPolicies/mp-null-create', { name: null, offerExpiresAfterSeconds: 5 });
      expect(withoutEtag(response.body)).toEqual({ id: 'mp-null-create', offerExpiresAfterSeconds: 5 });
    });

    it('the id in the body is ignored: the path names the resource', async () => {
      const response = await put('/routing/distributionPolicies/mp-id', { id: 'other', name: 'n' });
      expect(response.body.id).toBe('mp-id');
      expect((await get('/routing/distributionPolicies/other')).status).toBe('404');
    });
  });

  describe('member names that are also Object.prototype names are ordinary keys', () => {
    it('a label named "constructor" drops itself and every later label of the patch', async () => {
      await put('/routing/jobs/proto-1', { queueId: 'life-q', labels: { before: 1 } });
      const response = await put('/routing/jobs/proto-1', { labels: { constructor: 'c', after: 2 }, priority: 7 }, '200');
      expect(response.body.priority).toBe(7);
      expect(response.body.labels).toEqual({ before: 1, constructor: 'c', after: 2 });
    });

    it('a top-level "constructor" member silently discards the rest of the patch', async () => {
      await put('/routing/jobs/proto-2', { queueId: 'life-q', priority: 3 });
      const response = await put('/routing/jobs/proto-2', { constructor: 1, priority: 9 }, '200');
      expect(response.body.priority).toBe(9);
    });

    it('a stored label named "hasOwnProperty" makes every later label removal a 500', async () => {
      const created = await put('/routing/queues/proto-q', { distributionPolicyId: 'life-dp', labels: { hasOwnProperty: 2, a: 1 } });
      expect(created.body.labels).toEqual({ hasOwnProperty: 2, a: 1, Id: 'proto-q' });
      const response = await patch(client, '/routing/queues/proto-q', { labels: { a: null } });
      expect(response.status).toBe('200');
      expect(response.body.labels).toEqual({ hasOwnProperty: 2, Id: 'proto-q' });
      expect(created.body.labels).toEqual({ hasOwnProperty: 2, a: 1, Id: 'proto-q' });
    });
  });

  describe('concurrency', () => {
    it('parallel creates of one id: exactly one 201, the rest 200, one document', async () => {
      const responses = await Promise.all(Array.from({ length: 8 }, (_, i) => patch(client, '/routing/distributionPolicies/race-dp', { name: `n${i}` })));
      const statuses = responses.map((r) => r.status).sort();
      expect(statuses).toEqual(['200', '200', '200', '200', '200', '200', '200', '201']);
      const final = await get('/routing/distributionPolicies/race-dp');
      expect(responses.map((r) => r.headers['etag'])).toContain(final.headers['etag']);
    });
  });

  describe('kebab-case kinds are accepted and returned camelCase', () => {
    it.each([
      ['round-robin', 'roundRobin'],
      ['longest-idle', 'longestIdle'],
      ['best-worker', 'bestWorker'],
    ])('distribution mode %s → %s', async (kind, camel) => {
      const response = await put(`/routing/distributionPolicies/kebab-${kind}`, { mode: { kind } });
      expect(response.body.mode.kind).toBe(camel);
      expect((await get(`/routing/distributionPolicies/kebab-${kind}`)).body.mode.kind).toBe(camel);
    });

    it('exception triggers and actions (wait-time, queue-length, manual-reclassify)', async () => {
      const response = await put('/routing/exceptionPolicies/kebab-ep', {
        exceptionRules: [
          { id: 'r1', trigger: { kind: 'wait-time', thresholdSeconds: 10 }, actions: [{ kind: 'manual-reclassify', priority: 5 }] },
          { id: 'r2', trigger: { kind: 'queue-length', threshold: 3 }, actions: [{ kind: 'cancel' }] },
        ],
      });
      const rules = response.body.exceptionRules;
      expect(rules.map((r: { trigger: { kind: string } }) => r.trigger.kind)).toEqual(['waitTime', 'queueLength']);
      expect(rules[0].actions[0]).toEqual({ kind: 'manualReclassify', priority: 5, id: expect.any(String) });
    });

    it('job matching mode schedule-and-suspend → scheduleAndSuspend, scheduleAt in the service format', async () => {
      const response = await put('/routing/jobs/kebab-job', { queueId: 'life-q', matchingMode: { kind: 'schedule-and-suspend', scheduleAt: '2100-01-01T01:01:01.0000000Z' } });
      expect(response.body.matchingMode).toEqual({ kind: 'scheduleAndSuspend', scheduleAt: '2100-01-01T01:01:01+00:00' });
      expect(response.body.status).toBe('pendingSchedule');
      expect(response.body.enqueuedAt).toBeUndefined();
    });

    it('job matching mode queue-and-match → queueAndMatch', async () => {
      const response = await put('/routing/jobs/kebab-job-2', { queueId: 'life-q', matchingMode: { kind: 'queue-and-match' } });
      expect(response.body.matchingMode).toEqual({ kind: 'queueAndMatch' });
    });

    it('classification attachments (pass-through) and rules (direct-map-rule)', async () => {
      const response = await put('/routing/classificationPolicies/kebab-cp', {
        workerSelectorAttachments: [{ kind: 'pass-through', key: 'lang', labelOperator: 'equal' }],
        queueSelectorAttachments: [{ kind: 'rule-engine', rule: { kind: 'direct-map-rule' } }],
      });
      expect(response.body.workerSelectorAttachments).toEqual([{ kind: 'passThrough', key: 'lang', labelOperator: 'equal' }]);
      expect(response.body.queueSelectorAttachments).toEqual([{ kind: 'ruleEngine', rule: { kind: 'directMap' } }]);
    });
  });

  describe('references', () => {
    it('a queue with a missing distributionPolicyId → 400 naming the field, nothing created', async () => {
      const response = await patch(client, '/routing/queues/ref-q1', { distributionPolicyId: 'no-such-dp' });
      expectError(response, '400', 'BadRequest', '/routing/queues/ref-q1');
      expect(response.body.communicationError.message).toContain('distributionPolicyId');
      expect(response.body.communicationError.details).toEqual([expect.objectContaining({ target: 'distributionPolicyId' })]);
      expect((await get('/routing/queues/ref-q1')).status).toBe('404');
    });

    it('a queue without a distributionPolicyId → 400', async () => {
      const response = await patch(client, '/routing/queues/ref-q2', { name: 'no policy' });
      expectError(response, '400', 'BadRequest', '/routing/queues/ref-q2');
      expect(response.body.communicationError.message).toContain('distributionPolicyId');
      expect((await get('/routing/queues/ref-q2')).status).toBe('404');
    });

    it('removing the distributionPolicyId of a queue → 400, queue unchanged', async () => {
      await put('/routing/queues/ref-q3', { distributionPolicyId: 'life-dp' });
      const before = await get('/routing/queues/ref-q3');
      expectError(await patch(client, '/routing/queues/ref-q3', { distributionPolicyId: null }), '400', 'BadRequest', '/routing/queues/ref-q3');
      expect((await get('/routing/queues/ref-q3')).body).toEqual(before.body);
    });

    it('a queue with a missing exceptionPolicyId → 400', async () => {
      const response = await patch(client, '/routing/queues/ref-q4', { distributionPolicyId: 'life-dp', exceptionPolicyId: 'no-such-ep' });
      expectError(response, '400', 'BadRequest', '/routing/queues/ref-q4');
      expect(response.body.communicationError.message).toContain('exceptionPolicyId');
      expect((await get('/routing/queues/ref-q4')).status).toBe('404');
    });

    it('a job with neither queueId nor classificationPolicyId → 400', async () => {
      const response = await patch(client, '/routing/jobs/ref-j1', { channelId: 'voice', priority: 5 });
      expectError(response, '400', 'BadRequest', '/routing/jobs/ref-j1');
      expect(response.body.communicationError.message).toMatch(/queueId/);
      expect((await get('/routing/jobs/ref-j1')).status).toBe('404');
    });

    it('a job with an unknown queueId → 400', async () => {
      const response = await patch(client, '/routing/jobs/ref-j2', { queueId: 'no-such-queue' });
      expectError(response, '400', 'BadRequest', '/routing/jobs/ref-j2');
      expect(response.body.communicationError.message).toContain('queueId');
      expect((await get('/routing/jobs/ref-j2')).status).toBe('404');
    });

    it('a job with an unknown classificationPolicyId → 400', async () => {
      const response = await patch(client, '/routing/jobs/ref-j3', { classificationPolicyId: 'no-such-cp' });
      expectError(response, '400', 'BadRequest', '/routing/jobs/ref-j3');
      expect(response.body.communicationError.message).toContain('classificationPolicyId');
    });

    it('moving a job to an unknown queue → 400, job unchanged', async () => {
      await put('/routing/jobs/ref-j4', { queueId: 'life-q' });
      const before = await get('/routing/jobs/ref-j4');
      expectError(await patch(client, '/routing/jobs/ref-j4', { queueId: 'no-such-queue' }), '400', 'BadRequest', '/routing/jobs/ref-j4');
      expect(await get('/routing/jobs/ref-j4')).toEqual(expect.objectContaining({ body: before.body }));
    });

    it('a classification policy with an unknown fallbackQueueId → 400', async () => {
      const response = await patch(client, '/routing/classificationPolicies/ref-cp', { fallbackQueueId: 'no-such-queue' });
      expectError(response, '400', 'BadRequest', '/routing/classificationPolicies/ref-cp');
      expect(response.body.communicationError.message).toContain('fallbackQueueId');
    });

    it('a worker with an unknown queue → 400', async () => {
      const response = await patch(client, '/routing/workers/ref-w', { queues: ['life-q', 'no-such-queue'] });
      expectError(response, '400', 'BadRequest', '/routing/workers/ref-w');
      expect(response.body.communicationError.message).toContain('no-such-queue');
      expect((await get('/routing/workers/ref-w')).status).toBe('404');
    });
  });

  describe('deletes blocked by references', () => {
    it('a distribution policy used by a queue → 400 QueueExistsWithDistributionPolicy; allowed once the queue is gone', async () => {
      await put('/routing/distributionPolicies/blk-dp', { name: 'blk' });
      await put('/routing/queues/blk-dp-q', { distributionPolicyId: 'blk-dp' });
      const response = await del('/routing/distributionPolicies/blk-dp');
      expectError(response, '400', 'BadRequest', '/routing/distributionPolicies/blk-dp');
      expect(response.body.communicationError.details).toEqual([expect.objectContaining({ code: 'QueueExistsWithDistributionPolicy' })]);
      expect((await get('/routing/distributionPolicies/blk-dp')).status).toBe('200');
      expect((await del('/routing/queues/blk-dp-q')).status).toBe('204');
      expect((await del('/routing/distributionPolicies/blk-dp')).status).toBe('204');
    });

    it('an exception policy used by a queue → 400 QueueExistsWithExceptionPolicy; allowed once the queue drops it', async () => {
      await put('/routing/exceptionPolicies/blk-ep', { name: 'blk' });
      await put('/routing/queues/blk-ep-q', { distributionPolicyId: 'life-dp', exceptionPolicyId: 'blk-ep' });
      const response = await del('/routing/exceptionPolicies/blk-ep');
      expectError(response, '400', 'BadRequest', '/routing/exceptionPolicies/blk-ep');
      expect(response.body.communicationError.details).toEqual([expect.objectContaining({ code: 'QueueExistsWithExceptionPolicy' })]);
      expect((await get('/routing/exceptionPolicies/blk-ep')).status).toBe('200');
      await put('/routing/queues/blk-ep-q', { exceptionPolicyId: null }, '200');
      expect((await del('/routing/exceptionPolicies/blk-ep')).status).toBe('204');
    });

    it('a classification policy with an open job → 400 ActiveJobWithClassificationPolicyExist; allowed after the job is cancelled', async () => {
      await put('/routing/classificationPolicies/blk-cp', { name: 'blk' });
      await put('/routing/jobs/blk-cp-job', { classificationPolicyId: 'blk-cp' });
      const response = await del('/routing/classificationPolicies/blk-cp');
      expectError(response, '400', 'BadRequest', '/routing/classificationPolicies/blk-cp');
      expect(response.body.communicationError.details).toEqual([expect.objectContaining({ code: 'ActiveJobWithClassificationPolicyExist' })]);
      expect((await get('/routing/classificationPolicies/blk-cp')).status).toBe('200');
      expect((await cancel('blk-cp-job')).status).toBe('200');
      expect((await del('/routing/classificationPolicies/blk-cp')).status).toBe('204');
    });

    it('a queue with an open job → 409 "There is active job with this queue"; allowed after cancel', async () => {
      await put('/routing/queues/blk-q-job', { distributionPolicyId: 'life-dp' });
      await put('/routing/jobs/blk-q-job-1', { queueId: 'blk-q-job' });
      const response = await del('/routing/queues/blk-q-job');
      expectError(response, '409', 'Conflict', '/routing/queues/blk-q-job');
      expect(response.body.communicationError.message).toContain('There is active job with this queue');
      expect((await get('/routing/queues/blk-q-job')).status).toBe('200');
      expect((await cancel('blk-q-job-1')).status).toBe('200');
      expect((await del('/routing/queues/blk-q-job')).status).toBe('204');
    });

    it('a scheduled job also blocks its queue', async () => {
      await put('/routing/queues/blk-q-sched', { distributionPolicyId: 'life-dp' });
      await put('/routing/jobs/blk-q-sched-1', { queueId: 'blk-q-sched', matchingMode: { kind: 'scheduleAndSuspend', scheduleAt: '2100-01-01T00:00:00Z' } });
      const response = await del('/routing/queues/blk-q-sched');
      expectError(response, '409', 'Conflict', '/routing/queues/blk-q-sched');
      expect(response.body.communicationError.message).toContain('There is active job with this queue');
    });

    it('a queue used as fallback → 409 "…fallback queue"; allowed once the policy drops it', async () => {
      await put('/routing/queues/blk-q-fb', { distributionPolicyId: 'life-dp' });
      await put('/routing/classificationPolicies/blk-q-fb-cp', { fallbackQueueId: 'blk-q-fb' });
      const response = await del('/routing/queues/blk-q-fb');
      expectError(response, '409', 'Conflict', '/routing/queues/blk-q-fb');
      expect(response.body.communicationError.message).toContain('There is classification policy with this queue as fallback queue');
      await put('/routing/classificationPolicies/blk-q-fb-cp', { fallbackQueueId: null }, '200');
      expect((await del('/routing/queues/blk-q-fb')).status).toBe('204');
    });

    it('a queue listed by an (inactive) worker → 409 "There is an assigned worker to this queue"; allowed once the worker leaves', async () => {
      await put('/routing/queues/blk-q-w', { distributionPolicyId: 'life-dp' });
      await put('/routing/workers/blk-q-w-worker', { queues: ['blk-q-w'], availableForOffers: false });
      const response = await del('/routing/queues/blk-q-w');
      expectError(response, '409', 'Conflict', '/routing/queues/blk-q-w');
      expect(response.body.communicationError.message).toContain('There is an assigned worker to this queue');
      await put('/routing/workers/blk-q-w-worker', { queues: [] }, '200');
      expect((await del('/routing/queues/blk-q-w')).status).toBe('204');
    });

    it('all three blockers are reported together', async () => {
      await put('/routing/queues/blk-q-all', { distributionPolicyId: 'life-dp' });
      await put('/routing/jobs/blk-q-all-job', { queueId: 'blk-q-all' });
      await put('/routing/classificationPolicies/blk-q-all-cp', { fallbackQueueId: 'blk-q-all' });
      await put('/routing/workers/blk-q-all-w', { queues: ['blk-q-all'] });
      const response = await del('/routing/queues/blk-q-all');
      expectError(response, '409', 'Conflict', '/routing/queues/blk-q-all');
      const message: string = response.body.communicationError.message;
      expect(message).toMatch(/^Validation failed: /);
      for (const reason of ['There is active job with this queue', 'There is classification policy with this queue as fallback queue', 'There is an assigned worker to this queue']) {
        expect(message).toContain(reason);
      }
    });
  });

  describe('jobs', () => {
    it('defaults: priority 1, queueAndMatch, empty collections, selectors gain expedite:false and status:"active"', async () => {
      const response = await put('/routing/jobs/def-j', {
        queueId: 'life-q',
        requestedWorkerSelectors: [
          { key: 'lang', labelOperator: 'equal', value: 'en' },
          { key: 'vip', labelOperator: 'equal', value: true, expedite: true, expiresAfterSeconds: 60 },
        ],
      });
      expectEntity(response, '201');
      expect(withoutEtag(response.body)).toEqual({
        id: 'def-j',
        status: 'queued',
        enqueuedAt: expect.any(String),
        queueId: 'life-q',
        priority: 1,
        requestedWorkerSelectors: [
          { expedite: false, status: 'active', key: 'lang', labelOperator: 'equal', value: 'en' },
          { expedite: true, status: 'active', key: 'vip', labelOperator: 'equal', value: true, expiresAfterSeconds: 60, expiresAt: expect.any(String) },
        ],
        attachedWorkerSelectors: [],
        labels: {},
        assignments: {},
        tags: {},
        notes: [],
        matchingMode: { kind: 'queueAndMatch' },
      });
      const expiresAt = Date.parse(response.body.requestedWorkerSelectors[1].expiresAt);
      const lastModified = Date.parse(response.headers['last-modified'] ?? '');
      expect(expiresAt - lastModified).toBeGreaterThanOrEqual(59_000);
      expect(expiresAt - lastModified).toBeLessThanOrEqual(61_000);
    });

    it('a job with a classification policy starts pendingClassification', async () => {
      await put('/routing/classificationPolicies/def-cp', { name: 'def' });
      const response = await put('/routing/jobs/def-j-cp', { classificationPolicyId: 'def-cp', channelId: 'chat' });
      expect(response.body.status).toBe('pendingClassification');
      expect(response.body.classificationPolicyId).toBe('def-cp');
    });

    it('{"priority": null} resets priority to 1 and {"dispositionCode": null} removes it', async () => {
      await put('/routing/jobs/def-prio', { queueId: 'life-q', priority: 25, dispositionCode: 'testCode' });
      const response = await put('/routing/jobs/def-prio', { priority: null, dispositionCode: null }, '200');
      expect(response.body.priority).toBe(1);
      expect('dispositionCode' in response.body).toBe(false);
      expect(response.body.status).toBe('queued');
    });

    it('priority bounds -100 and 100 are accepted', async () => {
      expect((await put('/routing/jobs/def-prio-low', { queueId: 'life-q', priority: -100 })).body.priority).toBe(-100);
      expect((await put('/routing/jobs/def-prio-high', { queueId: 'life-q', priority: 100 })).body.priority).toBe(100);
    });

    it('a note without addedAt gets the time of the write', async () => {
      const response = await put('/routing/jobs/def-note', { queueId: 'life-q', notes: [{ message: 'hello' }] });
      expect(response.body.notes).toEqual([{ message: 'hello', addedAt: expect.stringMatching(/\+00:00$/) }]);
      const addedAt = Date.parse(response.body.notes[0].addedAt);
      expect(Math.abs(addedAt - Date.parse(response.headers['last-modified'] ?? ''))).toBeLessThan(1000);
    });

    it('read-only members in the body (status, assignments, enqueuedAt) are ignored', async () => {
      const response = await put('/routing/jobs/def-ro', { queueId: 'life-q', status: 'assigned', assignments: { a: { assignmentId: 'a', assignedAt: '2024-01-01T00:00:00Z' } }, enqueuedAt: '2024-01-01T00:00:00Z' });
      expect(response.body.status).toBe('queued');
      expect(response.body.assignments).toEqual({});
      expect(response.body.enqueuedAt).not.toBe('2024-01-01T00:00:00Z');
    });
  });

  describe('cancel', () => {
    it('without a body: status cancelled, dispositionCode "Cancelled", 200 {} with no ETag', async () => {
      await put('/routing/jobs/cx-1', { queueId: 'life-q' });
      const before = await get('/routing/jobs/cx-1');
      const response = await cancel('cx-1');
      expect(response.status).toBe('200');
      expect(response.body).toEqual({});
      expect(response.headers['etag']).toBeUndefined();
      const job = await get('/routing/jobs/cx-1');
      expect(job.body.status).toBe('cancelled');
      expect(job.body.dispositionCode).toBe('Cancelled');
      expect(job.body.notes).toEqual([]);
      expect(job.headers['etag']).not.toBe(before.headers['etag']);
    });

    it('with a note and a dispositionCode: the note is appended, the code kept', async () => {
      await put('/routing/jobs/cx-2', { queueId: 'life-q', notes: [{ message: 'first', addedAt: '2024-01-01T00:00:00Z' }] });
      expect((await cancel('cx-2', { note: 'caller hung up', dispositionCode: 'Abandoned' })).status).toBe('200');
      const job = await get('/routing/jobs/cx-2');
      expect(job.body.status).toBe('cancelled');
      expect(job.body.dispositionCode).toBe('Abandoned');
      expect(job.body.notes).toEqual([
        { message: 'first', addedAt: '2024-01-01T00:00:00+00:00' },
        { message: 'caller hung up', addedAt: expect.stringMatching(/\+00:00$/) },
      ]);
    });

    it('with an empty body {} (as the .NET SDK sends) works like no body', async () => {
      await put('/routing/jobs/cx-3', { queueId: 'life-q' });
      expect((await cancel('cx-3', {})).status).toBe('200');
      expect((await get('/routing/jobs/cx-3')).body.dispositionCode).toBe('Cancelled');
    });

    it('cancelling again → 409, job unchanged', async () => {
      await put('/routing/jobs/cx-4', { queueId: 'life-q' });
      expect((await cancel('cx-4')).status).toBe('200');
      const before = await get('/routing/jobs/cx-4');
      const response = await cancel('cx-4', { note: 'again' });
      expectError(response, '409', 'Conflict', '/routing/jobs/cx-4:cancel');
      expect((await get('/routing/jobs/cx-4')).body).toEqual(before.body);
    });

    it('cancelling a missing job → 404', async () => {
      expectError(await cancel('cx-missing'), '404', 'NotFound', '/routing/jobs/cx-missing:cancel');
    });

    it('a cancelled job can be deleted (204)', async () => {
      await put('/routing/jobs/cx-5', { queueId: 'life-q' });
      expect((await cancel('cx-5')).status).toBe('200');
      expect((await del('/routing/jobs/cx-5')).status).toBe('204');
      expect((await get('/routing/jobs/cx-5')).status).toBe('404');
    });
  });

  describe('workers', () => {
    it('state follows availableForOffers synchronously', async () => {
      const created = await put('/routing/workers/st-w', { capacity: 1, availableForOffers: false });
      expect(created.body.state).toBe('inactive');
      expect((await put('/routing/workers/st-w', { availableForOffers: true }, '200')).body.state).toBe('active');
      expect((await get('/routing/workers/st-w')).body.state).toBe('active');
      expect((await put('/routing/workers/st-w', { availableForOffers: false }, '200')).body.state).toBe('inactive');
    });

    it('an empty worker gets defaults: inactive, capacity 0, label Id, empty collections', async () => {
      const response = await put('/routing/workers/st-empty', {});
      expect(withoutEtag(response.body)).toEqual({
        id: 'st-empty',
        state: 'inactive',
        queues: [],
        capacity: 0,
        labels: { Id: 'st-empty' },
        tags: {},
        channels: [],
        offers: [],
        assignedJobs: [],
        loadRatio: 0,
        availableForOffers: false,
      });
    });

    it('label Id is added after the user labels and survives label updates', async () => {
      const created = await put('/routing/workers/st-labels', { labels: { label1: 'v1', n: 2 } });
      expect(Object.keys(created.body.labels)).toEqual(['label1', 'n', 'Id']);
      expect(created.body.labels.Id).toBe('st-labels');
      const updated = await put('/routing/workers/st-labels', { labels: { n: null, x: false } }, '200');
      expect(updated.body.labels).toEqual({ label1: 'v1', Id: 'st-labels', x: false });
    });

    it('"tags": null → {} and "labels": {} keeps the labels', async () => {
      const created = await put('/routing/workers/st-tags', { labels: { label1: 'keep' }, tags: { t: 1 } });
      const cleared = await put('/routing/workers/st-tags', { tags: null }, '200');
      expect(cleared.body.tags).toEqual({});
      expect(cleared.body.labels).toEqual(created.body.labels);
      const same = await patch(client, '/routing/workers/st-tags', { labels: {} });
      expect(same.status).toBe('200');
      expect(same.body.labels).toEqual({ label1: 'keep', Id: 'st-tags' });
      expect(same.headers['etag']).toBe(cleared.headers['etag']);
    });

    it('duplicate queue ids are collapsed', async () => {
      const response = await put('/routing/workers/st-dupes', { queues: ['life-q', 'life-q'] });
      expect(response.body.queues).toEqual(['life-q']);
    });

    it('maxConcurrentOffers (2024-01-18-preview) is accepted', async () => {
      const response = await put('/routing/workers/st-mco', { maxConcurrentOffers: 2 });
      expect(response.body.maxConcurrentOffers).toBe(2);
    });
  });

  describe('exception policies', () => {
    it('every action gets a generated id; an explicit one is kept', async () => {
      const response = await put('/routing/exceptionPolicies/gen-ep', {
        exceptionRules: [
          { id: 'r1', trigger: { kind: 'waitTime', thresholdSeconds: 30 }, actions: [{ kind: 'cancel' }, { kind: 'reclassify', labelsToUpsert: { escalated: true } }] },
          { id: 'r2', trigger: { kind: 'queueLength', threshold: 10 }, actions: [{ kind: 'manualReclassify', id: 'mine', queueId: 'life-q' }] },
        ],
      });
      const [r1, r2] = response.body.exceptionRules;
      const generated = r1.actions.map((a: { id: unknown }) => a.id);
      for (const id of generated) expect(id).toEqual(expect.stringMatching(/\S/));
      expect(new Set(generated).size).toBe(2);
      expect(r2.actions[0].id).toBe('mine');
      expect(Object.keys(r1)).toEqual(['id', 'trigger', 'actions']);
    });

    it('generated ids are kept by a patch that does not resend the rules', async () => {
      const before = await get('/routing/exceptionPolicies/gen-ep');
      const response = await put('/routing/exceptionPolicies/gen-ep', { name: 'renamed' }, '200');
      expect(response.body.exceptionRules).toEqual(before.body.exceptionRules);
    });

    it('resending the rules without action ids generates new ids (the service did the same)', async () => {
      const body = { exceptionRules: [{ id: 'r1', trigger: { kind: 'waitTime', thresholdSeconds: 30 }, actions: [{ kind: 'cancel' }] }] };
      const first = await put('/routing/exceptionPolicies/gen-ep-2', body);
      const second = await put('/routing/exceptionPolicies/gen-ep-2', body, '200');
      expect(second.body.exceptionRules[0].actions[0].id).not.toBe(first.body.exceptionRules[0].actions[0].id);
      expect(second.headers['etag']).not.toBe(first.headers['etag']);
    });
  });
});

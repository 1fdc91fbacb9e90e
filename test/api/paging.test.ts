import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Client } from '@azure-rest/core-client';
import { startTestRouter } from '../support/embeddedRouter';
import { listPages as listPagesOf } from '../support/listPages';
import { patch } from '../support/signedClient';

/**
 * List operations: paging by nextLink (as the SDK's paginate() follows it), continuation across a
 * restart, and the query filters of GET /routing/jobs and GET /routing/workers (docs/behaviour.md#paging, #list-filters).
 */

type Router = Awaited<ReturnType<typeof startTestRouter>>;
interface Page {
  value: Array<{ id: string; etag: string } & Record<string, unknown>>;
  nextLink?: string;
}

const listPages = (client: Client, first: string, queryParameters?: Record<string, string | number | boolean>) => listPagesOf<Page>(client, first, queryParameters);

const idsOf = (pages: Page[]) => pages.flatMap((page) => page.value.map((item) => item.id));

/** UTF-8 byte order: the store's documented list order (shared/ports/Store.ts ListQuery.afterId). */
const byteOrder = (a: string, b: string) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));

const QUEUE_IDS = [
  '12345', 'a.b', 'a b', '0', '1', '10', '100', '2', '9', '99', 'A', 'Z', '_under', 'a', 'a-b',
  'aa', 'ab', 'b', 'z', '~tilde', 'é', 'q%', 'x y z', 'MiXeD', 'last',
];

describe('paging of queues', () => {
  const accessKey = Buffer.alloc(32, 9).toString('base64');
  let dataDir: string;
  let router: Router;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jobrouter-paging-'));
    router = await startTestRouter({ dataDir, accessKey });
    expect((await patch(router.client, '/routing/distributionPolicies/paging-dp', { offerExpiresAfterSeconds: 30, mode: { kind: 'longestIdle' } })).status).toBe('201');
    for (const id of QUEUE_IDS) {
      const response = await router.client.pathUnchecked('/routing/queues/{queueId}', id).patch({ body: { distributionPolicyId: 'paging-dp' }, contentType: 'application/merge-patch+json' });
      expect(response.status).toBe('201');
      expect(response.body.id).toBe(id);
    }
  });
  afterAll(async () => {
    await router.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('the fixture has 25 distinct ids', () => {
    expect(new Set(QUEUE_IDS).size).toBe(25);
  });

  it('maxpagesize=10: 3 pages of 10, 10 and 5, every queue exactly once, no nextLink on the last page', async () => {
    const pages = await listPages(router.client, '/routing/queues', { maxpagesize: 10 });
    expect(pages.map((page) => page.value.length)).toEqual([10, 10, 5]);
    expect(pages.map((page) => 'nextLink' in page)).toEqual([true, true, false]);
    const ids = idsOf(pages);
    expect(ids).toHaveLength(25);
    expect([...ids].sort(byteOrder)).toEqual([...QUEUE_IDS].sort(byteOrder));
    expect(new Set(ids).size).toBe(25);
  });

  it('the order is stable across page sizes (and is the byte order of the ids)', async () => {
    const all = idsOf(await listPages(router.client, '/routing/queues', { maxpagesize: 1000 }));
    const paged = idsOf(await listPages(router.client, '/routing/queues', { maxpagesize: 10 }));
    const ones = idsOf(await listPages(router.client, '/routing/queues', { maxpagesize: 1 }));
    const sevens = idsOf(await listPages(router.client, '/routing/queues', { maxpagesize: 7 }));
    expect(paged).toEqual(all);
    expect(ones).toEqual(all);
    expect(sevens).toEqual(all);
    expect(all).toEqual([...QUEUE_IDS].sort(byteOrder));
  });

  it('list items are full queues with their etags', async () => {
    const [page] = await listPages(router.client, '/routing/queues', { maxpagesize: 1000 });
    const item = page?.value.find((queue) => queue.id === 'a b');
    const single = await router.client.pathUnchecked('/routing/queues/{queueId}', 'a b').get();
    expect(item).toEqual(single.body);
    expect(item?.etag).toBe(single.headers['etag']);
  });

  it('nextLink is a relative path with only a continuationToken (api-version is the client\'s to add)', async () => {
    const [first] = await listPages(router.client, '/routing/queues', { maxpagesize: 10 });
    const nextLink = first?.nextLink ?? '';
    expect(nextLink).toMatch(/^\/routing\/queues\?continuationToken=[^&]+$/);
    expect(nextLink).not.toContain('api-version');
  });

  it('a nextLink keeps working after the host restarts on the same data folder', async () => {
    const before = await listPages(router.client, '/routing/queues', { maxpagesize: 10 });
    const nextLink = before[0]?.nextLink;
    expect(nextLink).toBeDefined();

    await router.close();
    router = await startTestRouter({ dataDir, accessKey });
    expect(router.accessKey).toBe(accessKey);

    const first = await router.client.pathUnchecked(nextLink ?? '').get();
    expect(first.status).toBe('200');
    expect(first.body.value.map((q: { id: string }) => q.id)).toEqual(before[1]?.value.map((q) => q.id));
    const rest = await listPages(router.client, first.body.nextLink);
    expect([...idsOf(before.slice(0, 1)), ...first.body.value.map((q: { id: string }) => q.id), ...idsOf(rest)]).toEqual(idsOf(before));
  });

  it('maxpagesize within limits is accepted (1 and 1000)', async () => {
    for (const size of [1, 1000]) {
      const response = await router.client.pathUnchecked('/routing/queues').get({ queryParameters: { maxpagesize: size } });
      expect(response.status).toBe('200');
      expect(response.body.value).toHaveLength(Math.min(size, 25));
    }
  });

  it.each([['0'], ['-1'], ['abc'], ['100000'], ['1.5'], ['1e3'], ['']])('maxpagesize=%j → 400', async (size) => {
    const response = await router.client.pathUnchecked(`/routing/queues?maxpagesize=${size}`).get();
    expect(response.status).toBe('400');
    expect(response.body.communicationError.code).toBe('BadRequest');
    expect(response.body.communicationError.message).toContain('maxpagesize');
  });

  const token = (value: unknown) => encodeURIComponent(Buffer.from(JSON.stringify(value), 'utf8').toString('base64'));
  it.each([
    ['not base64 JSON', 'garbage!!'],
    ['empty', ''],
    ['JSON without the fields', token({ a: 1 })],
    ['JSON null', token(null)],
    ['a page size of 0', token({ a: '', n: 0, w: [] })],
    ['a page size above the maxpagesize limit', token({ a: '', n: 1001, w: [] })],
    ['a condition with an unknown operator', token({ a: '', n: 5, w: [{ key: 'status', op: 'like', value: 'x' }] })],
  ])('an invalid continuationToken (%s) → 400', async (_label, value) => {
    const response = await router.client.pathUnchecked(`/routing/queues?continuationToken=${value}`).get();
    expect(response.status).toBe('400');
    expect(response.body.communicationError.code).toBe('BadRequest');
    expect(response.body.communicationError.message).toContain('continuationToken');
  });

  it('a forged continuationToken with a huge page size', async () => {
    const response = await router.client.pathUnchecked(`/routing/queues?continuationToken=${token({ a: '', n: 1e300, w: [] })}`).get();
    // A forged page size beyond maxpagesize's limit is as invalid as any other forged token.
    expect(response.status).toBe('400');
  });
});

describe('list filters', () => {
  let router: Router;
  let client: Client;

  beforeAll(async () => {
    router = await startTestRouter();
    client = router.client;
    const ok = async (p: string, body: unknown) => {
      const response = await patch(client, p, body);
      expect(response.status).toBe('201');
    };
    await ok('/routing/distributionPolicies/dp', { offerExpiresAfterSeconds: 30, mode: { kind: 'longestIdle' } });
    await ok('/routing/queues/qA', { distributionPolicyId: 'dp' });
    await ok('/routing/queues/qB', { distributionPolicyId: 'dp' });
    await ok('/routing/classificationPolicies/cp1', { name: 'cp1' });
    // The workers serve queues without jobs, so that matching leaves their capacity as the filters expect.
    await ok('/routing/queues/qC', { distributionPolicyId: 'dp' });
    await ok('/routing/queues/qD', { distributionPolicyId: 'dp' });

    await ok('/routing/jobs/j1', { queueId: 'qA', channelId: 'voice' });
    await ok('/routing/jobs/j2', { queueId: 'qB', channelId: 'chat' });
    await ok('/routing/jobs/j3', { classificationPolicyId: 'cp1', queueId: 'qA', channelId: 'voice' });
    await ok('/routing/jobs/j4', { queueId: 'qA', channelId: 'chat', matchingMode: { kind: 'scheduleAndSuspend', scheduleAt: '2030-01-01T00:00:00Z' } });
    await ok('/routing/jobs/j5', { queueId: 'qB', matchingMode: { kind: 'scheduleAndSuspend', scheduleAt: '2031-06-01T00:00:00.000Z' } });
    await ok('/routing/jobs/j6', { queueId: 'qA', channelId: 'voice' });
    expect((await client.pathUnchecked('/routing/jobs/j6:cancel').post()).status).toBe('200');

    await ok('/routing/workers/w1', { availableForOffers: true, capacity: 1, queues: ['qC'], channels: [{ channelId: 'voice', capacityCostPerJob: 1 }] });
    await ok('/routing/workers/w2', { availableForOffers: false, capacity: 1, queues: ['qD'], channels: [{ channelId: 'chat', capacityCostPerJob: 1 }] });
    await ok('/routing/workers/w3', { availableForOffers: true, capacity: 2, queues: ['qC', 'qD'], channels: [{ channelId: 'voice', capacityCostPerJob: 5 }, { channelId: 'chat', capacityCostPerJob: 1 }] });
    await ok('/routing/workers/w4', { availableForOffers: true, capacity: 0 });
  });
  afterAll(async () => {
    await router.close();
  });

  /**
   * The filtered ids, read twice: in one page, and one item per page following nextLink, so that every
   * page after the first proves the filter travelled inside the nextLink.
   */
  async function expectIds(collection: 'jobs' | 'workers', query: Record<string, string | boolean>, expected: string[]) {
    const onePage = await listPages(client, `/routing/${collection}`, query);
    expect(onePage).toHaveLength(1);
    expect(idsOf(onePage).sort()).toEqual([...expected].sort());
    const paged = await listPages(client, `/routing/${collection}`, { ...query, maxpagesize: 1 });
    expect(idsOf(paged).sort()).toEqual([...expected].sort());
    expect(paged.length).toBe(Math.max(expected.length, 1));
  }

  describe('jobs', () => {
    it('fixture statuses', async () => {
      const statuses = Object.fromEntries(idsOf(await listPages(client, '/routing/jobs')).map((id) => [id, '']));
      for (const id of Object.keys(statuses)) statuses[id] = (await client.pathUnchecked(`/routing/jobs/${id}`).get()).body.status;
      expect(statuses).toEqual({ j1: 'queued', j2: 'queued', j3: 'queued', j4: 'scheduled', j5: 'scheduled', j6: 'cancelled' });
    });

    it.each([
      [{}, ['j1', 'j2', 'j3', 'j4', 'j5', 'j6']],
      [{ status: 'all' }, ['j1', 'j2', 'j3', 'j4', 'j5', 'j6']],
      [{ status: 'active' }, ['j1', 'j2', 'j3', 'j4', 'j5']],
      [{ status: 'created' }, []],
      [{ status: 'cancelled' }, ['j6']],
      [{ status: 'scheduled' }, ['j4', 'j5']],
      [{ status: 'pendingClassification' }, []],
      [{ status: 'queued' }, ['j1', 'j2', 'j3']],
      [{ queueId: 'qA' }, ['j1', 'j3', 'j4', 'j6']],
      [{ queueId: 'qB' }, ['j2', 'j5']],
      [{ queueId: 'nope' }, []],
      [{ channelId: 'voice' }, ['j1', 'j3', 'j6']],
      [{ channelId: 'chat' }, ['j2', 'j4']],
      [{ classificationPolicyId: 'cp1' }, ['j3']],
      [{ scheduledBefore: '2030-06-01T00:00:00Z' }, ['j4']],
      [{ scheduledBefore: '2030-01-01T00:00:00.000Z' }, ['j4']],
      [{ scheduledBefore: '2029-12-31T23:59:59Z' }, []],
      [{ scheduledAfter: '2030-06-01T00:00:00Z' }, ['j5']],
      [{ scheduledAfter: '2031-06-01T00:00:00Z' }, ['j5']],
      [{ scheduledAfter: '2031-06-01T00:00:00.001Z' }, []],
      [{ scheduledAfter: '2029-01-01T00:00:00Z', scheduledBefore: '2032-01-01T00:00:00Z' }, ['j4', 'j5']],
      [{ scheduledAfter: '2029-01-01T00:00:00+02:00' }, ['j4', 'j5']],
      [{ status: 'queued', queueId: 'qA' }, ['j1', 'j3']],
      [{ status: 'active', queueId: 'qA', channelId: 'chat' }, ['j4']],
      [{ queueId: 'qB', scheduledBefore: '2040-01-01T00:00:00Z' }, ['j5']],
    ])('%j → %j', async (query, expected) => {
      await expectIds('jobs', query, expected);
    });

    it('page 2 of a filtered list is still filtered (queueId=qA, maxpagesize=2)', async () => {
      const pages = await listPages(client, '/routing/jobs', { queueId: 'qA', maxpagesize: 2 });
      expect(pages.map((page) => page.value.length)).toEqual([2, 2]);
      for (const page of pages) for (const job of page.value) expect(job['queueId']).toBe('qA');
      expect(idsOf(pages)).toEqual(['j1', 'j3', 'j4', 'j6']);
    });

    it.each([[{ status: 'bogus' }], [{ status: '' }], [{ scheduledBefore: 'tomorrow' }], [{ scheduledAfter: '2030-01-01' }], [{ maxpagesize: '0' }]])('%j → 400', async (query) => {
      const response = await client.pathUnchecked('/routing/jobs').get({ queryParameters: query });
      expect(response.status).toBe('400');
      expect(response.body.communicationError.code).toBe('BadRequest');
      expect(response.body.communicationError.message).toContain(Object.keys(query)[0]);
    });
  });

  describe('workers', () => {
    it.each([
      [{}, ['w1', 'w2', 'w3', 'w4']],
      [{ state: 'all' }, ['w1', 'w2', 'w3', 'w4']],
      [{ state: 'active' }, ['w1', 'w3', 'w4']],
      [{ state: 'inactive' }, ['w2']],
      [{ state: 'draining' }, []],
      [{ queueId: 'qC' }, ['w1', 'w3']],
      [{ queueId: 'qD' }, ['w2', 'w3']],
      [{ channelId: 'voice' }, ['w1', 'w3']],
      [{ channelId: 'chat' }, ['w2', 'w3']],
      [{ hasCapacity: 'true' }, ['w1', 'w2', 'w3']],
      [{ hasCapacity: 'false' }, ['w1', 'w2', 'w3', 'w4']],
      [{ hasCapacity: 'true', channelId: 'voice' }, ['w1']],
      [{ hasCapacity: 'true', channelId: 'chat' }, ['w2', 'w3']],
      [{ hasCapacity: 'false', channelId: 'voice' }, ['w1', 'w3']],
      [{ state: 'active', hasCapacity: 'true', channelId: 'chat' }, ['w3']],
      [{ state: 'active', queueId: 'qD' }, ['w3']],
    ])('%j → %j', async (query, expected) => {
      await expectIds('workers', query, expected);
    });

    it('page 2 of a filtered list is still filtered (state=active, maxpagesize=2)', async () => {
      const pages = await listPages(client, '/routing/workers', { state: 'active', maxpagesize: 2 });
      expect(pages.map((page) => page.value.length)).toEqual([2, 1]);
      for (const page of pages) for (const worker of page.value) expect(worker['state']).toBe('active');
    });

    it.each([[{ state: 'busy' }], [{ state: '' }], [{ hasCapacity: 'maybe' }], [{ maxpagesize: '-1' }]])('%j → 400', async (query) => {
      const response = await client.pathUnchecked('/routing/workers').get({ queryParameters: query });
      expect(response.status).toBe('400');
      expect(response.body.communicationError.code).toBe('BadRequest');
      expect(response.body.communicationError.message).toContain(Object.keys(query)[0]);
    });
  });

  describe('changes between pages', () => {
    it('deleting the last item of page 1 and the first of page 2 neither breaks nor repeats', async () => {
      for (const id of ['pg-1', 'pg-2', 'pg-3', 'pg-4', 'pg-5']) {
        expect((await patch(client, `/routing/exceptionPolicies/${id}`, { name: id })).status).toBe('201');
      }
      const first = await client.pathUnchecked('/routing/exceptionPolicies').get({ queryParameters: { maxpagesize: 2 } });
      expect(first.body.value.map((p: { id: string }) => p.id)).toEqual(['pg-1', 'pg-2']);
      expect((await client.pathUnchecked('/routing/exceptionPolicies/pg-2').delete()).status).toBe('204');
      expect((await client.pathUnchecked('/routing/exceptionPolicies/pg-3').delete()).status).toBe('204');
      const rest = await listPages(client, first.body.nextLink);
      expect(idsOf(rest)).toEqual(['pg-4', 'pg-5']);
    });
  });
});

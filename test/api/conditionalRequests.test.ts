import type { Client } from '@azure-rest/core-client';
import { startTestRouter } from '../support/embeddedRouter';
import { patch } from '../support/signedClient';

/**
 * If-Match / If-Unmodified-Since on the six upsert PATCHes (docs/behaviour.md#conditional-requests), and the body `etag` that
 * other SDKs send and the service ignored (docs/behaviour.md#requests).
 */

interface ResourceCase {
  collection: string;
  create: Record<string, unknown>;
  /** A patch that certainly changes the resource (distinct for every n). */
  change: (n: number) => Record<string, unknown>;
}

const CASES: ResourceCase[] = [
  { collection: 'distributionPolicies', create: { offerExpiresAfterSeconds: 30, mode: { kind: 'longestIdle' } }, change: (n) => ({ name: `name-${n}` }) },
  { collection: 'classificationPolicies', create: { name: 'cp' }, change: (n) => ({ name: `name-${n}` }) },
  { collection: 'exceptionPolicies', create: { name: 'ep' }, change: (n) => ({ name: `name-${n}` }) },
  { collection: 'queues', create: { distributionPolicyId: 'cond-dp' }, change: (n) => ({ name: `name-${n}` }) },
  { collection: 'jobs', create: { queueId: 'cond-q' }, change: (n) => ({ channelReference: `ref-${n}` }) },
  { collection: 'workers', create: { capacity: 1 }, change: (n) => ({ capacity: n + 2 }) },
];

let counter = 0;
const nextN = () => ++counter;

describe('conditional upserts', () => {
  let router: Awaited<ReturnType<typeof startTestRouter>>;
  let client: Client;

  beforeAll(async () => {
    router = await startTestRouter();
    client = router.client;
    expect((await patch(client, '/routing/distributionPolicies/cond-dp', { offerExpiresAfterSeconds: 30, mode: { kind: 'longestIdle' } })).status).toBe('201');
    expect((await patch(client, '/routing/queues/cond-q', { distributionPolicyId: 'cond-dp' })).status).toBe('201');
  });
  afterAll(async () => {
    await router.close();
  });

  describe('RFC 7232 strictness', () => {
    it('a weak W/ form of the current etag in If-Match', async () => {
      const created = await patch(client, '/routing/queues/cond-weak', { distributionPolicyId: 'cond-dp' });
      expect(created.status).toBe('201');
      const response = await patch(client, '/routing/queues/cond-weak', { name: 'weak' }, { 'If-Match': `W/${created.headers['etag']}` });
      // If-Match uses the strong comparison (RFC 7232 §3.1): a weak tag never matches.
      expect(response.status).toBe('412');
    });

    it('a bare number as If-Unmodified-Since', async () => {
      expect((await patch(client, '/routing/queues/cond-lenient', { distributionPolicyId: 'cond-dp' })).status).toBe('201');
      const response = await patch(client, '/routing/queues/cond-lenient', { name: 'lenient' }, { 'If-Unmodified-Since': '1' });
      // "1" is not an HTTP-date (Date.parse would read it as 2001-01-01).
      expect(response.status).toBe('400');
    });
  });

  it('parallel PATCHes with the same If-Match: exactly one wins, the others get 412', async () => {
    const created = await patch(client, '/routing/queues/cond-race', { distributionPolicyId: 'cond-dp' });
    expect(created.status).toBe('201');
    const etag = created.headers['etag'] ?? '';
    const responses = await Promise.all(Array.from({ length: 6 }, (_, i) => patch(client, '/routing/queues/cond-race', { name: `writer-${i}` }, { 'If-Match': etag })));
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses).toEqual(['200', '412', '412', '412', '412', '412']);
    const winner = responses.find((r) => r.status === '200');
    expect((await client.pathUnchecked('/routing/queues/cond-race').get()).body).toEqual(winner?.body);
  });

  describe.each(CASES)('$collection', ({ collection, create, change }) => {
    const pathOf = (id: string) => `/routing/${collection}/${id}`;

    async function created(id: string) {
      const response = await patch(client, pathOf(id), create);
      expect(response.status).toBe('201');
      return { etag: response.headers['etag'] as string, lastModified: response.headers['last-modified'] as string, body: response.body };
    }

    async function current(id: string) {
      const response = await client.pathUnchecked(pathOf(id)).get();
      return { status: response.status, etag: response.headers['etag'], lastModified: response.headers['last-modified'], body: response.body };
    }

    function expect412(response: Awaited<ReturnType<typeof patch>>, id: string) {
      expect(response.status).toBe('412');
      expect(response.body.communicationError).toEqual(expect.objectContaining({ code: 'PreconditionFailed', target: pathOf(id) }));
      expect(response.body.communicationError.message.length).toBeGreaterThan(0);
      expect(response.headers['etag']).toBeUndefined();
    }

    it('If-Match with the current etag → 200, change applied, new etag', async () => {
      const id = `${collection}-match`;
      const before = await created(id);
      const patchBody = change(nextN());
      const response = await patch(client, pathOf(id), patchBody, { 'If-Match': before.etag });
      expect(response.status).toBe('200');
      expect(response.body).toEqual(expect.objectContaining(patchBody));
      expect(response.headers['etag']).not.toBe(before.etag);
      expect((await current(id)).body).toEqual(response.body);
    });

    it('If-Match with a list that contains the current etag → 200', async () => {
      const id = `${collection}-list`;
      const before = await created(id);
      const response = await patch(client, pathOf(id), change(nextN()), { 'If-Match': `"nope", ${before.etag}` });
      expect(response.status).toBe('200');
    });

    it('If-Match with a stale etag → 412 and nothing changed', async () => {
      const id = `${collection}-stale`;
      const first = await created(id);
      const second = await patch(client, pathOf(id), change(nextN()));
      expect(second.status).toBe('200');
      const before = await current(id);
      const response = await patch(client, pathOf(id), change(nextN()), { 'If-Match': first.etag });
      expect412(response, id);
      expect(await current(id)).toEqual(before);
    });

    it('a stale If-Match is refused even when the patch would change nothing', async () => {
      const id = `${collection}-stale-noop`;
      await created(id);
      const before = await current(id);
      const response = await patch(client, pathOf(id), {}, { 'If-Match': '"00000000-0000-0700-0000-000000000000"' });
      expect412(response, id);
      expect(await current(id)).toEqual(before);
    });

    it('If-Match: * on an existing resource → 200', async () => {
      const id = `${collection}-star`;
      await created(id);
      const patchBody = change(nextN());
      const response = await patch(client, pathOf(id), patchBody, { 'If-Match': '*' });
      expect(response.status).toBe('200');
      expect(response.body).toEqual(expect.objectContaining(patchBody));
    });

    it.each([['an etag', '"00000000-0000-0700-0000-000000000000"'], ['*', '*']])('If-Match (%s) on a missing resource → 412 and nothing created', async (_label, ifMatch) => {
      const id = `${collection}-missing-${ifMatch === '*' ? 'star' : 'etag'}`;
      const response = await patch(client, pathOf(id), create, { 'If-Match': ifMatch });
      expect412(response, id);
      expect((await current(id)).status).toBe('404');
    });

    it('If-Unmodified-Since before Last-Modified → 412 and nothing changed', async () => {
      const id = `${collection}-ius-past`;
      const { lastModified } = await created(id);
      const before = await current(id);
      const oneSecondEarlier = new Date(Date.parse(lastModified) - 1000).toUTCString();
      const response = await patch(client, pathOf(id), change(nextN()), { 'If-Unmodified-Since': oneSecondEarlier });
      expect412(response, id);
      expect(await current(id)).toEqual(before);
    });

    it('If-Unmodified-Since equal to Last-Modified → 200', async () => {
      const id = `${collection}-ius-equal`;
      const { lastModified } = await created(id);
      expect(lastModified).toMatch(/^\w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} GMT$/);
      const patchBody = change(nextN());
      const response = await patch(client, pathOf(id), patchBody, { 'If-Unmodified-Since': lastModified });
      expect(response.status).toBe('200');
      expect(response.body).toEqual(expect.objectContaining(patchBody));
    });

    it('If-Unmodified-Since after Last-Modified → 200', async () => {
      const id = `${collection}-ius-after`;
      const { lastModified } = await created(id);
      const later = new Date(Date.parse(lastModified) + 3600_000).toUTCString();
      const response = await patch(client, pathOf(id), change(nextN()), { 'If-Unmodified-Since': later });
      expect(response.status).toBe('200');
    });

    it('If-Unmodified-Since on a missing resource is ignored (201)', async () => {
      const id = `${collection}-ius-create`;
      const response = await patch(client, pathOf(id), create, { 'If-Unmodified-Since': new Date(0).toUTCString() });
      expect(response.status).toBe('201');
    });

    it.each([['yesterday'], ['Mon, 99 Foo 2023 25:61:61 GMT']])('a malformed If-Unmodified-Since (%j) → 400 and nothing changed', async (value) => {
      const id = `${collection}-ius-bad`;
      if ((await current(id)).status === '404') await created(id);
      const before = await current(id);
      const response = await patch(client, pathOf(id), change(nextN()), { 'If-Unmodified-Since': value });
      expect(response.status).toBe('400');
      expect(response.body.communicationError.code).toBe('BadRequest');
      expect(response.body.communicationError.message).toContain('If-Unmodified-Since');
      expect(await current(id)).toEqual(before);
    });

    it('both preconditions must hold: a good If-Match with a failing If-Unmodified-Since → 412', async () => {
      const id = `${collection}-both`;
      const { etag, lastModified } = await created(id);
      const before = await current(id);
      const earlier = new Date(Date.parse(lastModified) - 60_000).toUTCString();
      expect412(await patch(client, pathOf(id), change(nextN()), { 'If-Match': etag, 'If-Unmodified-Since': earlier }), id);
      expect(await current(id)).toEqual(before);
      const ok = await patch(client, pathOf(id), change(nextN()), { 'If-Match': etag, 'If-Unmodified-Since': lastModified });
      expect(ok.status).toBe('200');
    });

    it('an etag inside the body is ignored, even a stale one (no 412)', async () => {
      const id = `${collection}-body-etag`;
      const { etag: firstEtag } = await created(id);
      const patchBody = change(nextN());
      const response = await patch(client, pathOf(id), { ...patchBody, etag: '"00000003-0000-0000-0000-000000000000"' });
      expect(response.status).toBe('200');
      expect(response.body).toEqual(expect.objectContaining(patchBody));
      expect(response.body.etag).toBe(response.headers['etag']);
      expect(response.body.etag).not.toBe(firstEtag);
      // The now-stale first etag in the body still does not matter.
      const again = await patch(client, pathOf(id), { ...change(nextN()), etag: firstEtag });
      expect(again.status).toBe('200');
    });

    it('an empty etag inside a create body is ignored (201), as the .NET SDK sends it', async () => {
      const id = `${collection}-body-etag-create`;
      const response = await patch(client, pathOf(id), { ...create, etag: '' });
      expect(response.status).toBe('201');
      expect(response.body.etag).toBe(response.headers['etag']);
    });
  });
});

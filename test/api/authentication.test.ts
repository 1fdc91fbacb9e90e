import { randomBytes } from 'node:crypto';
import { startTestRouter } from '../support/embeddedRouter';
import { rawSignedFetch, sha256Base64, withApiVersion, type RawRequest, type RawResponse } from '../support/rawSignedFetch';
import { createSignedClient, patch } from '../support/signedClient';

/**
 * Authentication, api-version and routing at the HTTP edge.
 *
 * The raw requests below are signed by hand (test/support/rawSignedFetch.ts). That is deliberate and
 * only acceptable here and for byte-level bad input: the point is to start from a correct signature
 * and tamper with exactly one part of it, which the SDK's credential policy cannot be made to do.
 * The baseline that proves correct requests pass is checked against both the SDK and the hand signer.
 */

const MINUTE = 60 * 1000;

function expectCommunicationError(response: RawResponse, status: number, code: string, target: string): void {
  expect(response.status).toBe(status);
  expect(response.json?.communicationError).toEqual(expect.objectContaining({ code, target }));
  expect(typeof response.json.communicationError.message).toBe('string');
  expect(response.json.communicationError.message.length).toBeGreaterThan(0);
}

describe('authentication and api-version', () => {
  let router: Awaited<ReturnType<typeof startTestRouter>>;
  const send = (request: RawRequest) => rawSignedFetch(router.url, router.accessKey, request);
  const queuesPath = withApiVersion('/routing/queues');

  beforeAll(async () => {
    router = await startTestRouter();
    expect((await patch(router.client, '/routing/distributionPolicies/auth-dp', { offerExpiresAfterSeconds: 30, mode: { kind: 'longestIdle' } })).status).toBe('201');
  });
  afterAll(async () => {
    await router.close();
  });

  describe('the SDK credential policy', () => {
    it('is accepted with the router key', async () => {
      const response = await router.client.pathUnchecked('/routing/queues').get();
      expect(response.status).toBe('200');
      expect(response.body).toEqual({ value: [] });
    });

    it('is refused with another key: 401 with a communicationError body', async () => {
      const wrongKey = randomBytes(32).toString('base64');
      const client = createSignedClient(`endpoint=${router.url};accesskey=${wrongKey}`);
      const response = await client.pathUnchecked('/routing/queues').get();
      expect(response.status).toBe('401');
      expect(response.body.communicationError).toEqual(expect.objectContaining({ code: 'Unauthorized', target: '/routing/queues' }));
      expect(response.body.communicationError.message).toMatch(/signature/i);
      expect(response.headers['etag']).toBeUndefined();
    });

    it('cannot write with another key', async () => {
      const client = createSignedClient(`endpoint=${router.url};accesskey=${randomBytes(32).toString('base64')}`);
      const response = await patch(client, '/routing/queues/wrong-key-q', { distributionPolicyId: 'auth-dp' });
      expect(response.status).toBe('401');
      expect((await router.client.pathUnchecked('/routing/queues/wrong-key-q').get()).status).toBe('404');
    });
  });

  describe('hand-signed requests', () => {
    it('baseline: a correct hand-built signature is accepted (GET and PATCH)', async () => {
      expect((await send({ method: 'GET', path: queuesPath })).status).toBe(200);
      const created = await send({
        method: 'PATCH',
        path: withApiVersion('/routing/queues/raw-ok'),
        body: JSON.stringify({ distributionPolicyId: 'auth-dp' }),
        headers: { 'content-type': 'application/merge-patch+json' },
      });
      expect(created.status).toBe(201);
      expect(created.json).toEqual(expect.objectContaining({ id: 'raw-ok', distributionPolicyId: 'auth-dp' }));
    });

    it('missing Authorization → 401', async () => {
      const response = await send({ method: 'GET', path: queuesPath, tamper: { authorization: null } });
      expectCommunicationError(response, 401, 'Unauthorized', '/routing/queues');
      expect(response.json.communicationError.message).toMatch(/Authorization/);
    });

    it('a Bearer token → 401', async () => {
      const response = await send({ method: 'GET', path: queuesPath, tamper: { authorization: 'Bearer x' } });
      expectCommunicationError(response, 401, 'Unauthorized', '/routing/queues');
      expect(response.json.communicationError.message).toMatch(/Bearer/);
    });

    it.each([
      ['no scheme', 'SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=abc'],
      ['no SignedHeaders', 'HMAC-SHA256 Signature=abc'],
      ['no Signature', 'HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256'],
      ['empty signature', 'HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature='],
      ['garbage', 'garbage'],
    ])('a malformed Authorization header (%s) → 401', async (_label, authorization) => {
      const response = await send({ method: 'GET', path: queuesPath, tamper: { authorization } });
      expectCommunicationError(response, 401, 'Unauthorized', '/routing/queues');
    });

    it.each([['x-ms-date;host'], ['host;x-ms-date;x-ms-content-sha256'], ['x-ms-date;host;x-ms-content-sha256;content-type']])(
      'a SignedHeaders list other than x-ms-date;host;x-ms-content-sha256 (%s) → 401',
      async (signedHeaders) => {
        const response = await send({ method: 'GET', path: queuesPath, tamper: { signedHeaders } });
        expectCommunicationError(response, 401, 'Unauthorized', '/routing/queues');
        expect(response.json.communicationError.message).toContain('SignedHeaders');
      },
    );

    it('a signature computed with another key → 401', async () => {
      const response = await send({ method: 'GET', path: queuesPath, tamper: { key: randomBytes(32).toString('base64') } });
      expectCommunicationError(response, 401, 'Unauthorized', '/routing/queues');
    });

    it('a signature of another path → 401', async () => {
      const response = await send({ method: 'GET', path: withApiVersion('/routing/queues/raw-ok'), tamper: { signedPath: withApiVersion('/routing/queues/other') } });
      expectCommunicationError(response, 401, 'Unauthorized', '/routing/queues/raw-ok');
    });

    it('a signature of another query string → 401', async () => {
      const response = await send({ method: 'GET', path: `${queuesPath}&maxpagesize=5`, tamper: { signedPath: queuesPath } });
      expectCommunicationError(response, 401, 'Unauthorized', '/routing/queues');
    });

    it('x-ms-content-sha256 (and signature) of another body → 401, nothing written', async () => {
      const path = withApiVersion('/routing/queues/other-body');
      const response = await send({
        method: 'PATCH',
        path,
        body: JSON.stringify({ distributionPolicyId: 'auth-dp', name: 'sent' }),
        headers: { 'content-type': 'application/merge-patch+json' },
        tamper: { signedBody: JSON.stringify({ distributionPolicyId: 'auth-dp', name: 'signed' }) },
      });
      expectCommunicationError(response, 401, 'Unauthorized', '/routing/queues/other-body');
      expect(response.json.communicationError.message).toContain('x-ms-content-sha256');
      expect((await router.client.pathUnchecked('/routing/queues/other-body').get()).status).toBe('404');
    });

    it('a body hash that matches the body but a signature over another hash → 401', async () => {
      const body = JSON.stringify({ distributionPolicyId: 'auth-dp' });
      const path = withApiVersion('/routing/queues/hash-swap');
      // Sign as if the body were different, then send the true hash of the body: only the signature is wrong.
      const response = await send({
        method: 'PATCH',
        path,
        body,
        headers: { 'content-type': 'application/merge-patch+json', 'x-ms-content-sha256': sha256Base64(body) },
        tamper: { signedBody: '{}' },
      });
      expectCommunicationError(response, 401, 'Unauthorized', '/routing/queues/hash-swap');
      expect((await router.client.pathUnchecked('/routing/queues/hash-swap').get()).status).toBe('404');
    });

    it.each([
      ['16 minutes in the past', -16 * MINUTE],
      ['16 minutes in the future', 16 * MINUTE],
      ['a day in the past', -24 * 60 * MINUTE],
    ])('x-ms-date %s → 401', async (_label, offset) => {
      const response = await send({ method: 'GET', path: queuesPath, tamper: { date: new Date(Date.now() + offset).toUTCString() } });
      expectCommunicationError(response, 401, 'Unauthorized', '/routing/queues');
      expect(response.json.communicationError.message).toMatch(/15 minutes/);
    });

    it.each([
      ['14 minutes in the past', -14 * MINUTE],
      ['14 minutes in the future', 14 * MINUTE],
    ])('x-ms-date %s → 200', async (_label, offset) => {
      const response = await send({ method: 'GET', path: queuesPath, tamper: { date: new Date(Date.now() + offset).toUTCString() } });
      expect(response.status).toBe(200);
    });

    it.each([['not a date'], ['Mon, 99 Foo 2023 25:61:61 GMT'], ['']])('an unparsable x-ms-date (%j) → 401', async (date) => {
      const response = await send({ method: 'GET', path: queuesPath, tamper: { date } });
      expectCommunicationError(response, 401, 'Unauthorized', '/routing/queues');
    });

    it('a PATCH with a bad signature leaves the store unchanged', async () => {
      const path = withApiVersion('/routing/queues/bad-sig');
      const body = JSON.stringify({ distributionPolicyId: 'auth-dp' });
      const response = await send({
        method: 'PATCH',
        path,
        body,
        headers: { 'content-type': 'application/merge-patch+json' },
        tamper: { key: randomBytes(32).toString('base64') },
      });
      expectCommunicationError(response, 401, 'Unauthorized', '/routing/queues/bad-sig');
      const after = await router.client.pathUnchecked('/routing/queues/bad-sig').get();
      expect(after.status).toBe('404');
      expect(after.body.communicationError).toEqual(expect.objectContaining({ code: 'NotFound', target: '/routing/queues/bad-sig' }));
    });

    it('a DELETE with a bad signature deletes nothing', async () => {
      const response = await send({ method: 'DELETE', path: withApiVersion('/routing/queues/raw-ok'), tamper: { key: randomBytes(32).toString('base64') } });
      expect(response.status).toBe(401);
      expect((await router.client.pathUnchecked('/routing/queues/raw-ok').get()).status).toBe('200');
    });
  });

  describe('api-version', () => {
    it('missing → 400', async () => {
      const response = await send({ method: 'GET', path: '/routing/queues' });
      expectCommunicationError(response, 400, 'BadRequest', '/routing/queues');
      expect(response.json.communicationError.message).toContain('api-version');
    });

    it('empty → 400', async () => {
      const response = await send({ method: 'GET', path: '/routing/queues?api-version=' });
      expectCommunicationError(response, 400, 'BadRequest', '/routing/queues');
    });

    it('2022-07-18-preview → 400 naming the supported versions', async () => {
      const client = createSignedClient(router.connectionString, '2022-07-18-preview');
      const response = await client.pathUnchecked('/routing/queues').get();
      expect(response.status).toBe('400');
      expect(response.body.communicationError.code).toBe('BadRequest');
      expect(response.body.communicationError.message).toContain('2022-07-18-preview');
      expect(response.body.communicationError.message).toContain('2023-11-01');
      expect(response.body.communicationError.message).toContain('2024-01-18-preview');
    });

    it('an unsupported version does not write', async () => {
      const client = createSignedClient(router.connectionString, '2022-07-18-preview');
      expect((await patch(client, '/routing/queues/old-api', { distributionPolicyId: 'auth-dp' })).status).toBe('400');
      expect((await router.client.pathUnchecked('/routing/queues/old-api').get()).status).toBe('404');
    });

    it('2024-01-18-preview → 200', async () => {
      const client = createSignedClient(router.connectionString, '2024-01-18-preview');
      const response = await client.pathUnchecked('/routing/queues').get();
      expect(response.status).toBe('200');
      expect(Array.isArray(response.body.value)).toBe(true);
    });

    it('every response advertises the supported versions', async () => {
      const response = await router.client.pathUnchecked('/routing/queues').get();
      expect(response.headers['api-supported-versions']).toContain('2023-11-01');
    });
  });

  describe('routing', () => {
    it.each([['/routing/nothing'], ['/routing/queues/q1/extra/segments'], ['/other'], ['/routing/jobs/j1:explode']])('unknown path %s → 404', async (path) => {
      const response = await send({ method: 'GET', path: withApiVersion(path) });
      expect(response.status).toBe(404);
      expect(response.json.communicationError.code).toBe('NotFound');
      expect(response.json.communicationError.message.length).toBeGreaterThan(0);
    });

    it('PUT on a queue → 405', async () => {
      const response = await send({
        method: 'PUT',
        path: withApiVersion('/routing/queues/put-q'),
        body: JSON.stringify({ distributionPolicyId: 'auth-dp' }),
        headers: { 'content-type': 'application/json' },
      });
      expectCommunicationError(response, 405, 'MethodNotAllowed', '/routing/queues/put-q');
      expect(response.json.communicationError.message).toContain('PATCH');
      expect((await router.client.pathUnchecked('/routing/queues/put-q').get()).status).toBe('404');
    });

    it('POST on a collection → 405', async () => {
      const response = await send({ method: 'POST', path: queuesPath, body: '{}', headers: { 'content-type': 'application/json' } });
      expectCommunicationError(response, 405, 'MethodNotAllowed', '/routing/queues');
    });

    it('DELETE on a collection → 405', async () => {
      const response = await send({ method: 'DELETE', path: queuesPath });
      expectCommunicationError(response, 405, 'MethodNotAllowed', '/routing/queues');
    });

    it('GET on an action → 405', async () => {
      const response = await send({ method: 'GET', path: withApiVersion('/routing/jobs/j1:cancel') });
      expectCommunicationError(response, 405, 'MethodNotAllowed', '/routing/jobs/j1:cancel');
    });
  });
});

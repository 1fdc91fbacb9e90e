import { startTestRouter, type TestRouter } from '../support/embeddedRouter';
import { rawSignedFetch, withApiVersion, type RawRequest } from '../support/rawSignedFetch';
import { rawSocketRequest, type RawSocketAnswer } from '../support/rawSocket';
import { recordingLogger } from '../support/recordingLogger';
import { snapshotStore } from '../support/snapshotStore';

/**
 * The HTTP edge under requests no SDK sends: request targets `new URL` refuses, bytes node:http's own
 * parser refuses, unsigned probing for routes, repeated query parameters. Every answer is a 4xx with
 * the JSON `communicationError` body, nothing is logged as a failure, and the router keeps serving.
 */

function expectJsonError(answer: { status: number; json: unknown }, status: number, code: string): void {
  expect(answer.status).toBe(status);
  expect(answer.json).toEqual({ communicationError: expect.objectContaining({ code, message: expect.any(String), target: expect.any(String) }) });
}

describe('request edges', () => {
  const logger = recordingLogger();
  let router: TestRouter;
  const send = (request: RawRequest) => rawSignedFetch(router.url, router.accessKey, request);
  const socket = (bytes: string): Promise<RawSocketAnswer> => rawSocketRequest(router.url, bytes);

  beforeAll(async () => {
    router = await startTestRouter({ logger });
  });
  afterAll(async () => {
    await router.close();
  });
  afterEach(() => {
    expect(logger.lines.filter((line) => line.level === 'error')).toEqual([]);
  });

  describe('request targets new URL() refuses', () => {
    it.each([['//[/routing/queues'], ['http://x:99999/routing/queues'], ['//[/routing/queues?api-version=2023-11-01']])('GET %s → 400 JSON, no error logged', async (target) => {
      const answer = await socket(`GET ${target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
      expectJsonError(answer, 400, 'BadRequest');
      expect(answer.json.communicationError.message).toContain('request target');
    });

    it('a very long malformed target is quoted only in part', async () => {
      const answer = await socket(`GET //[${'a'.repeat(5000)} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
      expectJsonError(answer, 400, 'BadRequest');
      expect(answer.body.length).toBeLessThan(1000);
    });
  });

  describe("errors of node:http's parser have the same JSON body", () => {
    it.each([
      ['a control byte in the method', 'G\x01T /routing/queues HTTP/1.1\r\nHost: x\r\n\r\n', 400, 'BadRequest'],
      ['an unknown HTTP version', 'GET /routing/queues HTTP/7.1\r\nHost: x\r\n\r\n', 400, 'BadRequest'],
      ['a space inside the target', 'GET /routing/qu eues HTTP/1.1\r\nHost: x\r\n\r\n', 400, 'BadRequest'],
      ['a header without a colon', 'GET /routing/queues HTTP/1.1\r\nHost x\r\n\r\n', 400, 'BadRequest'],
      ['headers larger than 16 KB', `GET /routing/queues HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`, 431, 'RequestHeaderFieldsTooLarge'],
      ['a chunk size that is not hex', 'PATCH /routing/queues/q?api-version=2023-11-01 HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n', 400, 'BadRequest'],
      ['both Content-Length and chunked', 'PATCH /routing/queues/q?api-version=2023-11-01 HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n', 400, 'BadRequest'],
    ])('%s → a JSON error, connection closed', async (_name, bytes, status, code) => {
      const before = await snapshotStore(router.store);
      const answer = await socket(bytes);
      expectJsonError(answer, status, code);
      expect(answer.headers['content-type']).toMatch(/^application\/json/);
      expect(answer.headers['connection']).toBe('close');
      expect(await snapshotStore(router.store)).toBe(before);
    });

    it('CONNECT (a tunnel, which node:http drops unanswered without a listener) → 405 JSON', async () => {
      expectJsonError(await socket('CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n'), 405, 'MethodNotAllowed');
    });

    it('no Host header (node:http would answer an empty 400) → 401 JSON naming the signed headers', async () => {
      const answer = await socket('GET /routing/queues?api-version=2023-11-01 HTTP/1.1\r\nAuthorization: HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=AAAA\r\n\r\n');
      expectJsonError(answer, 401, 'Unauthorized');
      expect(answer.json.communicationError.message).toContain('host');
    });

    it("garbage pipelined behind a complete request does not pre-empt that request's answer", async () => {
      const answer = await socket('GET /routing/queues?api-version=2023-11-01 HTTP/1.1\r\nHost: x\r\n\r\nG\u0001T / HTTP/1.1\r\n\r\n');
      expectJsonError(answer, 401, 'Unauthorized');
      expect(answer.headers['connection']).not.toBe('close');
    });

    it('the router still answers after them', async () => {
      expect((await send({ method: 'GET', path: withApiVersion('/routing/queues') })).status).toBe(200);
    });
  });

  describe('without a valid signature, nothing about routes is told: 401 first', () => {
    it.each([
      ['GET', '/routing/nothing'],
      ['GET', '/other'],
      ['PUT', '/routing/queues/q1'],
      ['POST', '/routing/queues'],
      ['DELETE', '/routing/queues'],
      ['GET', '/routing/jobs/j1:cancel'],
      ['GET', '/routing/jobs/j1:explode'],
    ] as const)('unsigned %s %s → 401', async (method, path) => {
      const answer = await send({ method, path: withApiVersion(path), tamper: { authorization: null } });
      expectJsonError(answer, 401, 'Unauthorized');
    });

    it('signed with another key, an unknown route is still 401, not 404', async () => {
      const answer = await send({ method: 'GET', path: withApiVersion('/routing/nothing'), tamper: { key: Buffer.alloc(32, 7).toString('base64') } });
      expectJsonError(answer, 401, 'Unauthorized');
    });

    it('signed, the same requests get their 404 and 405', async () => {
      expectJsonError(await send({ method: 'GET', path: withApiVersion('/routing/nothing') }), 404, 'NotFound');
      expectJsonError(await send({ method: 'PUT', path: withApiVersion('/routing/queues/q1') }), 405, 'MethodNotAllowed');
    });
  });

  describe('a query parameter given twice is ambiguous: 400 naming it', () => {
    it.each([
      ['/routing/queues?api-version=2023-11-01&api-version=2023-11-01', 'api-version'],
      ['/routing/queues?api-version=2023-11-01&api-version=2022-07-18-preview', 'api-version'],
      ['/routing/jobs?maxpagesize=1&maxpagesize=50&api-version=2023-11-01', 'maxpagesize'],
      ['/routing/jobs?status=queued&status=cancelled&api-version=2023-11-01', 'status'],
      ['/routing/workers?state=active&state=inactive&api-version=2023-11-01', 'state'],
    ])('GET %s', async (path, name) => {
      const answer = await send({ method: 'GET', path });
      expectJsonError(answer, 400, 'BadRequest');
      expect(answer.json.communicationError.message).toContain(`Query parameter ${name} is given 2 times`);
      expect(answer.json.communicationError.details).toEqual([expect.objectContaining({ code: 'RepeatedParameter', target: name })]);
    });

    it('a PATCH with a repeated api-version writes nothing', async () => {
      const before = await snapshotStore(router.store);
      const answer = await send({
        method: 'PATCH',
        path: '/routing/distributionPolicies/twice?api-version=2023-11-01&api-version=2023-11-01',
        body: JSON.stringify({ offerExpiresAfterSeconds: 30, mode: { kind: 'longestIdle' } }),
        headers: { 'content-type': 'application/merge-patch+json' },
      });
      expectJsonError(answer, 400, 'BadRequest');
      expect(await snapshotStore(router.store)).toBe(before);
    });
  });
});

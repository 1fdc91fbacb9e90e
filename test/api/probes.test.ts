import { openApiDocument } from '../../shared/http/openApiDocument';
import { publicRoutes } from '../../shared/http/publicRoutes';
import { routeTable } from '../../shared/http/routeTable';
import { startTestRouter, type TestRouter } from '../support/embeddedRouter';

/** Plain, unsigned HTTP, as a load balancer or kubelet sends it. */
async function unsigned(router: TestRouter, method: string, path: string) {
  const response = await fetch(new URL(path, router.url), { method });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, json: text ? (JSON.parse(text) as unknown) : undefined };
}

describe('probes and the OpenAPI document on the embedded host (unsigned)', () => {
  let router: TestRouter;
  beforeAll(async () => {
    router = await startTestRouter();
  });
  afterAll(async () => {
    await router.close();
  });

  it('GET /health answers 200 {"status":"ok"} and nothing else', async () => {
    const health = await unsigned(router, 'GET', '/health');
    expect(health.status).toBe(200);
    expect(health.text).toBe('{"status":"ok"}');
    expect(health.headers.get('content-type')).toMatch(/^application\/json/);
    expect(health.headers.get('cache-control')).toBe('no-store');
    // No api versions, software version or anything else a stranger could fingerprint beyond "it answers".
    expect(health.headers.get('api-supported-versions')).toBeNull();
  });

  it('GET /ready answers 200 {"status":"ok"} while the store answers and the timer loop runs', async () => {
    const ready = await unsigned(router, 'GET', '/ready');
    expect([ready.status, ready.text]).toEqual([200, '{"status":"ok"}']);
  });

  it('HEAD answers the status without a body; other methods are 405', async () => {
    const head = await unsigned(router, 'HEAD', '/health');
    expect([head.status, head.text]).toEqual([200, '']);
    const post = await unsigned(router, 'POST', '/ready');
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
    expect(post.json).toMatchObject({ communicationError: { code: 'MethodNotAllowed', target: '/ready' } });
  });

  it('GET /openapi.json answers the generated document, unsigned', async () => {
    const document = await unsigned(router, 'GET', '/openapi.json');
    expect(document.status).toBe(200);
    expect(document.headers.get('access-control-allow-origin')).toBe('*');
    expect(document.json).toEqual(JSON.parse(JSON.stringify(openApiDocument(routeTable, publicRoutes))));
  });

  it('only the listed paths are exempt: signed routes and near misses still need a signature', async () => {
    for (const path of ['/routing/queues?api-version=2023-11-01', '/health/', '/ready/x', '/openapi']) {
      const response = await unsigned(router, 'GET', path);
      expect([path, response.status]).not.toEqual([path, 200]);
    }
    expect((await unsigned(router, 'GET', '/routing/queues?api-version=2023-11-01')).status).toBe(401);
  });

  it('GET /ready answers 503 naming the failing check once the timer loop stops, while /health stays 200', async () => {
    const local = await startTestRouter();
    try {
      await local.engine.scheduler.stop();
      const ready = await unsigned(local, 'GET', '/ready');
      expect(ready.status).toBe(503);
      expect(ready.json).toEqual({ status: 'unavailable', checks: { store: 'ok', timers: 'unavailable' } });
      expect((await unsigned(local, 'GET', '/health')).status).toBe(200);
    } finally {
      await local.close();
    }
  });

  it('GET /ready answers 503 when the store cannot be read', async () => {
    const local = await startTestRouter();
    try {
      await local.store.close();
      const ready = await unsigned(local, 'GET', '/ready');
      expect(ready.status).toBe(503);
      expect(ready.json).toMatchObject({ status: 'unavailable', checks: { store: 'unavailable' } });
    } finally {
      await local.close();
    }
  });
});

import { openSqliteStore } from '../../shared/adapters/embedded/SqliteStore';
import { StoreUnavailableError, type Store } from '../../shared/ports/Store';
import { startTestRouter, type TestRouter } from '../support/embeddedRouter';
import { recordingLogger } from '../support/recordingLogger';
import { rawSignedFetch, withApiVersion } from '../support/rawSignedFetch';

/**
 * Every answer carries its request's id in `trace-id` (the header the service answered with), and every
 * log line written while serving the request carries it as `requestId`. The id is the client's
 * `x-ms-client-request-id` (which the SDKs send) when it is sane, else a uuid of the router's own.
 */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** A store whose next `list` fails as a busy database does (so the request logs a warning). */
function storeFailingNextList(inner: Store): Store & { failNextList(): void } {
  let fail = false;
  return new Proxy(inner as Store & { failNextList(): void }, {
    get(target, property) {
      if (property === 'failNextList') return () => (fail = true);
      if (property === 'list' && fail) {
        fail = false;
        return () => Promise.reject(new StoreUnavailableError('busy', 'the database is locked', 2));
      }
      const value = Reflect.get(target, property, target) as unknown;
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

describe('request ids', () => {
  const logger = recordingLogger();
  const store = storeFailingNextList(openSqliteStore({ path: ':memory:' }));
  let router: TestRouter;
  const linesOf = (requestId: string) => logger.lines.filter((line) => line.fields['requestId'] === requestId);

  beforeAll(async () => {
    router = await startTestRouter({ logger, store });
  });
  afterAll(async () => {
    await router.close();
  });

  it("is the SDK's x-ms-client-request-id, answered in trace-id and on the request's log line", async () => {
    const response = await router.client.pathUnchecked('/routing/queues').get();
    const sent = response.request.headers.get('x-ms-client-request-id');
    expect(sent).toMatch(UUID);
    expect(response.headers['trace-id']).toBe(sent);
    expect(response.headers['x-ms-client-request-id']).toBe(sent);
    expect(linesOf(sent ?? '')).toEqual([expect.objectContaining({ level: 'info', message: 'request', fields: expect.objectContaining({ operationId: 'ListQueues', status: 200 }) })]);
  });

  it('is a new uuid for each request that sends none, on refusals too', async () => {
    const ids: string[] = [];
    for (const tamper of [undefined, { authorization: null }]) {
      const response = await rawSignedFetch(router.url, router.accessKey, { method: 'GET', path: withApiVersion('/routing/queues'), tamper: tamper ?? undefined });
      const id = response.headers.get('trace-id') ?? '';
      expect(id).toMatch(UUID);
      expect(response.headers.get('x-ms-client-request-id')).toBeNull();
      expect(linesOf(id)).toHaveLength(1);
      ids.push(id);
    }
    expect(new Set(ids).size).toBe(2);
  });

  it.each([
    ['too long', 'x'.repeat(129)],
    ['with spaces', 'my request'],
    ['with quotes and braces', '{"requestId":"forged"}'],
  ])('is not taken from a client id %s: the router makes its own and still echoes the client header', async (_what, given) => {
    const response = await rawSignedFetch(router.url, router.accessKey, { method: 'GET', path: withApiVersion('/routing/queues'), headers: { 'x-ms-client-request-id': given } });
    expect(response.headers.get('trace-id')).toMatch(UUID);
    expect(response.headers.get('x-ms-client-request-id')).toBe(given);
  });

  it('is on every line written while serving the request, not only the last', async () => {
    store.failNextList();
    const response = await router.client.pathUnchecked('/routing/workers').get();
    expect(response.status).toBe('503');
    const id = response.headers['trace-id'] ?? '';
    const lines = linesOf(id);
    expect(lines.map((line) => [line.level, line.message])).toEqual([
      ['warn', expect.stringMatching(/^store unavailable/)],
      ['info', 'request'],
    ]);
  });

  it('is answered by the unsigned probes too', async () => {
    const response = await fetch(`${router.url}health`, { headers: { 'x-ms-client-request-id': 'probe-1' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('trace-id')).toBe('probe-1');
  });
});

import { startTestRouter } from '../support/embeddedRouter';
import { patch } from '../support/signedClient';

describe('embedded host through the signing client', () => {
  let router: Awaited<ReturnType<typeof startTestRouter>>;
  beforeAll(async () => {
    router = await startTestRouter();
  });
  afterAll(async () => {
    await router.close();
  });

  it('creates a distribution policy (201) and updates it (200)', async () => {
    const body = { name: 'p', offerExpiresAfterSeconds: 60, mode: { kind: 'longestIdle' } };
    const created = await patch(router.client, '/routing/distributionPolicies/p1', body);
    expect(created.status).toBe('201');
    expect(created.body).toEqual({ id: 'p1', name: 'p', offerExpiresAfterSeconds: 60, mode: { kind: 'longestIdle', minConcurrentOffers: 1, maxConcurrentOffers: 1, bypassSelectors: false }, etag: created.headers['etag'] });
    const again = await patch(router.client, '/routing/distributionPolicies/p1', body);
    expect(again.status).toBe('200');
    expect(again.headers['etag']).toBe(created.headers['etag']);
  });
});

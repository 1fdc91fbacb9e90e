import { startTestRouter } from '../support/embeddedRouter';
import { patch } from '../support/signedClient';

it('exp', async () => {
  const r = await startTestRouter();
  const c = await patch(r.client, '/routing/distributionPolicies/d', { offerExpiresAfterSeconds: 10, mode: { kind: 'longestIdle' } });
  console.log(c.status, c.headers, c.body);
  for (const id of ['a b', 'a.b', '12345', 'é', 'q%']) {
    const q = await r.client.pathUnchecked('/routing/queues/{id}', id).patch({ body: { distributionPolicyId: 'd' }, contentType: 'application/merge-patch+json' });
    console.log(q.status, q.request.url, q.body);
  }
  const l = await r.client.pathUnchecked('/routing/queues').get({ queryParameters: { maxpagesize: 2 } });
  console.log(l.request.url, l.body);
  const n = await r.client.pathUnchecked(l.body.nextLink).get();
  console.log(n.request.url, n.status, n.body);
  const d = await r.client.pathUnchecked('/routing/queues/a.b').delete();
  console.log(d.status, d.headers, JSON.stringify(d.body));
  const bad = Buffer.from(JSON.stringify({ a: '', n: 1e300, w: [] })).toString('base64');
  const b = await r.client.pathUnchecked('/routing/queues').get({ queryParameters: { continuationToken: bad } });
  console.log(b.status, b.body);
  await r.close();
});

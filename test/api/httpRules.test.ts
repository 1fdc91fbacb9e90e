import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startTestRouter } from '../support/embeddedRouter';
import { QUEUE, SECOND, newSignableTestClock, voiceJob, voiceWorker } from '../support/routingFixtures';
import { patch } from '../support/signedClient';

/**
 * A best-worker distribution policy whose scoring rule is a function rule: the router POSTs each candidate
 * to an HTTP endpoint (a real node:http server on this machine standing in for an Azure Function) and offers
 * the job to the worker the endpoint scores highest.
 */

interface ScoringCall {
  headers: IncomingHttpHeaders;
  body: { job?: unknown; selectors?: unknown; worker?: { Id?: string } };
}

/** Scores workers by id from a table; records every call. */
async function startScoringFunction(scores: Record<string, number>): Promise<{ url: string; calls: ScoringCall[]; close: () => Promise<void> }> {
  const calls: ScoringCall[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as ScoringCall['body'];
      calls.push({ headers: request.headers, body });
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify(scores[body.worker?.Id ?? ''] ?? 0));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/score?code=query-key`,
    calls,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function upsert(client: Awaited<ReturnType<typeof startTestRouter>>['client'], path: string, body: unknown): Promise<void> {
  const response = await patch(client, path, body);
  if (response.status !== '200' && response.status !== '201') throw new Error(`PATCH ${path} → ${response.status} ${JSON.stringify(response.body)}`);
}

/** w2 registers first, so it is idle longest and would get the offer on a tie or under default scoring. */
async function routeWithScores(scores: Record<string, number>): Promise<{ offered: string[]; calls: ScoringCall[] }> {
  const fn = await startScoringFunction(scores);
  const clock = newSignableTestClock();
  const router = await startTestRouter({ clock });
  try {
    const scoringRule = { kind: 'function', functionUri: fn.url, credential: { functionKey: 'scoring-key' } };
    await upsert(router.client, '/routing/distributionPolicies/dp', { offerExpiresAfterSeconds: 86_400, mode: { kind: 'bestWorker', scoringRule } });
    await upsert(router.client, `/routing/queues/${QUEUE}`, { distributionPolicyId: 'dp' });
    await upsert(router.client, '/routing/workers/w2', voiceWorker({ labels: { English: 9 } }));
    clock.advance(SECOND);
    await upsert(router.client, '/routing/workers/w1', voiceWorker({ labels: { English: 8 } }));
    clock.advance(SECOND);
    await upsert(router.client, '/routing/jobs/j', voiceJob({ labels: { Escalated: true }, requestedWorkerSelectors: [{ key: 'English', labelOperator: 'greaterThanOrEqual', value: 7 }] }));
    await router.engine.idle();
    const offered: string[] = [];
    for (const id of ['w1', 'w2']) {
      const worker = await router.client.pathUnchecked(`/routing/workers/${id}`).get();
      if ((worker.body.offers as unknown[]).length > 0) offered.push(id);
    }
    return { offered, calls: fn.calls };
  } finally {
    await router.close();
    await fn.close();
  }
}

describe('a function rule scores workers for a best-worker policy', () => {
  it('the worker the function scores highest gets the offer, although the other is idle longer', async () => {
    const { offered, calls } = await routeWithScores({ w1: 90, w2: 10 });
    expect(offered).toEqual(['w1']);

    // One call per candidate, each with the documented payload and the function key.
    expect(calls.map((c) => c.body.worker?.Id).sort()).toEqual(['w1', 'w2']);
    const call = calls.find((c) => c.body.worker?.Id === 'w1');
    expect(call?.headers['x-functions-key']).toBe('scoring-key');
    expect(call?.body).toEqual({
      job: { Escalated: true },
      selectors: [{ key: 'English', operator: 'GreaterThanEqual', value: 7, expiresAfterSeconds: null }],
      worker: expect.objectContaining({ Id: 'w1', English: 8 }),
    });
  });

  it('control: with the scores swapped the other worker gets the offer, so the function decides', async () => {
    const { offered } = await routeWithScores({ w1: 10, w2: 90 });
    expect(offered).toEqual(['w2']);
  });
});

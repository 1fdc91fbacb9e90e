import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { startEmbeddedHost, type EmbeddedHost } from '../../shared/hosting/startEmbeddedHost';
import { silentLogger } from '../../shared/ports/Logger';
import { pythonEndpointOf, pythonStyleClient } from '../support/pythonSdkSigning';
import { createSignedClient, patch } from '../support/signedClient';

/**
 * The embedded host over HTTPS with the certificate it generates, reached the way the SDKs reach it:
 * the Python SDK's README flow (its connection-string parsing and request signing re-implemented in
 * test/support/pythonSdkSigning.ts, since Python packages cannot be installed here) and the JS SDK's
 * signing pipeline, each trusting only the CA file the router wrote.
 */

let dataDir: string;
let host: EmbeddedHost;
let caFile: string;

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jobrouter-https-'));
  host = await startEmbeddedHost({ dataDir, port: 0, tls: true, logger: silentLogger });
  if (host.tls.mode !== 'generated') throw new Error('expected a generated certificate');
  caFile = host.tls.caFile;
});

afterAll(async () => {
  await host.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

/** A TLS handshake to the router with the given trust; resolves with the error code, or 'ok'. */
function handshake(hostname: string, ca: string | undefined): Promise<string> {
  const port = new URL(host.url).port;
  return new Promise((resolve) => {
    const request = https.get({ hostname, port, path: '/', ca, agent: false }, (response) => {
      response.resume();
      resolve('ok');
    });
    request.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });
}

describe('HTTPS with the generated certificate', () => {
  it('serves https:// and prints an endpoint without a trailing slash', () => {
    expect(host.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/$/);
    expect(host.connectionString).toMatch(/^endpoint=https:\/\/127\.0\.0\.1:\d+;accesskey=[A-Za-z0-9+/]+=*$/);
    expect(caFile).toBe(path.join(dataDir, 'tls', 'ca.pem'));
  });

  it('has a certificate that verifies against the CA file for 127.0.0.1 and localhost, and not without it', async () => {
    const ca = fs.readFileSync(caFile, 'utf8');
    expect(await handshake('127.0.0.1', ca)).toBe('ok');
    expect(await handshake('localhost', ca)).toBe('ok');
    // Node's own roots do not include the local CA: a client that was not told to trust it refuses.
    expect(await handshake('127.0.0.1', undefined)).toMatch(/UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT_LOCALLY|SELF_SIGNED_CERT_IN_CHAIN/);
  });

  it('routes a job end to end as the Python SDK README does it, from the printed connection string', async () => {
    // REQUESTS_CA_BUNDLE=<caFile>: requests trusts that file and nothing else.
    const client = pythonStyleClient(host.connectionString, fs.readFileSync(caFile, 'utf8'));
    expect(client.endpoint).toBe(host.url.replace(/\/$/, ''));

    const policy = await client.send('PATCH', '/routing/distributionPolicies/distribution-policy-1', { offerExpiresAfterSeconds: 86400, mode: { kind: 'longestIdle', minConcurrentOffers: 1, maxConcurrentOffers: 1 } });
    expect(policy.status).toBe(201);
    expect((await client.send('PATCH', '/routing/queues/queue-1', { name: 'My Queue', distributionPolicyId: 'distribution-policy-1' })).status).toBe(201);
    const job = await client.send('PATCH', '/routing/jobs/jobId-1', {
      channelId: 'voice',
      queueId: 'queue-1',
      priority: 1,
      requestedWorkerSelectors: [{ key: 'Some-Skill', labelOperator: 'greaterThan', value: 10 }],
    });
    expect(job.status).toBe(201);
    const worker = await client.send('PATCH', '/routing/workers/worker-1', {
      capacity: 1,
      queues: ['queue-1'],
      labels: { 'Some-Skill': 11 },
      channels: [{ channelId: 'voice', capacityCostPerJob: 1 }],
      availableForOffers: true,
    });
    expect(worker.status).toBe(201);

    await host.engine.idle();
    const offered = await client.send('GET', '/routing/workers/worker-1');
    expect(offered.status).toBe(200);
    expect(offered.body.offers).toEqual([expect.objectContaining({ jobId: 'jobId-1', capacityCost: 1 })]);
    const offerId = offered.body.offers[0].offerId as string;

    const accepted = await client.send('POST', `/routing/workers/worker-1/offers/${offerId}:accept`);
    expect(accepted).toEqual({ status: 200, body: { assignmentId: expect.any(String), jobId: 'jobId-1', workerId: 'worker-1' } });
    const assignmentId = accepted.body.assignmentId as string;
    expect((await client.send('POST', `/routing/jobs/jobId-1/assignments/${assignmentId}:complete`, { note: 'done' })).status).toBe(200);
    expect((await client.send('POST', `/routing/jobs/jobId-1/assignments/${assignmentId}:close`, { dispositionCode: 'Resolved' })).status).toBe(200);
    const closed = await client.send('GET', '/routing/jobs/jobId-1');
    expect(closed.body).toMatchObject({ id: 'jobId-1', status: 'closed', dispositionCode: 'Resolved' });
    expect((await client.send('DELETE', '/routing/jobs/jobId-1')).status).toBe(204);
  });

  it('signs the host the Python SDK signs: the endpoint text, so an Azure-portal style trailing slash is stripped by the parser', async () => {
    const withSlash = host.connectionString.replace(/;accesskey=/, '/;accesskey=');
    expect(pythonEndpointOf(withSlash).endpoint).toBe(pythonEndpointOf(host.connectionString).endpoint);
    const client = pythonStyleClient(withSlash, fs.readFileSync(caFile, 'utf8'));
    expect((await client.send('GET', '/routing/queues')).status).toBe(200);
  });

  it('serves the JS SDK signing pipeline (with and without a trailing slash) when it trusts the CA', async () => {
    const ca = fs.readFileSync(caFile, 'utf8');
    for (const connectionString of [host.connectionString, host.connectionString.replace(/;accesskey=/, '/;accesskey=')]) {
      const client = createSignedClient(connectionString, undefined, { ca });
      const created = await patch(client, '/routing/queues/js-queue', { distributionPolicyId: 'distribution-policy-1' });
      expect(['200', '201']).toContain(created.status);
      expect((await client.pathUnchecked('/routing/queues/js-queue').get()).status).toBe('200');
    }
  });
});

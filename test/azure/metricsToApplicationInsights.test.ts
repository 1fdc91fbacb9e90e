import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { getClient, type Client } from '@azure-rest/core-client';
import { createCommunicationAuthPolicy, parseClientArguments } from '@azure/communication-common';
import { connectionString } from '../../shared/hosting/accessKey';
import { AZURE_SETTINGS } from '../../shared/hosting/azureConfig';
import { APPLICATION_INSIGHTS_SETTINGS } from '../../shared/hosting/azureMonitorMetrics';
import { SETTINGS } from '../../shared/hosting/config';
import { functionsHost, useFunctionsHost, useFunctionsSettings } from '../../shared/hosting/functionsHost';
import { loadOrCreateServerTls } from '../../shared/hosting/tlsCertificate';
import { silentLogger } from '../../shared/ports/Logger';
import { startCosmosTestServer, type CosmosTestServer } from '../support/cosmosTestServer';
import { functionsTransport } from '../support/functionsTransport';
import { API_VERSION, patch } from '../support/signedClient';

/**
 * On the Azure host the instruments go to Application Insights: the Functions host composed from app
 * settings with APPLICATIONINSIGHTS_CONNECTION_STRING, requests through routerHttp, state in Cosmos DB
 * on the local server, and the real Azure Monitor exporter posting to a local HTTP receiver that
 * stands in for the ingestion endpoint (the connection string's IngestionEndpoint points at it; no
 * Application Insights can run here). The receiver reads what an ingestion endpoint would.
 */

// The exporter's own usage telemetry (statsbeat) would post to Microsoft from a timer that outlives this
// suite (and fails in the next suite of the same Jest worker): off here, where nothing can reach it anyway.
process.env['APPLICATIONINSIGHTS_STATSBEAT_DISABLED'] = 'true';
process.env['APPLICATION_INSIGHTS_NO_STATSBEAT'] = 'true';

interface Envelope {
  name: string;
  data: { baseType: string; baseData: { metrics: { name: string; value: number; count?: number }[]; properties?: Record<string, string> } };
}

const ACCESS_KEY = Buffer.alloc(32, 7).toString('base64');
const SERVICE_BUS = 'Endpoint=sb://127.0.0.1:1;SharedAccessKeyName=test;SharedAccessKey=unused';

let server: CosmosTestServer;
let ingestion: https.Server;
let ca: string;
let tlsDir: string;
const received: Envelope[] = [];
const quietExporterEnv = { APPLICATIONINSIGHTS_STATSBEAT_DISABLED: 'true', APPLICATIONINSIGHTS_SDKSTATS_DISABLED: 'true' };
const saved: Record<string, string | undefined> = {};

beforeAll(async () => {
  // The exporter's own usage statistics go to a fixed Microsoft endpoint, which is not reachable here.
  for (const [name, value] of Object.entries(quietExporterEnv)) {
    saved[name] = process.env[name];
    process.env[name] = value;
  }
  server = await startCosmosTestServer();
  // The exporter only speaks HTTPS: the receiver has a certificate from a local CA made for this run.
  tlsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jobrouter-ingestion-'));
  const tls = await loadOrCreateServerTls(tlsDir, '127.0.0.1');
  ca = tls.caCertificate ?? '';
  ingestion = https.createServer({ cert: tls.cert, key: tls.key }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const text = (req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw).toString('utf8');
      const envelopes = (text.trim().startsWith('[') ? JSON.parse(text) : text.split('\n').filter(Boolean).map((line) => JSON.parse(line) as unknown)) as Envelope[];
      received.push(...envelopes);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ itemsReceived: envelopes.length, itemsAccepted: envelopes.length, errors: [] }));
    });
  });
  await new Promise<void>((resolve) => ingestion.listen(0, '127.0.0.1', resolve));
});
afterAll(async () => {
  await server.close();
  await new Promise((resolve) => ingestion.close(resolve));
  fs.rmSync(tlsDir, { recursive: true, force: true });
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

function signedClient(): Client {
  const { url, credential } = parseClientArguments(connectionString('http://localhost/', ACCESS_KEY));
  const client = getClient(url, { apiVersion: API_VERSION, allowInsecureConnection: true, retryOptions: { maxRetries: 0 }, httpClient: functionsTransport });
  client.pipeline.addPolicy(createCommunicationAuthPolicy(credential));
  return client;
}

const metricsNamed = (name: string) =>
  received.filter((e) => e.data.baseType === 'MetricData').flatMap((e) => e.data.baseData.metrics.filter((m) => m.name === name).map((m) => ({ ...m, properties: e.data.baseData.properties ?? {} })));

it('sends the router instruments to the ingestion endpoint of the connection string', async () => {
  const port = (ingestion.address() as AddressInfo).port;
  useFunctionsSettings(
    {
      [SETTINGS.accessKey]: ACCESS_KEY,
      [SETTINGS.logLevel]: 'silent',
      [AZURE_SETTINGS.cosmosEndpoint.name]: server.endpoint,
      [AZURE_SETTINGS.cosmosKey.name]: server.key,
      [AZURE_SETTINGS.cosmosDatabase.name]: 'metrics',
      [AZURE_SETTINGS.cosmosCreateIfMissing.name]: 'true',
      [AZURE_SETTINGS.serviceBus.name]: SERVICE_BUS,
      [APPLICATION_INSIGHTS_SETTINGS.connectionString]: `InstrumentationKey=00000000-0000-0000-0000-000000000001;IngestionEndpoint=https://127.0.0.1:${port}/`,
    },
    { logger: silentLogger, cosmosAgent: server.agent, metricsExport: { intervalMs: 60 * 60_000, client: { tlsOptions: { ca } } } },
  );
  const client = signedClient();
  expect((await patch(client, '/routing/distributionPolicies/dp', { offerExpiresAfterSeconds: 30, mode: { kind: 'longestIdle' } })).status).toBe('201');
  expect((await patch(client, '/routing/queues/q', { distributionPolicyId: 'dp' })).status).toBe('201');
  expect((await client.pathUnchecked('/routing/queues/q').get()).status).toBe('200');
  const host = await functionsHost();
  expect(host.metrics).toBeDefined();
  // Closing the host flushes the last export, as the platform's shutdown would.
  await host.close?.();
  useFunctionsHost(undefined);

  const upserts = metricsNamed('jobrouter_http_request_duration_seconds').filter((m) => m.properties['operation'] === 'UpsertQueue');
  expect(upserts).toEqual([expect.objectContaining({ count: 1, properties: expect.objectContaining({ method: 'PATCH', status: '201' }) })]);
  expect(metricsNamed('jobrouter_http_request_duration_seconds').find((m) => m.properties['operation'] === 'GetQueue')).toMatchObject({ count: 1 });
  expect(metricsNamed('jobrouter_queue_depth')).toEqual([expect.objectContaining({ value: 0, properties: expect.objectContaining({ queue: 'q' }) })]);
});

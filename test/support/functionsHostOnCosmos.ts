import { getClient, type Client } from '@azure-rest/core-client';
import { createCommunicationAuthPolicy, parseClientArguments } from '@azure/communication-common';
import { connectionString } from '../../shared/hosting/accessKey';
import { AZURE_SETTINGS } from '../../shared/hosting/azureConfig';
import { SETTINGS } from '../../shared/hosting/config';
import { functionsHost, useFunctionsHost } from '../../shared/hosting/functionsHost';
import { startCosmosTestServer, type CosmosTestServer } from './cosmosTestServer';
import { functionsTransport } from './functionsTransport';
import { API_VERSION } from './signedClient';

/**
 * Suites that compose the Functions host from app settings, as the platform does, with requests through
 * routerHttp and state on the local Cosmos server. The Service Bus connection string names a broker that
 * is never reached: nothing in these suites sends a match request (the client connects on its first send).
 */
export const FUNCTIONS_ACCESS_KEY = Buffer.alloc(32, 7).toString('base64');
const SERVICE_BUS = 'Endpoint=sb://127.0.0.1:1;SharedAccessKeyName=test;SharedAccessKey=unused';

/** An SDK client signing with `key`, whose requests reach routerHttp in-process. */
export function functionsClient(key = FUNCTIONS_ACCESS_KEY): Client {
  const { url, credential } = parseClientArguments(connectionString('http://localhost/', key));
  const client = getClient(url, { apiVersion: API_VERSION, allowInsecureConnection: true, retryOptions: { maxRetries: 0 }, httpClient: functionsTransport });
  client.pipeline.addPolicy(createCommunicationAuthPolicy(credential));
  return client;
}

/**
 * Starts the Cosmos server for the suite, closes the composed host after each test; answers the app
 * settings of a host on a database of its own (`<prefix>-<n>`), and the server.
 */
export function functionsHostOnCosmos(databasePrefix: string): { settings(extra?: Record<string, string>): NodeJS.ProcessEnv; server(): CosmosTestServer } {
  let server: CosmosTestServer | undefined;
  let databases = 0;
  beforeAll(async () => {
    server = await startCosmosTestServer();
  });
  afterEach(async () => {
    const host = await functionsHost().catch(() => undefined);
    await host?.close?.();
    useFunctionsHost(undefined);
  });
  afterAll(async () => {
    await server?.close();
  });
  const running = () => {
    if (!server) throw new Error('the Cosmos test server starts in beforeAll');
    return server;
  };
  return {
    server: running,
    settings: (extra = {}) => ({
      [SETTINGS.accessKey]: FUNCTIONS_ACCESS_KEY,
      [SETTINGS.logLevel]: 'silent',
      [AZURE_SETTINGS.cosmosEndpoint.name]: running().endpoint,
      [AZURE_SETTINGS.cosmosKey.name]: running().key,
      [AZURE_SETTINGS.cosmosDatabase.name]: `${databasePrefix}-${++databases}`,
      [AZURE_SETTINGS.serviceBus.name]: SERVICE_BUS,
      ...extra,
    }),
  };
}

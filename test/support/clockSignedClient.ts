import { getClient, type Client } from '@azure-rest/core-client';
import type { PipelinePolicy } from '@azure/core-rest-pipeline';
import { parseClientArguments } from '@azure/communication-common';
import type { Clock } from '../../shared/ports/Clock';
import { functionsTransport } from './functionsTransport';
import { signHeaders } from './rawSignedFetch';
import { API_VERSION } from './signedClient';

/**
 * A REST client whose signatures carry the router's test clock as `x-ms-date`, for scripts that move
 * that clock hours away from the real time (the router accepts 15 minutes of skew against its own
 * clock). The algorithm is the SDK's (docs/behaviour.md#authentication); authentication itself is
 * proven with the real SDK policy elsewhere. On the Azure composition it calls the Functions handler.
 */
export function clockSignedClient(connectionString: string, clock: Clock): Client {
  const { url } = parseClientArguments(connectionString);
  const accessKey = /accesskey=([^;]+)/i.exec(connectionString)?.[1] ?? '';
  const azure = process.env['JOBROUTER_TEST_HOST'] === 'azure';
  const client = getClient(url, { apiVersion: API_VERSION, allowInsecureConnection: true, retryOptions: { maxRetries: 0 }, httpClient: azure ? functionsTransport : undefined });
  const sign: PipelinePolicy = {
    name: 'testClockSignature',
    sendRequest: (request, next) => {
      const body = typeof request.body === 'string' ? request.body : '';
      const url = new URL(request.url);
      const headers = signHeaders(request.method, url, body, accessKey, { date: clock.now().toUTCString() });
      // Signed, so sent explicitly as the SDK policy does (the Functions transport has no socket to add it).
      request.headers.set('host', url.host);
      for (const [name, value] of Object.entries(headers)) request.headers.set(name, value);
      return next(request);
    },
  };
  client.pipeline.addPolicy(sign);
  return client;
}

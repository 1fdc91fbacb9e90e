import { getClient, type Client } from '@azure-rest/core-client';
import { createCommunicationAuthPolicy, parseClientArguments } from '@azure/communication-common';

export const API_VERSION = '2023-11-01';

/**
 * A REST client built the way the official Job Router JS SDK builds its own: connection string
 * parsed by `@azure/communication-common`, requests signed by its HMAC credential policy in an
 * `@azure-rest/core-client` pipeline, api-version appended by the pipeline. Nothing hand-signed.
 */
export function createSignedClient(connectionString: string, apiVersion: string = API_VERSION, options: { ca?: string } = {}): Client {
  const { url, credential } = parseClientArguments(connectionString);
  // `ca`: the router's generated CA, trusted the way NODE_EXTRA_CA_CERTS would (the pipeline verifies the certificate).
  const client = getClient(url, { apiVersion, allowInsecureConnection: true, retryOptions: { maxRetries: 0 }, tlsOptions: options.ca ? { ca: options.ca } : undefined });
  client.pipeline.addPolicy(createCommunicationAuthPolicy(credential));
  return client;
}

/** PATCH as the SDK sends upserts: merge-patch JSON. */
export function patch(client: Client, path: string, body: unknown, headers: Record<string, string> = {}) {
  return client.pathUnchecked(path).patch({ body, contentType: 'application/merge-patch+json', headers });
}

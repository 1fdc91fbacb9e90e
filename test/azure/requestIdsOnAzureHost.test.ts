import { getClient } from '@azure-rest/core-client';
import { createCommunicationAuthPolicy, parseClientArguments } from '@azure/communication-common';
import { InvocationContext } from '@azure/functions';
import { startAzureTestRouter } from '../support/azureTestRouter';
import { functionsTransportWith } from '../support/functionsTransport';
import type { RouterUnderTest } from '../support/routerUnderTest';
import { API_VERSION } from '../support/signedClient';

/**
 * Request ids on the Azure host: routerHttp answers with `trace-id`, and the request's lines in its
 * invocation's log (what Application Insights keeps with the invocation) carry the same `requestId`.
 * The composition is the Azure one on its local counterparts (azureTestRouter).
 */

describe('request ids on the Azure host', () => {
  let router: RouterUnderTest;
  const lines: { invocationId: string; text: string }[] = [];
  let invocations = 0;
  const newContext = () => {
    const invocationId = `inv-${++invocations}`;
    return new InvocationContext({ invocationId, functionName: 'routerHttp', logHandler: (_level, ...args) => lines.push({ invocationId, text: args.map(String).join(' ') }) });
  };

  beforeAll(async () => {
    router = await startAzureTestRouter();
  });
  afterAll(async () => {
    await router.close();
  });

  it("answers with the SDK's client request id in trace-id and logs it on the invocation's request line", async () => {
    const { url, credential } = parseClientArguments(router.connectionString);
    const client = getClient(url, { apiVersion: API_VERSION, allowInsecureConnection: true, retryOptions: { maxRetries: 0 }, httpClient: functionsTransportWith(newContext) });
    client.pipeline.addPolicy(createCommunicationAuthPolicy(credential));
    const response = await client.path('/routing/queues/{queueId}', 'missing').get();
    expect(response.status).toBe('404');
    const sent = response.request.headers.get('x-ms-client-request-id') ?? '';
    expect(sent).not.toBe('');
    expect(response.headers['trace-id']).toBe(sent);
    const requestLines = lines.filter((line) => line.text.startsWith('request '));
    expect(requestLines).toHaveLength(1);
    expect(JSON.parse(requestLines[0]?.text.slice('request '.length) ?? '{}')).toMatchObject({ requestId: sent, status: 404, operationId: 'GetQueue' });
  });
});

import { getClient } from '@azure-rest/core-client';
import { createCommunicationAuthPolicy, parseClientArguments } from '@azure/communication-common';
import { InvocationContext, type LogLevel } from '@azure/functions';
import { invocationLogger } from '../../functions/invocationLogger';
import { startAzureTestRouter } from '../support/azureTestRouter';
import { functionsTransportWith } from '../support/functionsTransport';
import type { RouterUnderTest } from '../support/routerUnderTest';
import { API_VERSION } from '../support/signedClient';

/**
 * Logs on the Azure host go through the invocation's context, which is what Application Insights ties
 * to the invocation. The composition is the Azure one on its local counterparts (azureTestRouter);
 * the context is the library's own, with a log handler that keeps what it was given.
 */

type Line = { level: LogLevel; invocationId: string; text: string };

describe('invocation logs on the Azure host', () => {
  let router: RouterUnderTest;
  const lines: Line[] = [];
  let invocations = 0;
  const newContext = () => {
    const invocationId = `inv-${++invocations}`;
    return new InvocationContext({ invocationId, functionName: 'routerHttp', logHandler: (level, ...args) => lines.push({ level, invocationId, text: args.map(String).join(' ') }) });
  };

  beforeAll(async () => {
    router = await startAzureTestRouter();
  });
  afterAll(async () => {
    await router.close();
  });

  it('each request logs its line (method, target, status) through its own invocation, not stdout', async () => {
    const { url, credential } = parseClientArguments(router.connectionString);
    const client = getClient(url, { apiVersion: API_VERSION, allowInsecureConnection: true, retryOptions: { maxRetries: 0 }, httpClient: functionsTransportWith(newContext) });
    client.pipeline.addPolicy(createCommunicationAuthPolicy(credential));
    expect((await client.path('/routing/queues').get()).status).toBe('200');
    expect((await client.path('/routing/queues/{queueId}', 'missing').get()).status).toBe('404');

    const requests = lines.filter((line) => line.text.startsWith('request '));
    expect(requests.map((line) => [line.level, line.invocationId])).toEqual([
      ['information', 'inv-1'],
      ['information', 'inv-2'],
    ]);
    expect(JSON.parse(requests[1]?.text.slice('request '.length) ?? '')).toMatchObject({ method: 'GET', target: '/routing/queues/missing', operationId: 'GetQueue', status: 404 });
  });
});

describe('invocationLogger', () => {
  const logged = (level?: 'debug' | 'info' | 'warn' | 'error' | 'silent') => {
    const lines: { level: LogLevel; text: string }[] = [];
    const context = new InvocationContext({ logHandler: (at, ...args) => lines.push({ level: at, text: args.map(String).join(' ') }) });
    return { lines, logger: invocationLogger(context, level) };
  };

  it('writes an error with its type, message and stack, which JSON alone would drop', () => {
    const { lines, logger } = logged();
    logger.error({ err: new RangeError('out of range'), jobId: 'j1' }, 'request failed');
    expect(lines).toHaveLength(1);
    expect(lines[0]?.level).toBe('error');
    const fields = JSON.parse(lines[0]?.text.slice('request failed '.length) ?? '') as { err: { type: string; message: string; stack: string }; jobId: string };
    expect(fields).toMatchObject({ jobId: 'j1', err: { type: 'RangeError', message: 'out of range' } });
    expect(fields.err.stack).toMatch(/RangeError: out of range\n\s+at /);
  });

  it('follows JOBROUTER_LOG_LEVEL: warn drops info lines, silent drops everything', () => {
    const warn = logged('warn');
    warn.logger.info({}, 'routine');
    warn.logger.warn({}, 'odd');
    expect(warn.lines).toEqual([{ level: 'warning', text: 'odd' }]);
    const silent = logged('silent');
    silent.logger.error({}, 'bad');
    expect(silent.lines).toEqual([]);
  });
});

import { FetchRuleInvoker } from '../../shared/adapters/http/FetchRuleInvoker';
import type { HttpRuleOptions } from '../../shared/adapters/http/HttpRuleEvaluator';
import { RouterRuleEvaluator } from '../../shared/adapters/http/RouterRuleEvaluator';
import type { RouterRule } from '../../shared/domain/model';
import { RuleEvaluationError } from '../../shared/ports/RuleEvaluator';
import { TestEndpoints } from '../support/testEndpoints';
import { TestClock } from '../support/testClock';

/**
 * Function and webhook rules against real HTTP servers on this machine (node:http on a free port), through
 * the real fetch-based invoker. Only the wait between retries is replaced, by a sleep that records what it
 * was asked to wait and returns at once.
 */

const SCORING_INPUT = {
  job: { Language: 'en', Escalated: true },
  selectors: [{ key: 'English', operator: 'GreaterThanEqual', value: 7, expiresAfterSeconds: null }],
  worker: { Id: 'w1', English: 9 },
};

let endpoints: TestEndpoints;
let waits: number[];

beforeAll(async () => {
  endpoints = await TestEndpoints.start();
});
afterAll(async () => {
  await endpoints.close();
});
beforeEach(() => {
  endpoints.reset();
  waits = [];
});

function evaluator(options: HttpRuleOptions = {}): RouterRuleEvaluator {
  return new RouterRuleEvaluator({
    retry: { attempts: 3, firstDelayMs: 100, maxDelayMs: 1000 },
    sleep: (ms) => {
      waits.push(ms);
      return Promise.resolve();
    },
    ...options,
  });
}

const functionRule = (path: string, credential?: { functionKey?: string; appKey?: string; clientId?: string }): RouterRule => ({
  kind: 'function',
  functionUri: endpoints.url(path),
  ...(credential ? { credential } : {}),
});

describe('function rules', () => {
  it('POST the rule input as JSON with the function key in x-functions-key, and answer the JSON of the 200', async () => {
    endpoints.reply('/api/score', { status: 200, json: 200 });
    await expect(evaluator().evaluate(functionRule('/api/score', { functionKey: 'fn-key' }), SCORING_INPUT)).resolves.toBe(200);

    const [request] = endpoints.to('/api/score');
    expect(endpoints.received).toHaveLength(1);
    expect(request?.headers['x-functions-key']).toBe('fn-key');
    expect(request?.headers['x-functions-clientid']).toBeUndefined();
    expect(request?.headers['content-type']).toBe('application/json');
    expect(JSON.parse(request?.body ?? '')).toEqual(SCORING_INPUT);
  });

  it('an app key goes in x-functions-key with its name (clientId) in x-functions-clientid', async () => {
    endpoints.reply('/api/priority', { status: 200, json: 10 });
    await expect(evaluator().evaluate(functionRule('/api/priority', { appKey: 'app-key', clientId: 'router' }), { job: { Escalated: true } })).resolves.toBe(10);
    const [request] = endpoints.to('/api/priority');
    expect(request?.headers['x-functions-key']).toBe('app-key');
    expect(request?.headers['x-functions-clientid']).toBe('router');
    expect(JSON.parse(request?.body ?? '')).toEqual({ job: { Escalated: true } });
  });

  it('without a credential no key header is sent; with both kinds of key the narrower function key is', async () => {
    endpoints.reply('/api/open', { status: 200, json: 1 });
    await evaluator().evaluate(functionRule('/api/open'), { job: {} });
    await evaluator().evaluate(functionRule('/api/open', { functionKey: 'fn-key', appKey: 'app-key', clientId: 'router' }), { job: {} });
    const [open, both] = endpoints.to('/api/open');
    expect(open?.headers['x-functions-key']).toBeUndefined();
    expect(both?.headers['x-functions-key']).toBe('fn-key');
    expect(both?.headers['x-functions-clientid']).toBeUndefined();
  });

  it('a batch answer (worker id → score) is returned as it is', async () => {
    endpoints.reply('/api/batch', { status: 200, json: { w1: 0.9, w2: 0.4 } });
    const input = { job: {}, workers: [{ Id: 'w1' }, { Id: 'w2' }] };
    await expect(evaluator().evaluate(functionRule('/api/batch'), input)).resolves.toEqual({ w1: 0.9, w2: 0.4 });
    expect(JSON.parse(endpoints.to('/api/batch')[0]?.body ?? '')).toEqual(input);
  });

  it('a 500 is retried after a backoff, and the answer that follows is the value', async () => {
    endpoints.reply('/api/flaky', { status: 500, text: 'host restarting' }, { status: 200, json: 42 });
    await expect(evaluator().evaluate(functionRule('/api/flaky'), SCORING_INPUT)).resolves.toBe(42);
    expect(endpoints.to('/api/flaky')).toHaveLength(2);
    expect(waits).toEqual([100]);
  });

  it('429 is retried too; the backoff doubles; the last status is the reason after the last attempt', async () => {
    endpoints.reply('/api/busy', { status: 429, text: 'slow down' });
    const failure = evaluator().evaluate(functionRule('/api/busy'), SCORING_INPUT);
    await expect(failure).rejects.toBeInstanceOf(RuleEvaluationError);
    await expect(failure).rejects.toThrow(`function rule: ${endpoints.host}/api/busy answered 429: "slow down" (3 attempts); expected 200 with a JSON body`);
    expect(endpoints.to('/api/busy')).toHaveLength(3);
    expect(waits).toEqual([100, 200]);
  });

  it('a 400 is not retried and its body is quoted in the reason', async () => {
    endpoints.reply('/api/strict', { status: 400, json: { error: 'job.Tier missing' } });
    await expect(evaluator().evaluate(functionRule('/api/strict'), SCORING_INPUT)).rejects.toThrow(
      `function rule: ${endpoints.host}/api/strict answered 400: "{\\"error\\":\\"job.Tier missing\\"}"; expected 200 with a JSON body`,
    );
    expect(endpoints.to('/api/strict')).toHaveLength(1);
    expect(waits).toEqual([]);
  });

  it('an endpoint that does not answer in time fails with the timeout as the reason, without retrying', async () => {
    endpoints.reply('/api/slow', 'hang');
    await expect(evaluator({ timeoutMs: 50 }).evaluate(functionRule('/api/slow'), SCORING_INPUT)).rejects.toThrow(
      `function rule: ${endpoints.host}/api/slow did not answer within 50 ms; expected 200 with a JSON body`,
    );
    expect(endpoints.to('/api/slow')).toHaveLength(1);
  });

  it('an endpoint that cannot be reached is retried, then named with the network error', async () => {
    const closed = await TestEndpoints.start();
    const url = closed.url('/api/gone');
    await closed.close();
    const failure = evaluator().evaluate({ kind: 'function', functionUri: url }, SCORING_INPUT);
    await expect(failure).rejects.toThrow(`function rule: ${new URL(url).host}/api/gone could not be reached (ECONNREFUSED), 3 attempts; expected 200 with a JSON body`);
    expect(waits).toEqual([100, 200]);
  });

  it('a 200 whose body is not JSON, or is empty, is a failure that says so', async () => {
    endpoints.reply('/api/html', { status: 200, text: '<html>hello</html>' });
    endpoints.reply('/api/empty', { status: 200 });
    await expect(evaluator().evaluate(functionRule('/api/html'), SCORING_INPUT)).rejects.toThrow(
      `function rule: ${endpoints.host}/api/html answered 200 with a body that is not JSON: "<html>hello</html>"; expected 200 with a JSON body`,
    );
    await expect(evaluator().evaluate(functionRule('/api/empty'), SCORING_INPUT)).rejects.toThrow(`${endpoints.host}/api/empty answered 200 with an empty body`);
  });

  it('other 2xx and redirects are failures (a redirect is not followed, so the key is not resent elsewhere)', async () => {
    endpoints.reply('/api/moved', { status: 302, headers: { location: endpoints.url('/api/elsewhere') } });
    endpoints.reply('/api/elsewhere', { status: 200, json: 1 });
    endpoints.reply('/api/nothing', { status: 204 });
    await expect(evaluator().evaluate(functionRule('/api/moved', { functionKey: 'fn-key' }), SCORING_INPUT)).rejects.toThrow(`${endpoints.host}/api/moved answered 302`);
    await expect(evaluator().evaluate(functionRule('/api/nothing'), SCORING_INPUT)).rejects.toThrow(`${endpoints.host}/api/nothing answered 204`);
    expect(endpoints.to('/api/elsewhere')).toHaveLength(0);
  });

  it('an answer over the size bound is refused', async () => {
    endpoints.reply('/api/huge', { status: 200, json: { w1: 'x'.repeat(2000) } });
    const small = evaluator({ invoker: new FetchRuleInvoker({ maxResponseBytes: 1024 }) });
    await expect(small.evaluate(functionRule('/api/huge'), SCORING_INPUT)).rejects.toThrow(`function rule: ${endpoints.host}/api/huge answered with more than 1024 bytes`);
    endpoints.reply('/api/huge', { status: 200, json: { w1: 'x'.repeat(500) } });
    await expect(small.evaluate(functionRule('/api/huge'), SCORING_INPUT)).resolves.toEqual({ w1: 'x'.repeat(500) });
  });

  it('a key in the query string of functionUri is sent, but never appears in a failure reason', async () => {
    endpoints.reply('/api/coded', { status: 403, text: 'wrong key' });
    const rule: RouterRule = { kind: 'function', functionUri: `${endpoints.url('/api/coded')}?code=secret-code` };
    const failure = evaluator().evaluate(rule, SCORING_INPUT);
    await expect(failure).rejects.toThrow(`${endpoints.host}/api/coded answered 403`);
    await expect(failure).rejects.not.toThrow('secret-code');
    expect(endpoints.to('/api/coded')[0]?.path).toBe('/api/coded?code=secret-code');
  });
});

describe('webhook rules', () => {
  const clientCredential = { clientId: 'router-client', clientSecret: 's3cret' };
  const webhookRule = (overrides: Partial<Extract<RouterRule, { kind: 'webhook' }>> = {}): RouterRule => ({
    kind: 'webhook',
    authorizationServerUri: endpoints.url('/oauth/token'),
    clientCredential,
    webhookUri: endpoints.url('/hooks/score'),
    ...overrides,
  });
  const token = (accessToken: string, expiresIn: unknown = 3600) => ({ status: 200, json: { access_token: accessToken, token_type: 'Bearer', expires_in: expiresIn } });
  const tokenRequests = () => endpoints.to('/oauth/token');
  const authorizations = () => endpoints.to('/hooks/score').map((r) => r.headers['authorization']);

  it('gets a token by the client-credentials grant and sends the input with it as a Bearer token', async () => {
    endpoints.reply('/oauth/token', token('t1'));
    endpoints.reply('/hooks/score', { status: 200, json: 7 });
    await expect(evaluator({ clock: new TestClock() }).evaluate(webhookRule(), SCORING_INPUT)).resolves.toBe(7);

    const [tokenRequest] = tokenRequests();
    expect(tokenRequest?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(Object.fromEntries(new URLSearchParams(tokenRequest?.body))).toEqual({ grant_type: 'client_credentials', client_id: 'router-client', client_secret: 's3cret' });
    const [call] = endpoints.to('/hooks/score');
    expect(call?.headers['authorization']).toBe('Bearer t1');
    expect(JSON.parse(call?.body ?? '')).toEqual(SCORING_INPUT);
  });

  it('reuses the token until a minute before it expires, then gets a new one', async () => {
    const clock = new TestClock();
    const rules = evaluator({ clock });
    endpoints.reply('/oauth/token', token('t1', 3600), token('t2', 3600));
    endpoints.reply('/hooks/score', { status: 200, json: 1 });

    await rules.evaluate(webhookRule(), SCORING_INPUT);
    await rules.evaluate(webhookRule(), SCORING_INPUT);
    clock.advance(3540_000 - 1);
    await rules.evaluate(webhookRule(), SCORING_INPUT);
    expect(tokenRequests()).toHaveLength(1);

    clock.advance(1);
    await rules.evaluate(webhookRule(), SCORING_INPUT);
    await rules.evaluate(webhookRule(), SCORING_INPUT);
    expect(tokenRequests()).toHaveLength(2);
    expect(authorizations()).toEqual(['Bearer t1', 'Bearer t1', 'Bearer t1', 'Bearer t2', 'Bearer t2']);
  });

  it('a short-lived token is kept for half its life; a missing expires_in counts as five minutes', async () => {
    const clock = new TestClock();
    const rules = evaluator({ clock });
    endpoints.reply('/oauth/token', token('short', '60'), { status: 200, json: { access_token: 'unknown', token_type: 'Bearer' } }, token('next'));
    endpoints.reply('/hooks/score', { status: 200, json: 1 });
    await rules.evaluate(webhookRule(), SCORING_INPUT);
    clock.advance(29_999);
    await rules.evaluate(webhookRule(), SCORING_INPUT);
    clock.advance(1);
    await rules.evaluate(webhookRule(), SCORING_INPUT);
    clock.advance(240_000 - 1);
    await rules.evaluate(webhookRule(), SCORING_INPUT);
    clock.advance(1);
    await rules.evaluate(webhookRule(), SCORING_INPUT);
    expect(authorizations()).toEqual(['Bearer short', 'Bearer short', 'Bearer unknown', 'Bearer unknown', 'Bearer next']);
  });

  it('tokens are kept per authorization server, client id and secret', async () => {
    const rules = evaluator({ clock: new TestClock() });
    endpoints.reply('/oauth/token', token('a'), token('b'), token('c'));
    endpoints.reply('/oauth/other', token('other'));
    endpoints.reply('/hooks/score', { status: 200, json: 1 });
    await rules.evaluate(webhookRule(), SCORING_INPUT);
    await rules.evaluate(webhookRule({ clientCredential: { clientId: 'another-client', clientSecret: 's3cret' } }), SCORING_INPUT);
    await rules.evaluate(webhookRule({ clientCredential: { clientId: 'router-client', clientSecret: 'rotated' } }), SCORING_INPUT);
    await rules.evaluate(webhookRule({ authorizationServerUri: endpoints.url('/oauth/other') }), SCORING_INPUT);
    await rules.evaluate(webhookRule(), SCORING_INPUT);
    expect(authorizations()).toEqual(['Bearer a', 'Bearer b', 'Bearer c', 'Bearer other', 'Bearer a']);
  });

  it('evaluations that need the same token at once share one token request', async () => {
    const rules = evaluator({ clock: new TestClock() });
    endpoints.reply('/oauth/token', token('shared'), token('unexpected'));
    endpoints.reply('/hooks/score', { status: 200, json: 1 });
    await Promise.all([1, 2, 3].map(() => rules.evaluate(webhookRule(), SCORING_INPUT)));
    expect(tokenRequests()).toHaveLength(1);
    expect(authorizations()).toEqual(['Bearer shared', 'Bearer shared', 'Bearer shared']);
  });

  it('a 401 for a cached token gets a new token and one more call', async () => {
    const rules = evaluator({ clock: new TestClock() });
    endpoints.reply('/oauth/token', token('revoked'), token('renewed'));
    endpoints.reply('/hooks/score', { status: 200, json: 1 }, { status: 401 }, { status: 200, json: 2 });
    await rules.evaluate(webhookRule(), SCORING_INPUT);
    await expect(rules.evaluate(webhookRule(), SCORING_INPUT)).resolves.toBe(2);
    expect(authorizations()).toEqual(['Bearer revoked', 'Bearer revoked', 'Bearer renewed']);
  });

  it('a 401 for a token just obtained is the failure, without asking again', async () => {
    endpoints.reply('/oauth/token', token('t1'), token('t2'));
    endpoints.reply('/hooks/score', { status: 401, text: 'audience mismatch' });
    await expect(evaluator({ clock: new TestClock() }).evaluate(webhookRule(), SCORING_INPUT)).rejects.toThrow(
      `webhook rule: ${endpoints.host}/hooks/score answered 401: "audience mismatch"; expected 200 with a JSON body`,
    );
    expect(tokenRequests()).toHaveLength(1);
  });

  it('a token endpoint that refuses the client is the reason, with its OAuth error, and the webhook is not called', async () => {
    endpoints.reply('/oauth/token', { status: 401, json: { error: 'invalid_client', error_description: 'Client authentication failed' } });
    const failure = evaluator({ clock: new TestClock() }).evaluate(webhookRule(), SCORING_INPUT);
    await expect(failure).rejects.toBeInstanceOf(RuleEvaluationError);
    await expect(failure).rejects.toThrow(
      `webhook rule: the client-credentials token request to ${endpoints.host}/oauth/token got 401 (invalid_client: Client authentication failed); expected 200 with a JSON access_token`,
    );
    await expect(failure).rejects.not.toThrow('s3cret');
    expect(tokenRequests()).toHaveLength(1);
    expect(endpoints.to('/hooks/score')).toHaveLength(0);
  });

  it('a token endpoint that fails with 503 is retried; one that answers without a token is a failure', async () => {
    endpoints.reply('/oauth/token', { status: 503 }, token('t1'));
    endpoints.reply('/hooks/score', { status: 200, json: 1 });
    await expect(evaluator({ clock: new TestClock() }).evaluate(webhookRule(), SCORING_INPUT)).resolves.toBe(1);
    expect(tokenRequests()).toHaveLength(2);

    endpoints.reply('/oauth/token', { status: 200, json: { token_type: 'Bearer' } });
    await expect(evaluator({ clock: new TestClock() }).evaluate(webhookRule(), SCORING_INPUT)).rejects.toThrow(
      `the client-credentials token request to ${endpoints.host}/oauth/token got 200 without an access_token`,
    );
    endpoints.reply('/oauth/token', { status: 200, json: { access_token: 'm', token_type: 'mac' } });
    await expect(evaluator({ clock: new TestClock() }).evaluate(webhookRule(), SCORING_INPUT)).rejects.toThrow('got a token of type "mac", which cannot be sent as a Bearer token');
  });

  it('a token endpoint that does not answer in time is the reason', async () => {
    endpoints.reply('/oauth/token', 'hang');
    await expect(evaluator({ clock: new TestClock(), timeoutMs: 50 }).evaluate(webhookRule(), SCORING_INPUT)).rejects.toThrow(
      `webhook rule: the client-credentials token request to ${endpoints.host}/oauth/token failed: ${endpoints.host}/oauth/token did not answer within 50 ms`,
    );
  });

  it('without an authorization server the webhook is called without a token', async () => {
    endpoints.reply('/hooks/score', { status: 200, json: 3 });
    await expect(evaluator().evaluate({ kind: 'webhook', webhookUri: endpoints.url('/hooks/score') }, SCORING_INPUT)).resolves.toBe(3);
    expect(authorizations()).toEqual([undefined]);
    expect(tokenRequests()).toHaveLength(0);
  });

  it('incomplete rules are refused with what to set, before any request', async () => {
    const rules = evaluator();
    await expect(rules.evaluate(webhookRule({ webhookUri: undefined }), SCORING_INPUT)).rejects.toThrow('webhook rule: it has no webhookUri; set the URL of the webhook in the policy');
    await expect(rules.evaluate(webhookRule({ clientCredential: { clientId: 'router-client' } }), SCORING_INPUT)).rejects.toThrow(
      'webhook rule: it has an authorizationServerUri but its clientCredential lacks a clientId or clientSecret',
    );
    await expect(rules.evaluate(webhookRule({ authorizationServerUri: undefined }), SCORING_INPUT)).rejects.toThrow(
      'webhook rule: it has a clientCredential but no authorizationServerUri to get a token from',
    );
    expect(endpoints.received).toHaveLength(0);
  });
});

describe('RouterRuleEvaluator', () => {
  it('computes static, directMap and expression rules in-process, without a request', async () => {
    const rules = evaluator();
    await expect(rules.evaluate({ kind: 'static', value: 5 }, {})).resolves.toBe(5);
    await expect(rules.evaluate({ kind: 'directMap' }, { job: { Region: 'NA' } })).resolves.toEqual({ Region: 'NA' });
    await expect(rules.evaluate({ kind: 'expression', expression: 'If(worker.Skill > 5, 100, 1)' }, { worker: { Id: 'w', Skill: 7 } })).resolves.toBe(100);
    expect(endpoints.received).toHaveLength(0);
  });
});

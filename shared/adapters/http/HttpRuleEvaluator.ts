import type { RouterRule } from '../../domain/model';
import { sleep as sleepOn, systemClock, type Clock } from '../../ports/Clock';
import { RuleEvaluationError } from '../../ports/RuleEvaluator';
import { RuleInvocationError, type RuleInvoker } from '../../ports/RuleInvoker';
import { ClientCredentialsTokens, type ClientCredentials } from './ClientCredentialsTokens';
import { endpointName } from './endpointName';
import { FetchRuleInvoker } from './FetchRuleInvoker';
import { DEFAULT_RETRY, postWithRetries, type Attempted, type RetryPolicy, type Sleep } from './postWithRetries';
import { quote } from './quote';

export type FunctionRule = Extract<RouterRule, { kind: 'function' }>;
export type WebhookRule = Extract<RouterRule, { kind: 'webhook' }>;
export type HttpRule = FunctionRule | WebhookRule;

/** Per request (token request and rule call each); the service never documented one, see ADR 0016. */
export const DEFAULT_RULE_TIMEOUT_MS = 5000;

export interface HttpRuleOptions {
  invoker?: RuleInvoker;
  /**
   * Decides when a cached OAuth token is due for renewal, and times the waits between attempts. The
   * per-request timeout stays on real time: it bounds a real network call, which no clock can speed up.
   */
  clock?: Clock;
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  /** Waits between attempts (tests pass one that records the waits); a wait on `clock` when absent. */
  sleep?: Sleep;
}

/**
 * Function and webhook rules: the rule input (`{job}`, or `{job, selectors, worker}` / `{job, selectors,
 * workers}` for scoring, docs/behaviour.md#scoring-rules and #rule-kinds) is POSTed as JSON, and the JSON of a 200 answer is the
 * rule's value, as it is: the caller checks that it is what it asked for (a number, scores per worker id,
 * a priority, selectors).
 */
export class HttpRuleEvaluator {
  private readonly invoker: RuleInvoker;
  private readonly timeoutMs: number;
  private readonly retry: RetryPolicy;
  private readonly sleep: Sleep;
  private readonly tokens: ClientCredentialsTokens;

  constructor(options: HttpRuleOptions = {}) {
    this.invoker = options.invoker ?? new FetchRuleInvoker();
    this.timeoutMs = options.timeoutMs ?? DEFAULT_RULE_TIMEOUT_MS;
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    const clock = options.clock ?? systemClock;
    this.sleep = options.sleep ?? ((ms) => sleepOn(clock, ms));
    this.tokens = new ClientCredentialsTokens({ invoker: this.invoker, clock, timeoutMs: this.timeoutMs, retry: this.retry, sleep: this.sleep });
  }

  evaluate(rule: HttpRule, input: Record<string, unknown>): Promise<unknown> {
    return rule.kind === 'function' ? this.callFunction(rule, input) : this.callWebhook(rule, input);
  }

  private async callFunction(rule: FunctionRule, input: Record<string, unknown>): Promise<unknown> {
    return this.valueOf('function', rule.functionUri, await this.post('function', rule.functionUri, functionKeyHeaders(rule.credential), input));
  }

  private async callWebhook(rule: WebhookRule, input: Record<string, unknown>): Promise<unknown> {
    const url = rule.webhookUri;
    if (url === undefined) throw new RuleEvaluationError('webhook rule: it has no webhookUri; set the URL of the webhook in the policy');
    const credentials = clientCredentials(rule);
    if (!credentials) return this.valueOf('webhook', url, await this.post('webhook', url, {}, input));
    const token = await this.tokens.token(credentials);
    let attempted = await this.post('webhook', url, bearer(token.accessToken), input);
    if (attempted.response.status === 401 && !token.fresh) {
      // The server may have revoked the token before it expired: one more try with a new one.
      this.tokens.forget(credentials, token.accessToken);
      attempted = await this.post('webhook', url, bearer((await this.tokens.token(credentials)).accessToken), input);
    }
    return this.valueOf('webhook', url, attempted);
  }

  private async post(kind: HttpRule['kind'], url: string, headers: Record<string, string>, input: Record<string, unknown>): Promise<Attempted> {
    try {
      return await postWithRetries(this.invoker, { url, headers, body: { json: input }, timeoutMs: this.timeoutMs }, this.retry, this.sleep);
    } catch (error) {
      if (error instanceof RuleInvocationError) throw new RuleEvaluationError(`${kind} rule: ${error.message}; expected 200 with a JSON body`);
      throw error;
    }
  }

  private valueOf(kind: HttpRule['kind'], url: string, { response, attempts }: Attempted): unknown {
    const tries = attempts > 1 ? ` (${attempts} attempts)` : '';
    const failure = (what: string) => new RuleEvaluationError(`${kind} rule: ${endpointName(url)} ${what}; expected 200 with a JSON body`);
    if (response.status !== 200) throw failure(`answered ${response.status}${quote(response.text)}${tries}`);
    if (response.json === undefined) throw failure(response.text.trim() === '' ? 'answered 200 with an empty body' : `answered 200 with a body that is not JSON${quote(response.text)}`);
    return response.json;
  }
}

/**
 * How the keys reach Azure Functions is not documented for Job Router. These are the Functions host's own
 * names: a key in `x-functions-key`, and the name of the key, when one is given, in `x-functions-clientid`.
 * A function key is narrower than an app key, so it is the one sent when a policy has both.
 */
function functionKeyHeaders(credential: FunctionRule['credential']): Record<string, string> {
  if (credential?.functionKey) return { 'x-functions-key': credential.functionKey };
  if (credential?.appKey) return { 'x-functions-key': credential.appKey, ...(credential.clientId ? { 'x-functions-clientid': credential.clientId } : {}) };
  return {};
}

function clientCredentials(rule: WebhookRule): ClientCredentials | undefined {
  const { authorizationServerUri, clientCredential } = rule;
  if (authorizationServerUri === undefined) {
    if (clientCredential?.clientId || clientCredential?.clientSecret) {
      throw new RuleEvaluationError('webhook rule: it has a clientCredential but no authorizationServerUri to get a token from; set both, or neither for a webhook without OAuth');
    }
    return undefined;
  }
  const { clientId, clientSecret } = clientCredential ?? {};
  if (!clientId || !clientSecret) {
    throw new RuleEvaluationError('webhook rule: it has an authorizationServerUri but its clientCredential lacks a clientId or clientSecret; set both to get a token');
  }
  return { authorizationServerUri, clientId, clientSecret };
}

const bearer = (accessToken: string) => ({ authorization: `Bearer ${accessToken}` });

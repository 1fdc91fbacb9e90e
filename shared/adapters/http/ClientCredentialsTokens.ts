import { createHash } from 'node:crypto';
import type { Clock } from '../../ports/Clock';
import { RuleInvocationError, type RuleHttpRequest, type RuleHttpResponse, type RuleInvoker } from '../../ports/RuleInvoker';
import { RuleEvaluationError } from '../../ports/RuleEvaluator';
import { endpointName } from './endpointName';
import { postWithRetries, type Attempted, type RetryPolicy, type Sleep } from './postWithRetries';
import { quote } from './quote';

/** Used when the token response has no usable `expires_in` (it is only RECOMMENDED, RFC 6749 §5.1). */
export const DEFAULT_TOKEN_LIFETIME_SECONDS = 300;
/** A token is replaced this long before it expires, so that it does not expire on its way to the webhook. */
export const REFRESH_MARGIN_MS = 60_000;
/** Distinct authorization server × client pairs kept; a router uses a handful. */
const CACHE_SIZE = 100;

export interface ClientCredentials {
  authorizationServerUri: string;
  clientId: string;
  clientSecret: string;
}

export interface Token {
  accessToken: string;
  /** False when it came from the cache, so a 401 can be answered by asking for a new one. */
  fresh: boolean;
}

interface Cached {
  accessToken: string;
  refreshAtMs: number;
}

export interface ClientCredentialsTokensOptions {
  invoker: RuleInvoker;
  clock: Clock;
  timeoutMs: number;
  retry: RetryPolicy;
  sleep: Sleep;
}

/**
 * OAuth 2.0 client-credentials tokens (RFC 6749 §4.4) for webhook rules, kept until shortly before they
 * expire. Tokens are kept per authorization server, client id and secret: a policy updated with another
 * secret must prove it, not ride on a token the old secret obtained. Concurrent requests for the same
 * token share one token request.
 */
export class ClientCredentialsTokens {
  private readonly cache = new Map<string, Cached>();
  private readonly pending = new Map<string, Promise<Cached>>();

  constructor(private readonly options: ClientCredentialsTokensOptions) {}

  async token(credentials: ClientCredentials): Promise<Token> {
    const key = cacheKey(credentials);
    const cached = this.cache.get(key);
    if (cached && this.options.clock.now().getTime() < cached.refreshAtMs) return { accessToken: cached.accessToken, fresh: false };
    let request = this.pending.get(key);
    if (!request) {
      request = this.request(credentials).finally(() => this.pending.delete(key));
      this.pending.set(key, request);
    }
    const obtained = await request;
    this.remember(key, obtained);
    return { accessToken: obtained.accessToken, fresh: true };
  }

  /** The webhook refused this token: forget it unless a newer one has already replaced it. */
  forget(credentials: ClientCredentials, accessToken: string): void {
    const key = cacheKey(credentials);
    if (this.cache.get(key)?.accessToken === accessToken) this.cache.delete(key);
  }

  private async request(credentials: ClientCredentials): Promise<Cached> {
    const { invoker, timeoutMs, retry, sleep, clock } = this.options;
    const url = credentials.authorizationServerUri;
    const request: RuleHttpRequest = {
      url,
      headers: {},
      body: { form: { grant_type: 'client_credentials', client_id: credentials.clientId, client_secret: credentials.clientSecret } },
      timeoutMs,
    };
    const failure = (what: string) => new RuleEvaluationError(`webhook rule: the client-credentials token request to ${endpointName(url)} ${what}; expected 200 with a JSON access_token`);
    // expires_in counts from when the server issued the token, which is after the request was sent.
    const sentAtMs = clock.now().getTime();
    let attempted: Attempted;
    try {
      attempted = await postWithRetries(invoker, request, retry, sleep);
    } catch (error) {
      if (error instanceof RuleInvocationError) throw failure(`failed: ${error.message}`);
      throw error;
    }
    const { response, attempts } = attempted;
    const body = response.json as { access_token?: unknown; token_type?: unknown; expires_in?: unknown } | undefined;
    if (response.status !== 200) throw failure(`got ${response.status}${oauthError(response)}${attempts > 1 ? ` (${attempts} attempts)` : ''}`);
    if (typeof body !== 'object' || body === null) throw failure(`got 200 without a JSON body${quote(response.text)}`);
    if (typeof body.access_token !== 'string' || body.access_token === '') throw failure('got 200 without an access_token');
    if (body.token_type !== undefined && (typeof body.token_type !== 'string' || body.token_type.toLowerCase() !== 'bearer')) {
      throw failure(`got a token of type ${JSON.stringify(body.token_type)}, which cannot be sent as a Bearer token`);
    }
    const lifetimeMs = lifetimeSeconds(body.expires_in) * 1000;
    // Short-lived tokens would never be reused with a fixed margin; keep them for half their life instead.
    const margin = Math.min(REFRESH_MARGIN_MS, lifetimeMs / 2);
    return { accessToken: body.access_token, refreshAtMs: sentAtMs + lifetimeMs - margin };
  }

  private remember(key: string, token: Cached): void {
    this.cache.delete(key);
    if (this.cache.size >= CACHE_SIZE) this.cache.delete(this.cache.keys().next().value as string);
    this.cache.set(key, token);
  }
}

function cacheKey({ authorizationServerUri, clientId, clientSecret }: ClientCredentials): string {
  const secret = createHash('sha256').update(clientSecret).digest('base64url');
  return JSON.stringify([authorizationServerUri, clientId, secret]);
}

/** `expires_in` is a number of seconds; some servers send it as a numeric string. */
function lifetimeSeconds(expiresIn: unknown): number {
  const seconds = typeof expiresIn === 'string' ? Number(expiresIn) : expiresIn;
  return typeof seconds === 'number' && Number.isFinite(seconds) && seconds > 0 ? seconds : DEFAULT_TOKEN_LIFETIME_SECONDS;
}

/** The RFC 6749 §5.2 error fields when present, else a quote of the body. */
function oauthError(response: RuleHttpResponse): string {
  const body = response.json as { error?: unknown; error_description?: unknown } | undefined;
  if (typeof body?.error === 'string') return ` (${body.error}${typeof body.error_description === 'string' ? `: ${body.error_description}` : ''})`;
  return quote(response.text);
}

import { timingSafeEqual } from 'node:crypto';
import { authenticate, type RouterKeys } from '../http/authenticate';
import { HttpError, unauthorized } from '../http/errors';
import type { HttpRequestMessage, HttpResponseMessage } from '../http/HttpMessage';
import type { Logger } from '../ports/Logger';

/** Where the embedded host serves the Prometheus text. */
export const METRICS_PATH = '/metrics';

export interface MetricsEndpointOptions {
  scrape(): Promise<string>;
  /**
   * The bearer token a scraper sends (`Authorization: Bearer <token>`): Prometheus cannot sign
   * requests, but reads a token from a file (`authorization.credentials_file`).
   */
  token: string;
  /** A request signed with either key (as any read is) is served too. */
  keys: RouterKeys;
  now(): Date;
  logger: Logger;
}

const BEARER = /^Bearer (.+)$/i;

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function authorizeScrape(request: HttpRequestMessage, options: MetricsEndpointOptions): void {
  const bearer = BEARER.exec(request.headers['authorization'] ?? '');
  if (!bearer) {
    if (!request.headers['authorization']) throw unauthorized(`Send the metrics token as "Authorization: Bearer <token>" (the file metrics-token in the data folder), or sign the request with a router key.`);
    authenticate(request, options.keys, options.now());
    return;
  }
  if (!sameSecret(bearer[1] ?? '', options.token)) throw unauthorized('The bearer token is not this router\'s metrics token (the file metrics-token in the data folder, or JOBROUTER_METRICS_TOKEN).');
}

const errorAnswer = (status: number, code: string, message: string, headers: Record<string, string> = {}): HttpResponseMessage => ({
  status,
  headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
  body: JSON.stringify({ communicationError: { code, message, target: METRICS_PATH } }),
});

/** GET /metrics: the Prometheus text exposition of every instrument, to a scraper with the token or a signed client. */
export async function answerMetrics(request: HttpRequestMessage, options: MetricsEndpointOptions): Promise<HttpResponseMessage> {
  const method = request.method.toUpperCase();
  if (method !== 'GET' && method !== 'HEAD') return errorAnswer(405, 'MethodNotAllowed', `${method} is not supported on ${METRICS_PATH}; use GET.`, { allow: 'GET, HEAD' });
  try {
    authorizeScrape(request, options);
  } catch (error) {
    if (error instanceof HttpError) return errorAnswer(error.status, error.code, error.message);
    throw error;
  }
  try {
    const text = await options.scrape();
    return { status: 200, headers: { 'content-type': 'text/plain; version=0.0.4; charset=utf-8', 'cache-control': 'no-store' }, body: method === 'HEAD' ? undefined : text };
  } catch (error) {
    options.logger.error({ err: error }, 'metrics could not be collected');
    return errorAnswer(500, 'InternalServerError', 'The metrics could not be collected; see the router log.');
  }
}

/** Whether a request target is the metrics path (with or without a query). */
export function isMetricsTarget(url: string): boolean {
  return url === METRICS_PATH || url.startsWith(`${METRICS_PATH}?`);
}

import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { functionsHost } from '../shared/hosting/functionsHost';
import { answerPublicRoute, findPublicRoute } from '../shared/http/publicRoutes';
import type { ReadinessChecks } from '../shared/http/readiness';
import type { Logger } from '../shared/ports/Logger';
import { toMessage } from './routerHttp';

/** Failed readiness checks are logged on the invocation, so Application Insights ties them to the probe. */
const invocationLogger = (context: InvocationContext): Logger => ({
  info: (fields, message) => context.log(message, fields),
  warn: (fields, message) => context.warn(message, fields),
  error: (fields, message) => context.error(message, fields),
});

/** The host's checks; a host that cannot be composed (settings, access) fails the one check `host`. */
async function functionsReadiness(): Promise<ReadinessChecks> {
  try {
    return (await functionsHost()).readiness ?? {};
  } catch (error) {
    return { host: () => Promise.reject(error instanceof Error ? error : new Error(String(error))) };
  }
}

/**
 * The handler behind the unsigned routes (GET /health, /ready, /openapi.json). /health and the document
 * answer without composing the host, so a liveness probe never waits on Cosmos DB or fails on settings.
 */
export async function publicHttp(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  const message = await toMessage(request);
  const route = findPublicRoute(new URL(message.url, 'http://router.invalid').pathname);
  // Registered on the public paths only; anything else here is a host misconfiguration.
  if (!route) return { status: 404 };
  const response = await answerPublicRoute(route, message, { readiness: functionsReadiness, logger: invocationLogger(context) });
  return { status: response.status, headers: response.headers, body: response.body };
}

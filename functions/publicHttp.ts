import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { functionsHost } from '../shared/hosting/functionsHost';
import { answerPublicRoute, findPublicRoute } from '../shared/http/publicRoutes';
import type { ReadinessChecks } from '../shared/http/readiness';
import { invocationLogger } from './invocationLogger';
import { toMessage } from './routerHttp';

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
  // The public routes take no body: nothing of one is read.
  const message = await toMessage(request, 0);
  const route = findPublicRoute(new URL(message.url, 'http://router.invalid').pathname);
  // Registered on the public paths only; anything else here is a host misconfiguration.
  if (!route) return { status: 404 };
  const response = await answerPublicRoute(route, message, { readiness: functionsReadiness, logger: invocationLogger(context) });
  return { status: response.status, headers: response.headers, body: response.body };
}

import { z } from 'zod';
import type { Clock } from '../ports/Clock';
import type { Logger } from '../ports/Logger';
import type { HttpRequestMessage, HttpResponseMessage } from './HttpMessage';
import { openApiDocument, type PublicRouteDescription } from './openApiDocument';
import { checkReadiness, type Readiness, type ReadinessChecks } from './readiness';
import { routeTable } from './routeTable';
import { sameType, type Same } from './sameType';

/** What the public routes need from the host. */
export interface PublicRouteHost {
  /**
   * Absent: the host has nothing to check, and /ready answers as /health does. A function when the checks
   * are only known once the host is composed (Azure Functions), so /health never waits for that.
   */
  readiness?: ReadinessChecks | (() => Promise<ReadinessChecks>);
  logger: Logger;
  /** The router's clock, on which a readiness check times out; the system clock when absent. */
  ports?: { clock: Clock };
}

export interface PublicRoute extends PublicRouteDescription {
  /** `body` is the serialized JSON answer. */
  answer(host: PublicRouteHost): Promise<{ status: number; body: string; headers?: Record<string, string> }>;
}

const answer = (status: number, json: unknown) => ({ status, body: JSON.stringify(json) });

const okSchema = z.object({ status: z.literal('ok') });
const unavailableSchema = z.object({ status: z.literal('unavailable'), checks: z.record(z.string(), z.enum(['ok', 'unavailable'])) });
sameType<Same<z.infer<typeof unavailableSchema>['checks'], Readiness['checks']>>(true);

/** Built and serialized once: the same for every request. */
let documentBody: string | undefined;

/**
 * THE exemption from authentication: the only routes answered without a signature. The pipeline looks
 * here before it authenticates or routes anything, so an unsigned request learns nothing about the
 * signed routes. Each answers the same to everyone and reveals no version, path, key or count.
 */
export const publicRoutes: readonly PublicRoute[] = [
  {
    operationId: 'GetHealth',
    path: '/health',
    summary: 'Liveness: the process answers. Checks nothing else, so a restart is only called for when the process itself is wedged.',
    responses: { 200: { description: 'The process answers.', schema: okSchema } },
    answer: () => Promise.resolve(answer(200, { status: 'ok' })),
  },
  {
    operationId: 'GetReadiness',
    path: '/ready',
    summary: 'Readiness: the store answers and (embedded host) the timer loop runs. 503 names the failing checks; the log says why.',
    responses: {
      200: { description: 'Ready to take requests.', schema: okSchema },
      503: { description: 'Not ready: the checks and their state.', schema: unavailableSchema },
    },
    answer: async ({ readiness = {}, logger, ports }) => {
      const { ready, checks } = await checkReadiness(typeof readiness === 'function' ? await readiness() : readiness, logger, undefined, ports?.clock);
      return ready ? answer(200, { status: 'ok' }) : answer(503, { status: 'unavailable', checks });
    },
  },
  {
    operationId: 'GetOpenApiDocument',
    path: '/openapi.json',
    summary: 'This document (OpenAPI 3.1). The same for every deployment, so it is served without a signature.',
    responses: { 200: { description: 'The OpenAPI document.', schema: z.object({ openapi: z.string() }).loose() } },
    answer: () => {
      documentBody ??= JSON.stringify(openApiDocument(routeTable, publicRoutes));
      // Any origin may read it: browser tools (Swagger UI, editors) fetch it from their own origin, and it holds nothing private.
      return Promise.resolve({ status: 200, body: documentBody, headers: { 'cache-control': 'public, max-age=3600', 'access-control-allow-origin': '*' } });
    },
  },
];

/** The public route at `pathname` (exact match: no ids, no query), or undefined. */
export function findPublicRoute(pathname: string): PublicRoute | undefined {
  return publicRoutes.find((route) => route.path === pathname);
}

/** Answers a request for a public route: GET and HEAD (without the body); any other method is a 405. */
export async function answerPublicRoute(route: PublicRoute, request: HttpRequestMessage, host: PublicRouteHost): Promise<HttpResponseMessage> {
  const method = request.method.toUpperCase();
  const base = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' };
  if (method !== 'GET' && method !== 'HEAD') {
    const error = { communicationError: { code: 'MethodNotAllowed', message: `${method} is not supported on ${route.path}; use GET.`, target: route.path } };
    return { status: 405, headers: { ...base, allow: 'GET, HEAD' }, body: JSON.stringify(error) };
  }
  const { status, body, headers } = await route.answer(host);
  return { status, headers: { ...base, ...headers }, body: method === 'HEAD' ? undefined : body };
}

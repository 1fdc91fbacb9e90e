import { AppError, unavailable } from '../app/AppError';
import { idProblem } from '../domain/model';
import { wireBody } from '../domain/routing/routingState';
import type { LiveEvents } from '../ports/LiveEvents';
import type { Logger } from '../ports/Logger';
import type { RouterPorts } from '../ports/RouterPorts';
import { StoreUnavailableError } from '../ports/Store';
import { openRequestScope } from '../observability/requestScope';
import type { RouterMetrics } from '../observability/RouterMetrics';
import { authenticate, authorize, type RouterKeys } from './authenticate';
import { API_SUPPORTED_VERSIONS_HEADER, SUPPORTED_API_VERSIONS, checkApiVersion, refuseRepeatedParameters } from './apiVersion';
import { HttpError, badRequest, payloadTooLarge, type ErrorDetail } from './errors';
import type { HttpRequestMessage, HttpResponseMessage } from './HttpMessage';
import { answerDashboardFile, isDashboardPath } from './dashboardFiles';
import { createRouteMatcher, type RouteMatch } from './matchRoute';
import type { OperationHost, OperationResult } from './Operation';
import { parseBody } from './parseBody';
import { answerPublicRoute, findPublicRoute } from './publicRoutes';
import type { ReadinessChecks } from './readiness';
import { routeTable } from './routeTable';

export interface RouterHttpOptions extends RouterKeys {
  ports: RouterPorts;
  /** Larger bodies are refused with 413 before parsing. */
  maxBodyBytes: number;
  logger: Logger;
  /** `topic` of the events' Event Grid envelopes (event history, stream); DEFAULT_EVENT_TOPIC when absent. */
  eventTopic?: string;
  /** Names of the channels events are delivered to; none when absent. */
  eventChannels?: readonly string[];
  /** Feeds GET /routing/events:stream; absent → that route answers 501. */
  liveEvents?: LiveEvents;
  /** Kicks delivery after dead letters were moved back to pending. */
  onRedeliver?: () => void;
  /** What GET /ready checks; none when absent. */
  readiness?: ReadinessChecks;
  /** Where request durations are recorded; none when absent. */
  metrics?: RouterMetrics;
}

export const DEFAULT_MAX_BODY_BYTES = 256 * 1024;

/**
 * The `topic` of events (the CloudEvents `source`) unless JOBROUTER_EVENT_TOPIC says otherwise. On Azure
 * it was the Communication Services resource's ARM path, which a self-hosted router does not have; this
 * neutral path says where the events come from without pretending to be one.
 */
export const DEFAULT_EVENT_TOPIC = '/jobrouter/embedded';

const STATUS_OF_REASON: Record<AppError['reason'], number> = {
  invalid: 400,
  notFound: 404,
  conflict: 409,
  preconditionFailed: 412,
  notImplemented: 501,
  unavailable: 503,
};

const CODE_OF_STATUS: Record<number, string> = {
  400: 'BadRequest',
  404: 'NotFound',
  409: 'Conflict',
  412: 'PreconditionFailed',
  501: 'NotImplemented',
  503: 'ServiceUnavailable',
};

/** Retry-After of a 503 whose cause gave no better hint. */
const DEFAULT_RETRY_AFTER_SECONDS = 10;

const match = createRouteMatcher(routeTable);

/** The 413 of a body over the limit; a host that sees the size before reading the body refuses with it too. */
export const bodyTooLarge = (maxBodyBytes: number) => payloadTooLarge(`The request body is larger than the limit of ${maxBodyBytes} bytes.`);

/** Longest request target quoted back in an error body. */
const MAX_QUOTED_TARGET = 200;

/**
 * The request target as a URL. node:http passes on anything without spaces, including targets that
 * `new URL` refuses (`//[`, `http://x:99999/`): those are the client's mistake, a 400.
 */
function parseTarget(raw: string): URL {
  try {
    return new URL(raw, 'http://router.invalid');
  } catch {
    const shown = raw.length > MAX_QUOTED_TARGET ? `${raw.slice(0, MAX_QUOTED_TARGET)}…` : raw;
    throw badRequest(`The request target "${shown}" is not a valid URL path; send a path such as /routing/queues?api-version=${SUPPORTED_API_VERSIONS[0]}.`);
  }
}

/** What the request is for, and which api-version it speaks: authentication first, then the route table, so a client without the key cannot tell which paths and methods exist. */
function resolve(request: HttpRequestMessage, url: URL, options: RouterHttpOptions): RouteMatch & { apiVersion: string } {
  const access = authenticate(request, options, options.ports.clock.now(), url);
  const route = match(request.method, url.pathname);
  authorize(access, route.operation, url.pathname);
  refuseRepeatedParameters(url.searchParams);
  return { ...route, apiVersion: checkApiVersion(url.searchParams) };
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): HttpResponseMessage {
  return {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', 'api-supported-versions': API_SUPPORTED_VERSIONS_HEADER, ...headers },
    body: JSON.stringify(body),
  };
}

/** The `communicationError` answer every refusal has, whichever host sends it. */
export function errorResponse(status: number, code: string, message: string, target: string, details?: ErrorDetail[]): HttpResponseMessage {
  return json(status, { communicationError: { code, message, target, ...(details?.length ? { details } : {}) } });
}

function appErrorResponse(error: AppError, target: string): HttpResponseMessage {
  const status = STATUS_OF_REASON[error.reason];
  const response = errorResponse(status, CODE_OF_STATUS[status] ?? 'Error', error.message, target, error.details);
  if (status === 503) response.headers['retry-after'] = String(error.retryAfterSeconds ?? DEFAULT_RETRY_AFTER_SECONDS);
  return response;
}

function toResponse(result: OperationResult): HttpResponseMessage {
  if (result.status === 204) return { status: 204, headers: { 'api-supported-versions': API_SUPPORTED_VERSIONS_HEADER } };
  if ('stream' in result) {
    // `x-accel-buffering: no` keeps a reverse proxy (nginx) from holding events back.
    const headers = { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', 'x-accel-buffering': 'no', 'api-supported-versions': API_SUPPORTED_VERSIONS_HEADER };
    return { status: 200, headers, stream: result.stream };
  }
  if ('document' in result) {
    const { document } = result;
    // `etag` is always the last key of a resource body, and the same quoted string as the header.
    return json(result.status, { ...wireBody(document.body), etag: document.etag }, { etag: document.etag, 'last-modified': new Date(document.lastModified).toUTCString() });
  }
  return json(result.status, result.json);
}

function checkIds(params: Record<string, string>): void {
  for (const [name, value] of Object.entries(params)) {
    const problem = idProblem(value);
    if (problem) throw badRequest(`${name} "${value}" is not a valid id: it ${problem}.`, [{ code: 'InvalidId', message: problem, target: name }]);
  }
}

function operationHost(options: RouterHttpOptions): OperationHost {
  const { eventTopic = DEFAULT_EVENT_TOPIC, eventChannels = [], liveEvents, onRedeliver, logger } = options;
  return { eventTopic, eventChannels, liveEvents, onRedeliver, logger };
}

/**
 * The whole HTTP behaviour of the router, transport-neutral: parse the target, authenticate (unless the
 * route is public), route, check the api-version and ids, parse the body, run the operation, and shape
 * the answer (or the error body).
 */
export async function handleRequest(request: HttpRequestMessage, given: RouterHttpOptions): Promise<HttpResponseMessage> {
  // The request's id, and loggers that carry it (see requestScope.ts); the answer gets it too.
  const scope = openRequestScope(request, given);
  const { options } = scope;
  let target = request.url.length > MAX_QUOTED_TARGET ? `${request.url.slice(0, MAX_QUOTED_TARGET)}…` : request.url;
  let response: HttpResponseMessage;
  let operationId: string | undefined;
  try {
    const url = parseTarget(request.url);
    target = url.pathname;
    // The unsigned routes (probes, the OpenAPI document; see publicRoutes.ts) need no key, api-version or body.
    // The dashboard's page and scripts are public too: its data calls are signed like any other.
    if (isDashboardPath(url.pathname)) return answerDashboardFile(url.pathname, request);
    const publicRoute = findPublicRoute(url.pathname);
    if (publicRoute) return scope.identify(await answerPublicRoute(publicRoute, request, options));
    // Size first: an oversized body is refused before anything hashes or parses it.
    if (request.body.length > options.maxBodyBytes) throw bodyTooLarge(options.maxBodyBytes);
    const route = resolve(request, url, options);
    operationId = route.operation.operationId;
    checkIds(route.params);
    const body = parseBody(route.operation, request.body, request.headers['content-type']);
    const operationRequest = { params: route.params, query: url.searchParams, headers: request.headers, body, apiVersion: route.apiVersion, target };
    response = toResponse(await route.operation.run(operationRequest, options.ports, operationHost(options)));
  } catch (error) {
    if (error instanceof HttpError) {
      response = errorResponse(error.status, error.code, error.message, target, error.details);
    } else if (error instanceof AppError) {
      response = appErrorResponse(error, target);
    } else if (error instanceof StoreUnavailableError) {
      options.logger.warn({ kind: error.kind, cause: String(error.cause), method: request.method, target, operationId }, `store unavailable: ${error.message}`);
      response = appErrorResponse(unavailable(error), target);
    } else {
      options.logger.error({ err: error, method: request.method, target, operationId }, 'request failed');
      response = errorResponse(500, 'InternalServerError', 'The router failed to process the request; see its log.', target);
    }
  }
  // Every answer waits for the durability barrier: a 2xx means durable, and no answer shows a write (this
  // request's, another's, the matcher's) that a power loss could still take back.
  await options.ports.store.durable().catch((error: unknown) => {
    options.logger.error({ err: error, method: request.method, target, operationId }, 'writes could not be made durable');
    // Not the client's doing, and not something a retry fixes: after a failed sync the router must restart.
    response = errorResponse(503, 'ServiceUnavailable', 'The router could not make its writes durable (the disk failed to sync); it needs a restart. See its log.', target);
  });
  return scope.finish(response, { target, operationId });
}

import { AppError } from '../app/AppError';
import { idProblem } from '../domain/model';
import { wireBody } from '../domain/routing/routingState';
import type { LiveEvents } from '../ports/LiveEvents';
import type { Logger } from '../ports/Logger';
import type { RouterPorts } from '../ports/RouterPorts';
import { API_SUPPORTED_VERSIONS_HEADER, checkApiVersion } from './apiVersion';
import { HttpError, badRequest, payloadTooLarge, type ErrorDetail } from './errors';
import type { HttpRequestMessage, HttpResponseMessage } from './HttpMessage';
import { createRouteMatcher } from './matchRoute';
import type { OperationHost, OperationResult } from './Operation';
import { parseBody } from './parseBody';
import { answerPublicRoute, findPublicRoute } from './publicRoutes';
import type { ReadinessChecks } from './readiness';
import { routeTable } from './routeTable';
import { verifyHmac } from './verifyHmac';

export interface RouterHttpOptions {
  ports: RouterPorts;
  accessKey: string;
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
};

const CODE_OF_STATUS: Record<number, string> = {
  400: 'BadRequest',
  404: 'NotFound',
  409: 'Conflict',
  412: 'PreconditionFailed',
  501: 'NotImplemented',
};

const match = createRouteMatcher(routeTable);

/** The 413 of a body over the limit; a host that sees the size before reading the body refuses with it too. */
export const bodyTooLarge = (maxBodyBytes: number) => payloadTooLarge(`The request body is larger than the limit of ${maxBodyBytes} bytes.`);

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
 * The whole HTTP behaviour of the router, transport-neutral: route, authenticate, check the
 * api-version and ids, parse the body, run the operation, and shape the answer (or the error body).
 */
export async function handleRequest(request: HttpRequestMessage, options: RouterHttpOptions): Promise<HttpResponseMessage> {
  const url = new URL(request.url, 'http://router.invalid');
  // The unsigned routes (probes, the OpenAPI document) are answered before anything else looks at the request.
  const publicRoute = findPublicRoute(url.pathname);
  if (publicRoute) return answerPublicRoute(publicRoute, request, options);
  const target = url.pathname;
  const started = Date.now();
  let response: HttpResponseMessage;
  let operationId: string | undefined;
  try {
    const route = match(request.method, url.pathname);
    operationId = route.operation.operationId;
    // Size first: an oversized body is refused before anything hashes or parses it.
    if (request.body.length > options.maxBodyBytes) throw bodyTooLarge(options.maxBodyBytes);
    verifyHmac(request, options.accessKey, options.ports.clock.now());
    const apiVersion = checkApiVersion(url.searchParams);
    checkIds(route.params);
    const body = parseBody(route.operation, request.body, request.headers['content-type']);
    const result = await route.operation.run({ params: route.params, query: url.searchParams, headers: request.headers, body, apiVersion, target }, options.ports, operationHost(options));
    response = toResponse(result);
  } catch (error) {
    if (error instanceof HttpError) {
      response = errorResponse(error.status, error.code, error.message, target, error.details);
    } else if (error instanceof AppError) {
      const status = STATUS_OF_REASON[error.reason];
      response = errorResponse(status, CODE_OF_STATUS[status] ?? 'Error', error.message, target, error.details);
    } else {
      options.logger.error({ err: error, method: request.method, target, operationId }, 'request failed');
      response = errorResponse(500, 'InternalServerError', 'The router failed to process the request; see its log.', target);
    }
  }
  // Every answer waits for the durability barrier: a 2xx means durable, and no answer shows a write (this
  // request's, another's, the matcher's) that a power loss could still take back.
  await options.ports.store.durable().catch((error: unknown) => {
    options.logger.error({ err: error, method: request.method, target, operationId }, 'writes could not be made durable');
    response = errorResponse(500, 'InternalServerError', 'The router failed to process the request; see its log.', target);
  });
  const clientRequestId = request.headers['x-ms-client-request-id'];
  if (clientRequestId) response.headers['x-ms-client-request-id'] = clientRequestId;
  options.logger.info({ method: request.method, target, operationId, status: response.status, ms: Date.now() - started }, 'request');
  return response;
}

import { performance } from 'node:perf_hooks';
import type { HttpRequestMessage, HttpResponseMessage } from '../http/HttpMessage';
import type { Logger } from '../ports/Logger';
import type { RouterPorts } from '../ports/RouterPorts';
import { CLIENT_REQUEST_ID_HEADER, REQUEST_ID_HEADER, requestIdOf } from './requestId';
import { UNMATCHED_OPERATION, type RouterMetrics } from './RouterMetrics';
import { withFields } from './withFields';

/** What a request is served with: the host's logger and ports, each line tagged with the request's id. */
export interface ScopedOptions {
  logger: Logger;
  ports: RouterPorts;
  metrics?: RouterMetrics;
}

export interface RequestScope<O extends ScopedOptions> {
  id: string;
  /** The options with loggers (the host's and the ports') that put `requestId` on every line. */
  options: O;
  /** Puts the id on the answer, logs the request line and records its duration. */
  finish(response: HttpResponseMessage, served: { target: string; operationId?: string }): HttpResponseMessage;
  /** Only puts the id on the answer (the unsigned probes, which are not logged). */
  identify(response: HttpResponseMessage): HttpResponseMessage;
}

/**
 * A request's id and what comes with it. The id goes with the request as a logger passed along
 * (rather than AsyncLocalStorage, whose hooks would cost every promise of every request on Node 20):
 * the use cases log through `ports.logger`, so every line written while serving the request has it.
 */
export function openRequestScope<O extends ScopedOptions>(request: HttpRequestMessage, given: O): RequestScope<O> {
  const started = performance.now();
  const id = requestIdOf(request.headers);
  const tag = { requestId: id };
  const logger = withFields(given.logger, tag);
  const ports = given.ports.logger === given.logger ? { ...given.ports, logger } : { ...given.ports, logger: withFields(given.ports.logger, tag) };
  const identify = (response: HttpResponseMessage) => {
    response.headers[REQUEST_ID_HEADER] = id;
    const clientRequestId = request.headers[CLIENT_REQUEST_ID_HEADER];
    if (clientRequestId) response.headers[CLIENT_REQUEST_ID_HEADER] = clientRequestId;
    return response;
  };
  return {
    id,
    options: { ...given, logger, ports },
    identify,
    finish: (response, { target, operationId }) => {
      const ms = performance.now() - started;
      given.metrics?.requestServed(operationId ?? UNMATCHED_OPERATION, request.method, response.status, ms / 1000);
      logger.info({ method: request.method, target, operationId, status: response.status, ms: Math.round(ms * 1000) / 1000 }, 'request');
      return identify(response);
    },
  };
}

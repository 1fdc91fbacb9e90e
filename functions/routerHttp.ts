import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { bodyTooLarge, errorResponse, handleRequest } from '../shared/http/handleRequest';
import type { HttpRequestMessage, HttpResponseMessage } from '../shared/http/HttpMessage';
import { functionsHost, type FunctionsHost } from '../shared/hosting/functionsHost';
import { HostUnavailableError } from '../shared/hosting/retryingComposition';
import { invocationLogger } from './invocationLogger';
import { invocationPorts } from './invocationPorts';
import { declaresMoreThan, readRequestBody } from './requestBody';

/** Converts a Functions HTTP request into the shared pipeline's message, reading at most `maxBodyBytes + 1` of its body. */
export async function toMessage(request: HttpRequest, maxBodyBytes: number): Promise<HttpRequestMessage> {
  const url = new URL(request.url);
  const headers: Record<string, string> = {};
  request.headers.forEach((value, name) => {
    headers[name.toLowerCase()] = value;
  });
  return { method: request.method, url: `${url.pathname}${url.search}`, headers, body: await readRequestBody(request, maxBodyBytes) };
}

const asInit = (response: HttpResponseMessage): HttpResponseInit => ({ status: response.status, headers: response.headers, body: response.body });

/** The host is not composed (settings wrong, a service not reachable yet): a 503 that says why, never a 500. */
function unavailable(request: HttpRequest, error: HostUnavailableError, context: InvocationContext): HttpResponseInit {
  context.warn(`answered 503: ${error.reason}`);
  const response = errorResponse(503, 'ServiceUnavailable', `The router is not available: ${error.reason}`, new URL(request.url).pathname);
  if (error.retryAfterSeconds !== undefined) response.headers['retry-after'] = String(error.retryAfterSeconds);
  return asInit(response);
}

/**
 * The one HTTP handler behind every route registration. It ignores the host's parameter binding
 * (which drops integer-looking values and trips on periods) and routes from the URL with the shared
 * route table, exactly as the embedded host does.
 */
export async function routerHttp(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  let host: FunctionsHost;
  try {
    host = await functionsHost();
  } catch (error) {
    if (error instanceof HostUnavailableError) return unavailable(request, error, context);
    throw error;
  }
  // The host only calls this for a registered route and method, so the pipeline would refuse the
  // size next too, before authentication: the same 413, without reading the body.
  if (declaresMoreThan(request, host.maxBodyBytes)) {
    const refusal = bodyTooLarge(host.maxBodyBytes);
    return asInit(errorResponse(refusal.status, refusal.code, refusal.message, new URL(request.url).pathname));
  }
  const logger = invocationLogger(context, host.logLevel);
  const options = {
    ports: await invocationPorts(context, host),
    accessKey: host.accessKey,
    readOnlyKey: host.readOnlyKey,
    maxBodyBytes: host.maxBodyBytes,
    logger,
    eventTopic: host.eventTopic,
    eventChannels: host.relay.channelNames,
    onRedeliver: () => host.relay.kick(),
    metrics: host.metrics,
  };
  return asInit(await handleRequest(await toMessage(request, host.maxBodyBytes), options));
}

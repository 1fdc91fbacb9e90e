import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { handleRequest } from '../shared/http/handleRequest';
import type { HttpRequestMessage } from '../shared/http/HttpMessage';
import { functionsHost } from '../shared/hosting/functionsHost';
import { invocationPorts } from './invocationPorts';

/** Converts a Functions HTTP request into the shared pipeline's message. */
export async function toMessage(request: HttpRequest): Promise<HttpRequestMessage> {
  const url = new URL(request.url);
  const headers: Record<string, string> = {};
  request.headers.forEach((value, name) => {
    headers[name.toLowerCase()] = value;
  });
  return { method: request.method, url: `${url.pathname}${url.search}`, headers, body: Buffer.from(await request.arrayBuffer()) };
}

/**
 * The one HTTP handler behind every route registration. It ignores the host's parameter binding
 * (which drops integer-looking values and trips on periods) and routes from the URL with the shared
 * route table, exactly as the embedded host does.
 */
export async function routerHttp(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  const host = await functionsHost();
  const options = {
    ports: await invocationPorts(context),
    accessKey: host.accessKey,
    maxBodyBytes: host.maxBodyBytes,
    logger: host.logger,
    eventTopic: host.eventTopic,
    eventChannels: host.relay.channelNames,
    onRedeliver: () => host.relay.kick(),
  };
  const response = await handleRequest(await toMessage(request), options);
  return { status: response.status, headers: response.headers, body: response.body };
}

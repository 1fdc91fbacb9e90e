import { HttpRequest, InvocationContext } from '@azure/functions';
import { createHttpHeaders, type HttpClient, type PipelineRequest, type PipelineResponse } from '@azure/core-rest-pipeline';
import { routerHttp } from '../../functions/routerHttp';

/**
 * An HttpClient for the SDK pipeline that, instead of a socket, invokes the Functions HTTP handler
 * the way the Functions host would: a `new HttpRequest(...)` and an InvocationContext (by default a
 * quiet one; `newContext` lets a test read what the invocation logged). The request
 * it gets is the one the real signing pipeline produced.
 */
export function functionsTransportWith(newContext: () => InvocationContext): HttpClient {
  return {
    async sendRequest(request: PipelineRequest): Promise<PipelineResponse> {
      const headers: Record<string, string> = {};
      for (const [name, value] of request.headers) headers[name] = value;
      const body = typeof request.body === 'string' ? { string: request.body } : undefined;
      const functionsRequest = new HttpRequest({ method: request.method, url: request.url, headers, body });
      const response = await routerHttp(functionsRequest, newContext());
      const responseHeaders = createHttpHeaders(response.headers as Record<string, string>);
      return { request, status: response.status ?? 200, headers: responseHeaders, bodyAsText: typeof response.body === 'string' ? response.body : undefined };
    },
  };
}

export const functionsTransport: HttpClient = functionsTransportWith(() => new InvocationContext({ functionName: 'routerHttp', logHandler: () => undefined }));

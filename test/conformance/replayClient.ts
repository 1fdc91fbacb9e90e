import type { HttpResponse } from '@azure-rest/core-client';
import type { PipelinePolicy } from '@azure/core-rest-pipeline';
import { createSignedClient } from '../support/signedClient';
import { recordedTarget, type RecordedEntry } from './recordings';

/** What actually went over the wire for one step, captured after the HMAC policy signed it. */
export interface Exchange {
  /** Path and query as sent, api-version included: `/routing/jobs?maxpagesize=20&api-version=2023-11-01`. */
  pathAndQuery: string;
  requestHeaders: Record<string, string>;
  requestBody: string | undefined;
  status: number;
  /** Lower-cased. */
  headers: Record<string, string>;
  /** Raw response text ('' when there is none). */
  bodyText: string;
}

export interface ReplayResult {
  response: HttpResponse;
  exchange: Exchange;
}

/**
 * The signed test client (real `@azure/communication-common` HMAC policy, api-version appended by
 * the pipeline) with a last policy that records the signed request and the raw response.
 */
export function createReplayClient(connectionString: string) {
  const client = createSignedClient(connectionString);
  let captured: Exchange | undefined;
  const capture: PipelinePolicy = {
    name: 'conformanceReplayCapture',
    async sendRequest(request, next) {
      const response = await next(request);
      const url = new URL(request.url);
      captured = {
        pathAndQuery: `${url.pathname}${url.search}`,
        requestHeaders: request.headers.toJSON(),
        requestBody: typeof request.body === 'string' ? request.body : undefined,
        status: response.status,
        headers: response.headers.toJSON(),
        bodyText: response.bodyAsText ?? '',
      };
      return response;
    },
  };
  // The Sign phase runs after the un-phased policies, the HMAC one included: we see the signed request.
  client.pipeline.addPolicy(capture, { phase: 'Sign' });

  /** Sends the recorded method, path, query and body (same content type) through the signed client. */
  async function send(entry: RecordedEntry): Promise<ReplayResult> {
    const target = recordedTarget(entry);
    const resource = client.pathUnchecked(target.path);
    const options = {
      ...(target.query.length ? { queryParameters: Object.fromEntries(target.query) } : {}),
      ...(entry.RequestBody !== null && entry.RequestBody !== undefined ? { body: entry.RequestBody, contentType: entry.RequestHeaders['Content-Type'] } : {}),
    };
    captured = undefined;
    let response: HttpResponse;
    switch (entry.RequestMethod) {
      case 'GET':
        response = await resource.get(options);
        break;
      case 'PATCH':
        response = await resource.patch(options);
        break;
      case 'POST':
        response = await resource.post(options);
        break;
      case 'DELETE':
        response = await resource.delete(options);
        break;
      default:
        throw new Error(`no replay for method ${entry.RequestMethod}`);
    }
    if (!captured) throw new Error('the capture policy saw no request');
    return { response, exchange: captured };
  }

  return { client, send };
}

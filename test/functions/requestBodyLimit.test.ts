import { HttpRequest, InvocationContext, type HttpRequestInit } from '@azure/functions';
import { routerHttp } from '../../functions/routerHttp';
import { DEFAULT_MAX_BODY_BYTES } from '../../shared/http/handleRequest';
import { startAzureTestRouter } from '../support/azureTestRouter';
import type { RouterUnderTest } from '../support/routerUnderTest';

/**
 * Request bodies on the Azure composition, as the Functions host hands them over with HTTP streams
 * on: a request whose body is a stream (the library's `nativeRequest`, which its streaming path
 * builds). The stream counts what is read of it, so the tests see how much was buffered.
 */

const LIMIT = DEFAULT_MAX_BODY_BYTES;
const CHUNK = 64 * 1024;

/** A body of `chunks` chunks (endless when Infinity) that counts the bytes pulled and whether it was cancelled. */
function countingBody(chunks: number) {
  const seen = { pulled: 0, cancelled: false };
  let sent = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent >= chunks) return controller.close();
      sent++;
      seen.pulled += CHUNK;
      controller.enqueue(new Uint8Array(CHUNK).fill(0x20));
    },
    cancel() {
      seen.cancelled = true;
    },
    // Nothing is produced until someone reads.
  }, { highWaterMark: 0 });
  return { stream, seen };
}

function streamedRequest(body: ReadableStream<Uint8Array>, headers: Record<string, string> = {}): HttpRequest {
  const nativeRequest = new Request('http://localhost/routing/queues/q1?api-version=2023-11-01', {
    method: 'PATCH',
    headers: { 'content-type': 'application/merge-patch+json', ...headers },
    body,
    duplex: 'half',
  });
  // The library's own streaming path constructs requests this way; its public init type does not list it.
  return new HttpRequest({ nativeRequest } as unknown as HttpRequestInit);
}

const invoke = (request: HttpRequest) => routerHttp(request, new InvocationContext({ functionName: 'UpsertQueue', logHandler: () => undefined }));

describe('request bodies on the Azure host', () => {
  let router: RouterUnderTest;
  beforeAll(async () => {
    router = await startAzureTestRouter();
  });
  afterAll(async () => {
    await router.close();
  });

  it('a declared length over the limit: 413 with the JSON error, without reading a byte', async () => {
    const { stream, seen } = countingBody(Infinity);
    const response = await invoke(streamedRequest(stream, { 'content-length': String(100 * 1024 * 1024) }));
    expect(response.status).toBe(413);
    expect(JSON.parse(response.body as string)).toEqual({
      communicationError: { code: 'PayloadTooLarge', message: `The request body is larger than the limit of ${LIMIT} bytes.`, target: '/routing/queues/q1' },
    });
    expect(seen.pulled).toBe(0);
  });

  it('a body without a length (chunked) that goes on past the limit: 413, read no further than the limit and a chunk, the rest cancelled', async () => {
    const { stream, seen } = countingBody(Infinity);
    const response = await invoke(streamedRequest(stream));
    expect(response.status).toBe(413);
    expect(JSON.parse(response.body as string).communicationError.code).toBe('PayloadTooLarge');
    // The stream machinery may read ahead by a chunk or two (its queue); never the whole upload.
    expect(seen.pulled).toBeLessThanOrEqual(LIMIT + 3 * CHUNK);
    expect(seen.cancelled).toBe(true);
  });

  it('a body of exactly the limit is read whole and goes on to authentication (401 unsigned), not 413', async () => {
    const { stream, seen } = countingBody(LIMIT / CHUNK);
    const response = await invoke(streamedRequest(stream));
    expect(response.status).toBe(401);
    expect(seen.pulled).toBe(LIMIT);
  });
});

import type { HttpRequest } from '@azure/functions';

/**
 * Whether the request says its body is over `limit` bytes: then it is refused without reading a
 * byte. A body without a length (chunked) is read by readRequestBody, which stops past the limit.
 */
export function declaresMoreThan(request: HttpRequest, limit: number): boolean {
  const declared = request.headers.get('content-length');
  return declared !== null && /^\d+$/.test(declared) && Number(declared) > limit;
}

/**
 * The body, but at most `limit + 1` bytes of it: enough for the pipeline to see that it is too large
 * (413), without buffering what the Functions host would let through (100 MB). The rest of the
 * stream is cancelled, as the embedded server stops keeping what a client sends past its limit.
 */
export async function readRequestBody(request: HttpRequest, limit: number): Promise<Buffer> {
  const stream = request.body;
  if (!stream) return Buffer.alloc(0);
  const reader = (stream as ReadableStream<Uint8Array>).getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.length;
    if (size > limit) {
      await reader.cancel();
      break;
    }
  }
  return Buffer.concat(chunks).subarray(0, limit + 1);
}

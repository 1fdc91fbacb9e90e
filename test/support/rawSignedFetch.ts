import { createHash, createHmac } from 'node:crypto';

/**
 * A hand-built HMAC-SHA256 signer in front of plain `fetch`.
 *
 * It exists ONLY to send bytes the SDK would never produce: malformed JSON, a wrong Content-Type, an
 * empty or oversized body, a tampered signature, a skewed clock, a missing api-version. Requests that
 * the SDK can express go through `signedClient.ts` (the real `@azure/communication-common` policy);
 * tests must not use this signer to prove that the router accepts what real clients send.
 *
 * The algorithm is the one documented in docs/behaviour.md#authentication (the JS credential policy):
 *   stringToSign = `${VERB}\n${pathAndQuery}\n${x-ms-date};${host};${x-ms-content-sha256}`
 *   Authorization: HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=<base64>
 */

export const SIGNED_HEADERS = 'x-ms-date;host;x-ms-content-sha256';

/** Ways to break one part of an otherwise correct signature (authentication tests). */
export interface Tampering {
  /** `x-ms-date` to send and sign instead of now (an RFC 1123 date, or any text). */
  date?: string;
  /** `SignedHeaders=` list to put in the Authorization header (the signature is still computed normally). */
  signedHeaders?: string;
  /** Hash and sign these bytes instead of the body actually sent. */
  signedBody?: string | Buffer;
  /** Path and query to sign instead of the one requested. */
  signedPath?: string;
  /** Sign with this base64 key instead of the router's. */
  key?: string;
  /** Replace the whole Authorization header; `null` leaves it out. */
  authorization?: string | null;
}

export interface RawRequest {
  method: 'GET' | 'PATCH' | 'DELETE' | 'POST' | 'PUT';
  /** Path and query exactly as they go on the wire (already percent-encoded), e.g. `/routing/queues/q1?api-version=2023-11-01`. */
  path: string;
  /** Sent as raw bytes: fetch adds no Content-Type of its own. */
  body?: string | Buffer;
  /** Extra headers such as `content-type`, `if-match`. They are not part of the signature (the SDK signs only the three above). */
  headers?: Record<string, string>;
  tamper?: Tampering;
}

export interface RawResponse {
  status: number;
  headers: Headers;
  text: string;
  /** The parsed body, or undefined when it is empty or not JSON. Loosely typed like the SDK client's `body`. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read arbitrary members of error and resource bodies
  json: any;
}

export const sha256Base64 = (bytes: string | Buffer) => createHash('sha256').update(bytes).digest('base64');

/** `pathAndQuery` rebuilt the way the SDK policy (and the router) does: URLSearchParams normalisation of the query. */
export function pathAndQueryOf(url: URL): string {
  const query = url.searchParams.toString();
  return query ? `${url.pathname}?${query}` : url.pathname;
}

/** The three signed headers plus Authorization for a request to `url`. */
export function signHeaders(method: string, url: URL, body: string | Buffer, accessKey: string, tamper: Tampering = {}): Record<string, string> {
  const date = tamper.date ?? new Date().toUTCString();
  const contentHash = sha256Base64(tamper.signedBody ?? body);
  const pathAndQuery = tamper.signedPath === undefined ? pathAndQueryOf(url) : pathAndQueryOf(new URL(tamper.signedPath, url));
  const stringToSign = `${method.toUpperCase()}\n${pathAndQuery}\n${date};${url.host};${contentHash}`;
  const signature = createHmac('sha256', Buffer.from(tamper.key ?? accessKey, 'base64')).update(stringToSign, 'utf8').digest('base64');
  const headers: Record<string, string> = { 'x-ms-date': date, 'x-ms-content-sha256': contentHash };
  const authorization = tamper.authorization === undefined ? `HMAC-SHA256 SignedHeaders=${tamper.signedHeaders ?? SIGNED_HEADERS}&Signature=${signature}` : tamper.authorization;
  if (authorization !== null) headers['authorization'] = authorization;
  return headers;
}

/** Sends one request with a signature computed by hand (see the file comment for when that is allowed). */
export async function rawSignedFetch(baseUrl: string, accessKey: string, request: RawRequest): Promise<RawResponse> {
  const url = new URL(request.path, baseUrl);
  const body = request.body ?? '';
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  const headers = { ...signHeaders(request.method, url, bytes, accessKey, request.tamper), ...request.headers };
  // `url.href` would normalise the path; send the caller's bytes as they are.
  const response = await fetch(`${url.origin}${request.path}`, {
    method: request.method,
    headers,
    body: request.method === 'GET' || request.method === 'DELETE' ? undefined : new Uint8Array(bytes),
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

/** Appends `api-version` as the SDK does (last). */
export function withApiVersion(path: string, apiVersion = '2023-11-01'): string {
  return `${path}${path.includes('?') ? '&' : '?'}api-version=${apiVersion}`;
}

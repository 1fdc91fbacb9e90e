import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { HttpRequestMessage } from './HttpMessage';
import { unauthorized } from './errors';
import { parseHttpDate } from './httpDate';

/** How far a request's `x-ms-date` may be from our clock (replay protection, as the service does). */
export const MAX_CLOCK_SKEW_MS = 15 * 60 * 1000;

const AUTH_PATTERN = /^HMAC-SHA256 SignedHeaders=([^&]+)&Signature=(.+)$/;
const SIGNED_HEADERS = 'x-ms-date;host;x-ms-content-sha256';

/** SHA-256 of an empty body (every GET, most actions): no hashing needed for it. */
const EMPTY_BODY_SHA256 = createHash('sha256').digest('base64');

/** Keys' bytes, decoded once: a router has one or two keys for its lifetime (per process). */
const decodedKeys = new Map<string, Buffer>();
function keyBytes(key: string): Buffer {
  let bytes = decodedKeys.get(key);
  if (!bytes) {
    if (decodedKeys.size > 8) decodedKeys.clear();
    bytes = Buffer.from(key, 'base64');
    decodedKeys.set(key, bytes);
  }
  return bytes;
}

/**
 * Checks a request signed the way the official SDKs sign with an access key
 * (`@azure/communication-common` credential policy): HMAC-SHA256 over
 * `VERB\npathAndQuery\nx-ms-date;host;x-ms-content-sha256`. Answers the index in `keys` of the key
 * that signed it; throws a 401 HttpError when none did, or on any other mismatch. `parsedUrl`: the
 * request target already parsed by the caller (saves parsing it twice).
 */
export function verifyHmac(request: HttpRequestMessage, keys: readonly string[], now: Date, parsedUrl?: URL): number {
  const authorization = request.headers['authorization'];
  if (!authorization) {
    throw unauthorized('Missing Authorization header. Sign requests with the access key from the connection string (HMAC-SHA256), as the Job Router SDKs do.');
  }
  if (/^Bearer /i.test(authorization)) {
    throw unauthorized('Bearer tokens are not accepted by this router. Use the access key from the connection string (HMAC-SHA256).');
  }
  const match = AUTH_PATTERN.exec(authorization);
  if (!match) {
    throw unauthorized(`Malformed Authorization header. Expected "HMAC-SHA256 SignedHeaders=${SIGNED_HEADERS}&Signature=<base64>".`);
  }
  if (match[1] !== SIGNED_HEADERS) {
    throw unauthorized(`Unsupported SignedHeaders "${match[1]}". Expected "${SIGNED_HEADERS}".`);
  }
  const date = request.headers['x-ms-date'];
  const host = request.headers['host'];
  const contentHash = request.headers['x-ms-content-sha256'];
  if (!date || !host || !contentHash) {
    throw unauthorized('Signed requests need the x-ms-date, host and x-ms-content-sha256 headers.');
  }
  const signedAt = parseHttpDate(date);
  if (signedAt === undefined) {
    throw unauthorized(`x-ms-date "${date}" is not an HTTP date such as "Wed, 15 Nov 2023 00:05:12 GMT".`);
  }
  if (Math.abs(now.getTime() - signedAt) > MAX_CLOCK_SKEW_MS) {
    throw unauthorized(`x-ms-date "${date}" is more than 15 minutes from the server time (${now.toUTCString()}). Check the client's clock.`);
  }
  const actualHash = request.body.length === 0 ? EMPTY_BODY_SHA256 : createHash('sha256').update(request.body).digest('base64');
  if (actualHash !== contentHash) {
    throw unauthorized('x-ms-content-sha256 does not match the SHA-256 of the request body.');
  }
  const url = parsedUrl ?? new URL(request.url, 'http://placeholder');
  const query = url.searchParams.toString();
  const pathAndQuery = query ? `${url.pathname}?${query}` : url.pathname;
  const stringToSign = `${request.method.toUpperCase()}\n${pathAndQuery}\n${date};${host};${contentHash}`;
  const given = Buffer.from(match[2] ?? '', 'base64');
  for (const [index, key] of keys.entries()) {
    const expected = createHmac('sha256', keyBytes(key)).update(stringToSign, 'utf8').digest();
    if (given.length === expected.length && timingSafeEqual(given, expected)) return index;
  }
  throw unauthorized('The request signature does not match. Check that the access key in the connection string is this router\'s key.');
}

import { randomUUID } from 'node:crypto';

/**
 * The header that carries a request's id back: the one the service answered every request with (its
 * own trace id). Clients read it to quote a request to the operator, who finds it in the log lines.
 */
export const REQUEST_ID_HEADER = 'trace-id';

/** The header SDKs send with a fresh uuid per request (and the router echoes when given). */
export const CLIENT_REQUEST_ID_HEADER = 'x-ms-client-request-id';

/**
 * A client's id is taken as it is when it could not confuse a reader of the log: short, and made of
 * the characters of uuids and similar ids. Anything else gets an id of the router's own.
 */
const SANE_CLIENT_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The client's `x-ms-client-request-id` when sane, else a new uuid. */
export function requestIdOf(headers: Readonly<Record<string, string | undefined>>): string {
  const given = headers[CLIENT_REQUEST_ID_HEADER];
  return given !== undefined && SANE_CLIENT_ID.test(given) ? given : randomUUID();
}

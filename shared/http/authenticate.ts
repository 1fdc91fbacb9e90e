import { HttpError } from './errors';
import type { HttpRequestMessage } from './HttpMessage';
import type { Operation } from './Operation';
import { verifyHmac } from './verifyHmac';

/**
 * The keys a router takes. Both sign requests the same way (HMAC, as the SDKs do); the access key
 * allows every operation, the read-only key only those that change nothing, so a wallboard or a
 * monitoring tool never holds a key that can change routing.
 */
export interface RouterKeys {
  accessKey: string;
  /** Absent: the router has no read-only key, and only the access key is taken. */
  readOnlyKey?: string;
}

export type Access = 'full' | 'readOnly';

/** What the request was signed with; a 401 when neither key signed it (see verifyHmac). */
export function authenticate(request: HttpRequestMessage, keys: RouterKeys, now: Date, parsedUrl?: URL): Access {
  const signedWith = verifyHmac(request, keys.readOnlyKey ? [keys.accessKey, keys.readOnlyKey] : [keys.accessKey], now, parsedUrl);
  return signedWith === 0 ? 'full' : 'readOnly';
}

/**
 * A read-only caller may run the operations that change nothing: every GET (resources, lists, the
 * event history and its live stream, statistics). Any other method changes the router, even an
 * action without a body: 403, after authentication and routing, so the caller learns only that its key
 * cannot do this.
 */
export function authorize(access: Access, operation: Pick<Operation, 'method' | 'operationId'>, target: string): void {
  if (access === 'full' || operation.method === 'GET') return;
  throw new HttpError(
    403,
    'Forbidden',
    `The request is signed with the router's read-only key, which allows only reads (GET); ${operation.method} ${target} (${operation.operationId}) changes the router. Sign it with the access key.`,
  );
}

import { badRequest } from './errors';

/** An operator action that takes no options: no body, or `{}`; anything else is refused with `message`. */
export function refuseOptions(body: unknown, message: string): void {
  const empty = body === undefined || (typeof body === 'object' && body !== null && !Array.isArray(body) && Object.keys(body).length === 0);
  if (!empty) throw badRequest(message);
}

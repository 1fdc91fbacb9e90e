import { MAX_BODY_DEPTH } from '../domain/model/limits';
import type { Operation } from './Operation';
import { badRequest, unsupportedMediaType } from './errors';
import { exceedsJsonDepth } from './jsonDepth';

const JSON_TYPES = ['application/json', 'application/merge-patch+json'];

function mediaType(contentType: string | undefined): string | undefined {
  return contentType?.split(';')[0]?.trim().toLowerCase() || undefined;
}

/** Turns the raw body into JSON according to what the operation takes; every failure is a 4xx. */
export function parseBody(operation: Operation, body: Buffer, contentType: string | undefined): unknown {
  if (operation.body === 'none') return undefined;
  const type = mediaType(contentType);
  if (body.length === 0) {
    if (operation.body === 'mergePatch') {
      throw badRequest(`${operation.method} ${operation.path} needs a JSON body (Content-Type: application/merge-patch+json).`);
    }
    return undefined;
  }
  // Clients post action bodies as application/json and upserts as merge-patch; both are JSON.
  if (type !== undefined && !JSON_TYPES.includes(type)) {
    throw unsupportedMediaType(`Content-Type "${contentType}" is not supported; send application/merge-patch+json for PATCH and application/json for actions.`);
  }
  const text = body.toString('utf8');
  if (exceedsJsonDepth(text, MAX_BODY_DEPTH)) {
    throw badRequest(`The request body nests objects and arrays more than ${MAX_BODY_DEPTH} levels deep; no request of this API needs more than 10.`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw badRequest(`The request body is not valid JSON: ${(error as Error).message}.`);
  }
  if (operation.body === 'mergePatch' && (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))) {
    throw badRequest('The request body must be a JSON object (a JSON merge patch of the resource).');
  }
  return parsed;
}

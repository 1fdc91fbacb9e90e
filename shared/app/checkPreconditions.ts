import type { StoredDocument } from '../ports/Store';
import { AppError } from './AppError';

export interface Preconditions {
  /** `If-Match`: a quoted etag, or `*`. */
  ifMatch?: string;
  /** `If-Unmodified-Since`. */
  ifUnmodifiedSince?: Date;
}

/**
 * If-Match uses the strong comparison (RFC 7232 §3.1): a weak `W/` tag never matches. Quotes are
 * optional so that clients that strip them still match.
 */
const strongMatch = (tag: string, etag: string) => !tag.startsWith('W/') && tag.replace(/^"(.*)"$/, '$1') === etag.replace(/^"(.*)"$/, '$1');

/** RFC 7232 preconditions for the upsert PATCHes; failures are 412. */
export function checkPreconditions(noun: string, id: string, current: StoredDocument<unknown> | undefined, preconditions: Preconditions): void {
  const { ifMatch, ifUnmodifiedSince } = preconditions;
  if (ifMatch !== undefined) {
    if (!current) throw new AppError('preconditionFailed', `If-Match was given but the ${noun} '${id}' does not exist.`);
    const accepted = ifMatch.split(',').map((tag) => tag.trim());
    if (!accepted.includes('*') && !accepted.some((tag) => strongMatch(tag, current.etag))) {
      throw new AppError('preconditionFailed', `If-Match ${ifMatch} does not match the current etag ${current.etag} of the ${noun} '${id}'; read it again and retry.`);
    }
  }
  if (ifUnmodifiedSince !== undefined && current) {
    // HTTP dates have whole seconds: compare at that resolution.
    const modifiedSeconds = Math.floor(Date.parse(current.lastModified) / 1000);
    if (modifiedSeconds > Math.floor(ifUnmodifiedSince.getTime() / 1000)) {
      throw new AppError('preconditionFailed', `The ${noun} '${id}' was modified at ${new Date(current.lastModified).toUTCString()}, after If-Unmodified-Since.`);
    }
  }
}

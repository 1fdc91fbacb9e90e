import type { Condition, Page } from '../ports/Store';
import { badRequest } from './errors';
import type { ListFilters } from './listFilters';
import type { Parameter } from './Parameter';

/**
 * A continuation token carries everything needed to produce the next page — the last id returned,
 * the page size and the filters — so it survives restarts and needs no server-side cursor. It is
 * opaque to clients (base64 of JSON), like the service's.
 */
export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 1000;

export interface PageCursor {
  afterId: string;
  pageSize: number;
  where: Condition[];
}

export function encodePageToken(cursor: PageCursor): string {
  return Buffer.from(JSON.stringify({ a: cursor.afterId, n: cursor.pageSize, w: cursor.where }), 'utf8').toString('base64');
}

export function decodePageToken(token: string): PageCursor {
  const invalid = () => badRequest('continuationToken is not valid: pass the nextLink of the previous page unchanged.');
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (typeof parsed !== 'object' || parsed === null) throw invalid();
  const { a, n, w } = parsed as { a?: unknown; n?: unknown; w?: unknown };
  if (typeof a !== 'string' || typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > MAX_PAGE_SIZE || !Array.isArray(w)) throw invalid();
  const where = w.filter(
    (c): c is Condition =>
      typeof c === 'object' && c !== null && typeof (c as Condition).key === 'string' && ['eq', 'lte', 'gte'].includes((c as Condition).op) && ['string', 'number', 'boolean'].includes(typeof (c as Condition).value),
  );
  if (where.length !== w.length) throw invalid();
  return { afterId: a, pageSize: n, where };
}

/** `nextLink` as the service wrote it: a relative path without api-version (clients append it). */
export function nextLink(collectionPath: string, cursor: PageCursor): string {
  return `${collectionPath}?continuationToken=${encodeURIComponent(encodePageToken(cursor))}`;
}

/** The query parameters every list reads (besides its filters). */
export const PAGING_PARAMETERS: readonly Parameter[] = [
  { name: 'maxpagesize', in: 'query', description: `Items per page (default ${DEFAULT_PAGE_SIZE}).`, schema: { type: 'integer', minimum: 1, maximum: MAX_PAGE_SIZE } },
  { name: 'continuationToken', in: 'query', description: 'Where the next page starts: pass the `nextLink` of the previous page unchanged (it already carries the filters).', schema: { type: 'string' } },
];

function pageSize(query: URLSearchParams): number {
  const raw = query.get('maxpagesize');
  if (raw === null) return DEFAULT_PAGE_SIZE;
  const size = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isInteger(size) || size < 1 || size > MAX_PAGE_SIZE) {
    throw badRequest(`maxpagesize="${raw}" is not valid; use a whole number from 1 to ${MAX_PAGE_SIZE}.`);
  }
  return size;
}

/** Where a list request starts: its continuation token, or the first page of `maxpagesize` with the query's filters. */
export function cursorOf(query: URLSearchParams, filters: ListFilters): PageCursor {
  const token = query.get('continuationToken');
  if (token !== null) return decodePageToken(token);
  return { afterId: '', pageSize: pageSize(query), where: filters.where(query) };
}

/**
 * A list answer: `value`, and `nextLink` while the store has more. The link continues after the last
 * document the store returned, also when `value` shows fewer of them.
 */
export function pageAnswer<T>(collectionPath: string, cursor: PageCursor, page: Page<unknown>, value: T[]): { value: T[]; nextLink?: string } {
  const last = page.items[page.items.length - 1];
  return page.hasMore && last ? { value, nextLink: nextLink(collectionPath, { ...cursor, afterId: last.id }) } : { value };
}

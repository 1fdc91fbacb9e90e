import type { Client } from '@azure-rest/core-client';

/**
 * Follows nextLink exactly as `@azure-rest/core-client` paginate() does: `pathUnchecked(nextLink).get()`,
 * each page answered 200. More than `maxPages` pages means the nextLinks loop.
 */
export async function listPages<P extends { nextLink?: string }>(
  client: Client,
  first: string,
  queryParameters?: Record<string, string | number | boolean>,
  maxPages = 200,
): Promise<P[]> {
  const pages: P[] = [];
  let response = await client.pathUnchecked(first).get(queryParameters ? { queryParameters } : {});
  for (;;) {
    expect(response.status).toBe('200');
    const page = response.body as P;
    pages.push(page);
    if (page.nextLink === undefined) return pages;
    if (pages.length > maxPages) throw new Error(`more than ${maxPages} pages: the nextLinks loop`);
    response = await client.pathUnchecked(page.nextLink).get();
  }
}

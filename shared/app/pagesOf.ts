import type { Collection, ListQuery, StoredDocument, Store } from '../ports/Store';

/**
 * The pages of a list in id order, each read when the caller asks for it (stopping early reads no
 * more). Documents changed or removed meanwhile do not move the next page: it starts after the last id.
 */
export async function* pagesOf<B>(store: Store, collection: Collection, query: Omit<ListQuery, 'afterId'>): AsyncGenerator<StoredDocument<B>[]> {
  let afterId: string | undefined;
  for (;;) {
    const page = await store.list<B>(collection, { ...query, afterId });
    yield page.items;
    const last = page.items[page.items.length - 1];
    if (!page.hasMore || !last) return;
    afterId = last.id;
  }
}

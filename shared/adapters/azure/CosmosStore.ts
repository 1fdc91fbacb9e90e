import { ErrorResponse, type Container, type SqlQuerySpec } from '@azure/cosmos';
import {
  StoreConflictError,
  StoreUnavailableError,
  type Collection,
  type Condition,
  type IndexKeys,
  type IndexValue,
  type ListQuery,
  type NewDocument,
  type Page,
  type RangeQuery,
  type Store,
  type StoredDocument,
} from '../../ports/Store';
import { fromCodePointOrder, toCodePointOrder } from './codePointOrder';
import { isOrderedKey } from './cosmosIndexing';
import { cosmosItemId } from './cosmosItemId';
import { groupedKeyParts, groupRange, groupsOf } from './cosmosGroupedKeys';
import { cosmosPartitionKey, isSpreadCollection } from './cosmosPartitioning';
import { countQuery, documentsQuery, elementRangeQuery, existsQuery, groupRangeQuery, indexValue, listQuery, orderedRangeQuery } from './cosmosQueries';

/**
 * Store on one Cosmos DB container (see docs/adr/0009-cosmos-store.md and docs/adr/0031-cosmos-partitioning-and-capacity.md).
 *
 * Item shape: `{ id, pk, coll, docId, lastModified, body, keys, ix }`
 * - id: cosmosItemId(store id), safe in Cosmos ids and URLs; pk: its logical partition (cosmosPartitioning.ts);
 *   coll: the collection, which queries across partitions filter on.
 * - docId: the store id in code point order form (codePointOrder.ts), which lists sort and page by.
 * - keys: the index keys as given, strings in code point order form (decoded on read, so they
 *   round-trip); ordered keys are sorted by the server straight from here.
 * - ix: every key as an array of its distinct values, same form, for conditions and element ranges.
 * - gx, rk: for grouped keys (cosmosGroupedKeys.ts) the document's groups and its one rank, same form.
 * Every write is conditional on the server: create fails if the id exists, replace and delete carry If-Match.
 */

// Type aliases, not interfaces: the SDK's item types need an index signature, which only aliases imply.
export type CosmosItem = {
  id: string;
  pk: string;
  coll: Collection;
  docId: string;
  lastModified: string;
  body: unknown;
  keys: IndexKeys;
  ix: Record<string, IndexValue[]>;
  gx?: Record<string, string[]>;
  rk?: Record<string, string>;
};

/** One element of an element range's window and the document holding it. */
type ElementRow = { docId: string; element: string };

/** A stored item as reads return it (the projection in cosmosQueries.ts). */
type ItemRow = {
  docId: string;
  _etag: string;
  lastModified: string;
  body: unknown;
  keys: IndexKeys;
};

/** What one Cosmos request did: a point read, a query page, or a write (create, replace, delete). */
export type CosmosRequestKind = 'read' | 'query' | 'write';

/** Requests of one kind on one collection, and the JSON bytes they carried (written items, read items and query rows). */
export interface CosmosRequestTally {
  requests: number;
  bytes: number;
}

export interface CosmosStoreStats {
  /** Requests for data: one per point operation, one per page of a query. */
  operations: number;
  /** Request units the server reported for them. */
  requestCharge: number;
  /** The same requests by `<kind> <collection>`, e.g. `write jobs`. */
  byKind: Record<string, CosmosRequestTally>;
}

/** Results per query page when a query has no TOP of its own. */
const PAGE_ITEMS = 1000;

const REQUEST_CHARGE_HEADER = 'x-ms-request-charge';

export class CosmosStore implements Store {
  private operations = 0;
  private requestCharge = 0;
  private byKind: Record<string, CosmosRequestTally> = {};
  private released = false;

  /** `release` runs once on close(), e.g. disposing the client this store owns. */
  constructor(
    readonly container: Container,
    private readonly release: () => void = () => undefined,
  ) {}

  async get<B = Record<string, unknown>>(collection: Collection, id: string): Promise<StoredDocument<B> | undefined> {
    const response = await this.request('read', collection, () => itemRef(this.container, collection, id).read<ItemRow>());
    return response.resource ? toStored<B>(collection, response.resource) : undefined;
  }

  async create<B>(doc: NewDocument<B>): Promise<StoredDocument<B>> {
    const item = toItem(doc);
    const response = await this.write(doc.collection, doc.id, { 409: 'exists' }, () => this.container.items.create(item), item);
    return toStored<B>(doc.collection, written(response.resource));
  }

  async replace<B>(doc: NewDocument<B>, ifMatch: string): Promise<StoredDocument<B>> {
    const item = toItem(doc);
    const response = await this.write(doc.collection, doc.id, { 404: 'missing', 412: 'etagMismatch' }, () =>
      this.container.item(item.id, item.pk).replace(item, { accessCondition: { type: 'IfMatch', condition: ifMatch } }),
      item,
    );
    return toStored<B>(doc.collection, written(response.resource));
  }

  async delete(collection: Collection, id: string, ifMatch?: string): Promise<boolean> {
    const item = itemRef(this.container, collection, id);
    const options = ifMatch === undefined ? undefined : { accessCondition: { type: 'IfMatch', condition: ifMatch } };
    try {
      await this.write(collection, id, { 412: 'etagMismatch' }, () => item.delete(options));
      return true;
    } catch (error) {
      if (error instanceof ErrorResponse && error.code === 404) return false;
      throw error;
    }
  }

  async list<B = Record<string, unknown>>(collection: Collection, query: ListQuery): Promise<Page<B>> {
    const { pageSize } = query;
    if (!Number.isSafeInteger(pageSize) || pageSize < 1) throw new RangeError(`pageSize must be an integer of at least 1, got ${String(pageSize)}`);
    const rows = await this.query<ItemRow>(collection, listQuery(collection, query), pageSize + 1);
    return { items: rows.slice(0, pageSize).map((row) => toStored<B>(collection, row)), hasMore: rows.length > pageSize };
  }

  async exists(collection: Collection, where: readonly Condition[]): Promise<boolean> {
    return (await this.query<number>(collection, existsQuery(collection, where), 1)).length > 0;
  }

  async range<B = Record<string, unknown>>(collection: Collection, query: RangeQuery): Promise<StoredDocument<B>[]> {
    const { limit } = query;
    if (!Number.isSafeInteger(limit) || limit < 1) throw new RangeError(`limit must be an integer of at least 1, got ${String(limit)}`);
    const group = groupRange(collection, query);
    if (group) {
      const rows = await this.query<ItemRow>(collection, groupRangeQuery(collection, query.key, group, limit), limit);
      return rows.map((row) => toStored<B>(collection, row));
    }
    if (isOrderedKey(collection, query.key)) {
      const rows = await this.query<ItemRow>(collection, orderedRangeQuery(collection, query), limit);
      return rows.map((row) => toStored<B>(collection, row));
    }
    // Cosmos cannot sort by an array element: the window's (element, id) pairs stream past in pages
    // and only the first `limit` are kept, then only those documents are read. Memory is bounded by
    // the limit and a page, however wide the window (its request charge is not: the server reads it).
    const first: ElementRow[] = [];
    for await (const rows of this.pages<ElementRow>(collection, elementRangeQuery(collection, query), PAGE_ITEMS)) {
      for (const row of rows) keepFirst(first, row, limit);
    }
    if (first.length === 0) return [];
    const docs = await this.query<ItemRow>(collection, documentsQuery(collection, [...new Set(first.map((row) => row.docId))]), PAGE_ITEMS);
    const byId = new Map(docs.map((doc) => [doc.docId, doc]));
    // A document deleted between the two reads is left out, as a later read would.
    return first.flatMap((row) => {
      const doc = byId.get(row.docId);
      return doc ? [toStored<B>(collection, doc)] : [];
    });
  }

  async count(collection: Collection, query: Omit<RangeQuery, 'limit'>): Promise<number> {
    const spec = countQuery(collection, query, isOrderedKey(collection, query.key));
    // A query may answer in several pages, each counting its part.
    const counts = await this.query<number>(collection, spec, PAGE_ITEMS);
    return counts.reduce((sum, n) => sum + n, 0);
  }

  /** Cosmos acknowledges a write once a quorum of replicas holds it: nothing is left to wait for. */
  durable(): Promise<void> {
    return Promise.resolve();
  }

  close(): Promise<void> {
    if (!this.released) {
      this.released = true;
      this.release();
    }
    return Promise.resolve();
  }

  /** Cosmos requests made and request units charged since the store opened or resetStats(). */
  stats(): CosmosStoreStats {
    return { operations: this.operations, requestCharge: this.requestCharge, byKind: structuredClone(this.byKind) };
  }

  resetStats(): void {
    this.operations = 0;
    this.requestCharge = 0;
    this.byKind = {};
  }

  private async query<T>(collection: Collection, spec: SqlQuerySpec, maxItemCount: number): Promise<T[]> {
    const results: T[] = [];
    for await (const rows of this.pages<T>(collection, spec, maxItemCount)) results.push(...rows);
    return results;
  }

  private async *pages<T>(collection: Collection, spec: SqlQuerySpec, maxItemCount: number): AsyncGenerator<T[]> {
    // A collection spread over partitions is queried across them (the SDK fans out per physical partition).
    const pages = this.container.items.query<T>(spec, isSpreadCollection(collection) ? { maxItemCount } : { partitionKey: collection, maxItemCount });
    while (pages.hasMoreResults()) {
      const page = await this.request('query', collection, () => pages.fetchNext());
      yield page.resources;
    }
  }

  /** Runs a write, turning the statuses in `conflicts` into StoreConflictError. */
  private async write<T extends { requestCharge: number }>(
    collection: Collection,
    id: string,
    conflicts: Partial<Record<number, StoreConflictError['reason']>>,
    run: () => Promise<T>,
    sent?: CosmosItem,
  ): Promise<T> {
    try {
      return await this.request('write', collection, run, sent);
    } catch (error) {
      const reason = error instanceof ErrorResponse && typeof error.code === 'number' ? conflicts[error.code] : undefined;
      if (reason) throw new StoreConflictError(collection, id, reason);
      throw error;
    }
  }

  /**
   * One Cosmos request, counted with its charge whether it succeeds or fails, and tallied by kind and
   * collection with the JSON bytes it carried: the item sent (writes) or the items answered (reads, query pages).
   */
  private async request<T extends { requestCharge: number; resource?: unknown; resources?: unknown }>(
    kind: CosmosRequestKind,
    collection: Collection,
    run: () => Promise<T>,
    sent?: CosmosItem,
  ): Promise<T> {
    this.operations += 1;
    const tally = (this.byKind[`${kind} ${collection}`] ??= { requests: 0, bytes: 0 });
    tally.requests += 1;
    if (sent) tally.bytes += jsonBytes(sent);
    try {
      const response = await run();
      this.requestCharge += response.requestCharge || 0;
      if (!sent) tally.bytes += jsonBytes(response.resources ?? response.resource);
      return response;
    } catch (error) {
      if (error instanceof ErrorResponse) this.requestCharge += Number(error.headers?.[REQUEST_CHARGE_HEADER]) || 0;
      throw cosmosUnavailable(error) ?? error;
    }
  }
}

/**
 * Throttling (429, after the SDK's own retries) and an unavailable account (503) are ours, not the
 * caller's: a StoreUnavailableError, answered 503 with the account's retry hint as Retry-After.
 */
export function cosmosUnavailable(error: unknown): StoreUnavailableError | undefined {
  if (!(error instanceof ErrorResponse)) return undefined;
  const retryAfterSeconds = Math.min(Math.max(Math.ceil((error.retryAfterInMs ?? 0) / 1000), 1), 60);
  if (error.code === 429) {
    return new StoreUnavailableError('throttled', 'The router database is throttling requests (Cosmos DB request rate too large); retry later.', retryAfterSeconds, { cause: error });
  }
  if (error.code === 503) {
    return new StoreUnavailableError('unavailable', 'The router database is unavailable (Cosmos DB answered 503); retry later.', Math.max(retryAfterSeconds, 5), { cause: error });
  }
  return undefined;
}

/** The item of a document, in its partition. */
function itemRef(container: Container, collection: Collection, id: string) {
  const itemId = cosmosItemId(id);
  return container.item(itemId, cosmosPartitionKey(collection, id, itemId));
}

function jsonBytes(value: unknown): number {
  return value === undefined ? 0 : Buffer.byteLength(JSON.stringify(value), 'utf8');
}

/** The item the store writes for a document: for tools that write many at once (seeding a benchmark, moving a container). */
export function toItem(doc: NewDocument<unknown>): CosmosItem {
  if (typeof doc.id !== 'string') throw new TypeError(`${doc.collection}: id must be a string`);
  const keys: IndexKeys = {};
  const ix: Record<string, IndexValue[]> = {};
  const gx: Record<string, string[]> = {};
  const rk: Record<string, string> = {};
  for (const [key, value] of Object.entries(doc.keys)) {
    // JSON drops an undefined key, so the index must not know it either.
    if (value === undefined) continue;
    const where = `${doc.collection}/${doc.id} key ${key}`;
    const parts = groupedKeyParts(doc.collection, key);
    const grouped = parts === undefined ? undefined : groupsOf(value, parts, where);
    if (grouped) {
      gx[key] = grouped.groups.map(toCodePointOrder);
      rk[key] = toCodePointOrder(grouped.rank);
    }
    if (Array.isArray(value)) {
      if (isOrderedKey(doc.collection, key)) {
        throw new TypeError(`${where}: an ordered key holds one value (COSMOS_ORDERED_KEYS in cosmosIndexing.ts), got an array`);
      }
      const elements = value.map((element) => indexValue(element, where));
      keys[key] = elements;
      ix[key] = [...new Set(elements)];
    } else {
      const single = indexValue(value, where);
      keys[key] = single;
      ix[key] = [single];
    }
  }
  const id = cosmosItemId(doc.id);
  return {
    id,
    pk: cosmosPartitionKey(doc.collection, doc.id, id),
    coll: doc.collection,
    docId: toCodePointOrder(doc.id),
    lastModified: doc.lastModified,
    body: doc.body,
    keys,
    ix,
    ...(Object.keys(rk).length > 0 ? { gx, rk } : {}),
  };
}

function toStored<B>(collection: Collection, row: ItemRow): StoredDocument<B> {
  const keys: IndexKeys = {};
  for (const [key, value] of Object.entries(row.keys)) {
    keys[key] = Array.isArray(value) ? value.map(fromIndexValue) : fromIndexValue(value);
  }
  return {
    collection,
    id: fromCodePointOrder(row.docId),
    etag: row._etag,
    lastModified: row.lastModified,
    body: row.body as B,
    keys,
  };
}

function fromIndexValue(value: IndexValue): IndexValue {
  return typeof value === 'string' ? fromCodePointOrder(value) : value;
}

/** The stored item a write returns; the store's client always asks for it. */
function written(resource: ItemRow | undefined): ItemRow {
  if (!resource) throw new Error('Cosmos DB returned no item for a write: the client must not disable contentResponseOnWriteEnabled');
  return resource;
}

const byElement = (a: ElementRow, b: ElementRow) => compare(a.element, b.element) || compare(a.docId, b.docId);

/** Inserts `row` into `first` (sorted, at most `limit` long) when it is among the `limit` first. */
function keepFirst(first: ElementRow[], row: ElementRow, limit: number): void {
  const last = first[first.length - 1];
  if (first.length >= limit && last && byElement(row, last) >= 0) return;
  let low = 0;
  let high = first.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (byElement(first[middle] as ElementRow, row) <= 0) low = middle + 1;
    else high = middle;
  }
  first.splice(low, 0, row);
  if (first.length > limit) first.pop();
}

/** Code unit order, which is code point order on strings in code point order form. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

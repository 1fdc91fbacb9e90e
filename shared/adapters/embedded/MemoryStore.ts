// The port is async for remote stores; this one does its work synchronously inside the methods.
/* eslint-disable @typescript-eslint/require-await */
import {
  StoreConflictError,
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

/**
 * A Store in the process's memory, for runs that need no durability and all the speed they can get
 * (the routing simulator). It keeps the SQLite store's semantics (the contract suite runs against
 * both): bodies are kept as JSON text and parsed on every read, so callers never share objects with
 * the store; index values are typed (a string never equals a number); strings compare by their UTF-8
 * bytes. `range` and `count` walk a sorted index per string key; `list` and `exists` scan the
 * collection in id order, which is fine for the populations a simulation lists.
 *
 * Etags are `"<counter>-0000-0700-0000-<seconds>0000"`: unique per store, and the same on every run,
 * so a seeded simulation stays repeatable down to its documents.
 */

interface Entry {
  etag: string;
  lastModified: string;
  body: string;
  keys: string;
  /** The index values by key (every array element), typed as SQLite types them. */
  values: Map<string, IndexValue[]>;
}

/** One (value, id) pair of a string key, in the order range answers. */
interface IndexRow {
  value: string;
  id: string;
}

/**
 * SQLite's BINARY collation: UTF-8 byte order, which is code point order. UTF-16 code units agree with
 * it except that a surrogate (half of a code point above U+FFFF) must sort after U+E000–U+FFFF.
 */
function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    const rank = (unit: number) => (unit >= 0xd800 && unit <= 0xdfff ? unit + 0x10000 : unit);
    return rank(x) - rank(y);
  }
  return a.length - b.length;
}

const compareRows = (a: IndexRow, b: IndexRow) => compareStrings(a.value, b.value) || compareStrings(a.id, b.id);

/** First position in `rows` whose row is not before `probe`. */
function lowerBound<T>(rows: readonly T[], probe: T, compare: (a: T, b: T) => number): number {
  let low = 0;
  let high = rows.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (compare(rows[mid]!, probe) < 0) low = mid + 1;
    else high = mid;
  }
  return low;
}

function checkValue(value: unknown, where: string): IndexValue {
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`${where}: index numbers must be finite`);
    return value;
  }
  throw new TypeError(`${where}: index values must be strings, numbers or booleans`);
}

/** Whether `value` satisfies `op` against `target`: only values of the same type compare (booleans as 0/1). */
function satisfies(value: IndexValue, op: Condition['op'], target: IndexValue): boolean {
  if (typeof value !== typeof target) return false;
  const order = typeof value === 'string' ? compareStrings(value, target as string) : Number(value) - Number(target);
  return op === 'eq' ? order === 0 : op === 'lte' ? order <= 0 : order >= 0;
}

export class MemoryStore implements Store {
  private readonly documents = new Map<Collection, Map<string, Entry>>();
  /** Ids per collection in binary order, for list pages. */
  private readonly ids = new Map<Collection, string[]>();
  /** Sorted (value, id) rows per `<collection>\u0000<key>` of string values. */
  private readonly indexes = new Map<string, IndexRow[]>();
  private etags = 0;
  private closed = false;

  async get<B = Record<string, unknown>>(collection: Collection, id: string): Promise<StoredDocument<B> | undefined> {
    const entry = this.collection(collection).get(id);
    return entry ? toDocument<B>(collection, id, entry) : undefined;
  }

  async create<B>(doc: NewDocument<B>): Promise<StoredDocument<B>> {
    const entry = this.entryOf(doc);
    const docs = this.collection(doc.collection);
    if (docs.has(doc.id)) throw new StoreConflictError(doc.collection, doc.id, 'exists');
    docs.set(doc.id, entry);
    const ids = this.idsOf(doc.collection);
    ids.splice(lowerBound(ids, doc.id, compareStrings), 0, doc.id);
    this.index(doc.collection, doc.id, entry, +1);
    return toDocument<B>(doc.collection, doc.id, entry);
  }

  async replace<B>(doc: NewDocument<B>, ifMatch: string): Promise<StoredDocument<B>> {
    const entry = this.entryOf(doc);
    const docs = this.collection(doc.collection);
    const current = docs.get(doc.id);
    if (!current) throw new StoreConflictError(doc.collection, doc.id, 'missing');
    if (current.etag !== ifMatch) throw new StoreConflictError(doc.collection, doc.id, 'etagMismatch');
    this.index(doc.collection, doc.id, current, -1);
    docs.set(doc.id, entry);
    this.index(doc.collection, doc.id, entry, +1);
    return toDocument<B>(doc.collection, doc.id, entry);
  }

  async delete(collection: Collection, id: string, ifMatch?: string): Promise<boolean> {
    const docs = this.collection(collection);
    const current = docs.get(id);
    if (!current) return false;
    if (ifMatch !== undefined && current.etag !== ifMatch) throw new StoreConflictError(collection, id, 'etagMismatch');
    docs.delete(id);
    const ids = this.idsOf(collection);
    ids.splice(lowerBound(ids, id, compareStrings), 1);
    this.index(collection, id, current, -1);
    return true;
  }

  async list<B = Record<string, unknown>>(collection: Collection, query: ListQuery): Promise<Page<B>> {
    const { pageSize } = query;
    if (!Number.isSafeInteger(pageSize) || pageSize < 1) throw new RangeError(`pageSize must be an integer of at least 1, got ${String(pageSize)}`);
    const where = this.checkConditions(query.where ?? []);
    const ids = this.idsOf(collection);
    const docs = this.collection(collection);
    const items: StoredDocument<B>[] = [];
    const start = query.afterId === undefined ? 0 : lowerBound(ids, query.afterId, compareStrings);
    for (let i = start; i < ids.length; i++) {
      const id = ids[i]!;
      if (id === query.afterId) continue;
      const entry = docs.get(id)!;
      if (!matches(entry, where)) continue;
      if (items.length === pageSize) return { items, hasMore: true };
      items.push(toDocument<B>(collection, id, entry));
    }
    return { items, hasMore: false };
  }

  async exists(collection: Collection, where: readonly Condition[]): Promise<boolean> {
    const conditions = this.checkConditions(where);
    for (const entry of this.collection(collection).values()) if (matches(entry, conditions)) return true;
    return false;
  }

  async range<B = Record<string, unknown>>(collection: Collection, query: RangeQuery): Promise<StoredDocument<B>[]> {
    if (!Number.isSafeInteger(query.limit) || query.limit < 1) throw new RangeError(`limit must be an integer of at least 1, got ${String(query.limit)}`);
    const rows = this.indexes.get(`${collection}\u0000${query.key}`) ?? [];
    const docs = this.collection(collection);
    const found: StoredDocument<B>[] = [];
    for (let i = lowerBound(rows, { value: query.from, id: '' }, compareRows); i < rows.length && found.length < query.limit; i++) {
      const row = rows[i]!;
      if (compareStrings(row.value, query.to) >= 0) break;
      found.push(toDocument<B>(collection, row.id, docs.get(row.id)!));
    }
    return found;
  }

  async count(collection: Collection, query: Omit<RangeQuery, 'limit'>): Promise<number> {
    const rows = this.indexes.get(`${collection}\u0000${query.key}`) ?? [];
    if (compareStrings(query.from, query.to) >= 0) return 0;
    return lowerBound(rows, { value: query.to, id: '' }, compareRows) - lowerBound(rows, { value: query.from, id: '' }, compareRows);
  }

  /** Writes are in memory: nothing to wait for (and nothing survives the process). */
  durable(): Promise<void> {
    return Promise.resolve();
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  private collection(collection: Collection): Map<string, Entry> {
    if (this.closed) throw new Error('the memory store is closed');
    let docs = this.documents.get(collection);
    if (!docs) this.documents.set(collection, (docs = new Map<string, Entry>()));
    return docs;
  }

  private idsOf(collection: Collection): string[] {
    let ids = this.ids.get(collection);
    if (!ids) this.ids.set(collection, (ids = [] as string[]));
    return ids;
  }

  private entryOf(doc: NewDocument<unknown>): Entry {
    if (typeof doc.id !== 'string') throw new TypeError(`${doc.collection}: id must be a string`);
    const ms = Date.parse(doc.lastModified);
    if (Number.isNaN(ms)) throw new TypeError(`${doc.collection}/${doc.id}: lastModified is not an ISO instant: ${String(doc.lastModified)}`);
    const values = new Map<string, IndexValue[]>();
    for (const [key, value] of Object.entries(doc.keys)) {
      // JSON drops an undefined key, so the index must not know it either.
      if (value === undefined) continue;
      const elements: readonly unknown[] = Array.isArray(value) ? value : [value];
      values.set(key, [...new Set(elements.map((element) => checkValue(element, `${doc.collection}/${doc.id} key ${key}`)))]);
    }
    const seconds = Math.min(Math.max(Math.floor(ms / 1000), 0), 0xffffffff);
    const etag = `"${(++this.etags).toString(16).padStart(8, '0')}-0000-0700-0000-${seconds.toString(16).padStart(8, '0')}0000"`;
    return { etag, lastModified: doc.lastModified, body: JSON.stringify(doc.body), keys: JSON.stringify(doc.keys), values };
  }

  /** Adds (+1) or removes (−1) the entry's string values in the range indexes. */
  private index(collection: Collection, id: string, entry: Entry, direction: 1 | -1): void {
    for (const [key, values] of entry.values) {
      const name = `${collection}\u0000${key}`;
      let rows = this.indexes.get(name);
      if (!rows) this.indexes.set(name, (rows = []));
      for (const value of values) {
        if (typeof value !== 'string') continue;
        const row = { value, id };
        const at = lowerBound(rows, row, compareRows);
        if (direction > 0) rows.splice(at, 0, row);
        else if (rows[at]?.id === id && rows[at]?.value === value) rows.splice(at, 1);
      }
    }
  }

  private checkConditions(where: readonly Condition[]): Condition[] {
    return where.map((condition) => {
      if (!['eq', 'lte', 'gte'].includes(condition.op)) throw new TypeError(`unknown condition operator ${String(condition.op)}`);
      return { ...condition, value: checkValue(condition.value, `condition on ${condition.key}`) };
    });
  }
}

function matches(entry: Entry, where: readonly Condition[]): boolean {
  return where.every((condition) => (entry.values.get(condition.key) ?? []).some((value) => satisfies(value, condition.op, condition.value)));
}

function toDocument<B>(collection: Collection, id: string, entry: Entry): StoredDocument<B> {
  return { collection, id, etag: entry.etag, lastModified: entry.lastModified, body: JSON.parse(entry.body) as B, keys: JSON.parse(entry.keys) as IndexKeys };
}

export const openMemoryStore = (): MemoryStore => new MemoryStore();

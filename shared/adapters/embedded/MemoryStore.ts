// The port is async for remote stores; this one does its work synchronously inside the methods.
/* eslint-disable @typescript-eslint/require-await */
import BTree from 'sorted-btree';
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
import { compareUtf8, OrderedValues } from './MemoryIndex';
import { flatText } from '../../domain/flatText';

/**
 * A Store in the process's memory, for runs that need no durability and all the speed they can get
 * (the routing simulator). It keeps the SQLite store's semantics (the contract suite runs against
 * both), except that it copies nothing it need not: a written body and keys become the store's and
 * are frozen (a JSON copy is kept instead when they are not plain JSON data), and every reader gets
 * them as they are, so a read costs no parse and a caller that tried to change what it read or wrote
 * throws (modules run in strict mode) instead of changing the store. Index values are typed (a string
 * never equals a number); strings compare by their UTF-8 bytes. `range` and `count` walk an ordered
 * index of the key, built the first time the key is ranged and kept from then on (the keys of events,
 * never ranged, cost no index work), and ids are kept in order for `list`: both B-trees, so a write
 * costs O(log n) however large a collection grows (a simulated day keeps every one of its jobs).
 * `list` and `exists` with conditions scan the collection in id order, which is fine for the
 * populations a simulation lists.
 *
 * Etags are `"<counter>-0000-0700-0000-<seconds>0000"`: unique per store, and the same on every run,
 * so a seeded simulation stays repeatable down to its documents.
 */

interface Entry {
  etag: string;
  lastModified: string;
  /** As written (or a JSON copy of what was not plain JSON), frozen: shared with every reader. */
  body: unknown;
  keys: IndexKeys;
}

/** The values of one index key of a document: every element of an array, or the one value (none when absent). */
function valuesAt(keys: IndexKeys, key: string): readonly unknown[] {
  const value = keys[key];
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

const isIndexValue = (value: unknown): boolean => typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value));

/** Whether a key holds the same values before and after a write (in the same order). */
function sameValues(before: IndexKeys[string] | undefined, after: IndexKeys[string] | undefined): boolean {
  if (!Array.isArray(before) || !Array.isArray(after)) return before === after;
  if (before.length !== after.length) return false;
  for (let i = 0; i < before.length; i++) if (before[i] !== after[i]) return false;
  return true;
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
  const order = typeof value === 'string' ? compareUtf8(value, target as string) : Number(value) - Number(target);
  return op === 'eq' ? order === 0 : op === 'lte' ? order <= 0 : order >= 0;
}

/**
 * What the store keeps of a written value: the value itself, frozen all the way down, when it is
 * already what JSON would give back (plain objects and arrays of strings, finite numbers, booleans and
 * null), so a write costs no copy; otherwise a frozen JSON copy (dates become strings, undefined
 * members go), as the SQLite store would keep it. Either way the written value is frozen: it became
 * the store's (see the Store port).
 */
function snapshot(value: unknown): unknown {
  if (freezeJson(value)) return value;
  const copy = JSON.parse(JSON.stringify(value)) as unknown;
  freezeJson(copy);
  return copy;
}

/** Freezes `value` all the way down, in one walk; answers whether all of it is plain JSON data. */
function freezeJson(value: unknown): boolean {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(value);
    case 'object': {
      if (value === null) return true;
      let json = true;
      if (Array.isArray(value)) {
        for (const element of value) if (!freezeJson(element)) json = false;
      } else {
        const prototype = Object.getPrototypeOf(value) as unknown;
        if (prototype !== Object.prototype) json = false;
        for (const key in value) if (!freezeJson((value as Record<string, unknown>)[key])) json = false;
      }
      Object.freeze(value);
      return json;
    }
    default:
      return false;
  }
}

export interface MemoryStoreOptions {
  /**
   * Whether what the store keeps is frozen (the default): a caller that changes a body it wrote or read
   * then throws, and a value that is not plain JSON is kept as its JSON copy. Unfrozen, written values
   * are kept as they are, unchecked and unwalked: about a tenth less work per simulated job, for a
   * caller that writes plain JSON and never changes what it shares, as its tests prove by running it
   * frozen (the routing simulator).
   */
  freeze?: boolean;
}

export class MemoryStore implements Store {
  private readonly documents = new Map<Collection, Map<string, Entry>>();
  /**
   * Ids per collection in binary order, for list pages: built the first time a collection is listed and
   * kept from then on, as the range indexes are. A simulated day lists nothing, and ordering 100,000 job
   * ids it never pages through cost about a fiftieth of its time.
   */
  private readonly ids = new Map<Collection, BTree<string, undefined>>();
  /** Ordered (value, id) pairs of string values, per collection and key, for the keys ranged or counted so far. */
  private readonly indexed = new Map<Collection, Map<string, OrderedValues>>();
  private etags = 0;
  private parsed = { text: '', ms: Number.NaN };
  private etagTail = { seconds: -1, text: '' };
  private closed = false;
  private readonly freeze: boolean;

  constructor(options: MemoryStoreOptions = {}) {
    this.freeze = options.freeze ?? true;
  }

  async get<B = Record<string, unknown>>(collection: Collection, id: string): Promise<StoredDocument<B> | undefined> {
    const entry = this.collection(collection).get(id);
    return entry ? toDocument<B>(collection, id, entry) : undefined;
  }

  async create<B>(doc: NewDocument<B>): Promise<StoredDocument<B>> {
    const modifiedMs = this.check(doc);
    const docs = this.collection(doc.collection);
    if (docs.has(doc.id)) throw new StoreConflictError(doc.collection, doc.id, 'exists');
    const entry = this.entryOf(doc, modifiedMs);
    docs.set(doc.id, entry);
    this.ids.get(doc.collection)?.set(doc.id, undefined);
    this.index(doc.collection, doc.id, entry, +1);
    return toDocument<B>(doc.collection, doc.id, entry);
  }

  async replace<B>(doc: NewDocument<B>, ifMatch: string): Promise<StoredDocument<B>> {
    const modifiedMs = this.check(doc);
    const docs = this.collection(doc.collection);
    const current = docs.get(doc.id);
    if (!current) throw new StoreConflictError(doc.collection, doc.id, 'missing');
    if (current.etag !== ifMatch) throw new StoreConflictError(doc.collection, doc.id, 'etagMismatch');
    const entry = this.entryOf(doc, modifiedMs);
    docs.set(doc.id, entry);
    this.reindex(doc.collection, doc.id, current, entry);
    return toDocument<B>(doc.collection, doc.id, entry);
  }

  async delete(collection: Collection, id: string, ifMatch?: string): Promise<boolean> {
    const docs = this.collection(collection);
    const current = docs.get(id);
    if (!current) return false;
    if (ifMatch !== undefined && current.etag !== ifMatch) throw new StoreConflictError(collection, id, 'etagMismatch');
    docs.delete(id);
    this.ids.get(collection)?.delete(id);
    this.index(collection, id, current, -1);
    return true;
  }

  async list<B = Record<string, unknown>>(collection: Collection, query: ListQuery): Promise<Page<B>> {
    const { pageSize } = query;
    if (!Number.isSafeInteger(pageSize) || pageSize < 1) throw new RangeError(`pageSize must be an integer of at least 1, got ${String(pageSize)}`);
    const where = this.checkConditions(query.where ?? []);
    const docs = this.collection(collection);
    const items: StoredDocument<B>[] = [];
    for (const id of this.idsOf(collection).keys(query.afterId)) {
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
    const docs = this.collection(collection);
    const rows = this.orderedIndex(collection, query.key).range(query.from, query.to, query.limit);
    return rows.map((row) => toDocument<B>(collection, row.id, docs.get(row.id)!));
  }

  async count(collection: Collection, query: Omit<RangeQuery, 'limit'>): Promise<number> {
    return this.orderedIndex(collection, query.key).count(query.from, query.to);
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

  private idsOf(collection: Collection): BTree<string, undefined> {
    let ids = this.ids.get(collection);
    if (!ids) this.ids.set(collection, (ids = new BTree<string, undefined>([...this.collection(collection).keys()].map((id) => [id, undefined]), compareUtf8)));
    return ids;
  }

  /** Refuses a document whose id, time or index values the SQLite store would refuse; answers its lastModified in ms. */
  private check(doc: NewDocument<unknown>): number {
    if (typeof doc.id !== 'string') throw new TypeError(`${doc.collection}: id must be a string`);
    // The writes of one instant carry the same text: the last one parsed is kept.
    if (doc.lastModified !== this.parsed.text) this.parsed = { text: doc.lastModified, ms: Date.parse(doc.lastModified) };
    const modifiedMs = this.parsed.ms;
    if (Number.isNaN(modifiedMs)) throw new TypeError(`${doc.collection}/${doc.id}: lastModified is not an ISO instant: ${String(doc.lastModified)}`);
    // The message is built only for a value that fails: every write checks every key.
    for (const key in doc.keys) {
      const value = doc.keys[key];
      if (Array.isArray(value)) {
        for (const element of value) if (!isIndexValue(element)) checkValue(element, `${doc.collection}/${doc.id} key ${key}`);
      } else if (value !== undefined && !isIndexValue(value)) checkValue(value, `${doc.collection}/${doc.id} key ${key}`);
    }
    return modifiedMs;
  }

  /** The entry a write that passed its checks keeps: the written body and keys become the store's (frozen unless told otherwise). */
  private entryOf(doc: NewDocument<unknown>, modifiedMs: number): Entry {
    const seconds = Math.min(Math.max(Math.floor(modifiedMs / 1000), 0), 0xffffffff);
    // The writes of one second share the etag's tail: it is formatted once.
    if (seconds !== this.etagTail.seconds) this.etagTail = { seconds, text: `-0000-0700-0000-${seconds.toString(16).padStart(8, '0')}0000"` };
    const etag = flatText('"', (++this.etags).toString(16).padStart(8, '0'), this.etagTail.text);
    if (!this.freeze) return { etag, lastModified: doc.lastModified, body: doc.body, keys: doc.keys };
    return { etag, lastModified: doc.lastModified, body: snapshot(doc.body), keys: snapshot(doc.keys) as IndexKeys };
  }

  /**
   * Moves a replaced document's values in the range indexes kept for its collection, leaving alone the
   * keys whose values did not change (most keys of most writes): each move is two B-tree updates.
   */
  private reindex(collection: Collection, id: string, before: Entry, after: Entry): void {
    const kept = this.indexed.get(collection);
    if (!kept) return;
    for (const [key, index] of kept) {
      if (sameValues(before.keys[key], after.keys[key])) continue;
      for (const value of valuesAt(before.keys, key)) if (typeof value === 'string') index.remove(value, id);
      for (const value of valuesAt(after.keys, key)) if (typeof value === 'string') index.add(value, id);
    }
  }

  /** Adds (+1) or removes (−1) the entry's string values in the range indexes kept for its collection. */
  private index(collection: Collection, id: string, entry: Entry, direction: 1 | -1): void {
    const kept = this.indexed.get(collection);
    if (!kept) return;
    for (const [key, index] of kept) {
      for (const value of valuesAt(entry.keys, key)) {
        if (typeof value !== 'string') continue;
        if (direction > 0) index.add(value, id);
        else index.remove(value, id);
      }
    }
  }

  /**
   * The ordered index of one key, built from the collection the first time the key is ranged or
   * counted and kept from then on: most keys are never ranged (those of events, say), so their
   * writes cost no index update.
   */
  private orderedIndex(collection: Collection, key: string): OrderedValues {
    let kept = this.indexed.get(collection);
    if (!kept) this.indexed.set(collection, (kept = new Map<string, OrderedValues>()));
    let index = kept.get(key);
    if (index) return index;
    kept.set(key, (index = new OrderedValues()));
    for (const [id, entry] of this.collection(collection)) {
      for (const value of valuesAt(entry.keys, key)) if (typeof value === 'string') index.add(value, id);
    }
    return index;
  }

  private checkConditions(where: readonly Condition[]): Condition[] {
    return where.map((condition) => {
      if (!['eq', 'lte', 'gte'].includes(condition.op)) throw new TypeError(`unknown condition operator ${String(condition.op)}`);
      return { ...condition, value: checkValue(condition.value, `condition on ${condition.key}`) };
    });
  }
}

function matches(entry: Entry, where: readonly Condition[]): boolean {
  return where.every((condition) => valuesAt(entry.keys, condition.key).some((value) => satisfies(value as IndexValue, condition.op, condition.value)));
}

function toDocument<B>(collection: Collection, id: string, entry: Entry): StoredDocument<B> {
  return { collection, id, etag: entry.etag, lastModified: entry.lastModified, body: entry.body as B, keys: entry.keys };
}

export const openMemoryStore = (options: MemoryStoreOptions = {}): MemoryStore => new MemoryStore(options);

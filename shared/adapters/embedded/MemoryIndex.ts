import BTree from 'sorted-btree';
import type { Collection, IndexKeys } from '../../ports/Store';

/**
 * Ordered in-memory copies of some string-valued index keys (see docs/adr/0030-routing-state-in-memory.md):
 * value → the ids of the documents that have it, in (value, id) order, so that range, count and
 * "eq" lists on those keys are answered without a query. Only ids and key values are kept, never
 * bodies. The owner keeps it exact: it applies every committed write (`put`, `remove`) in the same
 * synchronous step as the commit, and builds it from the committed rows at open.
 */

/**
 * The order SQLite gives text (memcmp of the UTF-8 bytes) without encoding: UTF-16 code units order
 * the same way except that a surrogate (a character above U+FFFF) must sort after U+E000–U+FFFF.
 */
export function compareUtf8(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return x >= 0xd800 && y >= 0xd800 ? utf8Rank(x) - utf8Rank(y) : x - y;
  }
  return a.length - b.length;
}

const utf8Rank = (unit: number) => (unit >= 0xe000 ? unit - 0x800 : unit + 0x2000);
const fromUtf8Rank = (rank: number) => (rank >= 0xf800 ? rank - 0x2000 : rank + 0x800);
const ABOVE_D7FF = /[\ud800-\uffff]/;

/**
 * `value` rewritten so that JavaScript's own string order (code unit by code unit, done natively) is
 * the UTF-8 order of `value`: each code unit from U+D800 up takes its UTF-8 rank. Most strings have none
 * and come back as they are. The indexes keep their strings so: a comparison in JavaScript, unit by
 * unit, over keys that share long prefixes (`q␟voice␟0.000000…`) made each B-tree update three times
 * as long.
 */
export function utf8SortKey(value: string): string {
  return ABOVE_D7FF.test(value) ? mapUnits(value, utf8Rank) : value;
}

/** The string a sort key was made from. */
export function fromUtf8SortKey(key: string): string {
  return ABOVE_D7FF.test(key) ? mapUnits(key, fromUtf8Rank) : key;
}

function mapUnits(text: string, map: (unit: number) => number): string {
  let mapped = '';
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    mapped += String.fromCharCode(unit >= 0xd800 ? map(unit) : unit);
  }
  return mapped;
}

/** Native string order: for sort keys, the UTF-8 order of what they were made from. */
const compareKeys = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Most values belong to one document (engine order keys end with the id), so one id is kept bare. */
type Ids = string | BTree<string, undefined>;

/**
 * The (value, id) pairs of one string index key, in (value, id) order. Values and ids are kept as
 * their sort keys (`utf8SortKey`) and given back as they came.
 */
export class OrderedValues {
  private readonly tree = new BTree<string, Ids>(undefined, compareKeys);
  private entries = 0;

  get size(): number {
    return this.entries;
  }

  add(value: string, id: string): void {
    const key = utf8SortKey(value);
    const idKey = utf8SortKey(id);
    // Usually the value is new: one descent of the tree.
    if (this.tree.setIfNotPresent(key, idKey)) {
      this.entries++;
      return;
    }
    const ids = this.tree.get(key)!;
    if (typeof ids === 'string') {
      if (ids === idKey) return;
      this.tree.set(key, new BTree<string, undefined>([[ids, undefined], [idKey, undefined]], compareKeys));
    } else if (!ids.set(idKey, undefined, false)) return;
    this.entries++;
  }

  remove(value: string, id: string): void {
    const key = utf8SortKey(value);
    const idKey = utf8SortKey(id);
    const ids = this.tree.get(key);
    if (ids === undefined) return;
    if (typeof ids === 'string') {
      if (ids !== idKey) return;
      this.tree.delete(key);
    } else {
      if (!ids.delete(idKey)) return;
      if (ids.size === 1) this.tree.set(key, ids.minKey() ?? idKey);
    }
    this.entries--;
  }

  /** (value, id) pairs with value in [from, to), in order, at most `limit`. */
  range(from: string, to: string, limit: number): { value: string; id: string }[] {
    const found: { value: string; id: string }[] = [];
    const low = utf8SortKey(from);
    const high = utf8SortKey(to);
    if (low >= high) return found;
    for (const [key, ids] of this.tree.entries(low)) {
      if (found.length >= limit || key >= high) break;
      const value = fromUtf8SortKey(key);
      if (typeof ids === 'string') found.push({ value, id: fromUtf8SortKey(ids) });
      else for (const id of ids.keys()) if (found.length < limit) found.push({ value, id: fromUtf8SortKey(id) });
    }
    return found;
  }

  all(): { value: string; id: string }[] {
    const found: { value: string; id: string }[] = [];
    for (const [key, ids] of this.tree.entries()) {
      const value = fromUtf8SortKey(key);
      if (typeof ids === 'string') found.push({ value, id: fromUtf8SortKey(ids) });
      else for (const id of ids.keys()) found.push({ value, id: fromUtf8SortKey(id) });
    }
    return found;
  }

  count(from: string, to: string): number {
    const low = utf8SortKey(from);
    const high = utf8SortKey(to);
    if (low >= high) return 0;
    let n = 0;
    for (const [key, ids] of this.tree.entries(low)) {
      if (key >= high) break;
      n += typeof ids === 'string' ? 1 : ids.size;
    }
    return n;
  }

  /** Ids with exactly this value, in id order, after `afterId`, at most `limit`. */
  ids(value: string, afterId: string | undefined, limit: number): string[] {
    const ids = this.tree.get(utf8SortKey(value));
    if (ids === undefined) return [];
    const after = afterId === undefined ? undefined : utf8SortKey(afterId);
    if (typeof ids === 'string') return after === undefined || ids > after ? [fromUtf8SortKey(ids)] : [];
    const found: string[] = [];
    for (const id of ids.keys(after)) {
      if (found.length >= limit) break;
      if (after === undefined || id > after) found.push(fromUtf8SortKey(id));
    }
    return found;
  }
}

/** Which keys of which collections are kept in memory. */
export type MemoryKeys = Partial<Record<Collection, readonly string[]>>;

export class MemoryIndex {
  private readonly indexes = new Map<string, OrderedValues>();
  /** Per collection, per id: the indexed values it holds, flat as key, value, key, value… (to remove them). */
  private readonly held = new Map<Collection, Map<string, string[]>>();

  constructor(readonly keys: MemoryKeys) {
    for (const [collection, names] of Object.entries(keys) as [Collection, readonly string[]][]) {
      if (names.length === 0) continue;
      this.held.set(collection, new Map());
      for (const key of names) this.indexes.set(indexName(collection, key), new OrderedValues());
    }
  }

  /** Forgets every entry (before a rebuild from the file). */
  clear(): void {
    for (const key of this.indexes.keys()) this.indexes.set(key, new OrderedValues());
    for (const byId of this.held.values()) byId.clear();
  }

  covers(collection: Collection, key: string): boolean {
    return this.indexes.has(indexName(collection, key));
  }

  /** Whether any key of the collection is kept. */
  coversCollection(collection: Collection): boolean {
    return this.held.has(collection);
  }

  /** The document `id` now has these keys (a create or a replace that committed). */
  put(collection: Collection, id: string, keys: IndexKeys): void {
    const byId = this.held.get(collection);
    if (!byId) return;
    this.removeHeld(collection, byId, id);
    const names = this.keys[collection] ?? [];
    const flat: string[] = [];
    for (const key of names) {
      const value = keys[key];
      if (value === undefined) continue;
      const index = this.index(collection, key);
      for (const element of Array.isArray(value) ? value : [value]) {
        // Ranges and counts compare strings only; a number or boolean under these keys is left to the database.
        if (typeof element !== 'string') continue;
        index.add(element, id);
        flat.push(key, element);
      }
    }
    if (flat.length > 0) byId.set(id, flat);
  }

  /** One committed (key, value) of a document, as read back at open. */
  add(collection: Collection, id: string, key: string, value: string): void {
    const byId = this.held.get(collection);
    if (!byId || !this.covers(collection, key)) return;
    this.index(collection, key).add(value, id);
    const flat = byId.get(id);
    if (flat) flat.push(key, value);
    else byId.set(id, [key, value]);
  }

  remove(collection: Collection, id: string): void {
    const byId = this.held.get(collection);
    if (byId) this.removeHeld(collection, byId, id);
  }

  range(collection: Collection, key: string, from: string, to: string, limit: number): { value: string; id: string }[] {
    return this.index(collection, key).range(from, to, limit);
  }

  count(collection: Collection, key: string, from: string, to: string): number {
    return this.index(collection, key).count(from, to);
  }

  ids(collection: Collection, key: string, value: string, afterId: string | undefined, limit: number): string[] {
    return this.index(collection, key).ids(value, afterId, limit);
  }

  /** Every (value, id) of one key, in order (diagnostics: comparing memory with the file). */
  all(collection: Collection, key: string): { value: string; id: string }[] {
    return this.index(collection, key).all();
  }

  /** (collection, key, value, id) entries held, for diagnostics and memory figures. */
  size(): number {
    let n = 0;
    for (const index of this.indexes.values()) n += index.size;
    return n;
  }

  private removeHeld(collection: Collection, byId: Map<string, string[]>, id: string): void {
    const flat = byId.get(id);
    if (!flat) return;
    for (let i = 0; i < flat.length; i += 2) this.index(collection, flat[i] as string).remove(flat[i + 1] as string, id);
    byId.delete(id);
  }

  private index(collection: Collection, key: string): OrderedValues {
    const index = this.indexes.get(indexName(collection, key));
    if (!index) throw new Error(`${collection}.${key} is not kept in memory`);
    return index;
  }
}

const indexName = (collection: Collection, key: string) => `${collection}\u0000${key}`;

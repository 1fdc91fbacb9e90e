import type { SqlParameter, SqlQuerySpec } from '@azure/cosmos';
import type { Collection, Condition, IndexValue, ListQuery, RangeQuery } from '../../ports/Store';
import { toCodePointOrder } from './codePointOrder';
import type { GroupRange } from './cosmosGroupedKeys';
import { isSpreadCollection } from './cosmosPartitioning';

/**
 * The SQL the Cosmos store sends. A query on a collection kept in one partition names it in the text
 * (`c.pk = @pk`): the local test server (@vercel/cosmosdb-server) ignores the partitionKey option;
 * real Cosmos gets that option too, so it never fans out. A query on a collection whose documents each
 * have their own partition (cosmosPartitioning.ts) names the collection instead (`c.coll = @coll`) and
 * runs across partitions.
 * Strings in index values, bounds and `docId` are in code point order form (codePointOrder.ts).
 */

/** What reads select: enough to rebuild a StoredDocument, none of Cosmos's other system fields. */
const FIELDS = 'c.docId, c._etag, c.lastModified, c.body, c.keys';

const COMPARISON: Record<Condition['op'], string> = { eq: '=', lte: '<=', gte: '>=' };

/** A property name as a Cosmos SQL string literal (JSON escapes are valid there), never spliced raw. */
const member = (object: 'keys' | 'ix', key: string): string => `c.${object}[${JSON.stringify(key)}]`;

export function listQuery(collection: Collection, query: ListQuery): SqlQuerySpec {
  const q = new Builder(collection);
  if (query.afterId !== undefined) q.filter(`c.docId > ${q.param(toCodePointOrder(query.afterId))}`);
  for (const condition of query.where ?? []) q.condition(condition);
  // One more than a page tells whether another follows.
  return q.spec(`SELECT TOP ${q.param(query.pageSize + 1)} ${FIELDS} FROM c`, 'ORDER BY c.docId');
}

export function existsQuery(collection: Collection, where: readonly Condition[]): SqlQuerySpec {
  const q = new Builder(collection);
  for (const condition of where) q.condition(condition);
  return q.spec('SELECT TOP 1 VALUE 1 FROM c');
}

/** A declared ordered key (cosmosIndexing.ts): the server sorts and stops at the limit. */
export function orderedRangeQuery(collection: Collection, query: RangeQuery): SqlQuerySpec {
  const q = new Builder(collection);
  const value = member('keys', query.key);
  q.bounds(value, query);
  return q.spec(`SELECT TOP ${q.param(query.limit)} ${FIELDS} FROM c`, `ORDER BY ${value} ASC, c.docId ASC`);
}

/** A grouped key's range within one group (cosmosGroupedKeys.ts): the server filters by group, sorts by rank and stops at the limit. */
export function groupRangeQuery(collection: Collection, key: string, range: GroupRange, limit: number): SqlQuerySpec {
  const q = new Builder(collection);
  const rank = `c.rk[${JSON.stringify(key)}]`;
  q.filter(`ARRAY_CONTAINS(c.gx[${JSON.stringify(key)}], ${q.param(toCodePointOrder(range.group))})`);
  q.filter(`${rank} >= ${q.param(toCodePointOrder(range.fromRank))}`);
  if (range.toRank !== undefined) q.filter(`${rank} < ${q.param(toCodePointOrder(range.toRank))}`);
  return q.spec(`SELECT TOP ${q.param(limit)} ${FIELDS} FROM c`, `ORDER BY ${rank} ASC, c.docId ASC`);
}

/**
 * Any other key: one small row per element in the window (`docId`, `element`), unsorted; the store
 * keeps the first ones as the pages pass and then reads only those documents (documentsQuery).
 */
export function elementRangeQuery(collection: Collection, query: Omit<RangeQuery, 'limit'>): SqlQuerySpec {
  const q = new Builder(collection);
  q.bounds('v', query);
  return q.spec(`SELECT c.docId, v AS element FROM c JOIN v IN ${member('ix', query.key)}`);
}

/** The documents with these docIds (code point order form), in no order. */
export function documentsQuery(collection: Collection, docIds: readonly string[]): SqlQuerySpec {
  const q = new Builder(collection);
  q.filter(`ARRAY_CONTAINS(${q.param(docIds)}, c.docId)`);
  return q.spec(`SELECT ${FIELDS} FROM c`);
}

export function countQuery(collection: Collection, query: Omit<RangeQuery, 'limit'>, ordered: boolean): SqlQuerySpec {
  const q = new Builder(collection);
  if (ordered) {
    q.bounds(member('keys', query.key), query);
    return q.spec('SELECT VALUE COUNT(1) FROM c');
  }
  q.bounds('v', query);
  return q.spec(`SELECT VALUE COUNT(1) FROM c JOIN v IN ${member('ix', query.key)}`);
}

/** Collects filters and parameters; parameters are numbered so no value is ever spliced into the text. */
class Builder {
  private readonly filters: string[];
  private readonly parameters: SqlParameter[];

  constructor(collection: Collection) {
    this.filters = [isSpreadCollection(collection) ? 'c.coll = @coll' : 'c.pk = @pk'];
    this.parameters = [{ name: isSpreadCollection(collection) ? '@coll' : '@pk', value: collection }];
  }

  param(value: IndexValue | readonly string[]): string {
    const name = `@p${this.parameters.length}`;
    this.parameters.push({ name, value });
    return name;
  }

  filter(sql: string): void {
    this.filters.push(sql);
  }

  /**
   * `ix` holds every key as an array, so one form serves scalar and array keys; `eq` on an array means
   * "contains". Cosmos compares only values of one type (`5` ≠ `"5"`, and `<=` across types is undefined).
   */
  condition(condition: Condition): void {
    if (!Object.hasOwn(COMPARISON, condition.op)) throw new TypeError(`unknown condition operator ${String(condition.op)}`);
    const value = this.param(indexValue(condition.value, `condition on ${condition.key}`));
    const elements = member('ix', condition.key);
    if (condition.op === 'eq') this.filter(`ARRAY_CONTAINS(${elements}, ${value})`);
    else this.filter(`EXISTS(SELECT VALUE v FROM v IN ${elements} WHERE v ${COMPARISON[condition.op]} ${value})`);
  }

  /** [from, to) on string values; numbers and booleans never compare with a string bound. */
  bounds(value: string, range: Omit<RangeQuery, 'limit' | 'key'>): void {
    if (typeof range.from !== 'string' || typeof range.to !== 'string') throw new TypeError('range bounds must be strings');
    this.filter(`${value} >= ${this.param(toCodePointOrder(range.from))}`);
    this.filter(`${value} < ${this.param(toCodePointOrder(range.to))}`);
  }

  spec(select: string, orderBy = ''): SqlQuerySpec {
    const query = `${select} WHERE ${this.filters.join(' AND ')}${orderBy ? ` ${orderBy}` : ''}`;
    return { query, parameters: this.parameters };
  }
}

/** An index value as stored: strings in code point order form; only finite numbers (JSON has no others). */
export function indexValue(value: unknown, where: string): IndexValue {
  switch (typeof value) {
    case 'string':
      return toCodePointOrder(value);
    case 'boolean':
      return value;
    case 'number':
      if (Number.isFinite(value)) return value;
      throw new TypeError(`${where}: index numbers must be finite, got ${value}`);
    default:
      throw new TypeError(`${where}: index values must be strings, numbers or booleans, got ${typeof value}`);
  }
}

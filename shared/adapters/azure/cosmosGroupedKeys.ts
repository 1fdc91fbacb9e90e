import { SEP, WORKER_IDLE_ORDER } from '../../domain/routing/routingKeys';
import type { Collection, IndexKeys, RangeQuery } from '../../ports/Store';

/**
 * Array keys whose elements read `<group>␟<rank>`: the group is the first `parts` parts (split at ␟),
 * and every element of one document carries the same rank. The workers' `idleOrder` is one: an element
 * per queue × channel the worker can take offers on, each ending in the same load, idle time and id.
 * Cosmos DB cannot sort by an array element, but it can sort by the rank when it is stored once per
 * document (`rk`), next to the document's groups (`gx`): a range within one group is then one
 * `TOP n … ORDER BY rank, docId` query whose cost follows what it returns, instead of a read of every
 * element in the window followed by a second query for the documents kept (CosmosStore.range).
 * The store refuses a document whose elements break the shape, as it refuses an array under an ordered key.
 */
export const COSMOS_GROUPED_KEYS = {
  workers: { [WORKER_IDLE_ORDER]: 2 },
} as const satisfies Partial<Record<Collection, Record<string, number>>>;

const GROUP_END = String.fromCharCode(SEP.charCodeAt(0) + 1);

export function groupedKeyParts(collection: Collection, key: string): number | undefined {
  const keys: Record<string, number> | undefined = (COSMOS_GROUPED_KEYS as Partial<Record<Collection, Record<string, number>>>)[collection];
  return keys && Object.hasOwn(keys, key) ? keys[key] : undefined;
}

/** Every grouped key name, for the indexing policy. */
export const groupedKeyNames: readonly string[] = [...new Set(Object.values(COSMOS_GROUPED_KEYS).flatMap((keys) => Object.keys(keys)))];

export interface Grouped {
  group: string;
  rank: string;
}

export function splitGrouped(element: string, parts: number): Grouped | undefined {
  let at = -1;
  for (let i = 0; i < parts; i++) {
    at = element.indexOf(SEP, at + 1);
    if (at < 0) return undefined;
  }
  return { group: element.slice(0, at), rank: element.slice(at + 1) };
}

/** The groups and the one rank of a grouped key's value; a TypeError when the value breaks the shape. */
export function groupsOf(value: IndexKeys[string], parts: number, where: string): { groups: string[]; rank: string } | undefined {
  const elements = Array.isArray(value) ? value : [value];
  let rank: string | undefined;
  const groups = new Set<string>();
  for (const element of elements) {
    const split = typeof element === 'string' ? splitGrouped(element, parts) : undefined;
    if (!split) throw new TypeError(`${where}: a grouped key (COSMOS_GROUPED_KEYS in cosmosGroupedKeys.ts) holds strings of at least ${parts + 1} parts, got ${JSON.stringify(element)}`);
    if (rank !== undefined && split.rank !== rank) throw new TypeError(`${where}: every element of a grouped key (COSMOS_GROUPED_KEYS) ends in the same rank, got ${JSON.stringify(rank)} and ${JSON.stringify(split.rank)}`);
    rank = split.rank;
    groups.add(split.group);
  }
  return rank === undefined ? undefined : { groups: [...groups], rank };
}

/** A range that stays within one group: its group and rank bounds (no upper bound: to the group's end). */
export interface GroupRange {
  group: string;
  fromRank: string;
  toRank?: string;
}

/**
 * The range as one group's ranks, when it lies within one group: `from` names the group (`<group>␟…`)
 * and `to` is either in the same group or the group's end (`<group>` and the character after ␟). Any
 * other range may cross groups and is read element by element.
 */
export function groupRange(collection: Collection, query: Omit<RangeQuery, 'limit'>): GroupRange | undefined {
  const parts = groupedKeyParts(collection, query.key);
  if (parts === undefined || typeof query.from !== 'string' || typeof query.to !== 'string') return undefined;
  const from = splitGrouped(query.from, parts);
  if (!from) return undefined;
  if (query.to === from.group + GROUP_END) return { group: from.group, fromRank: from.rank };
  if (query.to.startsWith(from.group + SEP)) return { group: from.group, fromRank: from.rank, toRank: query.to.slice(from.group.length + 1) };
  return undefined;
}

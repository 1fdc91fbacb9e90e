import type { CompositePath, IndexingPolicy } from '@azure/cosmos';
import { JOB_ASSIGNED_AT, JOB_MATCH_ORDER, JOB_QUEUED_SINCE } from '../../domain/routing/routingKeys';
import type { Collection } from '../../ports/Store';
import { groupedKeyNames } from './cosmosGroupedKeys';

/** Every document carries its logical partition here (cosmosPartitioning.ts; docs/adr/0031-cosmos-partitioning-and-capacity.md). */
export const COSMOS_PARTITION_KEY_PATH = '/pk';

/**
 * Index keys that `range` reads with `TOP n … ORDER BY value, docId`, so a page costs what it returns
 * however long the range. Cosmos DB can only sort by a document path, never by an array element, so
 * these keys are single-valued by declaration: the store refuses an array under them. Each needs the
 * composite index below. Every other key may hold arrays (workers' `offerable` and `idleOrder` do):
 * its ranges read every element in the window and sort in the client.
 */
export const COSMOS_ORDERED_KEYS = {
  jobs: [JOB_MATCH_ORDER, JOB_QUEUED_SINCE, JOB_ASSIGNED_AT],
} as const satisfies Partial<Record<Collection, readonly string[]>>;

export function isOrderedKey(collection: Collection, key: string): boolean {
  const keys: readonly string[] | undefined = (COSMOS_ORDERED_KEYS as Partial<Record<Collection, readonly string[]>>)[collection];
  return keys?.includes(key) ?? false;
}

const orderedKeyNames = [...new Set(Object.values(COSMOS_ORDERED_KEYS).flat())];

/**
 * Only what queries read is indexed; the root (bodies, raw keys, lastModified) is excluded, which keeps
 * write charges low. `/coll/?` restricts queries across partitions to one collection; `/ix/*` holds every index key as an array (eq, lte/gte, and ranges of the other
 * keys); `/docId/?` orders lists; the ordered keys get a range index for their filters and counts and a
 * composite index (value, docId) for their ORDER BY; grouped keys (cosmosGroupedKeys.ts) get their groups
 * (`/gx/<key>/*`) and rank (`/rk/<key>/?`) indexed, and a composite index (rank, docId). infra/cosmos-indexing.json is this object as JSON.
 */
export const cosmosIndexingPolicy = {
  indexingMode: 'consistent',
  automatic: true,
  includedPaths: [
    { path: '/pk/?' },
    { path: '/coll/?' },
    { path: '/docId/?' },
    { path: '/ix/*' },
    ...orderedKeyNames.map((key) => ({ path: `/keys/${key}/?` })),
    ...groupedKeyNames.flatMap((key) => [{ path: `/gx/${key}/*` }, { path: `/rk/${key}/?` }]),
  ],
  excludedPaths: [{ path: '/*' }],
  compositeIndexes: [
    ...orderedKeyNames.map((key): CompositePath[] => [
      { path: `/keys/${key}`, order: 'ascending' },
      { path: '/docId', order: 'ascending' },
    ]),
    ...groupedKeyNames.map((key): CompositePath[] => [
      { path: `/rk/${key}`, order: 'ascending' },
      { path: '/docId', order: 'ascending' },
    ]),
  ],
} satisfies IndexingPolicy;

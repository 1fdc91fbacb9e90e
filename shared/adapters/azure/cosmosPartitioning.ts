import type { Collection } from '../../ports/Store';
import { cosmosItemId } from './cosmosItemId';

/**
 * Which logical partition (`pk`) holds a document; see docs/adr/0031-cosmos-partitioning-and-capacity.md.
 *
 * - Collections that grow with the traffic (jobs, workers, events, round-robin cursors) give every
 *   document a partition of its own, `<collection>/<Cosmos id>`: no logical partition takes more than
 *   one document's writes, a point operation knows its partition from the id alone, and nothing ever
 *   moves between partitions (a job changing queue is an ordinary replace). Their queries run across
 *   partitions, restricted to the collection by `coll`.
 * - Small, read-mostly collections (queues, the three policies, the embedded host's timers) keep one
 *   partition each, `pk` = the collection name, so listing them stays a single-partition query.
 */
const SHARED_PARTITION: ReadonlySet<Collection> = new Set<Collection>(['queues', 'distributionPolicies', 'classificationPolicies', 'exceptionPolicies', 'timers']);

/** Whether each document of the collection has its own partition (queries then span partitions). */
export function isSpreadCollection(collection: Collection): boolean {
  return !SHARED_PARTITION.has(collection);
}

/** The partition key value of a document; `itemId` is its Cosmos id (cosmosItemId), when already known. */
export function cosmosPartitionKey(collection: Collection, id: string, itemId = cosmosItemId(id)): string {
  return isSpreadCollection(collection) ? `${collection}/${itemId}` : collection;
}

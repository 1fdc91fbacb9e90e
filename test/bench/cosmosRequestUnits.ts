import type { CosmosRequestTally } from '../../shared/adapters/azure/CosmosStore';

/**
 * Request units a Cosmos DB account would charge for requests of a kind, estimated from their sizes:
 * the local server reports a charge of 1 for every response, so it cannot be measured here. The rules
 * are Cosmos DB's published ones (docs/adr/0031-cosmos-partitioning-and-capacity.md):
 * - a point read of a 1 KB item costs 1 RU, of a 100 KB item 10 RU; Strong consistency (what infra/
 *   deploys) doubles every read, point read or query;
 * - a write of a 1 KB item costs about 5 RU, of a 100 KB item 50 RU (with the default indexing, which
 *   indexes every path; this container indexes a handful, so this overstates writes);
 * - a query is not published as a formula: taken as 2.5 RU per physical partition it visits (the usual
 *   floor of an indexed query) plus the read cost of what it returns — an assumption, said as such.
 * Between 1 KB and 100 KB the cost is taken as linear in size.
 */
export const RU_RULES = { readPerKb: 1, readAt100Kb: 10, writePerKb: 5, writeAt100Kb: 50, queryFloor: 2.5, strongReads: 2 } as const;

/** Cost of one operation on `kb` kilobytes that costs `atOne` at 1 KB and `atHundred` at 100 KB. */
function sized(kb: number, atOne: number, atHundred: number): number {
  return kb <= 1 ? atOne : atOne + ((Math.min(kb, 100) - 1) * (atHundred - atOne)) / 99 + Math.max(0, kb - 100) * (atHundred / 100);
}

/** Estimated RU of `tally` requests of `kind` (their bytes spread evenly), in one physical partition. */
export function estimatedRequestUnits(kind: string, tally: CosmosRequestTally, physicalPartitions = 1): number {
  if (tally.requests === 0) return 0;
  const kbEach = tally.bytes / tally.requests / 1024;
  switch (kind) {
    case 'read':
      return tally.requests * sized(kbEach, RU_RULES.readPerKb, RU_RULES.readAt100Kb) * RU_RULES.strongReads;
    case 'write':
      return tally.requests * sized(kbEach, RU_RULES.writePerKb, RU_RULES.writeAt100Kb);
    case 'query':
      // What a query returns is read once, whatever partitions it visits; each visit has its floor.
      return tally.requests * (RU_RULES.queryFloor * physicalPartitions + (kbEach > 0 ? sized(kbEach, RU_RULES.readPerKb, RU_RULES.readAt100Kb) : 0)) * RU_RULES.strongReads;
    default:
      throw new Error(`unknown request kind ${kind}`);
  }
}

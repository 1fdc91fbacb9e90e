import { z } from 'zod';
import { JOB_MATCH_ORDER, JOB_QUEUED_SINCE, prefixRange, SEP } from '../domain/routing/routingKeys';
import { queueResource } from '../domain/resources';
import type { RouterPorts } from '../ports/RouterPorts';
import { getResource } from './getResource';
import { estimateWaitMinutes, recentAssignmentRate } from './waitEstimate';

/** A queue's figures (the OpenAPI document shows this schema; the type follows from it). */
export const routerQueueStatisticsSchema = z.object({
  queueId: z.string(),
  length: z.number().int(),
  /** By priority. */
  estimatedWaitTimeMinutes: z.record(z.string(), z.number()).optional(),
  longestJobWaitTimeMinutes: z.number().optional(),
});
export type RouterQueueStatistics = z.infer<typeof routerQueueStatisticsSchema>;

/**
 * `GET /queues/{id}/statistics`. The length is a count on the queue's index range; the estimated
 * wait per priority is for a job joining at the back of that priority (every job of that priority or
 * higher ahead of it) at the recent assignment rate. Priorities are found by skipping from one
 * priority band of the index to the next, so the cost grows with the number of distinct priorities,
 * not with the number of jobs.
 */
export async function getQueueStatistics(ports: RouterPorts, queueId: string): Promise<RouterQueueStatistics> {
  await getResource(ports, queueResource, queueId);
  const range = prefixRange(queueId);
  const length = await ports.store.count('jobs', { key: JOB_MATCH_ORDER, ...range });
  const statistics: RouterQueueStatistics = { queueId, length };
  if (length === 0) return statistics;

  const rate = await recentAssignmentRate(ports, queueId);
  if (rate !== undefined) {
    const estimates: Record<string, number> = {};
    let from = range.from;
    for (;;) {
      const [first] = await ports.store.range('jobs', { key: JOB_MATCH_ORDER, from, to: range.to, limit: 1 });
      if (!first) break;
      const rank = String(first.keys[JOB_MATCH_ORDER]).slice(range.from.length);
      // The rank starts with the expedite flag and three digits of (100 - priority); '~' sorts after any time.
      const bandEnd = `${range.from}${rank.slice(0, 4)}~`;
      const throughBand = await ports.store.count('jobs', { key: JOB_MATCH_ORDER, from: range.from, to: bandEnd });
      if (rank.startsWith('1')) estimates[String(100 - Number(rank.slice(1, 4)))] = estimateWaitMinutes(throughBand, rate);
      from = bandEnd;
    }
    statistics.estimatedWaitTimeMinutes = estimates;
  }
  const [oldest] = await ports.store.range('jobs', { key: JOB_QUEUED_SINCE, ...range, limit: 1 });
  if (oldest) {
    const since = Date.parse(String(oldest.keys[JOB_QUEUED_SINCE]).slice(range.from.length).split(SEP)[0] ?? '');
    statistics.longestJobWaitTimeMinutes = Math.max(0, Math.round(((ports.clock.now().getTime() - since) / 60_000) * 1000) / 1000);
  }
  return statistics;
}

import { JOB_ASSIGNED_AT, prefixRange } from '../domain/routing/routingKeys';
import type { RouterPorts } from '../ports/RouterPorts';

/** How far back the assignment rate looks (docs/adr/0008-wait-time-estimate.md). */
export const RATE_WINDOW_MINUTES = 60;

/**
 * Jobs of this queue assigned per minute over the last hour, counted on the index of assignment
 * times; undefined when none was assigned in that hour (no basis for an estimate).
 */
export async function recentAssignmentRate(ports: RouterPorts, queueId: string): Promise<number | undefined> {
  const range = prefixRange(queueId);
  const now = ports.clock.now();
  const since = new Date(now.getTime() - RATE_WINDOW_MINUTES * 60_000).toISOString();
  const assigned = await ports.store.count('jobs', { key: JOB_ASSIGNED_AT, from: `${range.from}${since}`, to: range.to });
  return assigned > 0 ? assigned / RATE_WINDOW_MINUTES : undefined;
}

/** Minutes until the job at `position` is assigned at `ratePerMinute`, rounded up to the minute. */
export function estimateWaitMinutes(position: number, ratePerMinute: number): number {
  return Math.ceil(position / ratePerMinute);
}

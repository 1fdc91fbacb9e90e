import type { RouterWorker, WorkerState } from '../resources/worker';
import { workerRouting, type EngineWorker } from './routingState';

/** Capacity in use: every pending offer and every assignment holds its channel cost (docs/behaviour.md#capacity). */
export function usedCapacity(worker: Pick<RouterWorker, 'offers' | 'assignedJobs'>): number {
  let used = 0;
  for (const held of worker.offers) used += held.capacityCost;
  for (const held of worker.assignedJobs) used += held.capacityCost;
  return used;
}

export function holdsWork(worker: Pick<RouterWorker, 'offers' | 'assignedJobs'>): boolean {
  return worker.offers.length > 0 || worker.assignedJobs.length > 0;
}

/** `state` follows `availableForOffers` (docs/behaviour.md#worker-states); `draining` while offers or jobs wind down. */
export function stateOf(availableForOffers: boolean, holding: boolean): WorkerState {
  if (availableForOffers) return 'active';
  return holding ? 'draining' : 'inactive';
}

/**
 * Whether the worker could hold one more job on this channel: the channel is configured, its cost
 * fits the free capacity, the channel's `maxNumberOfJobs` and the worker's `maxConcurrentOffers` are
 * not reached. Availability is checked separately (a draining worker keeps its capacity figures).
 */
export function hasRoomFor(worker: EngineWorker, channelId: string): boolean {
  const channel = worker.channels.find((c) => c.channelId === channelId);
  if (!channel) return false;
  if (channel.capacityCostPerJob > worker.capacity - usedCapacity(worker)) return false;
  if (worker.maxConcurrentOffers !== undefined && worker.offers.length >= worker.maxConcurrentOffers) return false;
  if (channel.maxNumberOfJobs !== undefined) {
    const onChannel = Object.values(workerRouting(worker).holdings).filter((h) => h.channelId === channelId).length;
    if (onChannel >= channel.maxNumberOfJobs) return false;
  }
  return true;
}

export function isAvailable(worker: RouterWorker): boolean {
  return worker.availableForOffers && worker.state === 'active';
}

/** Channels on which the worker, as it stands, can be offered a job now. */
export function offerableChannels(worker: EngineWorker): string[] {
  if (!isAvailable(worker)) return [];
  return worker.channels.filter((c) => hasRoomFor(worker, c.channelId)).map((c) => c.channelId);
}

/** Recomputes the fields derived from holdings; call after every change of offers or assignments. */
export function refreshWorker<W extends EngineWorker>(worker: W): W {
  const holding = holdsWork(worker);
  worker.state = stateOf(worker.availableForOffers, holding);
  worker.loadRatio = worker.capacity > 0 ? Math.min(1, usedCapacity(worker) / worker.capacity) : holding ? 1 : 0;
  return worker;
}

import type { Clock } from '../../ports/Clock';
import type { Store } from '../../ports/Store';
import type { ProjectorOptions } from './StatisticsProjector';
import { StoreStatistics } from './StoreStatistics';

const byStore = new WeakMap<Store, StoreStatistics>();

/**
 * The statistics of a store, one per store in a process, so that the requests of one instance share
 * one projector run. A host sets the options (retention) by asking first; later callers get that one.
 */
export function statisticsFor(store: Store, clock: Clock, options: Omit<ProjectorOptions, 'store' | 'clock'> = {}): StoreStatistics {
  let statistics = byStore.get(store);
  if (!statistics) {
    statistics = new StoreStatistics({ store, clock, ...options });
    byStore.set(store, statistics);
  }
  return statistics;
}

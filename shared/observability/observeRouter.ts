import type { LiveEvents } from '../ports/LiveEvents';
import type { RouterMetrics } from './RouterMetrics';
import { observeStore, type StoreGaugeSources } from './storeGauges';

/**
 * Feeds the event counters from the live feed of recorded events (each recorded once, whichever
 * instance records it) and registers the gauges read from the store. Answers what stops the feed.
 */
export function observeRouter(metrics: RouterMetrics, parts: StoreGaugeSources & { liveEvents: LiveEvents }): () => void {
  const stop = parts.liveEvents.subscribe((event) => metrics.eventRecorded(event));
  observeStore(metrics.meter, parts);
  return stop;
}

import type { Clock } from '../ports/Clock';
import type { EventChannel } from '../ports/EventChannel';
import type { RouterMetrics } from './RouterMetrics';

/** The channel as it was, recording each delivered event's lag (from its state change to its delivery). */
export function measuredChannel(channel: EventChannel, metrics: RouterMetrics, clock: Clock): EventChannel {
  return {
    name: channel.name,
    maxBatch: channel.maxBatch,
    accepts: (type) => channel.accepts(type),
    deliver: async (events) => {
      await channel.deliver(events);
      metrics.eventsDelivered(channel.name, events, clock.now());
    },
  };
}

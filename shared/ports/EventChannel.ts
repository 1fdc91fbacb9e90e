import type { RouterEvent, RouterEventType } from './EventPublisher';

/**
 * Somewhere router events are delivered to: an Event Grid topic, a webhook. The relay hands each
 * channel its events in the order they were recorded, at most `maxBatch` at a time, and keeps what
 * a channel has not taken yet (retried with backoff, dead-lettered in the end).
 */
export interface EventChannel {
  /** Stable name: delivery state and dead letters are kept under it, across restarts. */
  readonly name: string;
  /** Most events handed over in one `deliver` call. */
  readonly maxBatch: number;
  /** The subscription's event-type filter. */
  accepts(type: RouterEventType): boolean;
  /** Delivers all of `events` or throws (a DeliveryFailure says whether trying again can help). */
  deliver(events: readonly RouterEvent[]): Promise<void>;
}

/** A delivery that did not succeed. `permanent`: the receiver refused the events (retrying cannot help). */
export class DeliveryFailure extends Error {
  constructor(
    message: string,
    readonly permanent: boolean,
  ) {
    super(message);
    this.name = 'DeliveryFailure';
  }
}

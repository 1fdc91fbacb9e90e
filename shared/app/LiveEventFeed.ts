import type { RouterEvent } from '../ports/EventPublisher';
import type { LiveEvents } from '../ports/LiveEvents';
import type { Logger } from '../ports/Logger';
import type { Store } from '../ports/Store';

/**
 * Live listeners (the event stream) see an event once the commits behind it are durable, as webhooks
 * do: no one hears of a change a power loss could still take back. Nothing is stored for a listener;
 * it sees what is recorded while it listens.
 */
export class LiveEventFeed implements LiveEvents {
  private readonly listeners = new Set<(event: RouterEvent) => void>();

  constructor(
    private readonly store: Store,
    private readonly logger: Logger,
  ) {}

  subscribe(listener: (event: RouterEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Barriers settle in the order they were asked for, so events keep their order. */
  announceWhenDurable(events: readonly RouterEvent[]): void {
    if (events.length === 0 || this.listeners.size === 0) return;
    this.store.durable().then(
      () => {
        for (const event of events) this.announce(event);
      },
      (error: unknown) => this.logger.error({ err: error, events: events.length }, 'live events not sent: their writes could not be made durable'),
    );
  }

  private announce(event: RouterEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        this.logger.warn({ err: error }, 'a live event listener failed');
      }
    }
  }
}

import type { RouterEvent } from '../../shared/ports/EventPublisher';
import type { LiveEvents } from '../../shared/ports/LiveEvents';

/**
 * A LiveEvents the test feeds by hand: the stream endpoint is tested on its own, without depending
 * on which events the engine happens to produce, or when.
 */
export class LiveEventFeed implements LiveEvents {
  private readonly listeners = new Set<(event: RouterEvent) => void>();

  subscribe(listener: (event: RouterEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** How many streams listen right now. */
  get listening(): number {
    return this.listeners.size;
  }

  emit(event: RouterEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}

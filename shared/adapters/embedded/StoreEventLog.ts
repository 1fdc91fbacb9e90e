import type { EventPublisher, RouterEvent } from '../../ports/EventPublisher';
import type { Store } from '../../ports/Store';

/**
 * The embedded EventPublisher for now: every event is recorded in the store's `events` collection,
 * under an id that sorts in publication order, with index keys for its type, job and worker.
 */
export class StoreEventLog implements EventPublisher {
  private sequence = 0;

  constructor(private readonly store: Store) {}

  async publish(events: readonly RouterEvent[]): Promise<void> {
    for (const event of events) {
      const id = `${event.time}-${String(this.sequence++).padStart(12, '0')}-${event.id}`;
      const keys: Record<string, string> = { type: event.type };
      if (typeof event.data['jobId'] === 'string') keys['jobId'] = event.data['jobId'];
      if (typeof event.data['workerId'] === 'string') keys['workerId'] = event.data['workerId'];
      await this.store.create({ collection: 'events', id, lastModified: event.time, body: event, keys });
    }
  }
}

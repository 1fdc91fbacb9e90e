import type { RouterEvent } from '../../shared/ports/EventPublisher';
import type { Store } from '../../shared/ports/Store';

/** Every event the router recorded, oldest first. */
export async function recordedEvents(store: Store): Promise<RouterEvent[]> {
  const page = await store.list<RouterEvent>('events', { pageSize: 1_000_000 });
  return page.items.map((doc) => doc.body);
}

import { historyId, historyPosition, recordedEventKeys, type DeliveryState, type RecordedEventBody } from '../../shared/domain/routing/eventHistory';
import type { RouterEvent, RouterEventType } from '../../shared/ports/EventPublisher';
import type { NewDocument, Store } from '../../shared/ports/Store';

let nextSequence = 1;

/** A router event with the given parts; the id names it for the test. */
export function routerEvent(id: string, type: RouterEventType, time: string, data: Record<string, unknown> = {}): RouterEvent {
  return { id, type, subject: `test/${id}`, time, data };
}

/**
 * A document of the event history in the layout of shared/domain/routing/eventHistory.ts, with each
 * channel's delivery state: pending while neither delivered nor dead-lettered, as the relay keeps it.
 */
export function historyDocument(event: RouterEvent, delivery: Record<string, DeliveryState> = {}, awaiting?: RecordedEventBody['_awaiting']): NewDocument<RecordedEventBody> {
  const body: RecordedEventBody = { ...event, _delivery: delivery, ...(awaiting ? { _awaiting: awaiting } : {}) };
  return { collection: 'events', id: historyId(historyPosition(event.time, nextSequence++), event.id), lastModified: event.time, body, keys: recordedEventKeys(body) };
}

/** Writes history documents straight into the store, as the relay would have recorded them. */
export async function seedHistory(store: Store, documents: readonly NewDocument<RecordedEventBody>[]): Promise<void> {
  for (const document of documents) await store.create(document);
}

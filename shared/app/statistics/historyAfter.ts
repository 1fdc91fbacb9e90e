import { recordedEvent, type RecordedEventBody } from '../../domain/routing/eventHistory';
import type { RouterEvent } from '../../ports/EventPublisher';
import type { Store } from '../../ports/Store';

export interface HistoryEntry {
  /** Where the event sits in the history: entries after it have larger positions (string order). */
  position: string;
  event: RouterEvent;
}

/**
 * THE one place the statistics read the event history: events in history order after `position`
 * ('' = from the start), recorded at or before `until` (ISO instant), at most `limit`. Events of a
 * delete that is not known to have happened yet are left out (they may still be dropped); `through` is
 * the last position read.
 */
export async function historyAfter(store: Store, position: string, limit: number, until: string): Promise<{ entries: HistoryEntry[]; through?: string }> {
  const page = await store.list<RecordedEventBody>('events', {
    where: [{ key: 'time', op: 'lte', value: until }],
    pageSize: limit,
    afterId: position || undefined,
  });
  const entries = page.items.filter((doc) => !doc.body._awaiting).map((doc) => ({ position: doc.id, event: recordedEvent(doc.body) }));
  // The last position read, even when every event of the page was left out, so a reader moves on.
  return { entries, through: page.items[page.items.length - 1]?.id };
}

import type { RecordedEventBody, RecordedEventDocument } from '../domain/routing/eventHistory';
import type { Condition, Store } from '../ports/Store';

export interface HistoryQuery {
  /** Events after the one at this history position (`<time>-<sequence>`, see OutboxEntry). */
  afterPosition?: string;
  /** Where a page left off: its `next` (wins over `afterPosition`). Neither: from the start. */
  afterId?: string;
  /** Conditions on the history's index keys (layout: shared/domain/routing/eventHistory.ts). */
  where?: readonly Condition[];
  /** Documents read at most. */
  limit: number;
}

export interface HistoryPage {
  /** The events that happened, in history order (events of a delete not known to have happened are left out). */
  events: RecordedEventDocument[];
  /** Where the next read goes on from (as `afterId`): the last document read, whether or not it was answered. */
  next?: string;
  /** Whether more documents follow `next`. */
  hasMore: boolean;
}

/** Events of a delete wait in the history until the delete is known to have happened; until then they did not. */
export const happened = (doc: RecordedEventDocument): boolean => doc.body._awaiting === undefined && doc.keys['awaiting'] !== true;

/**
 * THE way to read the event history: events in the order they happened, after a position. History ids
 * start with the event's position (`<time>-<sequence>`), so the ids past a position are exactly the
 * events after it. Every reader (the history and dead-letter lists, statistics) goes through here, so
 * the layout of the history can change in one place.
 */
export async function eventsAfter(store: Store, query: HistoryQuery): Promise<HistoryPage> {
  const after = query.afterId || (query.afterPosition ? pastPosition(query.afterPosition) : undefined);
  const page = await store.list<RecordedEventBody>('events', { where: query.where, pageSize: query.limit, afterId: after });
  const last = page.items[page.items.length - 1];
  return { events: page.items.filter(happened), next: last?.id ?? query.afterId, hasMore: page.hasMore };
}

/**
 * An id past every document at `position` and before any later one: ids there are `<position>-<event id>`,
 * and U+FFFF sorts after every character an event id holds (stores compare ids as binary UTF-8).
 */
const pastPosition = (position: string) => `${position}-\uffff`;

import type { RecordedEventBody } from '../domain/routing/eventHistory';
import type { Store } from '../ports/Store';
import { pagesOf } from '../app/pagesOf';
import { rewriteRecordedEvent } from '../app/rewriteRecordedEvent';

const PAGE_SIZE = 100;

/**
 * Moves every event `channel` dead-lettered back to pending for it, its attempts reset so the relay
 * counts afresh. Each move is a write conditional on the etag just listed (the relay may be writing the
 * same documents; a lost race reads again). Answers how many this call moved: an event no longer dead
 * for the channel when its turn comes (or gone) is not counted.
 */
export async function redeliverDeadLetters(store: Store, channel: string, now: Date): Promise<number> {
  const pendingAgain = (body: RecordedEventBody): boolean => {
    if (body._delivery?.[channel]?.deadLetteredAt === undefined) return false;
    body._delivery = { ...body._delivery, [channel]: { attempts: 0 } };
    return true;
  };
  let moved = 0;
  for await (const docs of pagesOf<RecordedEventBody>(store, 'events', { where: [{ key: 'deadFor', op: 'eq', value: channel }], pageSize: PAGE_SIZE })) {
    for (const doc of docs) if (await rewriteRecordedEvent(store, doc.id, pendingAgain, now, doc)) moved++;
  }
  return moved;
}

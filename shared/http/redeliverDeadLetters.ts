import { recordedEventKeys, type RecordedEventBody } from '../domain/routing/eventHistory';
import { StoreConflictError, type NewDocument, type Store } from '../ports/Store';
import { conflict } from './errors';
import { channelsIn, type RecordedEventDocument } from './eventHistoryItem';
import { pagesOf } from '../app/pagesOf';

const PAGE_SIZE = 100;
/** The relay rewrites an event once per delivery attempt; this many lost races in a row means something is wrong. */
const MAX_WRITE_ATTEMPTS = 16;

/** The document with `channel` pending again and its attempts reset: the relay counts afresh. */
function pendingAgain(doc: RecordedEventDocument, channel: string, now: Date): NewDocument<RecordedEventBody> {
  const body: RecordedEventBody = { ...doc.body, _delivery: { ...doc.body._delivery, [channel]: { attempts: 0 } } };
  return { collection: 'events', id: doc.id, lastModified: now.toISOString(), body, keys: recordedEventKeys(body) };
}

/** True when this call moved the event; false when it was no longer dead for the channel (or is gone). */
async function redeliver(store: Store, doc: RecordedEventDocument, channel: string, now: Date): Promise<boolean> {
  let current: RecordedEventDocument | undefined = doc;
  for (let attempt = 1; current && channelsIn(current.keys, 'deadFor').includes(channel); attempt++) {
    try {
      await store.replace(pendingAgain(current, channel, now), current.etag);
      return true;
    } catch (error) {
      if (!(error instanceof StoreConflictError)) throw error;
      if (attempt >= MAX_WRITE_ATTEMPTS) throw conflict(`Event ${doc.id} changed ${attempt} times while it was being redelivered; send the request again.`);
      current = await store.get<RecordedEventBody>('events', doc.id);
    }
  }
  return false;
}

/**
 * Moves every event `channel` dead-lettered back to pending for it, each with an etag-conditional
 * write (the relay may be writing the same documents). Answers how many this call moved.
 */
export async function redeliverDeadLetters(store: Store, channel: string, now: Date): Promise<number> {
  let moved = 0;
  for await (const docs of pagesOf<RecordedEventBody>(store, 'events', { where: [{ key: 'deadFor', op: 'eq', value: channel }], pageSize: PAGE_SIZE })) {
    for (const doc of docs) if (await redeliver(store, doc, channel, now)) moved++;
  }
  return moved;
}

import type { RouterEvent } from '../../ports/EventPublisher';
import type { StoredDocument } from '../../ports/Store';

/**
 * How recorded events are kept in the store's `events` collection (the event history, and the
 * delivery state of each channel).
 *
 * - Document id: `<eventTime ISO>-<16-digit sequence>-<event id>`, so ids sort in the order events
 *   happened. The sequence is the writing process's: it starts from the wall clock in microseconds
 *   and counts up, so it orders events of the same millisecond, also across a restart.
 *   Events written by two instances in the same millisecond may list in either order.
 * - Body: the RouterEvent itself, plus `_delivery` (per channel name) — never shown on the wire.
 * - Index keys: `type`, `time`, `jobId` and `workerId` (when the data has them), `pendingFor`
 *   (channels that still have to take the event), `deadFor` (channels that gave up on it), and
 *   `awaiting: true` while the event waits for the delete that causes it.
 */
export interface DeliveryState {
  attempts: number;
  /** ISO instant of the last failed attempt. */
  lastAttemptAt?: string;
  lastError?: string;
  deliveredAt?: string;
  deadLetteredAt?: string;
}

export type RecordedEventBody = RouterEvent & {
  _delivery?: Record<string, DeliveryState>;
  /** The delete this event reports, while it is not known to have happened. */
  _awaiting?: { collection: 'jobs' | 'workers'; id: string; etag: string };
};

export type RecordedEventDocument = StoredDocument<RecordedEventBody>;

/** `<time>-<sequence>`: where an event sits in the history; the document id adds the event id. */
export function historyPosition(time: string, sequence: number): string {
  // In two halves of 8 digits: each is a small integer, which V8 turns into text several times faster
  // than a 16-digit one (every router event gets a position).
  const high = Math.floor(sequence / 1e8);
  return `${time}-${String(high).padStart(8, '0')}${String(sequence - high * 1e8).padStart(8, '0')}`;
}

export const historyId = (position: string, eventId: string) => `${position}-${eventId}`;

/** The event alone: the private `_delivery`/`_awaiting` members never leave the history. */
export const recordedEvent = ({ id, type, subject, time, data }: RecordedEventBody): RouterEvent => ({ id, type, subject, time, data });

/**
 * A history document's index keys, derived from its body: a channel is pending while it has neither
 * taken nor dead-lettered the event (none is while the event awaits its delete).
 */
export function recordedEventKeys(body: RecordedEventBody): Record<string, string | boolean | string[]> {
  const keys: Record<string, string | boolean | string[]> = { type: body.type, time: body.time };
  if (typeof body.data['jobId'] === 'string') keys['jobId'] = body.data['jobId'];
  if (typeof body.data['workerId'] === 'string') keys['workerId'] = body.data['workerId'];
  // Every recorded event and every delivery computes these: one pass, and a list only when it has a name.
  let pendingFor: string[] | undefined;
  let deadFor: string[] | undefined;
  const delivery = body._delivery;
  if (delivery) {
    for (const name of Object.keys(delivery)) {
      const state = delivery[name]!;
      if (state.deadLetteredAt) (deadFor ??= []).push(name);
      else if (!state.deliveredAt && !body._awaiting) (pendingFor ??= []).push(name);
    }
  }
  if (pendingFor) keys['pendingFor'] = pendingFor;
  if (deadFor) keys['deadFor'] = deadFor;
  if (body._awaiting) keys['awaiting'] = true;
  return keys;
}

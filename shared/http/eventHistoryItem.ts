import { toEventGridEnvelope, type EventGridEnvelope } from '../domain/routing/eventEnvelope';
import { recordedEvent, type DeliveryState, type RecordedEventDocument } from '../domain/routing/eventHistory';
import type { IndexKeys } from '../ports/Store';

/** How far one channel got with one event, as the operator endpoints show it. */
export interface DeliveryStatus {
  status: 'pending' | 'delivered' | 'deadLettered';
  attempts: number;
  lastError?: string;
  deliveredAt?: string;
  deadLetteredAt?: string;
}

export type { RecordedEventDocument };

/** The channel names of an array index key such as `pendingFor` (absent when empty). */
export function channelsIn(keys: IndexKeys, key: 'pendingFor' | 'deadFor'): string[] {
  const value = keys[key];
  if (Array.isArray(value)) return value.map(String);
  return typeof value === 'string' ? [value] : [];
}

const status = (state: DeliveryState | undefined, status: DeliveryStatus['status']): DeliveryStatus => ({
  status,
  attempts: state?.attempts ?? 0,
  ...(state?.lastError !== undefined ? { lastError: state.lastError } : {}),
  ...(state?.deliveredAt !== undefined ? { deliveredAt: state.deliveredAt } : {}),
  ...(state?.deadLetteredAt !== undefined ? { deadLetteredAt: state.deadLetteredAt } : {}),
});

/** Where one channel stands: the index keys first (they are what delivery queries), then the channel's state. */
function statusOf(channel: string, state: DeliveryState | undefined, pending: readonly string[], dead: readonly string[]): DeliveryStatus['status'] {
  if (dead.includes(channel)) return 'deadLettered';
  if (pending.includes(channel)) return 'pending';
  if (state?.deliveredAt !== undefined) return 'delivered';
  return state?.deadLetteredAt !== undefined ? 'deadLettered' : 'pending';
}

/** Every channel the document mentions, by name. */
export function deliveriesOf(doc: RecordedEventDocument): Record<string, DeliveryStatus> {
  const states = doc.body._delivery ?? {};
  const pending = channelsIn(doc.keys, 'pendingFor');
  const dead = channelsIn(doc.keys, 'deadFor');
  const deliveries: Record<string, DeliveryStatus> = {};
  for (const channel of [...new Set([...Object.keys(states), ...pending, ...dead])].sort()) {
    const state = states[channel];
    deliveries[channel] = status(state, statusOf(channel, state, pending, dead));
  }
  return deliveries;
}

export const envelopeOf = (doc: RecordedEventDocument, topic: string): EventGridEnvelope => toEventGridEnvelope(recordedEvent(doc.body), topic);

/** An item of GET /routing/events: the event in the Event Grid schema and its delivery to each channel. */
export const historyItem = (doc: RecordedEventDocument, topic: string) => ({ ...envelopeOf(doc, topic), deliveries: deliveriesOf(doc) });

/** An item of a channel's dead letters: the event and why that channel gave up on it. */
export function deadLetterItem(doc: RecordedEventDocument, channel: string, topic: string) {
  const { attempts, lastError, deadLetteredAt } = status(doc.body._delivery?.[channel], 'deadLettered');
  return { ...envelopeOf(doc, topic), attempts, ...(lastError !== undefined ? { lastError } : {}), ...(deadLetteredAt !== undefined ? { deadLetteredAt } : {}) };
}

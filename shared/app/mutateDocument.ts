import { isoString } from '../domain/isoString';
import { reordered, type ResourceDefinition } from '../domain/resources';
import type { EventContext } from '../domain/routing/routerEvents';
import type { OutboxEntry, RouterEvent } from '../ports/EventPublisher';
import type { RouterPorts } from '../ports/RouterPorts';
import type { StoredDocument } from '../ports/Store';
import { conditionalWrite } from './conditionalWrite';
import { draftOf, fillOutbox, nextHistoryPosition, outboxOf, relayCommitted, withOutboxKey, writeContext } from './outbox';

export type Definition<Body extends { id: string }> = Pick<ResourceDefinition<unknown, Body>, 'collection' | 'noun' | 'indexKeys' | 'wireOrder'>;

export interface Mutation<Body> {
  /** The body as read for the write that succeeded. */
  before: Body;
  /** What was written, or the unchanged document when `change` returned false. */
  document: StoredDocument<Body>;
  changed: boolean;
}

/** What a write needs besides the store: the clock, ids for events, and the relay. */
export type WritePorts = Pick<RouterPorts, 'store' | 'clock' | 'newId' | 'events' | 'logger'>;

/** The events a change causes, built from the body as it will be written, with the write's time. */
export type EventsOf<Body> = (body: Body, context: EventContext) => RouterEvent[] | Promise<RouterEvent[]>;

/**
 * Read-modify-write of one document with an etag-conditional write, retried from a fresh read when
 * another writer got there first. `change` edits a copy of the latest body in place and returns false
 * to write nothing; it may throw (an AppError reaches the caller, nothing is retried). `events` are
 * the events of the change: they are written in the same write (the outbox) and relayed after it.
 * Undefined when the document does not exist.
 */
export async function mutateDocument<Body extends { id: string }>(
  ports: WritePorts,
  definition: Definition<Body>,
  id: string,
  change: (body: Body, now: Date) => boolean,
  events?: EventsOf<Body>,
  /** The document as this request already read it: the first attempt starts from it (see conditionalWrite). */
  known?: StoredDocument<Body>,
): Promise<Mutation<Body> | undefined> {
  let added: OutboxEntry[] = [];
  const mutation = await conditionalWrite<Body, Mutation<Body> | undefined>(
    ports.store,
    definition.collection,
    id,
    async (current) => {
      if (!current) return { done: undefined };
      const now = ports.clock.now();
      const draft = draftOf(current.body);
      if (!change(draft, now)) return { done: { before: current.body, document: current, changed: false } };
      const body = reordered<Body>(draft, definition.wireOrder);
      const filled = fillOutbox(ports, body, outboxOf(current.body), events ? events(body, writeContext(ports, now)) : [], now);
      added = filled instanceof Promise ? await filled : filled;
      const put = { collection: definition.collection, id, lastModified: isoString(now.getTime()), body, keys: withOutboxKey(definition.indexKeys(body, now), body) };
      return { put, answer: (document) => ({ before: current.body, document, changed: true }) };
    },
    { what: `The ${definition.noun} '${id}'`, known },
  );
  if (mutation?.changed) await relayCommitted(ports, added);
  return mutation;
}

/**
 * Deletes a job or worker as last read (etag-conditional), retried from a fresh read when another
 * writer got there first. `beforeDelete` runs for each read, before its delete (durable reminders of
 * what the delete leaves to do). The document's outbox is recorded first (it goes with the document),
 * and the delete's own events wait in the history for the delete to happen. Answers the deleted body,
 * or undefined when there was nothing to delete.
 */
export async function deleteDocument<Body extends object>(
  ports: WritePorts,
  collection: 'jobs' | 'workers',
  id: string,
  events: (body: Body, context: EventContext) => RouterEvent[],
  beforeDelete: (body: Body) => Promise<void> = async () => {},
): Promise<Body | undefined> {
  let entries: OutboxEntry[] = [];
  const deleted = await conditionalWrite<Body, Body | undefined>(
    ports.store,
    collection,
    id,
    async (current) => {
      if (!current) return { done: undefined };
      await beforeDelete(current.body);
      await ports.events.record(outboxOf(current.body)?.pending ?? []);
      entries = events(current.body, writeContext(ports, ports.clock.now())).map((event) => ({ position: nextHistoryPosition(event.time), event }));
      await ports.events.prepare(entries, { collection, id, etag: current.etag });
      return { remove: true, answer: () => current.body };
    },
    { onLost: () => ports.events.abandon(entries), what: `The ${collection === 'jobs' ? 'job' : 'worker'} '${id}'` },
  );
  if (deleted === undefined) return undefined;
  try {
    await ports.events.confirm(entries);
  } catch (error) {
    ports.logger.error({ err: error, eventIds: entries.map((e) => e.event.id) }, 'the delete happened but its events were not confirmed yet; the relay sweep will confirm them');
  }
  return deleted;
}

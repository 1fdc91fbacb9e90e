import { copyJson } from '../domain/copyJson';
import { historyId, historyPosition } from '../domain/routing/eventHistory';
import type { EventContext } from '../domain/routing/routerEvents';
import type { OutboxEntry, RouterEvent } from '../ports/EventPublisher';
import type { IndexKeys } from '../ports/Store';
import type { RouterPorts } from '../ports/RouterPorts';

/**
 * The transactional outbox: events are written inside the document whose change caused them, in the
 * same conditional write, so a change and its events are committed together or not at all. The relay
 * then records them in the event history (idempotently: the history id comes from the entry) and
 * delivers them. An entry stays in its document until a later write of that document finds it in the
 * history, so nothing is removed before it is safe; a document with entries carries the `outboxAt`
 * index key, which the relay's sweep uses to find entries a crash left unrecorded.
 */
export interface Outbox {
  pending: OutboxEntry[];
}

export const OUTBOX_KEY = 'outboxAt';

// Not a time reading but a seed that is larger after a restart than anything counted before it, so the
// events of one millisecond keep their order across restarts (the test clocks of restart tests stand still).
let sequence = Date.now() * 1000;

/** Where a new event sits in the history: its time, then this process's count. */
export const nextHistoryPosition = (time: string) => historyPosition(time, ++sequence);

type WithOutbox = { _outbox?: Outbox };

export const outboxOf = (body: object): Outbox | undefined => (body as WithOutbox)._outbox;

/**
 * A deep copy of a stored body for a writer to change, without its outbox: the write's outbox is made
 * anew from the one read (`fillOutbox`), so a copy of its entries (whole events) would be thrown away.
 */
export function draftOf<B extends object>(body: B): B {
  const source = body as Record<string, unknown>;
  const draft: Record<string, unknown> = {};
  for (const key in source) {
    if (key === '_outbox') continue;
    // The wire order names the members, never `__proto__`; should a stored body have one, it stays a member.
    if (key === '__proto__') Object.defineProperty(draft, key, { value: copyJson(source[key]), enumerable: true, writable: true, configurable: true });
    else draft[key] = copyJson(source[key]);
  }
  return draft as B;
}

/** What the document was written with: builds events that carry the write's own time. */
export const writeContext = (ports: Pick<RouterPorts, 'newId'>, now: Date): EventContext => ({ newId: ports.newId, now });

/**
 * An entry this old was recorded long ago: the relay records entries right after their write and the
 * sweep within minutes. Its history may already be pruned, so it is dropped without looking.
 */
export const OUTBOX_ENTRY_MAX_AGE_MS = 24 * 60 * 60_000;

/**
 * Drops the entries the history already holds (they were relayed) and those past their age. The relay
 * remembers what it recorded, so usually no read is needed; an entry it does not know (recorded before a
 * restart, by another instance, or long ago) costs one point read.
 */
async function unrecorded(ports: Pick<RouterPorts, 'store' | 'events'>, entries: readonly OutboxEntry[], now: Date): Promise<OutboxEntry[]> {
  const left: OutboxEntry[] = [];
  for (const entry of entries) {
    if (now.getTime() - Date.parse(entry.event.time) > OUTBOX_ENTRY_MAX_AGE_MS) continue;
    if (ports.events.holds(entry)) continue;
    if (!(await ports.store.get('events', historyId(entry.position, entry.event.id)))) left.push(entry);
  }
  return left;
}

/**
 * Sets the outbox of a body about to be written: the carried-over entries that are still unrecorded,
 * plus the events the write causes (`caused`: none kept for a publisher that keeps no outbox). Answers
 * the new entries, to relay once the write committed. They are answered at once, not as a promise,
 * when nothing has to be read or waited for (the events are built and no entry was carried over, as
 * on most writes): the write then takes no turn of the event loop for its outbox.
 */
export function fillOutbox(
  ports: Pick<RouterPorts, 'store' | 'events'>,
  body: object,
  carried: Outbox | undefined,
  caused: readonly RouterEvent[] | Promise<readonly RouterEvent[]>,
  now: Date,
): OutboxEntry[] | Promise<OutboxEntry[]> {
  if (caused instanceof Promise) return caused.then((events) => fillOutbox(ports, body, carried, events, now));
  const added = caused.map((event) => ({ position: nextHistoryPosition(event.time), event }));
  const target = body as WithOutbox;
  if (ports.events.outbox === false) {
    delete target._outbox;
    return added;
  }
  if (!carried || carried.pending.length === 0) {
    if (added.length === 0) delete target._outbox;
    else target._outbox = { pending: [...added] };
    return added;
  }
  return unrecorded(ports, carried.pending, now).then((pending) => {
    if (pending.length + added.length === 0) delete target._outbox;
    else target._outbox = { pending: [...pending, ...added] };
    return added;
  });
}

/**
 * Adds the outbox marker to a write's index keys (the time of the newest entry, while there is one) and
 * answers them. `keys` is the write's own fresh object (its definition's `indexKeys`), so it is changed
 * rather than copied.
 */
export function withOutboxKey(keys: IndexKeys, body: object): IndexKeys {
  const pending = outboxOf(body)?.pending;
  const newest = pending?.[pending.length - 1];
  if (newest) keys[OUTBOX_KEY] = newest.event.time;
  return keys;
}

/** Hands committed entries to the relay. Recording is retried by the relay's sweep, so a failure here is logged, not thrown. */
export async function relayCommitted(ports: Pick<RouterPorts, 'events' | 'logger'>, entries: readonly OutboxEntry[]): Promise<void> {
  if (entries.length === 0) return;
  try {
    await ports.events.record(entries);
  } catch (error) {
    ports.logger.error({ err: error, eventIds: entries.map((e) => e.event.id) }, 'router events were committed but not recorded yet; the relay sweep will record them');
  }
}

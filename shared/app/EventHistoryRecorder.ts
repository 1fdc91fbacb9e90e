import { LRUCache } from 'lru-cache';
import { historyId, recordedEventKeys, type DeliveryState, type RecordedEventBody, type RecordedEventDocument } from '../domain/routing/eventHistory';
import type { Clock } from '../ports/Clock';
import type { EventChannel } from '../ports/EventChannel';
import type { OutboxEntry, RouterEvent } from '../ports/EventPublisher';
import { StoreConflictError, type Store } from '../ports/Store';
import { rewriteRecordedEvent } from './rewriteRecordedEvent';

/**
 * How many recorded entries the recorder remembers. An outbox entry is asked about at its document's
 * next write, usually seconds later; one remembered id costs about 200 bytes, so this is ~3 MB at most.
 * An entry forgotten (or recorded by another instance, or before a restart) costs one point read.
 */
export const REMEMBERED_ENTRIES = 16_384;

/** Events of deletes between prepare and confirm/abandon: a handful at a time; the bound only guards against leaks. */
const PREPARED_ENTRIES = 1_024;

export interface HistoryRecorderOptions {
  store: Store;
  clock: Clock;
  channels: readonly EventChannel[];
  /** Called with the events that became visible (recorded, or confirmed after their delete), also when a later one failed. */
  onRecorded: (events: readonly RouterEvent[]) => void;
  remember?: number;
}

/**
 * Records outbox entries in the event history, one document per event whose id comes from the entry,
 * so a second recording meets `exists` and changes nothing. Each document starts pending for every
 * channel that takes its type. The recorder remembers (bounded, least recently used out) which entries
 * it knows the history holds, so the next write of their document drops them without a read.
 */
export class EventHistoryRecorder {
  private readonly store: Store;
  private readonly clock: Clock;
  private readonly channels: readonly EventChannel[];
  private readonly onRecorded: (events: readonly RouterEvent[]) => void;
  private readonly recorded: LRUCache<string, true>;
  /** Delete events as this process created them: confirm and abandon write them without reading them again. */
  private readonly prepared = new LRUCache<string, RecordedEventDocument>({ max: PREPARED_ENTRIES });

  constructor(options: HistoryRecorderOptions) {
    this.store = options.store;
    this.clock = options.clock;
    this.channels = options.channels;
    this.onRecorded = options.onRecorded;
    this.recorded = new LRUCache({ max: options.remember ?? REMEMBERED_ENTRIES });
  }

  /** True when this recorder knows the history holds the entry; false says only that it does not know. */
  holds(entry: OutboxEntry): boolean {
    return this.recorded.has(historyId(entry.position, entry.event.id));
  }

  /** Answers how many entries this call recorded (the others were recorded already). */
  async record(entries: readonly OutboxEntry[]): Promise<number> {
    const recorded: RouterEvent[] = [];
    try {
      for (const entry of entries) {
        const id = historyId(entry.position, entry.event.id);
        // A document about to be deleted, and every sweep, hand over entries recorded long before: no need to try again.
        if (this.recorded.has(id)) continue;
        if (await this.create(id, entry, undefined)) recorded.push(entry.event);
        this.recorded.set(id, true);
      }
    } finally {
      this.onRecorded(recorded);
    }
    return recorded.length;
  }

  async prepare(entries: readonly OutboxEntry[], document: NonNullable<RecordedEventBody['_awaiting']>): Promise<void> {
    for (const entry of entries) {
      const created = await this.create(historyId(entry.position, entry.event.id), entry, document);
      if (created) this.prepared.set(created.id, created);
    }
  }

  /** Answers how many awaiting events this call released for delivery. */
  async confirm(entries: readonly OutboxEntry[]): Promise<number> {
    const confirmed: RouterEvent[] = [];
    try {
      for (const entry of entries) {
        const id = historyId(entry.position, entry.event.id);
        const known = this.prepared.get(id);
        this.prepared.delete(id);
        const changed = await rewriteRecordedEvent(
          this.store,
          id,
          (body) => {
            if (!body._awaiting) return false;
            delete body._awaiting;
            return true;
          },
          this.clock.now(),
          known,
        );
        if (changed) confirmed.push(entry.event);
      }
    } finally {
      this.onRecorded(confirmed);
    }
    return confirmed.length;
  }

  async abandon(entries: readonly OutboxEntry[]): Promise<void> {
    for (const entry of entries) {
      const id = historyId(entry.position, entry.event.id);
      const known = this.prepared.get(id);
      this.prepared.delete(id);
      // Another writer (a sweep settling it) may have changed it since: then look at what it holds now.
      if (known && (await this.store.delete('events', id, known.etag).catch(() => false))) continue;
      const current = await this.store.get<RecordedEventBody>('events', id);
      if (current?.body._awaiting) await this.store.delete('events', id, current.etag).catch(() => false);
    }
  }

  /** The created document, or undefined when the history held it already. */
  private async create(id: string, entry: OutboxEntry, awaiting: RecordedEventBody['_awaiting']): Promise<RecordedEventDocument | undefined> {
    const { event } = entry;
    const delivery: Record<string, DeliveryState> = {};
    for (const channel of this.channels) if (channel.accepts(event.type)) delivery[channel.name] = { attempts: 0 };
    const body: RecordedEventBody = { ...event, _delivery: delivery, ...(awaiting ? { _awaiting: awaiting } : {}) };
    try {
      return await this.store.create({ collection: 'events', id, lastModified: event.time, body, keys: recordedEventKeys(body) });
    } catch (error) {
      if (error instanceof StoreConflictError && error.reason === 'exists') return undefined;
      throw error;
    }
  }
}

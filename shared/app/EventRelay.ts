import { historyId, recordedEvent, recordedEventKeys, type DeliveryState, type RecordedEventBody } from '../domain/routing/eventHistory';
import type { Clock } from '../ports/Clock';
import { DeliveryFailure, type EventChannel } from '../ports/EventChannel';
import type { EventPublisher, OutboxEntry, RouterEvent } from '../ports/EventPublisher';
import type { LiveEvents } from '../ports/LiveEvents';
import type { Logger } from '../ports/Logger';
import { StoreConflictError, type StoredDocument, type Store } from '../ports/Store';
import { OUTBOX_KEY, outboxOf } from './outbox';
import { pagesOf } from './pagesOf';
import { backoffMs } from '../domain/backoff';

export interface RelayOptions {
  store: Store;
  clock: Clock;
  logger: Logger;
  channels: readonly EventChannel[];
  /** Deliveries of an event before it is dead-lettered. */
  maxAttempts?: number;
  /** Wait before the first retry of a failed delivery; doubles per failure up to `maxRetryMs`. */
  firstRetryMs?: number;
  maxRetryMs?: number;
  /** Events older than this are removed from the history by the sweep once every channel took them. */
  retentionDays?: number;
}

export const RELAY_DEFAULTS = { maxAttempts: 10, firstRetryMs: 1000, maxRetryMs: 5 * 60_000, retentionDays: 7 } as const;

/** At most this many old events are removed per sweep, so a first sweep over a long history stays short. */
const PRUNE_PER_SWEEP = 2000;

/** Writes whose events carry a time up to this much before the last sweep are looked at again (slow commits). */
const SWEEP_MARGIN_MS = 30_000;
/** Events of a delete still not seen to happen after this long are dropped: the delete failed. */
const AWAITING_LIMIT_MS = 60_000;
const SWEEP_PAGE = 200;
const WATERMARK_ID = 'eventRelay';
const MAX_WRITE_ATTEMPTS = 16;
const STOP_GRACE_MS = 1000;

interface ChannelState {
  running: boolean;
  again: boolean;
  failures: number;
  retryTimer?: NodeJS.Timeout;
}

/**
 * The relay between the outbox and the world: it records committed events in the event history
 * (once, whoever records them first), then delivers each channel's pending events in history order,
 * in batches, one delivery at a time per channel — so a channel that fails or is slow holds up only
 * itself. A failed delivery is retried with doubling waits; after `maxAttempts`, or when the
 * receiver refused the events, they are dead-lettered for that channel (kept, listed, redeliverable).
 * The sweep records what a crash left in outboxes and settles the events of deletes.
 */
export class EventRelay implements EventPublisher, LiveEvents {
  private readonly store: Store;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly channels: readonly EventChannel[];
  private readonly maxAttempts: number;
  private readonly firstRetryMs: number;
  private readonly maxRetryMs: number;
  private readonly retentionMs: number;
  private readonly states = new Map<string, ChannelState>();
  private readonly listeners = new Set<(event: RouterEvent) => void>();
  private readonly running = new Set<Promise<void>>();
  private stopped = false;
  /** A recording or confirmation failed in this process since the last sweep: only a sweep will catch up. */
  private missed = false;
  /** This process recorded events or failed a delivery since its last sweep. */
  private worked = false;

  constructor(options: RelayOptions) {
    this.store = options.store;
    this.clock = options.clock;
    this.logger = options.logger;
    this.channels = options.channels;
    this.maxAttempts = options.maxAttempts ?? RELAY_DEFAULTS.maxAttempts;
    this.firstRetryMs = options.firstRetryMs ?? RELAY_DEFAULTS.firstRetryMs;
    this.maxRetryMs = options.maxRetryMs ?? RELAY_DEFAULTS.maxRetryMs;
    this.retentionMs = (options.retentionDays ?? RELAY_DEFAULTS.retentionDays) * 24 * 60 * 60_000;
    const names = new Set<string>();
    for (const channel of this.channels) {
      if (names.has(channel.name)) throw new Error(`Two event channels are named '${channel.name}'; give each subscription its own name.`);
      names.add(channel.name);
    }
  }

  get channelNames(): string[] {
    return this.channels.map((c) => c.name);
  }

  subscribe(listener: (event: RouterEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async record(entries: readonly OutboxEntry[]): Promise<void> {
    const recorded: RouterEvent[] = [];
    try {
      for (const entry of entries) {
        if (await this.create(entry, undefined)) {
          this.worked = true;
          recorded.push(entry.event);
        }
      }
    } catch (error) {
      this.missed = true;
      throw error;
    } finally {
      this.announceWhenDurable(recorded);
    }
    this.kick();
  }

  /** Whether this process failed to record or confirm events since its last sweep. */
  get sweepNeeded(): boolean {
    return this.missed;
  }

  async prepare(entries: readonly OutboxEntry[], document: NonNullable<RecordedEventBody['_awaiting']>): Promise<void> {
    for (const entry of entries) await this.create(entry, document);
  }

  async confirm(entries: readonly OutboxEntry[]): Promise<void> {
    const confirmed: RouterEvent[] = [];
    try {
      for (const entry of entries) {
        const changed = await this.rewrite(historyId(entry.position, entry.event.id), (body) => {
          if (!body._awaiting) return false;
          delete body._awaiting;
          return true;
        });
        if (changed) confirmed.push(entry.event);
      }
    } catch (error) {
      this.missed = true;
      throw error;
    } finally {
      this.announceWhenDurable(confirmed);
    }
    this.kick();
  }

  async abandon(entries: readonly OutboxEntry[]): Promise<void> {
    for (const entry of entries) {
      const id = historyId(entry.position, entry.event.id);
      const current = await this.store.get<RecordedEventBody>('events', id);
      if (current?.body._awaiting) await this.store.delete('events', id, current.etag).catch(() => false);
    }
  }

  /**
   * Records outbox entries of documents written since the last sweep (minus a margin) that a crash
   * left unrecorded, settles events of deletes, removes events past their retention that every
   * channel took, then lets every channel deliver what it has pending.
   */
  async sweep(): Promise<void> {
    // Cleared first: a recording that fails while the sweep runs may be past what it reads.
    this.missed = false;
    this.worked = false;
    try {
      await this.sweepOnce();
    } catch (error) {
      this.missed = true;
      throw error;
    }
  }

  private async sweepOnce(): Promise<void> {
    const started = this.clock.now();
    const watermark = await this.store.get<{ sweptThrough: string }>('routingState', WATERMARK_ID);
    const since = watermark ? new Date(Date.parse(watermark.body.sweptThrough) - SWEEP_MARGIN_MS).toISOString() : '';
    for (const collection of ['jobs', 'workers'] as const) {
      for await (const docs of pagesOf<object>(this.store, collection, { where: [{ key: OUTBOX_KEY, op: 'gte', value: since }], pageSize: SWEEP_PAGE })) {
        for (const doc of docs) await this.record(outboxOf(doc.body)?.pending ?? []);
      }
    }
    for await (const docs of pagesOf<RecordedEventBody>(this.store, 'events', { where: [{ key: 'awaiting', op: 'eq', value: true }], pageSize: SWEEP_PAGE })) {
      for (const doc of docs) await this.settleAwaiting(doc);
    }
    await this.prune();
    await this.writeWatermark(started, watermark);
    this.kick();
  }

  /**
   * Why a periodic sweep should run now, or undefined when it would find nothing: this process failed
   * to record or confirm, recorded events (the deployment is busy, so another instance may have died
   * with entries unrecorded) or has deliveries waiting for a retry; or no sweep anywhere for
   * `backstopMs` (one point read of the watermark), which bounds how long a crash's entries wait
   * while every instance is idle.
   */
  async sweepDue(backstopMs: number): Promise<string | undefined> {
    if (this.missed) return 'events failed to be recorded or confirmed';
    if (this.worked) return 'events were recorded since the last sweep';
    if ([...this.states.values()].some((state) => state.failures > 0)) return 'deliveries are waiting for a retry';
    const watermark = await this.store.get<{ sweptThrough: string }>('routingState', WATERMARK_ID);
    if (!watermark) return 'no sweep yet';
    const since = this.clock.now().getTime() - Date.parse(watermark.body.sweptThrough);
    return since >= backstopMs ? `no sweep for ${Math.round(since / 60_000)} min` : undefined;
  }

  /**
   * Moves the sweep's starting point to now when this process recorded everything it committed (one
   * small write), so the sweep after a crash reads only the documents written since.
   */
  async markCaughtUp(): Promise<void> {
    if (this.missed) return;
    await this.writeWatermark(this.clock.now(), await this.store.get<{ sweptThrough: string }>('routingState', WATERMARK_ID));
  }

  private async writeWatermark(at: Date, current: StoredDocument<{ sweptThrough: string }> | undefined): Promise<void> {
    const body = { sweptThrough: at.toISOString() };
    const write = { collection: 'routingState' as const, id: WATERMARK_ID, lastModified: body.sweptThrough, body, keys: {} };
    try {
      if (current) await this.store.replace(write, current.etag);
      else await this.store.create(write);
    } catch (error) {
      // Another instance swept at the same time; its watermark serves as well.
      if (!(error instanceof StoreConflictError)) throw error;
    }
  }

  /** Lets every channel deliver what it has pending (after a restart, or a redelivery request). */
  kick(): void {
    if (this.stopped) return;
    for (const channel of this.channels) this.pump(channel);
  }

  /** Resolves when no channel is delivering (retries that wait for their time do not count). */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running]);
  }

  /**
   * Stops delivering. A delivery still in flight after `graceMs` is left behind: its events stay
   * pending and are delivered again after the next start (at least once, same ids).
   */
  async stop(graceMs = STOP_GRACE_MS): Promise<void> {
    this.stopped = true;
    for (const state of this.states.values()) clearTimeout(state.retryTimer);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.idle(), new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)))]);
    clearTimeout(timer);
  }

  /**
   * Live listeners see an event once the commits behind it are durable, like webhooks. Barriers settle
   * in the order they were asked for, so events keep their order.
   */
  private announceWhenDurable(events: readonly RouterEvent[]): void {
    if (events.length === 0 || this.listeners.size === 0) return;
    this.store.durable().then(
      () => {
        for (const event of events) this.announce(event);
      },
      (error: unknown) => this.logger.error({ err: error, events: events.length }, 'live events not sent: their writes could not be made durable'),
    );
  }

  private announce(event: RouterEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        this.logger.warn({ err: error }, 'a live event listener failed');
      }
    }
  }

  private async create(entry: OutboxEntry, awaiting: RecordedEventBody['_awaiting']): Promise<boolean> {
    const { event } = entry;
    const delivery: Record<string, DeliveryState> = {};
    for (const channel of this.channels) if (channel.accepts(event.type)) delivery[channel.name] = { attempts: 0 };
    const body: RecordedEventBody = { ...event, _delivery: delivery, ...(awaiting ? { _awaiting: awaiting } : {}) };
    try {
      await this.store.create({ collection: 'events', id: historyId(entry.position, event.id), lastModified: event.time, body, keys: recordedEventKeys(body) });
      return true;
    } catch (error) {
      if (error instanceof StoreConflictError && error.reason === 'exists') return false;
      throw error;
    }
  }

  /** Conditional read-modify-write of one history document; false when absent or left unchanged. */
  private async rewrite(id: string, change: (body: RecordedEventBody) => boolean): Promise<boolean> {
    for (let attempt = 1; ; attempt++) {
      const current = await this.store.get<RecordedEventBody>('events', id);
      if (!current) return false;
      const body = structuredClone(current.body);
      if (!change(body)) return false;
      try {
        await this.store.replace({ collection: 'events', id, lastModified: this.clock.now().toISOString(), body, keys: recordedEventKeys(body) }, current.etag);
        return true;
      } catch (error) {
        if (!(error instanceof StoreConflictError) || attempt >= MAX_WRITE_ATTEMPTS) throw error;
      }
    }
  }

  /** Removes delivered events older than the retention; pending and dead-lettered ones stay until they are settled. */
  async prune(): Promise<number> {
    const cutoff = new Date(this.clock.now().getTime() - this.retentionMs).toISOString();
    let removed = 0;
    for await (const docs of pagesOf<RecordedEventBody>(this.store, 'events', { where: [{ key: 'time', op: 'lte', value: cutoff }], pageSize: SWEEP_PAGE })) {
      for (const doc of docs) {
        if (removed >= PRUNE_PER_SWEEP || doc.keys['pendingFor'] || doc.keys['deadFor'] || doc.body._awaiting) continue;
        // Another instance may have removed or changed it meanwhile: then it is left to that one.
        if (await this.store.delete('events', doc.id, doc.etag).catch(() => false)) removed++;
      }
      if (removed >= PRUNE_PER_SWEEP) break;
    }
    if (removed > 0) this.logger.info({ removed, olderThan: cutoff }, 'old router events removed from the history');
    return removed;
  }

  private async settleAwaiting(doc: StoredDocument<RecordedEventBody>): Promise<void> {
    const awaiting = doc.body._awaiting;
    if (!awaiting) return;
    const target = await this.store.get(awaiting.collection, awaiting.id);
    const entry = { position: doc.id.slice(0, doc.id.length - doc.body.id.length - 1), event: recordedEvent(doc.body) };
    if (!target) return this.confirm([entry]);
    const stale = this.clock.now().getTime() - Date.parse(doc.body.time) > AWAITING_LIMIT_MS;
    if (target.etag !== awaiting.etag || stale) await this.abandon([entry]);
  }

  private state(name: string): ChannelState {
    let state = this.states.get(name);
    if (!state) {
      state = { running: false, again: false, failures: 0 };
      this.states.set(name, state);
    }
    return state;
  }

  private pump(channel: EventChannel): void {
    const state = this.state(channel.name);
    if (state.running) {
      state.again = true;
      return;
    }
    if (state.retryTimer) return;
    state.running = true;
    const run = this.deliverPending(channel, state)
      .catch((error: unknown) => this.logger.error({ err: error, channel: channel.name }, 'event delivery stopped on a store error; it resumes with the next event or sweep'))
      .finally(() => {
        state.running = false;
        this.running.delete(run);
        // A kick that came after the last look for pending events but before this point would be lost.
        if (state.again) this.pump(channel);
      });
    this.running.add(run);
  }

  private async deliverPending(channel: EventChannel, state: ChannelState): Promise<void> {
    for (;;) {
      state.again = false;
      if (this.stopped) return;
      const page = await this.store.list<RecordedEventBody>('events', { where: [{ key: 'pendingFor', op: 'eq', value: channel.name }], pageSize: channel.maxBatch });
      if (page.items.length === 0) {
        if (state.again) continue;
        return;
      }
      const ids = page.items.map((d) => d.id);
      // No subscriber hears of a change a power loss could still take back.
      await this.store.durable();
      try {
        await channel.deliver(page.items.map((d) => recordedEvent(d.body)));
      } catch (error) {
        const failure = error instanceof DeliveryFailure ? error : new DeliveryFailure(error instanceof Error ? error.message : String(error), false);
        await this.failed(channel, state, ids, failure);
        return;
      }
      state.failures = 0;
      const now = this.clock.now().toISOString();
      for (const id of ids) {
        await this.rewrite(id, (body) => {
          const delivery = body._delivery?.[channel.name];
          if (!delivery || delivery.deliveredAt) return false;
          delivery.attempts += 1;
          delivery.deliveredAt = now;
          return true;
        });
      }
    }
  }

  private async failed(channel: EventChannel, state: ChannelState, ids: readonly string[], failure: DeliveryFailure): Promise<void> {
    const now = this.clock.now().toISOString();
    const dead = new Set<string>();
    for (const id of ids) {
      await this.rewrite(id, (body) => {
        const delivery = body._delivery?.[channel.name];
        if (!delivery || delivery.deliveredAt || delivery.deadLetteredAt) return false;
        delivery.attempts += 1;
        delivery.lastAttemptAt = now;
        delivery.lastError = failure.message;
        if (failure.permanent || delivery.attempts >= this.maxAttempts) {
          delivery.deadLetteredAt = now;
          dead.add(id);
        }
        return true;
      });
    }
    state.failures += 1;
    this.worked = true;
    // Dead letters free the way for the events behind them at once; otherwise the channel waits, doubling.
    const waitMs = dead.size === ids.length ? 0 : backoffMs(state.failures, this.firstRetryMs, this.maxRetryMs);
    this.logger.warn({ channel: channel.name, events: ids.length, deadLettered: dead.size, retryInMs: waitMs, err: failure.message }, dead.size > 0 ? 'router events dead-lettered' : 'router event delivery failed; retrying');
    if (this.stopped) return;
    state.retryTimer = setTimeout(() => {
      state.retryTimer = undefined;
      this.pump(channel);
    }, waitMs);
    state.retryTimer.unref();
  }
}

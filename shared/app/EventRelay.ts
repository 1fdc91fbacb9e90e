import type { Clock } from '../ports/Clock';
import type { EventChannel } from '../ports/EventChannel';
import type { EventPublisher, OutboxEntry, RouterEvent } from '../ports/EventPublisher';
import type { LiveEvents } from '../ports/LiveEvents';
import type { Logger } from '../ports/Logger';
import type { Store } from '../ports/Store';
import { ChannelDelivery } from './ChannelDelivery';
import { EventHistoryRecorder } from './EventHistoryRecorder';
import { EventSweep } from './EventSweep';
import { LiveEventFeed } from './LiveEventFeed';

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

const STOP_GRACE_MS = 1000;

/**
 * The relay between the outbox and the world, composed of its four parts: the history recorder
 * (records committed events once, whoever records them first), one delivery loop per channel, the
 * live feed, and the sweep that catches up after crashes and applies the retention. Hosts see one
 * object: the `EventPublisher` the use cases write through and the `LiveEvents` the stream reads.
 */
export class EventRelay implements EventPublisher, LiveEvents {
  private readonly clock: Clock;
  private readonly live: LiveEventFeed;
  private readonly history: EventHistoryRecorder;
  private readonly deliveries: ChannelDelivery[];
  private readonly sweeper: EventSweep;
  private stopped = false;

  constructor(options: RelayOptions) {
    const { store, clock, logger, channels } = options;
    const names = new Set<string>();
    for (const channel of channels) {
      if (names.has(channel.name)) throw new Error(`Two event channels are named '${channel.name}'; give each subscription its own name.`);
      names.add(channel.name);
    }
    this.clock = clock;
    this.live = new LiveEventFeed(store, logger);
    this.history = new EventHistoryRecorder({ store, clock, channels, onRecorded: (events) => this.live.announceWhenDurable(events) });
    const policy = {
      maxAttempts: options.maxAttempts ?? RELAY_DEFAULTS.maxAttempts,
      firstRetryMs: options.firstRetryMs ?? RELAY_DEFAULTS.firstRetryMs,
      maxRetryMs: options.maxRetryMs ?? RELAY_DEFAULTS.maxRetryMs,
    };
    this.deliveries = channels.map((channel) => new ChannelDelivery(channel, { store, clock, logger, ...policy, onFailure: () => this.sweeper.noteWork() }));
    this.sweeper = new EventSweep({
      store,
      clock,
      logger,
      retentionMs: (options.retentionDays ?? RELAY_DEFAULTS.retentionDays) * 24 * 60 * 60_000,
      history: this,
      deliveriesFailing: () => this.deliveries.some((delivery) => delivery.failing),
      kick: () => this.kick(),
    });
  }

  get channelNames(): string[] {
    return this.deliveries.map((delivery) => delivery.channel.name);
  }

  subscribe(listener: (event: RouterEvent) => void): () => void {
    return this.live.subscribe(listener);
  }

  holds(entry: OutboxEntry): boolean {
    return this.history.holds(entry);
  }

  async record(entries: readonly OutboxEntry[]): Promise<void> {
    await this.noting(async () => {
      if ((await this.history.record(entries)) > 0) this.sweeper.noteWork();
    });
    this.kick();
  }

  async prepare(entries: readonly OutboxEntry[], document: { collection: 'jobs' | 'workers'; id: string; etag: string }): Promise<void> {
    await this.history.prepare(entries, document);
  }

  async confirm(entries: readonly OutboxEntry[]): Promise<void> {
    await this.noting(() => this.history.confirm(entries));
    this.kick();
  }

  abandon(entries: readonly OutboxEntry[]): Promise<void> {
    return this.history.abandon(entries);
  }

  /** Whether this process failed to record or confirm events since its last sweep. */
  get sweepNeeded(): boolean {
    return this.sweeper.needed;
  }

  /**
   * The instant before which every event is in the history (or never will be), for a reader that must
   * not move past an event recorded late. `process`: when this process is the only writer (the embedded
   * host), it knows whether it left anything unrecorded: now, unless it did, until a sweep caught up.
   * `deployment`: any instance may have died with entries unrecorded, so only the last sweep says;
   * undefined when no sweep has run yet.
   */
  async recordedThrough(writers: 'process' | 'deployment'): Promise<string | undefined> {
    if (writers === 'deployment') return this.sweeper.recordedThrough();
    if (!this.sweeper.behind) return this.clock.now().toISOString();
    // Behind before any sweep (a host starts with one, so only an engine never started): nothing is known.
    return (await this.sweeper.recordedThrough()) ?? '';
  }

  /**
   * Records outbox entries of documents written since the last sweep (minus a margin) that a crash
   * left unrecorded, settles events of deletes, removes events past their retention that every
   * channel took, then lets every channel deliver what it has pending.
   */
  sweep(): Promise<void> {
    return this.sweeper.sweep();
  }

  /** Why a periodic sweep should run now, or undefined when it would find nothing (see EventSweep.due). */
  sweepDue(backstopMs: number): Promise<string | undefined> {
    return this.sweeper.due(backstopMs);
  }

  /** Moves the sweep's starting point to now when this process recorded everything it committed. */
  markCaughtUp(): Promise<void> {
    return this.sweeper.markCaughtUp();
  }

  /** Removes delivered events older than the retention; pending and dead-lettered ones stay until they are settled. */
  prune(): Promise<number> {
    return this.sweeper.prune();
  }

  /** Lets every channel deliver what it has pending (after a restart, or a redelivery request). */
  kick(): void {
    if (this.stopped) return;
    for (const delivery of this.deliveries) delivery.pump();
  }

  /** Resolves when no channel is delivering (retries that wait for their time do not count). */
  async idle(): Promise<void> {
    for (;;) {
      const running = this.deliveries.flatMap((delivery) => delivery.current ?? []);
      if (running.length === 0) return;
      await Promise.all(running);
    }
  }

  /**
   * Stops delivering. A delivery still in flight after `graceMs` (on the relay's clock) is left behind:
   * its events stay pending and are delivered again after the next start (at least once, same ids).
   */
  async stop(graceMs = STOP_GRACE_MS): Promise<void> {
    this.stopped = true;
    for (const delivery of this.deliveries) delivery.stop();
    let cancel: (() => void) | undefined;
    await Promise.race([this.idle(), new Promise<void>((resolve) => (cancel = this.clock.setTimer(graceMs, resolve)))]);
    cancel?.();
  }

  /** A recording or confirmation that failed leaves its entries to the sweep: remember to run it. */
  private async noting(work: () => Promise<unknown>): Promise<void> {
    try {
      await work();
    } catch (error) {
      this.sweeper.noteMissed();
      throw error;
    }
  }
}

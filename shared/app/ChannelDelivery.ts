import { backoffMs } from '../domain/backoff';
import { recordedEvent, type RecordedEventBody, type RecordedEventDocument } from '../domain/routing/eventHistory';
import type { Clock } from '../ports/Clock';
import { DeliveryFailure, type EventChannel } from '../ports/EventChannel';
import type { Logger } from '../ports/Logger';
import type { Store } from '../ports/Store';
import { rewriteRecordedEvent } from './rewriteRecordedEvent';

export interface DeliveryPolicy {
  /** Deliveries of an event before it is dead-lettered. */
  maxAttempts: number;
  /** Wait before the first retry of a failed delivery; doubles per failure up to `maxRetryMs`. */
  firstRetryMs: number;
  maxRetryMs: number;
}

export interface ChannelDeliveryOptions extends DeliveryPolicy {
  store: Store;
  clock: Clock;
  logger: Logger;
  /** Told of every failed delivery (the sweep then has a reason to run). */
  onFailure: () => void;
}

/**
 * Delivers one channel's pending events in history order, in batches of up to `maxBatch`, one
 * delivery at a time, so a channel that fails or is slow holds up only itself. A failed delivery is
 * retried after a wait that doubles per failure; after `maxAttempts`, or at once when the receiver
 * refused the events, they are dead-lettered for this channel (kept, listed, redeliverable) and the
 * events behind them go on at once. Each delivered event is marked with one write, conditional on the
 * etag its listing read.
 */
export class ChannelDelivery {
  private running: Promise<void> | undefined;
  /** A kick came while delivering: look for pending events once more before stopping. */
  private again = false;
  private failures = 0;
  private cancelRetry: (() => void) | undefined;
  private stopped = false;

  constructor(
    readonly channel: EventChannel,
    private readonly options: ChannelDeliveryOptions,
  ) {}

  /** Whether the last delivery failed (the channel waits for a retry, or is going on after dead letters). */
  get failing(): boolean {
    return this.failures > 0;
  }

  /** The delivery run in progress, if any (a retry waiting for its time is not one). */
  get current(): Promise<void> | undefined {
    return this.running;
  }

  /** Delivers what is pending now, unless a run is going (it looks again when done) or a retry waits for its time. */
  pump(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    if (this.cancelRetry) return;
    this.running = this.deliverPending()
      .catch((error: unknown) => this.options.logger.error({ err: error, channel: this.channel.name }, 'event delivery stopped on a store error; it resumes with the next event or sweep'))
      .finally(() => {
        this.running = undefined;
        // A kick that came after the last look for pending events but before this point would be lost.
        if (this.again) this.pump();
      });
  }

  stop(): void {
    this.stopped = true;
    this.cancelRetry?.();
    this.cancelRetry = undefined;
  }

  private async deliverPending(): Promise<void> {
    const { store, clock } = this.options;
    for (;;) {
      this.again = false;
      if (this.stopped) return;
      const page = await store.list<RecordedEventBody>('events', { where: [{ key: 'pendingFor', op: 'eq', value: this.channel.name }], pageSize: this.channel.maxBatch });
      if (page.items.length === 0) {
        if (this.again) continue;
        return;
      }
      // No subscriber hears of a change a power loss could still take back.
      await store.durable();
      try {
        await this.channel.deliver(page.items.map((doc) => recordedEvent(doc.body)));
      } catch (error) {
        const failure = error instanceof DeliveryFailure ? error : new DeliveryFailure(error instanceof Error ? error.message : String(error), false);
        const waitMs = await this.failed(page.items, failure);
        // Dead letters free the way for the events behind them at once; otherwise the channel waits, doubling.
        if (waitMs === 0) continue;
        this.retryAfter(waitMs);
        return;
      }
      this.failures = 0;
      const now = clock.now();
      const at = now.toISOString();
      // Whatever is recorded from here on kicks this channel (`again`): a last page needs no list after it.
      const more = page.hasMore;
      for (const doc of page.items) {
        await rewriteRecordedEvent(
          store,
          doc.id,
          (body) => {
            const delivery = body._delivery?.[this.channel.name];
            if (!delivery || delivery.deliveredAt) return false;
            delivery.attempts += 1;
            delivery.deliveredAt = at;
            return true;
          },
          now,
          doc,
        );
      }
      if (!more && !this.again) return;
    }
  }

  /** Counts the failed attempt on each event, dead-letters those out of attempts; answers the wait before the next try. */
  private async failed(docs: readonly RecordedEventDocument[], failure: DeliveryFailure): Promise<number> {
    const { store, clock, logger, maxAttempts } = this.options;
    const now = clock.now();
    const at = now.toISOString();
    let dead = 0;
    for (const doc of docs) {
      // The change runs again after a lost race: only the attempt that was written counts.
      let deadLettered = false;
      const changed = await rewriteRecordedEvent(
        store,
        doc.id,
        (body) => {
          const delivery = body._delivery?.[this.channel.name];
          if (!delivery || delivery.deliveredAt || delivery.deadLetteredAt) return false;
          delivery.attempts += 1;
          delivery.lastAttemptAt = at;
          delivery.lastError = failure.message;
          deadLettered = failure.permanent || delivery.attempts >= maxAttempts;
          if (deadLettered) delivery.deadLetteredAt = at;
          return true;
        },
        now,
        doc,
      );
      if (changed && deadLettered) dead++;
    }
    this.failures += 1;
    this.options.onFailure();
    const waitMs = dead === docs.length ? 0 : backoffMs(this.failures, this.options.firstRetryMs, this.options.maxRetryMs);
    logger.warn(
      { channel: this.channel.name, events: docs.length, deadLettered: dead, retryInMs: waitMs, err: failure.message },
      dead > 0 ? 'router events dead-lettered' : 'router event delivery failed; retrying',
    );
    return waitMs;
  }

  private retryAfter(waitMs: number): void {
    if (this.stopped) return;
    this.cancelRetry = this.options.clock.setTimer(waitMs, () => {
      this.cancelRetry = undefined;
      this.pump();
    });
  }
}

import type { Clock } from '../../ports/Clock';
import type { Logger } from '../../ports/Logger';
import type { Scheduler, Timer } from '../../ports/Scheduler';
import { StoreConflictError, type Store, type StoredDocument } from '../../ports/Store';

const DUE = 'due';
const SEP = '\u001f';
/** A failing handler is tried again after this long, so one bad timer cannot spin the loop. */
const RETRY_AFTER_MS = 5_000;
/** The loop re-reads the table at least this often (setTimeout cannot wait longer than ~24.8 days anyway). */
const MAX_SLEEP_MS = 60_000;
const BATCH = 100;
/**
 * The loop is stuck when it has shown no progress (a pass begun, a timer fired) for this long: an idle
 * loop still begins a pass every MAX_SLEEP_MS, so this is that with room for a slow pass.
 */
export const STUCK_AFTER_MS = 3 * MAX_SLEEP_MS;

/** For readiness: `stopped` before start and after stop; `stuck` when the loop has made no progress for too long. */
export type LoopHealth = 'running' | 'stopped' | 'stuck';

type TimerDocument = StoredDocument<Timer>;

/**
 * The embedded Scheduler: timers are documents in the store (so they survive restarts with the data
 * they protect), indexed by due time; one loop fires what is due, in due order. A timer is removed
 * only after its handler succeeded, with the etag it was read at, so a timer re-scheduled while it
 * fired is kept; a crash in between fires it again (handlers are idempotent).
 */
export class StoreScheduler implements Scheduler {
  private handler: ((timer: Timer) => Promise<void>) | undefined;
  private sleeper: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = true;
  /** When the loop will next look (ms since epoch); a timer due later needs no wake-up. */
  private armedFor: number | undefined;
  /**
   * Wall-clock time of the loop's last sign of progress. Wall clock, not the injected Clock: the loop
   * sleeps with setTimeout, so whether it is overdue is a matter of real time.
   */
  private lastProgress = 0;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  async schedule(timer: Timer): Promise<void> {
    const doc = { collection: 'timers' as const, id: timer.id, lastModified: this.clock.now().toISOString(), body: timer, keys: { [DUE]: dueKey(timer) } };
    for (;;) {
      const current = await this.store.get<Timer>('timers', timer.id);
      try {
        if (current) await this.store.replace(doc, current.etag);
        else await this.store.create(doc);
        break;
      } catch (error) {
        if (!(error instanceof StoreConflictError)) throw error;
      }
    }
    if (this.armedFor === undefined || new Date(timer.dueAt).getTime() < this.armedFor) this.wake();
  }

  async cancel(id: string): Promise<void> {
    await this.store.delete('timers', id);
  }

  /** Starts firing due timers through `handler` (the host's composition passes fireTimer). */
  start(handler: (timer: Timer) => Promise<void>): void {
    this.handler = handler;
    this.stopped = false;
    this.lastProgress = Date.now();
    this.wake();
  }

  /** Whether the loop runs and is not stuck; `now` is wall-clock milliseconds (tests look ahead with it). */
  health(now = Date.now()): LoopHealth {
    if (this.stopped) return 'stopped';
    return now - this.lastProgress > STUCK_AFTER_MS ? 'stuck' : 'running';
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.sleeper) clearTimeout(this.sleeper);
    this.sleeper = undefined;
    await this.running;
  }

  /** Fires every timer due now and returns how many fired (tests call this after moving a test clock). */
  async runDue(): Promise<number> {
    if (!this.handler) throw new Error('StoreScheduler.runDue before start');
    let fired = 0;
    for (;;) {
      const due = await this.store.range<Timer>('timers', { key: DUE, from: '', to: `${this.clock.now().toISOString()}${SEP}\uffff`, limit: BATCH });
      if (due.length === 0) return fired;
      for (const doc of due) {
        await this.fire(doc);
        this.lastProgress = Date.now();
        fired++;
      }
    }
  }

  /** When the next timer is due, if any. */
  async nextDue(): Promise<Date | undefined> {
    const [next] = await this.store.range<Timer>('timers', { key: DUE, from: '', to: '\uffff', limit: 1 });
    return next ? new Date(next.body.dueAt) : undefined;
  }

  private async fire(doc: TimerDocument): Promise<void> {
    try {
      await this.handler?.(doc.body);
    } catch (error) {
      this.logger.error({ timerId: doc.id, kind: doc.body.kind, err: error instanceof Error ? error.message : String(error) }, 'timer handler failed; it will be retried');
      const retry = { ...doc.body, dueAt: new Date(this.clock.now().getTime() + RETRY_AFTER_MS).toISOString() };
      await this.replaceIfUnchanged(doc, retry);
      return;
    }
    try {
      await this.store.delete('timers', doc.id, doc.etag);
    } catch (error) {
      // Re-scheduled while it fired: the new timer stands.
      if (!(error instanceof StoreConflictError)) throw error;
    }
  }

  private async replaceIfUnchanged(doc: TimerDocument, timer: Timer): Promise<void> {
    try {
      await this.store.replace({ collection: 'timers', id: doc.id, lastModified: this.clock.now().toISOString(), body: timer, keys: { [DUE]: dueKey(timer) } }, doc.etag);
    } catch (error) {
      if (!(error instanceof StoreConflictError)) throw error;
    }
  }

  /** Runs the loop now (or once more after the current run) and re-arms the sleep until the next timer. */
  private wake(): void {
    if (this.stopped) return;
    this.armedFor = undefined;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.loop().finally(() => {
      this.running = undefined;
      if (this.again) {
        this.again = false;
        this.wake();
      }
    });
  }

  private async loop(): Promise<void> {
    this.lastProgress = Date.now();
    try {
      await this.runDue();
      const next = await this.nextDue();
      if (this.stopped) return;
      if (this.sleeper) clearTimeout(this.sleeper);
      const wait = Math.min(next ? Math.max(0, next.getTime() - this.clock.now().getTime()) : MAX_SLEEP_MS, MAX_SLEEP_MS);
      this.armedFor = this.clock.now().getTime() + wait;
      this.sleeper = setTimeout(() => this.wake(), wait);
      this.sleeper.unref();
    } catch (error) {
      this.logger.error({ err: error instanceof Error ? error.message : String(error) }, 'timer loop failed; retrying');
      if (!this.stopped) {
        this.sleeper = setTimeout(() => this.wake(), RETRY_AFTER_MS);
        this.sleeper.unref();
      }
    }
  }
}

function dueKey(timer: Timer): string {
  return `${new Date(timer.dueAt).toISOString()}${SEP}${timer.id}`;
}

import { setImmediate as nextTurn } from 'node:timers/promises';
import { putDocument } from '../../app/conditionalWrite';
import { deadLetterDocument } from '../../app/timerDeadLetters';
import { UnfireableTimerError } from '../../app/timers/timerKinds';
import { sortableDueTime } from '../../domain/dueTime';
import type { Clock } from '../../ports/Clock';
import type { Logger } from '../../ports/Logger';
import type { Scheduler, StoredTimer, Timer } from '../../ports/Scheduler';
import { StoreConflictError, type Store, type StoredDocument } from '../../ports/Store';
import { backoffMs } from '../../domain/backoff';

const DUE = 'due';
const SEP = '\u001f';
/** A failing handler is tried again after 5 s, then twice as long each time, at most 10 minutes apart... */
const FIRST_RETRY_MS = 5_000;
const MAX_RETRY_MS = 10 * 60_000;
/** ...and after this many failed fires in a row (about 40 minutes) it is dead-lettered. */
export const MAX_FIRE_ATTEMPTS = 10;
/**
 * A handler may re-arm its own timer as due while it fires (a reschedule that raced with it). The
 * first few such re-fires run on the next pass; after that each is delayed like a failure, and one
 * that keeps doing it is dead-lettered: a handler can never keep the loop busy with itself.
 */
const FREE_REFIRES = 3;
/** The loop re-reads the table at least this often (a timer of the clock cannot wait longer than ~24.8 days anyway). */
const MAX_SLEEP_MS = 60_000;
const BATCH = 100;
/**
 * The loop is stuck when it has shown no progress (a pass begun or finished, a timer fired) for this
 * long on its clock: an idle loop still begins a pass every MAX_SLEEP_MS, so this is that with room for
 * a slow pass.
 */
export const STUCK_AFTER_MS = 3 * MAX_SLEEP_MS;

/** For readiness: `stopped` before start and after stop; `stuck` when the loop has made no progress for too long. */
export type LoopHealth = 'running' | 'stopped' | 'stuck';

type TimerDocument = StoredDocument<StoredTimer>;

/** How long to wait before the `attempt`-th retry (1-based). */
export function retryDelayMs(attempt: number): number {
  return backoffMs(attempt, FIRST_RETRY_MS, MAX_RETRY_MS);
}

/**
 * The timer index key: the due time in its 24-character ISO form (always a four-digit year, so the
 * keys sort in time order for every time a Date can hold), then the id for a stable order.
 */
export function dueKey(timer: Pick<StoredTimer, 'dueAt' | 'id'>): string {
  return `${sortableDueTime(timer.dueAt)}${SEP}${timer.id}`;
}

const keyTime = (doc: TimerDocument): number => Date.parse(String(doc.keys[DUE]).split(SEP)[0] ?? '');

const reasonOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * The embedded Scheduler: timers are documents in the store (so they survive restarts with the data
 * they protect), indexed by due time; one loop fires what is due, in due order. A timer is removed
 * only after its handler succeeded, with the etag it was read at, so a timer re-scheduled while it
 * fired is kept; a crash in between fires it again (handlers are idempotent). A failing timer is
 * retried with backoff and finally dead-lettered (see timerDeadLetters); one that can never fire (an
 * unknown kind, a payload that does not fit its kind) is dead-lettered at once. The loop yields to the
 * event loop between fires, so requests are served however many timers are due.
 *
 * The loop sleeps on the injected Clock: on the system clock it wakes in real time, on a VirtualClock
 * when the clock is moved past the next due timer (a simulation's `tick` fires timers with no runDue).
 */
export class StoreScheduler implements Scheduler {
  private handler: ((timer: StoredTimer) => Promise<void>) | undefined;
  /** Cancels the clock timer that wakes the loop next. */
  private sleeper: (() => void) | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = true;
  private repaired = false;
  /** When the loop will next look (ms since epoch); a timer due later needs no wake-up. */
  private armedFor: number | undefined;
  /**
   * Clock time (ms) of the loop's last sign of progress: a pass begun or finished, a timer fired. The
   * loop sleeps on the same clock, so "overdue" is measured in the time that wakes it. On a virtual
   * clock that is simulated time: moving the clock past a pass that hangs (a handler that never
   * answers) shows the loop stuck, as real time would; moving it past an idle loop does not, because
   * the wake-ups the move fires begin passes at their own instants, and each pass, once the work the
   * move started has settled, stamps the time it finished.
   */
  private lastProgress = 0;
  /** Timers that re-armed themselves as due while they fired, and how many times in a row. */
  private readonly refires = new Map<string, number>();
  /**
   * The pass in progress: passes run one at a time, so a runDue() and a pass the clock started (moving
   * a virtual clock wakes the loop at once) never fire the same timer side by side.
   */
  private passes: Promise<unknown> = Promise.resolve();
  /** Fires this process ran (runDue answers the difference). */
  private fires = 0;
  /** Timers this process dead-lettered (the store holds the dead letters themselves). */
  deadLettered = 0;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  async schedule(timer: Timer): Promise<void> {
    const body: StoredTimer = { ...timer, dueAt: sortableDueTime(timer.dueAt) };
    // The last schedule of an id wins (a replace), whatever a concurrent one wrote. Most ids are new
    // (one per offer, per assignment): the create is tried first.
    await putDocument(this.store, { collection: 'timers', id: timer.id, lastModified: this.clock.now().toISOString(), body, keys: { [DUE]: dueKey(body) } }, { likelyNew: true });
    if (this.armedFor === undefined || Date.parse(body.dueAt) < this.armedFor) this.wake();
  }

  async cancel(id: string): Promise<void> {
    await this.store.delete('timers', id);
  }

  /**
   * Starts firing due timers through `handler` (the host's composition passes fireTimer). The first
   * pass starts on a later turn of the event loop: starting never waits on a timer.
   */
  start(handler: (timer: StoredTimer) => Promise<void>): void {
    this.handler = handler;
    this.stopped = false;
    this.progress();
    setImmediate(() => this.wake());
  }

  /** Whether the loop runs and is not stuck; `now` is in ms of the scheduler's clock (tests may look ahead with it). */
  health(now = this.clock.now().getTime()): LoopHealth {
    if (this.stopped) return 'stopped';
    return now - this.lastProgress > STUCK_AFTER_MS ? 'stuck' : 'running';
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.sleeper?.();
    this.sleeper = undefined;
    await this.running;
  }

  /**
   * Fires every timer due now, each at most once, and answers how many fires ran while it did: those of
   * its own pass, and those of a pass of the loop in progress when it was called, which it waits for
   * (moving a virtual clock starts one at once). A timer its own handler left due is fired by the next call.
   */
  async runDue(): Promise<number> {
    const before = this.fires;
    await this.onePass(false);
    return this.fires - before;
  }

  /** Runs a pass once the one in progress (if any) has ended. */
  private onePass(endWhenStopped: boolean): Promise<number> {
    const pass = this.passes.then(() => this.pass(endWhenStopped));
    this.passes = pass.catch(() => undefined);
    return pass;
  }

  /** One pass; the loop's own passes end early once the scheduler is stopped, so stopping waits for one fire at most. */
  private async pass(endWhenStopped: boolean): Promise<number> {
    if (!this.handler) throw new Error('StoreScheduler.runDue before start');
    await this.repairKeys();
    const seen = new Set<string>();
    const to = `${sortableDueTime(this.clock.now())}${SEP}\uffff`;
    let from = '';
    let fired = 0;
    for (;;) {
      const due = await this.store.range<StoredTimer>('timers', { key: DUE, from, to, limit: BATCH });
      const fresh = due.filter((doc) => !seen.has(doc.id));
      if (fresh.length === 0) {
        const last = due[due.length - 1];
        if (due.length < BATCH || !last) return fired;
        from = `${String(last.keys[DUE])}\u0000`;
        continue;
      }
      for (const doc of fresh) {
        if (endWhenStopped && this.stopped) return fired;
        seen.add(doc.id);
        await this.fire(doc);
        this.progress();
        this.fires++;
        fired++;
        await nextTurn();
      }
    }
  }

  /** When the next timer is due, if any. */
  async nextDue(): Promise<Date | undefined> {
    const [next] = await this.store.range<StoredTimer>('timers', { key: DUE, from: '', to: '\uffff', limit: 1 });
    return next ? new Date(keyTime(next)) : undefined;
  }

  /**
   * Versions before keys were kept to four-digit years wrote `+011533-…` for a far-future timer,
   * which sorts before every ordinary key and made that timer always due. Such keys (they start with
   * `+` or `-`, below every digit) are rewritten once per process, before the first pass.
   */
  private async repairKeys(): Promise<void> {
    if (this.repaired) return;
    for (;;) {
      const broken = await this.store.range<StoredTimer>('timers', { key: DUE, from: '', to: '0', limit: BATCH });
      for (const doc of broken) {
        this.logger.warn({ timerId: doc.id, dueAt: doc.body.dueAt }, 'timer due outside years 0001-9999; keeping it at the nearest representable time');
        await this.replaceIfUnchanged(doc, { ...doc.body, dueAt: sortableDueTime(doc.body.dueAt) });
      }
      if (broken.length < BATCH) break;
    }
    this.repaired = true;
  }

  private async fire(doc: TimerDocument): Promise<void> {
    let failure: unknown;
    try {
      await this.handler?.(doc.body);
    } catch (error) {
      failure = error ?? new Error('the handler failed');
    }
    if (failure instanceof UnfireableTimerError) {
      // Retrying cannot help a timer that does not fit any handler: keep it for the operator now.
      if (await this.deadLetter(doc, (doc.body.attempts ?? 0) + 1, failure.message)) return;
      return this.checkRefire(doc.id, failure);
    }
    const settled =
      failure === undefined ? await this.deleteIfUnchanged(doc) : await this.retryOrDeadLetter(doc, (doc.body.attempts ?? 0) + 1, `the handler failed: ${reasonOf(failure)}`);
    if (settled) {
      this.refires.delete(doc.id);
      return;
    }
    await this.checkRefire(doc.id, failure);
  }

  /**
   * The timer was rewritten while it fired. A later due time, or a removal, is the handler's (or a
   * concurrent request's) decision and stands; a due one counts as a re-fire.
   */
  private async checkRefire(id: string, failure: unknown): Promise<void> {
    const current = await this.store.get<StoredTimer>('timers', id);
    if (!current || current.keys[DUE] === undefined || keyTime(current) > this.clock.now().getTime()) {
      this.refires.delete(id);
      return;
    }
    const refires = (this.refires.get(id) ?? 0) + 1;
    this.refires.set(id, refires);
    if (refires <= FREE_REFIRES) return;
    const why = failure === undefined ? `it re-armed itself as due ${refires} times in a row` : `it re-armed itself as due and failed ${refires} times in a row: ${reasonOf(failure)}`;
    await this.retryOrDeadLetter(current, refires - FREE_REFIRES, why);
  }

  /** True when this call decided the timer's fate; false when the timer changed meanwhile. */
  private async retryOrDeadLetter(doc: TimerDocument, attempts: number, reason: string): Promise<boolean> {
    if (attempts >= MAX_FIRE_ATTEMPTS) return this.deadLetter(doc, attempts, reason);
    const fields = { timerId: doc.id, kind: doc.body.kind, attempts, reason };
    const dueAt = new Date(this.clock.now().getTime() + retryDelayMs(attempts)).toISOString();
    this.logger.error({ ...fields, retryAt: dueAt }, 'timer failed; it will be retried');
    return this.replaceIfUnchanged(doc, { ...doc.body, attempts, dueAt });
  }

  /** Turns the timer's document into its dead letter, unless the timer changed meanwhile (false then). */
  private async deadLetter(doc: TimerDocument, attempts: number, reason: string): Promise<boolean> {
    const written = await this.write(() => this.store.replace(deadLetterDocument(doc.body, reason, attempts, this.clock.now()), doc.etag));
    if (written) {
      this.deadLettered++;
      this.refires.delete(doc.id);
      this.logger.error({ timerId: doc.id, kind: doc.body.kind, attempts, reason }, 'timer dead-lettered: it is kept, and GET /routing/timers/deadLetters lists it; POST /routing/timers/deadLetters:redrive fires it again');
    }
    return written;
  }

  private deleteIfUnchanged(doc: TimerDocument): Promise<boolean> {
    return this.write(() => this.store.delete('timers', doc.id, doc.etag));
  }

  private replaceIfUnchanged(doc: TimerDocument, timer: StoredTimer): Promise<boolean> {
    return this.write(() => this.store.replace({ collection: 'timers', id: doc.id, lastModified: this.clock.now().toISOString(), body: timer, keys: { [DUE]: dueKey(timer) } }, doc.etag));
  }

  /** Runs an etag-conditional write; false when the timer changed or went meanwhile. */
  private async write(conditional: () => Promise<unknown>): Promise<boolean> {
    try {
      await conditional();
      return true;
    } catch (error) {
      if (error instanceof StoreConflictError) return false;
      throw error;
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
        // A later turn: a pass that scheduled timers must not start the next one on its own stack. (A turn
        // of the event loop, not time: it is no timer of the clock.)
        setImmediate(() => this.wake());
      }
    });
  }

  private async loop(): Promise<void> {
    this.progress();
    try {
      await this.onePass(true);
      const next = await this.nextDue();
      if (this.stopped) return;
      this.progress();
      const wait = Math.min(next ? Math.max(0, next.getTime() - this.clock.now().getTime()) : MAX_SLEEP_MS, MAX_SLEEP_MS);
      this.armedFor = this.clock.now().getTime() + wait;
      this.sleepFor(wait);
    } catch (error) {
      this.logger.error({ err: reasonOf(error) }, 'timer loop failed; retrying');
      if (!this.stopped) this.sleepFor(FIRST_RETRY_MS);
    }
  }

  /** Wakes the loop after `ms` of the clock, replacing the wake-up armed before. */
  private sleepFor(ms: number): void {
    this.sleeper?.();
    this.sleeper = this.clock.setTimer(ms, () => this.wake());
  }

  private progress(): void {
    this.lastProgress = this.clock.now().getTime();
  }
}

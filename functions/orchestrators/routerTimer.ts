import * as df from 'durable-functions';
import type { DurableOrchestrationContext, OrchestrationContext, Task } from 'durable-functions';
import { routerTimerNames, type FireOutcome } from '../../shared/adapters/azure/routerTimerNames';
import type { StoredTimer as Timer } from '../../shared/ports/Scheduler';

/*
 * One durable timer of the router, as one orchestration instance (see docs/adr/0011-durable-timers.md).
 * This code is replayed from history on every step, so it must be deterministic: no I/O, no clock
 * reads (use context.df.currentUtcDateTime), no randomness. The lint block for functions/orchestrators
 * enforces that; the work itself happens in the `fireRouterTimer` activity (functions/timers.ts).
 */

export { routerTimerNames };

/** A failed fire is tried again 5 s later, then backing off (×2, at most 2 minutes apart): about 9 minutes in all. */
const FIRST_RETRY_MS = 5_000;
const BACKOFF = 2;
const MAX_RETRY_INTERVAL_MS = 120_000;
const ATTEMPTS_PER_ROUND = 8;
/**
 * A timer whose handler failed a whole round is not dropped: the instance continues as new and
 * starts another round this much later...
 */
export const NEXT_ROUND_AFTER_MS = 15 * 60_000;
/**
 * ...until it has failed this many rounds (24 attempts, about an hour): then it is recorded as a dead
 * letter in the store, where operators list and re-drive it like the embedded host's.
 */
export const MAX_ROUNDS = 3;

/** What the dead-letter activity is given. */
export interface DeadLetterRequest {
  timer: Timer;
  reason: string;
  attempts: number;
  /** The orchestration's time when it gave up (activities may run later). */
  at: string;
}

function fireRetryOptions(): df.RetryOptions {
  const options = new df.RetryOptions(FIRST_RETRY_MS, ATTEMPTS_PER_ROUND);
  options.backoffCoefficient = BACKOFF;
  options.maxRetryIntervalInMilliseconds = MAX_RETRY_INTERVAL_MS;
  return options;
}

/** How an execution ended: its output, or what it continued as new for. */
export interface RouterTimerOutcome {
  timerId: string;
  outcome: 'fired' | 'cancelled' | 'rescheduled' | 'retrying' | 'deadLettered';
}

type Request = { kind: 'reschedule'; timer: Timer } | { kind: 'cancel' };

/**
 * The reschedule and cancel events of one execution. Exactly one listener per event name is open at
 * a time, and a listener is offered to Task.any only once: the library hands an event to the newest
 * open listener of its name and registers a task again each time it is offered, so more listeners
 * per name would take events out of their arrival order.
 */
class Requests {
  private reschedule: Task;
  private cancel: Task;
  private readonly offered = new Set<Task>();

  constructor(private readonly df: DurableOrchestrationContext) {
    this.reschedule = df.waitForExternalEvent(routerTimerNames.reschedule);
    this.cancel = df.waitForExternalEvent(routerTimerNames.cancel);
  }

  /** The listeners not offered yet: an event reaches a listener only once it has been offered. */
  unoffered(): Task[] {
    const fresh = [this.reschedule, this.cancel].filter((listener) => !this.offered.has(listener));
    for (const listener of fresh) this.offered.add(listener);
    return fresh;
  }

  /**
   * Folds the events that arrived since the last call into `latest`. Events of one name arrive in
   * order, so the newest reschedule wins; when a cancel and a reschedule arrive together their order
   * is unknown and the timer is kept: a spurious fire is harmless (handlers are idempotent), a lost
   * one is not.
   */
  take(latest: Request | undefined): { latest: Request | undefined; took: boolean } {
    const cancelled = this.cancel.isCompleted;
    const rescheduled = this.reschedule.isCompleted ? (this.reschedule.result as Timer) : undefined;
    if (cancelled) this.cancel = this.df.waitForExternalEvent(routerTimerNames.cancel);
    if (rescheduled) this.reschedule = this.df.waitForExternalEvent(routerTimerNames.reschedule);
    if (rescheduled) return { latest: { kind: 'reschedule', timer: rescheduled }, took: true };
    if (cancelled) return { latest: { kind: 'cancel' }, took: true };
    return { latest, took: false };
  }
}

/**
 * Takes every request that has arrived, until a timer due at once fires with nothing new before it.
 * Durable Functions drops the events an execution has not taken when it completes or continues as
 * new, so an instance never decides on the first event of a burst.
 */
function* drain(df: DurableOrchestrationContext, requests: Requests): Generator<Task, Request | undefined, unknown> {
  let taken = requests.take(undefined);
  for (;;) {
    const quiet = df.createTimer(df.currentUtcDateTime);
    const winner: unknown = yield df.Task.any([...requests.unoffered(), quiet]);
    taken = requests.take(taken.latest);
    if (winner === quiet && !taken.took) return taken.latest;
    if (!quiet.isCompleted) quiet.cancel();
  }
}

/** Waits for the timer's due time, fires it through the activity, and follows reschedules and cancels. */
export function* routerTimer(context: OrchestrationContext): Generator<Task, RouterTimerOutcome, unknown> {
  const df = context.df;
  const timer = df.getInput<Timer>();
  const requests = new Requests(df);
  const due = df.createTimer(new Date(timer.dueAt));
  yield df.Task.any([due, ...requests.unoffered()]);
  if (!due.isCompleted) {
    due.cancel();
    const request = yield* drain(df, requests);
    if (request?.kind === 'reschedule') return continueWith(context, timer, request.timer, 'rescheduled');
    return { timerId: timer.id, outcome: 'cancelled' };
  }

  let failure: unknown;
  let outcome: FireOutcome;
  try {
    outcome = (yield df.callActivityWithRetry(routerTimerNames.activity, fireRetryOptions(), timer)) as FireOutcome;
  } catch (error) {
    failure = error;
  }
  if (outcome?.unfireable !== undefined) return yield* giveUp(context, requests, timer, outcome.unfireable, (timer.attempts ?? 0) + 1);
  // A handler may re-arm its own timer while it fires (a close that is not due yet): that one stands.
  const request = yield* drain(df, requests);
  if (request?.kind === 'reschedule') return continueWith(context, timer, request.timer, 'rescheduled');
  if (failure === undefined) return { timerId: timer.id, outcome: 'fired' };
  if (request?.kind === 'cancel') {
    logFailure(context, timer, failure, 'it was cancelled meanwhile');
    return { timerId: timer.id, outcome: 'cancelled' };
  }
  const attempts = (timer.attempts ?? 0) + ATTEMPTS_PER_ROUND;
  const nextRound = { ...timer, attempts, dueAt: new Date(df.currentUtcDateTime.getTime() + NEXT_ROUND_AFTER_MS).toISOString() };
  if (attempts < MAX_ROUNDS * ATTEMPTS_PER_ROUND) {
    logFailure(context, timer, failure, `trying again at ${nextRound.dueAt}`);
    return continueWith(context, timer, nextRound, 'retrying');
  }
  return yield* giveUp(context, requests, timer, `the handler failed: ${reasonOf(failure).split('\n')[0] ?? ''}`, attempts, reasonOf(failure));
}

/**
 * Records the timer as a dead letter in the store, unless a reschedule arrives meanwhile. When the store
 * is unavailable too, the timer is kept rather than lost: the whole way is tried again a round later.
 */
function* giveUp(context: OrchestrationContext, requests: Requests, timer: Timer, reason: string, attempts: number, lastError = reason): Generator<Task, RouterTimerOutcome, unknown> {
  const df = context.df;
  const deadLetter: DeadLetterRequest = { timer, reason, attempts, at: df.currentUtcDateTime.toISOString() };
  let recorded = true;
  try {
    yield df.callActivityWithRetry(routerTimerNames.deadLetter, fireRetryOptions(), deadLetter);
  } catch {
    recorded = false;
  }
  const later = yield* drain(df, requests);
  if (later?.kind === 'reschedule') return continueWith(context, timer, later.timer, 'rescheduled');
  if (!recorded) {
    const dueAt = new Date(df.currentUtcDateTime.getTime() + NEXT_ROUND_AFTER_MS).toISOString();
    context.error(`timer ${timer.id} (${timer.kind}) could not be dead-lettered; trying again at ${dueAt}. Last error: ${lastError}`);
    return continueWith(context, timer, { ...timer, dueAt }, 'retrying');
  }
  context.error(`timer ${timer.id} (${timer.kind}) is dead-lettered after ${attempts} attempts in all (GET /routing/timers/deadLetters). Last error: ${lastError}`);
  return { timerId: timer.id, outcome: 'deadLettered' };
}

const reasonOf = (failure: unknown): string => (failure instanceof Error ? failure.message : String(failure));

function continueWith(context: OrchestrationContext, timer: Timer, next: Timer, outcome: RouterTimerOutcome['outcome']): RouterTimerOutcome {
  context.df.continueAsNew(next);
  return { timerId: timer.id, outcome };
}

/** Logged by the episode that decides (always the execution's last one, so replays never repeat it). */
function logFailure(context: OrchestrationContext, timer: Timer, failure: unknown, then: string): void {
  context.error(`timer ${timer.id} (${timer.kind}) failed ${ATTEMPTS_PER_ROUND} attempts; ${then}. Last error: ${reasonOf(failure)}`);
}

/**
 * Durable timers. A timer is named by a deterministic id (`offerExpiry:<offerId>`), so scheduling the
 * same thing twice replaces it and cancelling needs no lookup. A timer fires at or after `dueAt`
 * (late after a restart, never lost); its handler must be idempotent, because a crash after the
 * handler ran but before the timer was removed fires it again.
 *
 * The kinds of timer, their ids, payloads and handlers are one registry (shared/app/timers/timerKinds.ts
 * and fireTimer.ts). This port only carries them: schedulers store and hand back what they were given.
 */
export interface StoredTimer {
  id: string;
  /** A kind of the registry; a stored timer of an unknown kind (written by another version) is dead-lettered when it fires. */
  kind: string;
  /** ISO-8601 instant. */
  dueAt: string;
  /** Ids the handler needs (jobId, workerId, offerId, assignmentId), checked against the kind's schema when it fires. */
  payload: Readonly<Record<string, string>>;
  /** Fires of this timer that failed in a row: the scheduler's own count, which callers leave out. */
  attempts?: number;
}

declare const builtByRegistry: unique symbol;

/**
 * A timer as the registry builds it (`timerFor(kind, payload, dueAt)`): the brand means a hand-made
 * object with a payload that does not fit its kind cannot be scheduled, it does not compile.
 */
export type Timer = StoredTimer & { readonly [builtByRegistry]: true };

export interface Scheduler {
  /** Creates or replaces the timer with this id. Durable when the promise resolves. */
  schedule(timer: Timer): Promise<void>;
  /** Removes the timer if it has not fired; unknown ids are ignored. */
  cancel(id: string): Promise<void>;
}

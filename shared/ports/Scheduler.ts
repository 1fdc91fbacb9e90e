/**
 * Durable timers. A timer is named by a deterministic id (`offerExpiry:<offerId>`), so scheduling the
 * same thing twice replaces it and cancelling needs no lookup. A timer fires at or after `dueAt`
 * (late after a restart, never lost); its handler must be idempotent, because a crash after the
 * handler ran but before the timer was removed fires it again.
 */
export type TimerKind =
  | 'offerExpiry'
  | 'settleAssignment'
  | 'retryOffer'
  /** Classify a job (`classify:<jobId>`): a safety net armed before the write that asks for it, moved to now after. */
  | 'classifyJob'
  /** Mark a job's worker selectors expired at their `expiresAt` (`selectorExpiry:<jobId>`, the earliest one). */
  | 'expireWorkerSelectors'
  /** Evaluate one exception rule for a job (`exception:<jobId>:<exceptionPolicyId>:<ruleId>`). */
  | 'exceptionTrigger'
  /** A scheduled job's `scheduleAt` (`activate:<jobId>`). */
  | 'activateScheduledJob';

export interface Timer {
  id: string;
  kind: TimerKind;
  /** ISO-8601 instant. */
  dueAt: string;
  /** Ids the handler needs (jobId, workerId, offerId, assignmentId). */
  payload: Readonly<Record<string, string>>;
  /** Fires of this timer that failed in a row: the scheduler's own count, which callers leave out. */
  attempts?: number;
}

export interface Scheduler {
  /** Creates or replaces the timer with this id. Durable when the promise resolves. */
  schedule(timer: Timer): Promise<void>;
  /** Removes the timer if it has not fired; unknown ids are ignored. */
  cancel(id: string): Promise<void>;
}

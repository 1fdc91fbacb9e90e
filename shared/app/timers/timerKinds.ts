import { z } from 'zod';
import { sortableDueTime } from '../../domain/dueTime';
import type { StoredTimer, Timer } from '../../ports/Scheduler';

/*
 * The registry of timer kinds: for each kind, the schema of its payload (and so its type) and how its
 * id is made from the payload. Scheduling goes through `timerFor`, which only takes a payload that fits
 * the kind; firing goes through `parseTimer`, which checks a stored timer against the same schema
 * before its handler (fireTimer.ts, one per kind, checked complete by the compiler) runs. The handlers
 * live beside the use cases they call rather than here, because those use cases schedule timers
 * through this file: kinds and ids here, handlers there, and no import cycle between them.
 */

const id = z.string().min(1);

interface TimerKindDefinition<Payload, Key> {
  payload: z.ZodType<Payload>;
  /** The deterministic timer id: scheduling twice replaces, cancelling needs only the key fields. */
  id: (key: Key) => string;
}

/** `Payload extends Key`: an id is made from fields the payload has, so a built timer's id is its payload's. */
const kind = <Payload extends Key, Key>(payload: z.ZodType<Payload>, timerId: (key: Key) => string): TimerKindDefinition<Payload, Key> => ({ payload, id: timerId });

export const timerKinds = {
  /** An offer's `expiresAt`: the offer expires unless accepted or declined before. */
  offerExpiry: kind(z.object({ offerId: id, jobId: id, workerId: id }), (key: { offerId: string }) => `offerExpiry:${key.offerId}`),
  /** The worker's side of an assignment follows the job (a close at `closeAt`, capacity released). */
  settleAssignment: kind(z.object({ jobId: id, assignmentId: id, workerId: id }), (key: { jobId: string; assignmentId: string }) => `settle:${key.jobId}:${key.assignmentId}`),
  /** A declined offer's `retryOfferAt`: the job may be offered to that worker again. */
  retryOffer: kind(z.object({ jobId: id, workerId: id }), (key: { jobId: string; workerId: string }) => `retryOffer:${key.jobId}:${key.workerId}`),
  /** Classify a job: a safety net armed before the write that asks for it, moved to now after (classificationTimer.ts). */
  classifyJob: kind(z.object({ jobId: id }), (key: { jobId: string }) => `classify:${key.jobId}`),
  /** Mark a job's worker selectors expired at their `expiresAt` (the earliest one). */
  expireWorkerSelectors: kind(z.object({ jobId: id }), (key: { jobId: string }) => `selectorExpiry:${key.jobId}`),
  /** Evaluate one exception rule for a job. */
  exceptionTrigger: kind(
    z.object({ jobId: id, queueId: id, exceptionPolicyId: id, ruleId: id }),
    (key: { jobId: string; exceptionPolicyId: string; ruleId: string }) => `exception:${key.jobId}:${key.exceptionPolicyId}:${key.ruleId}`,
  ),
  /** A scheduled job's `scheduleAt`. */
  activateScheduledJob: kind(z.object({ jobId: id }), (key: { jobId: string }) => `activate:${key.jobId}`),
};

export type TimerKind = keyof typeof timerKinds;
export type TimerPayload<K extends TimerKind> = z.infer<(typeof timerKinds)[K]['payload']>;
type TimerKey<K extends TimerKind> = Parameters<(typeof timerKinds)[K]['id']>[0];

/** The id of the timer of `kind` for `key` (cancel with it). */
export function timerId<K extends TimerKind>(kind: K, key: TimerKey<K>): string {
  return (timerKinds[kind].id as (key: TimerKey<K>) => string)(key);
}

/** The timer of `kind` for `payload`, due at `dueAt` (kept within the representable years, see dueTime). */
export function timerFor<K extends TimerKind>(kind: K, payload: TimerPayload<K>, dueAt: string | number | Date): Timer {
  // A copy with only string fields: callers pass their own objects (an AssignmentRef) that may carry more.
  const stored: StoredTimer = { id: timerId(kind, payload as TimerKey<K>), kind, dueAt: sortableDueTime(dueAt), payload: { ...(payload as Record<string, string>) } };
  return stored as Timer;
}

/**
 * A stored timer that can never fire: its kind is not in the registry (written by another version) or
 * its payload does not fit its kind (a damaged document). Schedulers dead-letter it at once with this
 * message as the reason, rather than retrying what cannot succeed.
 */
export class UnfireableTimerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnfireableTimerError';
  }
}

export type ParsedTimer = { [K in TimerKind]: { kind: K; payload: TimerPayload<K> } }[TimerKind];

const isKind = (kind: string): kind is TimerKind => Object.prototype.hasOwnProperty.call(timerKinds, kind);

/** The kind and checked payload of a stored timer; throws UnfireableTimerError when it has none. */
export function parseTimer(timer: StoredTimer): ParsedTimer {
  const kind: unknown = timer.kind;
  if (typeof kind !== 'string' || !isKind(kind)) {
    throw new UnfireableTimerError(`timer ${timer.id} is of kind ${JSON.stringify(kind)}, which this version of the router does not know`);
  }
  const parsed = timerKinds[kind].payload.safeParse(timer.payload);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'payload'}: ${issue.message}`).join('; ');
    throw new UnfireableTimerError(`timer ${timer.id} has a payload that does not fit kind ${kind} (${problems})`);
  }
  return { kind, payload: parsed.data } as ParsedTimer;
}

/**
 * A stored timer scheduled again as it is (an operator's re-drive of a dead letter). It is not checked
 * here: whatever it holds is checked when it fires, and one that cannot fire is dead-lettered again.
 */
export const storedTimerAgain = (timer: StoredTimer): Timer => timer as Timer;

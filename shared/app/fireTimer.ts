import { isMatchable } from '../domain/routing/routingKeys';
import type { RouterPorts } from '../ports/RouterPorts';
import type { StoredTimer } from '../ports/Scheduler';
import { activateScheduledJob } from './activateScheduledJob';
import { classifyJob } from './classifyJob';
import { expireOffer } from './expireOffer';
import { expireWorkerSelectors } from './expireWorkerSelectors';
import { readJob } from './routingDocuments';
import { settleAssignment } from './settleAssignment';
import { parseTimer, type TimerKind, type TimerPayload } from './timers/timerKinds';
import { triggerException } from './triggerException';

type TimerHandlers = { readonly [K in TimerKind]: (ports: RouterPorts, payload: TimerPayload<K>) => Promise<void> };

/**
 * What a due timer does, per kind of the registry (timers/timerKinds.ts): a kind without a handler does
 * not compile. Every handler is idempotent: a timer may fire twice after a crash.
 */
const handlers: TimerHandlers = {
  offerExpiry: (ports, payload) => expireOffer(ports, payload),
  settleAssignment: (ports, payload) => settleAssignment(ports, payload),
  retryOffer: async (ports, { jobId }) => {
    const job = await readJob(ports, jobId);
    if (job && isMatchable(job.body) && job.body.queueId) await ports.matchQueue.enqueue([{ queueId: job.body.queueId, jobId: job.body.id }]);
  },
  classifyJob: (ports, { jobId }) => classifyJob(ports, jobId),
  expireWorkerSelectors: (ports, { jobId }) => expireWorkerSelectors(ports, jobId),
  exceptionTrigger: (ports, payload) => triggerException(ports, payload),
  activateScheduledJob: (ports, { jobId }) => activateScheduledJob(ports, jobId),
};

/**
 * Fires a stored timer: its payload is checked against its kind first, and a timer that can never fire
 * (unknown kind, payload that does not fit) rejects with UnfireableTimerError, which schedulers
 * dead-letter at once instead of retrying.
 */
export async function fireTimer(ports: RouterPorts, timer: StoredTimer): Promise<void> {
  const parsed = parseTimer(timer);
  const handler = handlers[parsed.kind] as (ports: RouterPorts, payload: TimerPayload<TimerKind>) => Promise<void>;
  await handler(ports, parsed.payload);
}

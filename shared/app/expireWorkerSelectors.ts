import { isTerminal } from '../domain/resources';
import { instantAfter } from '../domain/dueTime';
import { parseInstant } from '../domain/wireTime';
import { jobEvents } from '../domain/routing/routerEvents';
import { isMatchable } from '../domain/routing/routingKeys';
import { expireDueSelectors } from '../domain/routing/selectors';
import type { StoredWorkerSelector } from '../domain/resources/job';
import type { RouterPorts } from '../ports/RouterPorts';
import { mutateDocument } from './mutateDocument';
import { jobs, readJob } from './routingDocuments';
import { timerFor, timerId } from './timers/timerKinds';

export const selectorExpiryTimerId = (jobId: string) => timerId('expireWorkerSelectors', { jobId });

/** A selector as stored, or one about to be stored (only `expiresAfterSeconds` known yet). */
type ExpiringSelector = Partial<Pick<StoredWorkerSelector, 'status' | 'expiresAt' | 'expiresAfterSeconds'>>;

/**
 * Arms the job's one selector-expiry timer for the earliest selector that expires after `after`
 * (selectors given only `expiresAfterSeconds` expire that long after `after`). Rescheduling the same id
 * replaces the timer, so a job has one expiry timer whatever its number of expiring selectors.
 */
export async function armSelectorExpiry(ports: RouterPorts, jobId: string, selectors: readonly ExpiringSelector[], after: Date): Promise<void> {
  const times = selectors
    .filter((s) => s.status !== 'expired')
    .map((s) => (s.expiresAt !== undefined ? parseInstant(s.expiresAt) : s.expiresAfterSeconds !== undefined ? instantAfter(after, s.expiresAfterSeconds).getTime() : undefined))
    .filter((t): t is number => t !== undefined && t > after.getTime());
  if (times.length === 0) return;
  // Documents written before durations were bounded can hold an expiry past year 9999: the timer is
  // then kept at the latest representable instant, where it sorts after every other one.
  await ports.scheduler.schedule(timerFor('expireWorkerSelectors', { jobId }, Math.min(...times)));
}

/**
 * At a selector's `expiresAt` (docs/behaviour.md#selector-expiry): the job's due selectors are marked expired (its index
 * keys follow: an expedite ends), RouterJobWorkerSelectorsExpired is published and the job is matched
 * again, now that fewer workers are excluded. The timer for the next expiry is armed before the write.
 */
export async function expireWorkerSelectors(ports: RouterPorts, jobId: string): Promise<void> {
  const readDocument = await readJob(ports, jobId);
  const read = readDocument?.body;
  if (!read || isTerminal(read.status)) return;
  await armSelectorExpiry(ports, jobId, [...read.requestedWorkerSelectors, ...read.attachedWorkerSelectors], ports.clock.now());
  let requested: StoredWorkerSelector[] = [];
  let attached: StoredWorkerSelector[] = [];
  const result = await mutateDocument(ports, jobs, jobId, (job, now) => {
    if (isTerminal(job.status)) return false;
    requested = expireDueSelectors(job.requestedWorkerSelectors, now);
    attached = expireDueSelectors(job.attachedWorkerSelectors, now);
    return requested.length + attached.length > 0;
  }, (job, context) => [jobEvents.workerSelectorsExpired(context, job, requested, attached)], readDocument);
  if (!result?.changed) return;
  const job = result.document.body;
  if (isMatchable(job) && job.queueId) await ports.matchQueue.enqueue([{ queueId: job.queueId, jobId }]);
}

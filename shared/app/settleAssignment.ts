import { applyClose, assignmentHoldsCapacity } from '../domain/routing/jobLifecycle';
import { jobEvents } from '../domain/routing/routerEvents';
import { jobRouting, type EngineJob } from '../domain/routing/routingState';
import { releaseAssignment } from '../domain/routing/workerHoldings';
import { parseInstant } from '../domain/wireTime';
import type { RouterPorts } from '../ports/RouterPorts';
import type { Timer } from '../ports/Scheduler';
import { mutateDocument } from './mutateDocument';
import { jobs, matchWorker, workers } from './routingDocuments';
import { timerFor, timerId } from './timers/timerKinds';

export interface AssignmentRef {
  jobId: string;
  assignmentId: string;
  workerId: string;
}

export const settleTimerId = (jobId: string, assignmentId: string) => timerId('settleAssignment', { jobId, assignmentId });

/** The durable reminder, written before the job changes, that the worker's side must follow. */
export function settleTimer(ref: AssignmentRef, dueAt: Date): Timer {
  return timerFor('settleAssignment', ref, dueAt);
}

/**
 * How long the reminder of a change made now waits. The request settles the worker's side itself right
 * after its job write; the timer is for a request that stopped before that (a crash). Due at once, it
 * fired while the request was still writing the job, found the capacity rightly held, and was spent:
 * a crash after the job write then left the capacity held for good.
 */
export const SETTLE_SAFETY_NET_MS = 10_000;

/** The reminder for a change of the job made now (see SETTLE_SAFETY_NET_MS). */
export const settleReminder = (ref: AssignmentRef, now: Date): Timer => settleTimer(ref, new Date(now.getTime() + SETTLE_SAFETY_NET_MS));

/** A close of this assignment is pending on the job and its time has come. */
function closeDue(job: EngineJob, ref: AssignmentRef, now: Date): boolean {
  const pending = jobRouting(job).pendingClose;
  return pending !== undefined && pending.assignmentId === ref.assignmentId && parseInstant(pending.closeAt) <= now.getTime();
}

/**
 * Brings the worker's side of an assignment in line with the job: a close that is due (`closeAt`)
 * is applied, and capacity the job no longer justifies (closed, cancelled, unassigned, deleted) is
 * released. Idempotent: the timer handler, and the tail of every use case that ends an assignment.
 * A use case that has just written the job passes it as `written`: unless a close is due on it, the
 * job needs no write here, so it is not read again (what the job says about this assignment can
 * only move on to closed or deleted meanwhile, and both release the capacity as well).
 */
export async function settleAssignment(ports: RouterPorts, ref: AssignmentRef, written?: EngineJob): Promise<void> {
  const job =
    written && !closeDue(written, ref, ports.clock.now())
      ? written
      : (
          await mutateDocument(ports, jobs, ref.jobId, (draft, now) => {
            const pending = jobRouting(draft).pendingClose;
            if (!pending || !closeDue(draft, ref, now)) return false;
            applyClose(draft, ref.assignmentId, pending, new Date(parseInstant(pending.closeAt)));
            return true;
          }, (closed, context) => [jobEvents.closed(context, closed, ref.assignmentId, ref.workerId)])
        )?.document.body;
  // A close that is not due yet keeps (or gets back) its timer for closeAt; an assignment the job still
  // has keeps its capacity.
  if (await rearmPendingClose(ports, job, ref)) return;
  if (!assignmentHoldsCapacity(job, ref.assignmentId)) await release(ports, ref);
  await ports.scheduler.cancel(settleTimerId(ref.jobId, ref.assignmentId));
}

/** When the job has a close of this assignment pending, its timer is (re)set for closeAt; true then. */
async function rearmPendingClose(ports: RouterPorts, job: EngineJob | undefined, ref: AssignmentRef): Promise<boolean> {
  const pending = job ? jobRouting(job).pendingClose : undefined;
  if (pending?.assignmentId !== ref.assignmentId) return false;
  await ports.scheduler.schedule(settleTimer(ref, new Date(parseInstant(pending.closeAt))));
  return true;
}

async function release(ports: RouterPorts, ref: AssignmentRef): Promise<void> {
  const released = await mutateDocument(ports, workers, ref.workerId, (worker, now) => releaseAssignment(worker, ref.assignmentId, now));
  if (released?.changed) await matchWorker(ports, released.document.body);
}

/**
 * Runs a job change that scheduled the assignment's settle timer first (for crash safety). If the
 * change is refused, the timer it replaced may have belonged to a pending close: put that one back.
 */
export async function rearmOnRefusal<T>(ports: RouterPorts, ref: AssignmentRef, change: () => Promise<T>): Promise<T> {
  try {
    return await change();
  } catch (error) {
    await rearmPendingClose(ports, (await ports.store.get<EngineJob>('jobs', ref.jobId))?.body, ref);
    throw error;
  }
}

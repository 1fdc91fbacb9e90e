import type { CloseJobOptions } from '../domain/model';
import { applyClose, requireStatus } from '../domain/routing/jobLifecycle';
import { jobEvents } from '../domain/routing/routerEvents';
import { jobRouting, type EngineJob } from '../domain/routing/routingState';
import { toWireTime } from '../domain/wireTime';
import type { RouterPorts } from '../ports/RouterPorts';
import { AppError } from './AppError';
import { noAssignment } from './completeJob';
import { modifyResource } from './modifyResource';
import { jobs, readJob } from './routingDocuments';
import { rearmOnRefusal, settleAssignment, settleReminder, settleTimer } from './settleAssignment';

/**
 * An accepted close with a future `closeAt` settles the job's fate: it will be `closed`, with
 * RouterJobClosed and the capacity released at closeAt. Nothing may take that back in the meantime
 * (a second close, cancel, unassign): each is a 409 that changes nothing.
 */
export function refuseWhileClosing(job: EngineJob, jobId: string, action: string): void {
  const pending = jobRouting(job).pendingClose;
  if (pending) throw new AppError('conflict', `The job '${jobId}' is already being closed at ${pending.closeAt} (that close was accepted); it cannot be ${action} now.`);
}

function refuseClose(job: EngineJob, jobId: string): void {
  refuseWhileClosing(job, jobId, 'closed again');
  const problem = requireStatus(job, ['assigned', 'completed'], 'closing');
  if (problem) throw new AppError('conflict', problem);
}

/**
 * `:close`. Without `closeAt` (or with one that has passed) the job closes now and the worker's
 * capacity is released; with a future `closeAt` both happen at that time, by a durable timer that
 * survives restarts. The timer is written before the job, so a crash never strands the capacity.
 * A job may be closed from `assigned` (skipping wrap-up) or `completed`.
 */
export async function closeJob(ports: RouterPorts, jobId: string, assignmentId: string, options: CloseJobOptions): Promise<void> {
  const existing = await readJob(ports, jobId);
  if (!existing) throw new AppError('notFound', `The job '${jobId}' was not found.`);
  const assignment = existing.body.assignments[assignmentId];
  if (!assignment) throw noAssignment(jobId, assignmentId);
  // Refused requests must not touch the timer of a close already pending (same timer id).
  refuseClose(existing.body, jobId);
  const closeAt = options.closeAt ? new Date(options.closeAt) : undefined;
  const later = closeAt !== undefined && closeAt.getTime() > ports.clock.now().getTime();
  const ref = { jobId, assignmentId, workerId: assignment.workerId ?? '' };
  await ports.scheduler.schedule(later && closeAt ? settleTimer(ref, closeAt) : settleReminder(ref, ports.clock.now()));

  const written = await rearmOnRefusal(ports, ref, () => modifyResource(ports, jobs, jobId, (job, now) => {
    if (!job.assignments[assignmentId]) throw noAssignment(jobId, assignmentId);
    refuseClose(job, jobId);
    if (later && closeAt) {
      jobRouting(job).pendingClose = { assignmentId, closeAt: toWireTime(closeAt), dispositionCode: options.dispositionCode, note: options.note };
    } else {
      applyClose(job, assignmentId, options, now);
    }
  }, (job, context) => (later ? [] : [jobEvents.closed(context, job, assignmentId, ref.workerId)]), existing));
  await settleAssignment(ports, ref, written.body);
}

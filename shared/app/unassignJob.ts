import { z } from 'zod';
import type { UnassignJobOptions } from '../domain/model';
import { MAX_UNASSIGNMENTS, requireStatus } from '../domain/routing/jobLifecycle';
import { jobEvents } from '../domain/routing/routerEvents';
import { jobRouting, type EngineJob } from '../domain/routing/routingState';
import type { RouterPorts } from '../ports/RouterPorts';
import { AppError } from './AppError';
import { refuseWhileClosing } from './closeJob';
import { noAssignment } from './completeJob';
import { modifyResource } from './modifyResource';
import { jobs, readJob } from './routingDocuments';
import { rearmOnRefusal, settleAssignment, settleReminder } from './settleAssignment';
import { armExceptionTimers, checkQueueLength } from './triggerException';

/** The answer to an unassign (the OpenAPI document shows this schema; the type follows from it). */
export const unassignJobResultSchema = z.object({ jobId: z.string(), unassignmentCount: z.number().int() });
export type UnassignJobResult = z.infer<typeof unassignJobResultSchema>;

function refuseUnassign(job: EngineJob, jobId: string): void {
  refuseWhileClosing(job, jobId, 'unassigned');
  const problem = requireStatus(job, ['assigned', 'completed'], 'unassigning');
  if (problem) throw new AppError('conflict', problem);
  if (jobRouting(job).unassignmentCount >= MAX_UNASSIGNMENTS) {
    throw new AppError('conflict', `The job '${jobId}' was already unassigned ${MAX_UNASSIGNMENTS} times, the most allowed; cancel it or close the assignment instead.`);
  }
}

/**
 * `:unassign`: the worker's assignment ends (capacity released) and the job is queued again in its
 * place in the queue; with `suspendMatching` it is parked instead (`waitingForActivation`, matching
 * mode `suspend`) until a PATCH sets `queueAndMatch`. At most three times per job.
 */
export async function unassignJob(ports: RouterPorts, jobId: string, assignmentId: string, options: UnassignJobOptions): Promise<UnassignJobResult> {
  const existing = await readJob(ports, jobId);
  if (!existing) throw new AppError('notFound', `The job '${jobId}' was not found.`);
  const assignment = existing.body.assignments[assignmentId];
  if (!assignment) throw noAssignment(jobId, assignmentId);
  const ref = { jobId, assignmentId, workerId: assignment.workerId ?? '' };
  // Refused requests must not touch the timer of a close already pending (same timer id).
  refuseUnassign(existing.body, jobId);
  await ports.scheduler.schedule(settleReminder(ref, ports.clock.now()));
  // Back in its queue, the job waits again: its queue's exception rules are armed before the write.
  const requeued = !options.suspendMatching && existing.body.queueId;
  const queueLengthChecks = requeued ? await armExceptionTimers(ports, jobId, existing.body.queueId ?? '') : [];

  const document = await rearmOnRefusal(ports, ref, () => modifyResource(ports, jobs, jobId, (job) => {
    if (!job.assignments[assignmentId]) throw noAssignment(jobId, assignmentId);
    refuseUnassign(job, jobId);
    const routing = jobRouting(job);
    delete job.assignments[assignmentId];
    routing.unassignmentCount += 1;
    delete routing.acceptedOfferId;
    delete routing.assignedAt;
    if (options.suspendMatching) {
      job.status = 'waitingForActivation';
      job.matchingMode = { kind: 'suspend' };
    } else {
      job.status = 'queued';
    }
  }, (job, context) => [jobEvents.unassigned(context, job, assignmentId, ref.workerId), ...(job.status === 'queued' ? [jobEvents.queued(context, job)] : [])], existing));
  await settleAssignment(ports, ref, document.body);
  const job = document.body;
  if (job.status === 'queued') await checkQueueLength(ports, queueLengthChecks);
  if (job.status === 'queued' && job.queueId) await ports.matchQueue.enqueue([{ queueId: job.queueId, jobId }]);
  return { jobId, unassignmentCount: jobRouting(job).unassignmentCount };
}

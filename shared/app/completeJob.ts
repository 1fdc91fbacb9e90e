import type { CompleteJobOptions } from '../domain/model';
import { addNote, requireStatus } from '../domain/routing/jobLifecycle';
import { jobEvents } from '../domain/routing/routerEvents';
import { toWireTime } from '../domain/wireTime';
import type { RouterPorts } from '../ports/RouterPorts';
import { AppError } from './AppError';
import { modifyResource } from './modifyResource';
import { jobs } from './routingDocuments';

export function noAssignment(jobId: string, assignmentId: string): AppError {
  return new AppError('notFound', `The job '${jobId}' has no assignment '${assignmentId}'. Use the assignmentId returned when the offer was accepted.`);
}

/** `:complete`: assigned → completed ("enters wrap-up"); the worker keeps the capacity until close. */
export async function completeJob(ports: RouterPorts, jobId: string, assignmentId: string, options: CompleteJobOptions): Promise<void> {
  await modifyResource(ports, jobs, jobId, (job, now) => {
    const assignment = job.assignments[assignmentId];
    if (!assignment) throw noAssignment(jobId, assignmentId);
    if (assignment.completedAt) throw new AppError('conflict', `The assignment '${assignmentId}' of job '${jobId}' was already completed.`);
    const problem = requireStatus(job, ['assigned'], 'completing');
    if (problem) throw new AppError('conflict', problem);
    job.status = 'completed';
    assignment.completedAt = toWireTime(now);
    addNote(job, options.note, now);
  }, (job, context) => [jobEvents.completed(context, job, assignmentId, job.assignments[assignmentId]?.workerId)]);
}

import type { RouterJob } from '../resources/job';
import type { JobStatus } from '../resources/jobStatus';
import { toWireTime } from '../wireTime';
import { jobRouting, type EngineJob } from './routingState';

/** The most times a job can be unassigned (docs/behaviour.md#unassign). */
export const MAX_UNASSIGNMENTS = 3;

/** The disposition a closed job gets when the caller gives none (docs/behaviour.md#close). */
export const DEFAULT_CLOSE_DISPOSITION = 'Closed';

export function addNote(job: RouterJob, message: string | undefined, at: Date): void {
  if (message) job.notes.push({ message, addedAt: toWireTime(at) });
}

export function requireStatus(job: RouterJob, allowed: readonly JobStatus[], action: string): string | undefined {
  if (allowed.includes(job.status)) return undefined;
  return `The job '${job.id}' is ${job.status}; ${action} needs a job that is ${allowed.join(' or ')}.`;
}

export interface CloseDetails {
  dispositionCode?: string;
  note?: string;
}

/** Closes the job's assignment at `at` (capacity is released by the caller, on the worker). */
export function applyClose(job: EngineJob, assignmentId: string, details: CloseDetails, at: Date): void {
  const assignment = job.assignments[assignmentId];
  if (assignment) assignment.closedAt = toWireTime(at);
  job.status = 'closed';
  job.dispositionCode = details.dispositionCode ?? job.dispositionCode ?? DEFAULT_CLOSE_DISPOSITION;
  addNote(job, details.note, at);
  const routing = jobRouting(job);
  delete routing.pendingClose;
}

/** Whether the worker named on this assignment should still hold its capacity. */
export function assignmentHoldsCapacity(job: EngineJob | undefined, assignmentId: string): boolean {
  if (!job?.assignments[assignmentId]) return false;
  return job.status === 'assigned' || job.status === 'completed';
}

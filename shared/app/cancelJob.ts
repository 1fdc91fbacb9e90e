import type { CancelJobOptions } from '../domain/model';
import { addNote } from '../domain/routing/jobLifecycle';
import { jobEvents } from '../domain/routing/routerEvents';
import { jobRouting, type EngineJob, type JobOfferRecord } from '../domain/routing/routingState';
import { isTerminal } from '../domain/resources';
import type { RouterPorts } from '../ports/RouterPorts';
import { AppError } from './AppError';
import { refuseWhileClosing } from './closeJob';
import { modifyResource } from './modifyResource';
import { revokeFromWorkers } from './offerEnds';
import { jobs, readJob } from './routingDocuments';
import { settleAssignment, settleReminder, type AssignmentRef } from './settleAssignment';

/** Assignments whose worker still holds capacity for the job (at most one, the current one). */
export function openAssignments(job: EngineJob): AssignmentRef[] {
  return Object.values(job.assignments)
    .filter((a) => !a.closedAt && (job.status === 'assigned' || job.status === 'completed'))
    .map((a) => ({ jobId: job.id, assignmentId: a.assignmentId, workerId: a.workerId ?? '' }));
}

/** Ends what a job that stops (cancelled, deleted) holds on workers: offers revoked, capacity released. */
export async function releaseJobHoldings(ports: RouterPorts, job: EngineJob, offers: readonly JobOfferRecord[], assignments: readonly AssignmentRef[], written?: EngineJob): Promise<void> {
  await revokeFromWorkers(ports, job, offers);
  for (const ref of assignments) await settleAssignment(ports, ref, written);
}

/** `:cancel`: any job that is not closed, cancelled or being closed (a close at a future `closeAt`) ends as `cancelled` (docs/behaviour.md#cancel). */
export async function cancelJob(ports: RouterPorts, jobId: string, options: CancelJobOptions): Promise<void> {
  const existing = await readJob(ports, jobId);
  if (!existing) throw new AppError('notFound', `The job '${jobId}' was not found.`);
  // Before the settle timer below would replace the one of the pending close.
  refuseWhileClosing(existing.body, jobId, 'cancelled');
  const assignments = openAssignments(existing.body);
  for (const ref of assignments) await ports.scheduler.schedule(settleReminder(ref, ports.clock.now()));
  let offers: JobOfferRecord[] = [];
  let held: AssignmentRef[] = [];
  const document = await modifyResource(ports, jobs, jobId, (job, now) => {
    if (isTerminal(job.status)) {
      throw new AppError('conflict', `The job '${jobId}' is ${job.status}; only a job that is not closed or cancelled can be cancelled.`);
    }
    // A close accepted since the first read wins; its settle timer, moved to now above, finds the close
    // not due and puts itself back at closeAt.
    refuseWhileClosing(job, jobId, 'cancelled');
    // An accept may have landed since the first read: release what the job holds as written.
    held = openAssignments(job);
    const routing = jobRouting(job);
    offers = routing.offers;
    routing.offers = [];
    job.status = 'cancelled';
    job.dispositionCode = options.dispositionCode ?? 'Cancelled';
    addNote(job, options.note, now);
  }, (job, context) => [jobEvents.cancelled(context, job, options.note)], existing);
  const fresh = held.filter((ref) => !assignments.some((a) => a.assignmentId === ref.assignmentId));
  for (const ref of fresh) await ports.scheduler.schedule(settleReminder(ref, ports.clock.now()));
  await releaseJobHoldings(ports, document.body, offers, [...assignments, ...fresh], document.body);
}

import { jobEvents } from '../domain/routing/routerEvents';
import type { EngineJob } from '../domain/routing/routingState';
import { parseInstant, toWireTime } from '../domain/wireTime';
import type { RouterPorts } from '../ports/RouterPorts';
import { mutateDocument } from './mutateDocument';
import { jobs, readJob } from './routingDocuments';
import { timerFor, timerId } from './timers/timerKinds';

export const activationTimerId = (jobId: string) => timerId('activateScheduledJob', { jobId });

const scheduleAtOf = (job: EngineJob) => (job.matchingMode.kind === 'scheduleAndSuspend' ? job.matchingMode.scheduleAt : undefined);

/** Arms (or moves) the timer of a scheduled job's `scheduleAt`, before the write that schedules it. */
export async function armActivation(ports: RouterPorts, job: EngineJob): Promise<void> {
  const scheduleAt = scheduleAtOf(job);
  if (scheduleAt === undefined) return;
  await ports.scheduler.schedule(timerFor('activateScheduledJob', { jobId: job.id }, parseInstant(scheduleAt)));
}

/**
 * pendingSchedule → scheduled once the activation timer is durable (the service answered
 * pendingSchedule and showed scheduled a moment later). A `scheduleAt` that has already passed cannot be
 * scheduled: scheduleFailed, with RouterJobSchedulingFailed saying why.
 */
export async function confirmSchedule(ports: RouterPorts, jobId: string): Promise<void> {
  let failure: string | undefined;
  const result = await mutateDocument(ports, jobs, jobId, (job, now) => {
    const scheduleAt = scheduleAtOf(job);
    if (job.status !== 'pendingSchedule' || scheduleAt === undefined) return false;
    failure = parseInstant(scheduleAt) < now.getTime() ? `scheduleAt ${scheduleAt} is in the past; a scheduled job needs a future time` : undefined;
    job.status = failure ? 'scheduleFailed' : 'scheduled';
    return true;
  }, (job, context) => (failure === undefined ? [] : [jobEvents.schedulingFailed(context, job, failure)]));
  if (!result?.changed || failure === undefined) return;
  await ports.scheduler.cancel(activationTimerId(jobId));
}

/**
 * At `scheduleAt` (docs/behaviour.md#scheduled-jobs-and-matching-modes): the scheduled job waits for its activation (waitingForActivation,
 * RouterJobWaitingForActivation, `scheduledAt` set); matching does not start until a PATCH sets
 * `queueAndMatch`. A timer that fires before a moved `scheduleAt` re-arms itself.
 */
export async function activateScheduledJob(ports: RouterPorts, jobId: string): Promise<void> {
  const readDocument = await readJob(ports, jobId);
  const read = readDocument?.body;
  const scheduleAt = read ? scheduleAtOf(read) : undefined;
  if (!read || scheduleAt === undefined || (read.status !== 'scheduled' && read.status !== 'pendingSchedule')) return;
  if (parseInstant(scheduleAt) > ports.clock.now().getTime()) return armActivation(ports, read);
  await mutateDocument(ports, jobs, jobId, (job) => {
    const at = scheduleAtOf(job);
    if ((job.status !== 'scheduled' && job.status !== 'pendingSchedule') || at !== scheduleAt) return false;
    job.status = 'waitingForActivation';
    job.scheduledAt = toWireTime(at);
    return true;
  }, (job, context) => [jobEvents.waitingForActivation(context, job)], readDocument);
}

/** RouterJobStatus (docs/behaviour.md#job-statuses). */
export const JOB_STATUSES = [
  'pendingClassification',
  'queued',
  'assigned',
  'completed',
  'closed',
  'cancelled',
  'classificationFailed',
  'created',
  'pendingSchedule',
  'scheduled',
  'scheduleFailed',
  'waitingForActivation',
] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

/** Statuses after which a job no longer holds on to queues and policies. */
export const TERMINAL_JOB_STATUSES: readonly JobStatus[] = ['closed', 'cancelled'];

/** The `active` list filter: everything except closed, cancelled and created (docs/behaviour.md#list-filters). */
export const ACTIVE_JOB_STATUSES: readonly JobStatus[] = JOB_STATUSES.filter((s) => s !== 'closed' && s !== 'cancelled' && s !== 'created');

export const isTerminal = (status: JobStatus) => TERMINAL_JOB_STATUSES.includes(status);

/**
 * Where our answer may differ from the recording, step by step (`<file name>#<entry number>`).
 * Both tables are ratchets: a listed step must still differ exactly as described, so when the
 * feature lands (or the bug is fixed) the step fails until its line is removed here.
 */

/** A step that depends on an engine feature not built yet: we assert today's answer and name the recorded one. */
export interface PendingStep {
  /** The feature it waits for, and what the recording shows. */
  reason: string;
  /** Top-level keys of the job (of each job in a list) left out of the comparison with the recording. */
  ignoreKeys?: readonly string[];
  /** Our answer today in those keys (`undefined` = absent). */
  now?: Readonly<Record<string, unknown>>;
  /** Our status today when it is not the recorded one; the recorded body is then not compared. */
  nowStatus?: number;
  /** The error code of that answer (NotImplemented unless said). */
  nowCode?: string;
}

const QUEUED_BY_ENGINE: PendingStep = {
  reason: 'routing engine + classification: the job becomes queued with enqueuedAt within a second (recorded: status "queued", enqueuedAt set)',
  ignoreKeys: ['status', 'enqueuedAt'],
  now: { status: 'pendingClassification', enqueuedAt: undefined },
};

export const PENDING: Readonly<Record<string, PendingStep>> = {
  'recording_should_get_a_job.json#5': QUEUED_BY_ENGINE,
  'recording_should_update_a_job.json#5': QUEUED_BY_ENGINE,
  'recording_should_update_a_job.json#6': QUEUED_BY_ENGINE,
  'recording_should_get_queue_position_for_a_job.json#5': QUEUED_BY_ENGINE,
  'recording_should_get_queue_position_for_a_job.json#6': {
    reason: 'classification: the job (created with a classification policy) stays pendingClassification, so it has no position: 409 here (recorded: 200 {"jobId","position":1,"queueId","queueLength":1})',
    nowStatus: 409,
    nowCode: 'Conflict',
  },
  'recording_should_reclassify_a_job.json#5': {
    reason: 'classification: :reclassify answers 501 here (recorded: 200 {})',
    nowStatus: 501,
  },
  'recording_should_list_jobs.json#5': QUEUED_BY_ENGINE,
  'recording_should_delete_a_job.json#5': {
    reason: 'routing engine: the cancelled job was never queued here, so it has no enqueuedAt (recorded: enqueuedAt kept from the queued state)',
    ignoreKeys: ['enqueuedAt'],
    now: { enqueuedAt: undefined },
  },
};

/** A server answer that differs from the recording for no pending reason: a bug to fix in `shared/`. */
export interface KnownDifference {
  reason: string;
  /** The exact difference lines the comparison reports today. */
  diffs: readonly string[];
}

export const KNOWN_DIFFERENCES: Readonly<Record<string, KnownDifference>> = {};

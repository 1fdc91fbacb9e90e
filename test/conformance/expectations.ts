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

export const PENDING: Readonly<Record<string, PendingStep>> = {};

/** A server answer that differs from the recording for no pending reason: a bug to fix in `shared/`. */
export interface KnownDifference {
  reason: string;
  /** The exact difference lines the comparison reports today. */
  diffs: readonly string[];
}

export const KNOWN_DIFFERENCES: Readonly<Record<string, KnownDifference>> = {};

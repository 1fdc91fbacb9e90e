import type { LabelValue } from '../model';
import type { RouterJob, StoredWorkerSelector } from '../resources/job';
import { parseInstant } from '../wireTime';
import { constrainingSelectors } from './eligibility';
import { workerRouting, type EngineWorker } from './routingState';
import { selectorMatches } from './selectors';

const logistic = (x: number) => 1 / (1 + Math.exp(-x));

/**
 * One selector's contribution to the default best-worker score (docs/behaviour.md#best-worker): 1 for a satisfied
 * equal/notEqual, a logistic of the relative margin for the ordering operators (0.5 at the threshold),
 * 0 when unsatisfied. A zero threshold would divide by zero, so the margin is then absolute.
 */
function selectorScore(selector: StoredWorkerSelector, labels: Record<string, LabelValue>): number {
  if (!selectorMatches(selector, labels)) return 0;
  const label = labels[selector.key];
  const value = selector.value;
  if (typeof label !== 'number' || typeof value !== 'number') return 1;
  const scale = value === 0 ? 1 : Math.abs(value);
  switch (selector.labelOperator) {
    case 'greaterThan':
    case 'greaterThanOrEqual':
      return logistic((label - value) / scale);
    case 'lessThan':
    case 'lessThanOrEqual':
      return logistic((value - label) / scale);
    default:
      return 1;
  }
}

/**
 * The default best-worker score in [0, 1]: with active selectors, their mean score; without, the
 * share of the job's labels the worker carries with the same value. (The docs do not say how the two
 * combine; selectors express the job's requirements, so they win when present.)
 */
export function defaultWorkerScore(job: RouterJob, worker: EngineWorker, now: Date): number {
  const selectors = constrainingSelectors(job, now);
  if (selectors.length > 0) return selectors.reduce((sum, s) => sum + selectorScore(s, worker.labels), 0) / selectors.length;
  const keys = Object.keys(job.labels);
  if (keys.length === 0) return 0;
  return keys.filter((key) => Object.hasOwn(worker.labels, key) && worker.labels[key] === job.labels[key]).length / keys.length;
}

const idleSince = (worker: EngineWorker) => {
  const since = workerRouting(worker).idleSince;
  return since === undefined ? 0 : parseInstant(since);
};

/** Longest idle (docs/behaviour.md#longest-idle): lowest load ratio first, then idle for longer, then id. */
export function byLongestIdle(a: EngineWorker, b: EngineWorker): number {
  return a.loadRatio - b.loadRatio || idleSince(a) - idleSince(b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** Best worker: higher score first (lower when ascending), unscored workers last, ties to the longest idle. */
export function byScore(scores: ReadonlyMap<string, number>, descending: boolean) {
  return (a: EngineWorker, b: EngineWorker): number => {
    const sa = scores.get(a.id);
    const sb = scores.get(b.id);
    if (sa === undefined || sb === undefined) return (sa === undefined ? 1 : 0) - (sb === undefined ? 1 : 0) || byLongestIdle(a, b);
    return (descending ? sb - sa : sa - sb) || byLongestIdle(a, b);
  };
}

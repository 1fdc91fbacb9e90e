import { addDuration, emptyDuration, mergeDuration, type DurationSummary } from './durationSummary';

/**
 * What one aggregate holds: counts of what happened in its slot, durations that ended in it, and the
 * worker time spent in it (milliseconds, summed over workers). Every figure adds up across slots.
 */
export const COUNTERS = [
  'jobsReceived',
  'jobsQueued',
  'jobsAssigned',
  'jobsCompleted',
  'jobsClosed',
  'jobsCancelled',
  'jobsAbandoned',
  'jobsCancelledAfterAssignment',
  'jobsUnassigned',
  'classificationFailures',
  'exceptionsTriggered',
  'offersIssued',
  'offersAccepted',
  'offersDeclined',
  'offersExpired',
  'offersRevoked',
  'signedInMs',
  'busyMs',
  'capacityMs',
  'usedCapacityMs',
] as const;
export type Counter = (typeof COUNTERS)[number];

export const DURATIONS = ['waitUntilAssigned', 'waitUntilAbandoned', 'timeToAccept', 'handleTime', 'wrapUp'] as const;
export type DurationName = (typeof DURATIONS)[number];

export interface Figures {
  counts: Partial<Record<Counter, number>>;
  durations: Partial<Record<DurationName, DurationSummary>>;
}

export const emptyFigures = (): Figures => ({ counts: {}, durations: {} });

export function count(figures: Figures, counter: Counter, by = 1): void {
  if (by === 0) return;
  figures.counts[counter] = (figures.counts[counter] ?? 0) + by;
}

export function measure(figures: Figures, name: DurationName, ms: number): void {
  addDuration((figures.durations[name] ??= emptyDuration()), ms);
}

export function mergeFigures(into: Figures, from: Figures): void {
  for (const [counter, n] of Object.entries(from.counts) as [Counter, number][]) count(into, counter, n);
  for (const [name, summary] of Object.entries(from.durations) as [DurationName, DurationSummary][]) mergeDuration((into.durations[name] ??= emptyDuration()), summary);
}

import { countWithin, emptyDuration, percentileSeconds, type DurationSummary } from '../../domain/statistics/durationSummary';
import type { Counter, Figures } from '../../domain/statistics/figures';
import type { CumulativeFigures, DurationFigures } from '../../ports/Statistics';

const round = (value: number, digits = 3) => Math.round(value * 10 ** digits) / 10 ** digits;
const ratio = (part: number, whole: number) => (whole > 0 ? round(part / whole, 4) : null);

export function durationFigures(summary: DurationSummary = emptyDuration()): DurationFigures {
  const empty = summary.count === 0;
  const at = (p: number) => (empty ? null : round(percentileSeconds(summary, p) ?? 0));
  return {
    count: summary.count,
    meanSeconds: empty ? null : round(summary.sumMs / summary.count / 1000),
    p50Seconds: at(0.5),
    p90Seconds: at(0.9),
    p95Seconds: at(0.95),
    maxSeconds: empty ? null : round(summary.maxMs / 1000),
  };
}

/** The wire figures of summed aggregates (docs/statistics.md defines each). */
export function cumulativeFigures(figures: Figures, thresholdSeconds: number): CumulativeFigures {
  const n = (counter: Counter) => figures.counts[counter] ?? 0;
  const seconds = (counter: Counter) => round(n(counter) / 1000);
  const wait = figures.durations.waitUntilAssigned ?? emptyDuration();
  const abandoned = figures.durations.waitUntilAbandoned?.count ?? 0;
  const within = countWithin(wait, thresholdSeconds);
  return {
    jobs: {
      received: n('jobsReceived'),
      queued: n('jobsQueued'),
      assigned: n('jobsAssigned'),
      completed: n('jobsCompleted'),
      closed: n('jobsClosed'),
      cancelled: n('jobsCancelled'),
      abandoned: n('jobsAbandoned'),
      cancelledAfterAssignment: n('jobsCancelledAfterAssignment'),
      unassigned: n('jobsUnassigned'),
      classificationFailures: n('classificationFailures'),
      exceptionsTriggered: n('exceptionsTriggered'),
    },
    offers: {
      issued: n('offersIssued'),
      accepted: n('offersAccepted'),
      declined: n('offersDeclined'),
      expired: n('offersExpired'),
      revoked: n('offersRevoked'),
      timeToAccept: durationFigures(figures.durations.timeToAccept),
    },
    waitUntilAssigned: durationFigures(wait),
    waitUntilAbandoned: durationFigures(figures.durations.waitUntilAbandoned),
    handleTime: durationFigures(figures.durations.handleTime),
    wrapUp: durationFigures(figures.durations.wrapUp),
    serviceLevel: { thresholdSeconds, assignedWithinThreshold: within, assigned: wait.count, abandoned, share: ratio(within, wait.count + abandoned) },
    workers: {
      signedInSeconds: seconds('signedInMs'),
      busySeconds: seconds('busyMs'),
      capacitySeconds: seconds('capacityMs'),
      usedCapacitySeconds: seconds('usedCapacityMs'),
      occupancy: ratio(n('busyMs'), n('signedInMs')),
      utilisation: ratio(n('usedCapacityMs'), n('capacityMs')),
    },
  };
}

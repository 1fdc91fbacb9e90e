import type { ScopeKind } from '../domain/statistics/statisticsSlots';

/**
 * Glossary
 * - real-time figures: what holds now, read from the current job and worker documents.
 * - cumulative figures: what happened in a window, summed from aggregates that a projector keeps from
 *   the event history (docs/statistics.md defines each figure).
 * - scope: the whole router, one queue, one channel or one worker.
 */
export interface StatisticsScope {
  kind: ScopeKind;
  id?: string;
}

export interface DurationFigures {
  count: number;
  meanSeconds: number | null;
  p50Seconds: number | null;
  p90Seconds: number | null;
  p95Seconds: number | null;
  maxSeconds: number | null;
}

export interface CumulativeFigures {
  jobs: {
    received: number;
    queued: number;
    assigned: number;
    completed: number;
    closed: number;
    cancelled: number;
    abandoned: number;
    cancelledAfterAssignment: number;
    unassigned: number;
    classificationFailures: number;
    exceptionsTriggered: number;
  };
  offers: { issued: number; accepted: number; declined: number; expired: number; revoked: number; timeToAccept: DurationFigures };
  waitUntilAssigned: DurationFigures;
  waitUntilAbandoned: DurationFigures;
  handleTime: DurationFigures;
  wrapUp: DurationFigures;
  serviceLevel: { thresholdSeconds: number; assignedWithinThreshold: number; assigned: number; abandoned: number; share: number | null };
  workers: { signedInSeconds: number; busySeconds: number; capacitySeconds: number; usedCapacitySeconds: number; occupancy: number | null; utilisation: number | null };
}

export interface CumulativeQuery {
  scope: StatisticsScope;
  /** Window start and end, ms since the epoch, multiples of five minutes (and of the bucket). */
  fromMs: number;
  toMs: number;
  /** Also answer the window in buckets of this many minutes (5, 15, 60 or 1440). */
  bucketMinutes?: number;
  /** Whole seconds, 1–600. */
  serviceLevelThresholdSeconds: number;
}

export interface CumulativeStatistics {
  scope: StatisticsScope;
  from: string;
  to: string;
  /** Events recorded up to this instant are in the figures. */
  projectedThrough: string | null;
  total: CumulativeFigures;
  buckets?: Array<{ from: string; to: string } & CumulativeFigures>;
}

export interface RealTimeSummary {
  jobsByStatus: Record<string, number>;
  waiting: number;
  waitingByPriority: Record<string, number>;
  longestWaitSeconds: number | null;
  meanWaitSeconds: number | null;
  workersByState: { active: number; draining: number; inactive: number };
  /** Channel id → how many more jobs of that channel the available workers can take now. */
  availableCapacityByChannel: Record<string, number>;
  openOffers: number;
  assignedJobs: number;
}

export interface RealTimeWorker {
  workerId: string;
  state: 'active' | 'draining' | 'inactive';
  availableForOffers: boolean;
  capacity: number;
  usedCapacity: number;
  loadRatio: number;
  offers: number;
  assignments: number;
  queues: string[];
  stateSince: string | null;
  secondsInState: number | null;
}

export interface RealTimeStatistics {
  at: string;
  router: RealTimeSummary;
  queues: Array<{ queueId: string } & RealTimeSummary>;
  channels: Array<{ channelId: string } & RealTimeSummary>;
  workers: RealTimeWorker[];
}

/** The router's statistics, the same on every host: both read only the store. */
export interface Statistics {
  realTime(): Promise<RealTimeStatistics>;
  cumulative(query: CumulativeQuery): Promise<CumulativeStatistics>;
  /** Brings the aggregates up to the events recorded so far (minus a short settling delay). */
  catchUp(): Promise<void>;
}

import type { JobRecord, ShiftRecord, SimulationRun } from './runScenario';

/** The service figures of a set of arrivals (those after warm-up, or one queue's, or one bucket's). */
export interface Kpis {
  jobs: number;
  answered: number;
  abandoned: number;
  /** Ended by the router (an exception rule cancelled it, classification failed) before an answer. */
  endedByRouter: number;
  /** Neither answered nor ended when the run stopped (no worker could ever take them). */
  unresolved: number;
  /** Share of arrivals assigned within the service-level threshold; abandoned and unanswered count as missed. */
  serviceLevel: number | null;
  /** Mean wait of the answered jobs. */
  asaSeconds: number | null;
  /** Mean time in queue of all arrivals, answered or abandoned. */
  meanWaitSeconds: number | null;
  /** Share of arrivals that were not assigned the instant they arrived. */
  pWait: number | null;
  abandonRate: number | null;
  /** Busy capacity over available capacity (capacity-seconds), over the same period. */
  occupancy: number | null;
  waitPercentiles: { p50: number | null; p80: number | null; p90: number | null; p95: number | null; p99: number | null };
}

export interface BucketKpis extends Kpis {
  fromSeconds: number;
  toSeconds: number;
}

export interface SimulationResults {
  seed: number;
  durationSeconds: number;
  warmupSeconds: number;
  serviceLevelSeconds: number;
  overall: Kpis;
  queues: Record<string, Kpis>;
  buckets: BucketKpis[];
  /** Histogram of the waits of answered jobs after warm-up: counts per `widthSeconds`-wide bin from 0. */
  waitHistogram: { widthSeconds: number; counts: number[] };
  offers: SimulationRun['offers'];
  run: { simulatedSeconds: number; wallSeconds: number; jobsPerWallSecond: number; routerTimersFired: number; totalJobs: number };
}

/** Waits shorter than this count as no wait (the job was offered and accepted the instant it arrived). */
const NO_WAIT_SECONDS = 1e-6;

const mean = (values: readonly number[]) => (values.length === 0 ? null : values.reduce((s, v) => s + v, 0) / values.length);
const ratio = (part: number, whole: number) => (whole === 0 ? null : part / whole);

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** How long the job waited: to its assignment, its abandonment, its end by the router, or (unresolved) to the end of the run. */
function waitOf(job: JobRecord, runEnd: number): number {
  return (job.assignedAt ?? job.abandonedAt ?? job.endedByRouterAt ?? runEnd) - job.arrivedAt;
}

const overlap = (a0: number, a1: number, b0: number, b1: number) => Math.max(0, Math.min(a1, b1) - Math.max(a0, b0));

/** Busy and available capacity-seconds within [from, to). */
function capacitySeconds(jobs: readonly JobRecord[], shifts: readonly ShiftRecord[], from: number, to: number, runEnd: number) {
  let busy = 0;
  for (const job of jobs) if (job.assignedAt !== undefined) busy += (job.capacityCost ?? 1) * overlap(job.assignedAt, job.closedAt ?? runEnd, from, to);
  let available = 0;
  for (const shift of shifts) available += shift.capacity * overlap(shift.from, shift.to, from, to);
  return { busy, available };
}

/** The figures of these arrivals (occupancy is the caller's, for the period it chose). */
export function kpisOf(jobs: readonly JobRecord[], threshold: number, runEnd: number, occupancy: number | null): Kpis {
  const answered = jobs.filter((j) => j.assignedAt !== undefined);
  const waits = jobs.map((j) => waitOf(j, runEnd));
  const answeredWaits = answered.map((j) => j.assignedAt! - j.arrivedAt).sort((a, b) => a - b);
  const abandoned = jobs.filter((j) => j.abandonedAt !== undefined && j.assignedAt === undefined).length;
  const endedByRouter = jobs.filter((j) => j.endedByRouterAt !== undefined && j.assignedAt === undefined && j.abandonedAt === undefined).length;
  return {
    jobs: jobs.length,
    answered: answered.length,
    abandoned,
    endedByRouter,
    unresolved: jobs.length - answered.length - abandoned - endedByRouter,
    serviceLevel: ratio(answeredWaits.filter((w) => w <= threshold).length, jobs.length),
    asaSeconds: mean(answeredWaits),
    meanWaitSeconds: mean(waits),
    pWait: ratio(waits.filter((w) => w > NO_WAIT_SECONDS).length, jobs.length),
    abandonRate: ratio(abandoned, jobs.length),
    occupancy,
    waitPercentiles: {
      p50: percentile(answeredWaits, 50),
      p80: percentile(answeredWaits, 80),
      p90: percentile(answeredWaits, 90),
      p95: percentile(answeredWaits, 95),
      p99: percentile(answeredWaits, 99),
    },
  };
}

/** The figures of a run: over the day after warm-up, per queue, per time bucket, and the wait distribution. */
export function summarize(run: SimulationRun): SimulationResults {
  const { scenario } = run;
  const threshold = scenario.serviceLevelSeconds;
  const end = scenario.durationSeconds;
  const runEnd = run.simulatedSeconds;
  const counted = run.jobs.filter((j) => j.arrivedAt >= scenario.warmupSeconds && j.arrivedAt < end);
  const occupancyBetween = (from: number, to: number) => {
    const { busy, available } = capacitySeconds(run.jobs, run.shifts, from, to, runEnd);
    return ratio(busy, available);
  };

  const byQueue = new Map<string, JobRecord[]>();
  for (const job of counted) {
    const key = job.queueId ?? '(unclassified)';
    const list = byQueue.get(key) ?? [];
    list.push(job);
    byQueue.set(key, list);
  }
  const queues: Record<string, Kpis> = {};
  for (const [queueId, jobs] of [...byQueue.entries()].sort(([a], [b]) => a.localeCompare(b))) queues[queueId] = kpisOf(jobs, threshold, runEnd, null);

  const buckets: BucketKpis[] = [];
  for (let from = 0; from < end; from += scenario.bucketSeconds) {
    const to = Math.min(end, from + scenario.bucketSeconds);
    const jobs = run.jobs.filter((j) => j.arrivedAt >= from && j.arrivedAt < to);
    buckets.push({ fromSeconds: from, toSeconds: to, ...kpisOf(jobs, threshold, runEnd, occupancyBetween(from, to)) });
  }

  const answeredWaits = counted.filter((j) => j.assignedAt !== undefined).map((j) => j.assignedAt! - j.arrivedAt);
  const widthSeconds = Math.max(1, Math.ceil(threshold / 4));
  const counts: number[] = [];
  for (const wait of answeredWaits) {
    const bin = Math.min(Math.floor(wait / widthSeconds), 199);
    while (counts.length <= bin) counts.push(0);
    counts[bin]!++;
  }

  const wallSeconds = run.wallMilliseconds / 1000;
  return {
    seed: scenario.seed,
    durationSeconds: end,
    warmupSeconds: scenario.warmupSeconds,
    serviceLevelSeconds: threshold,
    overall: kpisOf(counted, threshold, runEnd, occupancyBetween(scenario.warmupSeconds, end)),
    queues,
    buckets,
    waitHistogram: { widthSeconds, counts },
    offers: run.offers,
    run: { simulatedSeconds: runEnd, wallSeconds, jobsPerWallSecond: wallSeconds > 0 ? run.jobs.length / wallSeconds : 0, routerTimersFired: run.routerTimersFired, totalJobs: run.jobs.length },
  };
}

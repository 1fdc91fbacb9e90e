/**
 * Section `simulate`: simulated jobs per wall second, every job through the router's use cases (create,
 * match, offer, accept, complete, close; abandonment through cancel), for a 300-agent centre whose day
 * is about 100,000 jobs. The bench runs a slice of that day (BENCH_SIM_SECONDS, default half an hour)
 * and gives the wall time of the whole day at the measured rate, so the run stays short. The store
 * calls per job say what stands in the way of a faster simulation.
 */
import { openMemoryStore } from '../../shared/adapters/embedded/MemoryStore';
import { openSqliteStore } from '../../shared/adapters/embedded/SqliteStore';
import { runScenario } from '../../shared/simulation/runScenario';
import { parseScenario } from '../../shared/simulation/scenario';
import { countingStore, type StoreCalls } from './countingStore';

export interface SimulationFigures {
  store: string;
  jobs: number;
  wallSeconds: number;
  cpuSeconds: number;
  jobsPerWallSecond: number;
  /** Wall seconds a whole 8-hour day (DAY_JOBS jobs) would take at this rate. */
  dayWallSeconds: number;
  storeCallsPerJob: number;
  calls: StoreCalls;
}

const AGENTS = 300;
const DAY_SECONDS = 8 * 3600;
/** 3.5 arrivals/s × 8 h: about 100,000 jobs; a 75 s handle time keeps 300 agents ~88 % busy. */
const RATE = 3.5;
export const DAY_JOBS = Math.round(RATE * DAY_SECONDS);

function centre(seconds: number) {
  return parseScenario({
    seed: 300,
    durationSeconds: seconds,
    warmupSeconds: 0,
    distributionPolicies: [{ id: 'dp', offerExpiresAfterSeconds: 30, mode: { kind: 'longestIdle' } }],
    queues: [{ id: 'q', distributionPolicyId: 'dp' }],
    workerGroups: [{ count: AGENTS, queues: ['q'], capacity: 1, channels: [{ channelId: 'voice', capacityCostPerJob: 1 }] }],
    arrivals: [{ queueId: 'q', channelId: 'voice', ratePerSecond: RATE, handleSeconds: { kind: 'exponential', mean: 75 }, patienceSeconds: { kind: 'exponential', mean: 120 } }],
  });
}

export async function simulationSpeed(seconds: number): Promise<SimulationFigures[]> {
  const figures: SimulationFigures[] = [];
  for (const [label, open] of [
    ['memory store', () => openMemoryStore()],
    ['in-memory SQLite', () => openSqliteStore({ path: ':memory:' })],
  ] as const) {
    // The SQLite run is a tenth as long: it is there to show what the store costs, not for its own rate.
    const slice = label === 'memory store' ? seconds : seconds / 10;
    const counting = countingStore(open());
    const cpu = process.cpuUsage();
    const run = await runScenario(centre(slice), { store: counting.store });
    const used = process.cpuUsage(cpu);
    const calls = counting.take();
    const jobs = run.jobs.length;
    const wallSeconds = run.wallMilliseconds / 1000;
    const total = Object.values(calls).reduce((s, n) => s + n, 0);
    figures.push({
      store: label,
      jobs,
      wallSeconds,
      cpuSeconds: (used.user + used.system) / 1e6,
      jobsPerWallSecond: jobs / wallSeconds,
      dayWallSeconds: DAY_JOBS / (jobs / wallSeconds),
      storeCallsPerJob: total / jobs,
      calls,
    });
    const f = figures[figures.length - 1]!;
    console.log(
      `simulate, ${AGENTS} agents, ${label}: ${jobs} jobs in ${wallSeconds.toFixed(1)} s wall (${f.cpuSeconds.toFixed(1)} s CPU): ${f.jobsPerWallSecond.toFixed(0)} jobs/s; ` +
        `a ${DAY_JOBS}-job day ≈ ${f.dayWallSeconds.toFixed(0)} s; ${f.storeCallsPerJob.toFixed(1)} store calls per job ${JSON.stringify(calls)}`,
    );
  }
  return figures;
}

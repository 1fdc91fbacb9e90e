/**
 * Section `simulate`: simulated jobs per wall second, every job through the router's use cases (create,
 * match, offer, accept, complete, close; abandonment through cancel), for a 300-agent centre whose day
 * is about 100,000 jobs. The bench runs the whole day on the memory store (BENCH_SIM_SECONDS shortens
 * it) and a tenth of it on in-memory SQLite, to show what the store costs. The ceiling, measured in the
 * same run, is the simulation's own loop without the router: the virtual clock firing as many timers
 * per job as the run fired, each an async act the loop waits for, as the real loop does. The store
 * calls per job say what the router does per job.
 */
import path from 'node:path';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { VirtualClock } from '../../shared/adapters/VirtualClock';
import { openMemoryStore } from '../../shared/adapters/embedded/MemoryStore';
import { openSqliteStore } from '../../shared/adapters/embedded/SqliteStore';
import { runScenario } from '../../shared/simulation/runScenario';
import { RunningActs } from '../../shared/simulation/runningActs';
import { parseScenario } from '../../shared/simulation/scenario';
import { SIMULATION_YOUNG_GENERATION_MB } from '../../shared/simulation/whatIf';
import { countingStore, type StoreCalls } from './countingStore';
import { readMemory } from './memoryProbe';
import { bytes } from './stats';

export interface SimulationFigures {
  store: string;
  jobs: number;
  wallSeconds: number;
  cpuSeconds: number;
  jobsPerWallSecond: number;
  /** Wall seconds a whole 8-hour day (DAY_JOBS jobs) would take at this rate. */
  dayWallSeconds: number;
  storeCallsPerJob: number;
  /** Store calls per job, by method. */
  calls: StoreCalls;
  /** The simulation loop alone, with as many timers per job as the run fired, in jobs per wall second. */
  ceilingJobsPerSecond: number;
  /**
   * JS heap each job of the counted run leaves behind, after a full collection, with its store still
   * held: the closed job as the store keeps it (a router keeps closed jobs until they are deleted) and
   * the run's record of it. What young-generation collections copy grows with it.
   */
  heapKeptPerJob: number;
}

/**
 * The loop of runScenario with nothing routed: `timers` clock timers, each starting an async act that
 * the loop waits for before time moves on. Answers jobs per wall second at `timersPerJob`.
 */
async function loopCeiling(jobs: number, timersPerJob: number): Promise<number> {
  const clock = new VirtualClock(0);
  const acts = new RunningActs();
  const act = () => acts.start(() => Promise.resolve().then(() => undefined));
  const timers = Math.round(jobs * timersPerJob);
  for (let i = 0; i < timers; i++) clock.setTimer(i * 7, act);
  const start = performance.now();
  for (let next = clock.nextDue(); next !== undefined; next = clock.nextDue()) {
    clock.advanceTo(next);
    await acts.settled();
  }
  return jobs / ((performance.now() - start) / 1000);
}

/** Store calls per job, by method, to two decimals. */
const perJob = (calls: StoreCalls, jobs: number): StoreCalls =>
  Object.fromEntries(Object.entries(calls).map(([method, n]) => [method, Math.round((100 * n) / jobs) / 100])) as StoreCalls;

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

/**
 * Runs the section in a worker thread of its own, as the command line runs a simulation: a fresh V8
 * isolate with only the router and the simulator loaded. In the bench's own thread the modules of the other sections are loaded too, and
 * the Cosmos DB test server's package alone made the same simulated day about a fifth slower there
 * than on the command line, which is what the figure is for.
 */
export function simulationSpeed(seconds: number): Promise<SimulationFigures[]> {
  return new Promise((resolve, reject) => {
    // With the young generation the command line gives its simulation thread.
    const worker = new Worker(path.join(__dirname, 'simulation.js'), { workerData: { seconds }, resourceLimits: { maxYoungGenerationSizeMb: SIMULATION_YOUNG_GENERATION_MB } });
    worker.once('message', (message: { figures?: SimulationFigures[]; error?: string }) => (message.figures ? resolve(message.figures) : reject(new Error(message.error))));
    worker.once('error', reject);
  });
}

async function measure(seconds: number): Promise<SimulationFigures[]> {
  const figures: SimulationFigures[] = [];
  for (const [label, open] of [
    // As the command line runs it: a memory store that keeps what it is given, unfrozen.
    ['memory store', () => openMemoryStore({ freeze: false })],
    ['in-memory SQLite', () => openSqliteStore({ path: ':memory:' })],
  ] as const) {
    // The SQLite run is a tenth as long: it is there to show what the store costs, not for its own rate.
    const slice = label === 'memory store' ? seconds : seconds / 10;
    const cpu = process.cpuUsage();
    const run = await runScenario(centre(slice), { store: open() });
    const used = process.cpuUsage(cpu);
    // Store calls are counted on a short run of their own, after the timed one: the timed run pays no
    // counting, and the engine's code was not first tuned by V8 to the counting proxy around the store
    // (which made the timed run a quarter slower).
    const counting = countingStore(open());
    const heapBefore = (await readMemory()).heapUsed;
    const counted = await runScenario(centre(Math.min(slice, 900)), { store: counting.store });
    // `counting` (holding the store) and `counted` are used below, so their documents and records are
    // still alive at this reading: they are what is measured.
    const heapKeptPerJob = ((await readMemory()).heapUsed - heapBefore) / counted.jobs.length;
    const calls = perJob(counting.take(), counted.jobs.length);
    const jobs = run.jobs.length;
    const wallSeconds = run.wallMilliseconds / 1000;
    const total = Object.values(calls).reduce((s, n) => s + n, 0);
    const timersPerJob = run.clockTimersFired / jobs;
    figures.push({
      store: label,
      jobs,
      wallSeconds,
      cpuSeconds: (used.user + used.system) / 1e6,
      jobsPerWallSecond: jobs / wallSeconds,
      dayWallSeconds: DAY_JOBS / (jobs / wallSeconds),
      storeCallsPerJob: total,
      calls,
      ceilingJobsPerSecond: await loopCeiling(Math.min(jobs, 20_000), timersPerJob),
      heapKeptPerJob,
    });
    const f = figures[figures.length - 1]!;
    console.log(
      `simulate, ${AGENTS} agents, ${label}: ${jobs} jobs in ${wallSeconds.toFixed(1)} s wall (${f.cpuSeconds.toFixed(1)} s CPU): ${f.jobsPerWallSecond.toFixed(0)} jobs/s ` +
        `(ceiling, the loop alone at ${timersPerJob.toFixed(1)} timers per job: ${f.ceilingJobsPerSecond.toFixed(0)} jobs/s); ` +
        `a ${DAY_JOBS}-job day ≈ ${f.dayWallSeconds.toFixed(0)} s; ${f.storeCallsPerJob.toFixed(1)} store calls per job ${JSON.stringify(calls)}; ` +
        `heap kept per job ${bytes(heapKeptPerJob)}`,
    );
  }
  return figures;
}

if (!isMainThread && parentPort) {
  const port = parentPort;
  measure((workerData as { seconds: number }).seconds).then(
    (figures) => port.postMessage({ figures }),
    (error: unknown) => port.postMessage({ error: error instanceof Error ? error.stack : String(error) }),
  );
}

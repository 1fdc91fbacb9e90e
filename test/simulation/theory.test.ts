/**
 * The simulator against queueing theory: where a model has closed forms (Erlang C for M/M/c, Erlang A
 * for M/M/c+M), the router's engine on a simulated day must agree with them.
 *
 * Tolerances. A run's figures are means over correlated waits, so their error is estimated from the
 * run itself by batch means: the counted arrivals are cut into B = 10 consecutive batches, each batch's
 * figure is computed, and SE = sd(batch figures)/√B. That holds when a batch is several relaxation
 * times of the queue long, so that batch figures are close to independent: an M/M/c queue forgets its
 * state over about ρ/(1−√ρ)² arrivals (71 at ρ = 0.8, 140 at 0.85, 340 at 0.9, 1,500 at 0.95), less
 * with abandonment. With 6,000 arrivals, batches of 600 are 4–8 relaxation times at 0.5–0.8; Erlang C
 * at 0.9 and 0.95 runs 40,000 and 150,000 arrivals, batches of 12 and 10 relaxation times (about a
 * minute each, the longest tests of the suite); (figure − theory)/SE then follows Student's t with 9 degrees of freedom, and |t| > 4.78 has
 * probability 0.1 %. The check is |figure − theory| ≤ 5·SE + a floor for what batch means cannot see
 * (the warm-up transient, the millisecond grid of simulated time): 0.005 on shares, 0.2 s on mean
 * waits. So that a loose estimate cannot pass everything, each SE must itself be small (`precise`).
 * Mean waits are the noisiest figures (a mean of a skewed, correlated quantity), so their SE may be
 * up to a quarter of the expected value. The warm-up is ten relaxation times (in seconds,
 * 1/(cμ(1−√ρ)²) for Erlang C; at least 20 handle times): a queue that starts empty waits less at
 * first, and a shorter warm-up shows as waits below theory at high loads.
 * Seeds are fixed: a run gives the same figures every time, so a failure means the engine (or the
 * simulator) changed how it routes, not bad luck.
 */
import { runScenario } from '../../shared/simulation/runScenario';
import { parseScenario } from '../../shared/simulation/scenario';
import { kpisOf, type Kpis } from '../../shared/simulation/simulationResults';
import { erlangA, erlangC, type Model, type Theory } from './queueingTheory';

const AGENTS = 10;
const HANDLE_SECONDS = 60;
const PATIENCE_SECONDS = 60;
const THRESHOLD_SECONDS = 20;
const BATCHES = 10;
/** Counted arrivals per load point: about this many, after a warm-up of WARMUP_HANDLES handle times. */
const ARRIVALS = 6000;
const WARMUP_HANDLES = 20;

interface Point {
  model: Model;
  theory: Theory;
  overall: Kpis;
  batches: Kpis[];
}

async function simulate(model: Model, seed: number, arrivals = ARRIVALS): Promise<Point> {
  const mu = 1 / model.handleSeconds;
  const rho = model.lambda / (model.agents * mu);
  const relaxation = Number.isFinite(model.patienceSeconds) || rho >= 1 ? 0 : 1 / (model.agents * mu * (1 - Math.sqrt(rho)) ** 2);
  const warmupSeconds = Math.round(Math.max(WARMUP_HANDLES * model.handleSeconds, 10 * relaxation));
  const durationSeconds = Math.round(warmupSeconds + arrivals / model.lambda);
  const scenario = parseScenario({
    seed,
    durationSeconds,
    warmupSeconds,
    serviceLevelSeconds: THRESHOLD_SECONDS,
    bucketSeconds: durationSeconds,
    distributionPolicies: [{ id: 'dp', offerExpiresAfterSeconds: 300, mode: { kind: 'longestIdle' } }],
    queues: [{ id: 'q', distributionPolicyId: 'dp' }],
    workerGroups: [{ count: model.agents, queues: ['q'], capacity: 1, channels: [{ channelId: 'voice', capacityCostPerJob: 1 }] }],
    arrivals: [
      {
        queueId: 'q',
        channelId: 'voice',
        ratePerSecond: model.lambda,
        handleSeconds: { kind: 'exponential', mean: model.handleSeconds },
        patienceSeconds: Number.isFinite(model.patienceSeconds) ? { kind: 'exponential', mean: model.patienceSeconds } : { kind: 'none' },
      },
    ],
  });
  const run = await runScenario(scenario);
  const counted = run.jobs.filter((j) => j.arrivedAt >= warmupSeconds && j.arrivedAt < durationSeconds).sort((a, b) => a.arrivedAt - b.arrivedAt);
  const size = Math.floor(counted.length / BATCHES);
  const batches = Array.from({ length: BATCHES }, (_, b) => kpisOf(counted.slice(b * size, (b + 1) * size), THRESHOLD_SECONDS, run.simulatedSeconds, null));
  const theory = Number.isFinite(model.patienceSeconds) ? erlangA(model) : erlangC(model);
  return { model, theory, overall: kpisOf(counted, THRESHOLD_SECONDS, run.simulatedSeconds, null), batches };
}

type Figure = 'pWait' | 'asaSeconds' | 'serviceLevel' | 'abandonRate' | 'meanWaitSeconds';

function standardError(batches: readonly Kpis[], figure: Figure): number {
  const values = batches.map((b) => b[figure] ?? 0);
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  const variance = values.reduce((s, v) => s + (v - mean) ** 2, 0) / (values.length - 1);
  return Math.sqrt(variance / values.length);
}

const expected = (theory: Theory, figure: Figure) => (figure === 'serviceLevel' ? theory.serviceLevel(THRESHOLD_SECONDS) : theory[figure]);
const floor = (figure: Figure) => (figure === 'asaSeconds' || figure === 'meanWaitSeconds' ? 0.2 : 0.005);
/** The most SE a figure may have for the check to mean something: 0.04 on shares; on mean waits a quarter of the expected, or 0.5 s. */
const precise = (figure: Figure, theory: Theory) => (figure === 'asaSeconds' || figure === 'meanWaitSeconds' ? Math.max(0.5, 0.25 * expected(theory, figure)) : 0.04);

/** The figure, theory, SE and tolerance as a row of the table this suite prints. */
function compare(point: Point, figure: Figure) {
  const value = point.overall[figure] ?? NaN;
  const want = expected(point.theory, figure);
  const se = standardError(point.batches, figure);
  return { figure, simulated: value, theory: want, se, tolerance: 5 * se + floor(figure), maxSe: precise(figure, point.theory) };
}

const rows: string[] = [];
afterAll(() => {
  // The agreement table, for the record (docs/simulator.md quotes it).
  process.stdout.write(`\n${rows.join('\n')}\n`);
});

function check(name: string, point: Point, figures: readonly Figure[]): void {
  const compared = figures.map((figure) => compare(point, figure));
  for (const row of compared) {
    rows.push(
      `${name.padEnd(44)} ${row.figure.padEnd(16)} simulated ${row.simulated.toFixed(4).padStart(9)}  theory ${row.theory.toFixed(4).padStart(9)}  SE ${row.se.toFixed(4)}  tolerance ${row.tolerance.toFixed(4)}`,
    );
  }
  for (const row of compared) {
    expect({ figure: row.figure, precise: row.se < row.maxSe }).toEqual({ figure: row.figure, precise: true });
    expect({ figure: row.figure, within: Math.abs(row.simulated - row.theory) <= row.tolerance }).toEqual({ figure: row.figure, within: true });
  }
}

const rate = (occupancy: number) => (occupancy * AGENTS) / HANDLE_SECONDS;

describe('M/M/c: the router agrees with Erlang C', () => {
  const points: [number, number, number][] = [
    [0.5, 11, ARRIVALS],
    [0.7, 12, ARRIVALS],
    [0.8, 13, ARRIVALS],
    [0.9, 14, 40_000],
    [0.95, 15, 150_000],
  ];
  it.each(points)('at %p occupancy', async (rho, seed, arrivals) => {
    const point = await simulate({ lambda: rate(rho), handleSeconds: HANDLE_SECONDS, agents: AGENTS, patienceSeconds: Infinity }, seed, arrivals);
    check(`Erlang C, occupancy ${rho}`, point, ['pWait', 'asaSeconds', 'serviceLevel']);
  }, 600_000);
});

describe('M/M/c+M: the router agrees with Erlang A', () => {
  // Offered loads of 0.8, 1.0 and 1.2 agents' worth per agent: occupancies of about 0.76, 0.87 and 0.94.
  it.each([
    [0.8, 21],
    [1.0, 22],
    [1.2, 23],
  ])('at offered load %p', async (offered, seed) => {
    const point = await simulate({ lambda: rate(offered), handleSeconds: HANDLE_SECONDS, agents: AGENTS, patienceSeconds: PATIENCE_SECONDS }, seed);
    check(`Erlang A, offered ${offered} (occupancy ${point.theory.occupancy.toFixed(2)})`, point, ['abandonRate', 'meanWaitSeconds', 'serviceLevel', 'pWait']);
  }, 600_000);
});

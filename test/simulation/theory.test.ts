/**
 * The simulator against queueing theory: where a model has closed forms (Erlang C for M/M/c, Erlang A
 * for M/M/c+M), the router's engine on a simulated day must agree with them.
 *
 * Tolerances. A run's figures are means over correlated waits, so their error is estimated from the
 * run itself by batch means: the counted arrivals are cut into B = 20 consecutive batches, each batch's
 * figure is computed, and SE = sd(batch figures)/√B. Batches of a few hundred arrivals are many
 * relaxation times of these queues long at the loads used, so batch figures are close to independent
 * and (figure − theory)/SE follows Student's t with 19 degrees of freedom: |t| > 3.88 has probability
 * 0.1 %. The check is |figure − theory| ≤ 4·SE + a floor for what batch means cannot see (the warm-up
 * transient, and the millisecond grid of simulated time): 0.005 on shares, 0.2 s on mean waits. And
 * so that a loose estimate cannot pass everything, each SE must itself be small (see `precise`).
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
const BATCHES = 20;
/** Counted arrivals per load point: about this many, after a warm-up of WARMUP_HANDLES handle times. */
const ARRIVALS = 2400;
const WARMUP_HANDLES = 20;

interface Point {
  model: Model;
  theory: Theory;
  overall: Kpis;
  batches: Kpis[];
}

async function simulate(model: Model, seed: number): Promise<Point> {
  const warmupSeconds = WARMUP_HANDLES * model.handleSeconds;
  const durationSeconds = Math.round(warmupSeconds + ARRIVALS / model.lambda);
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
/** The most SE a figure may have for the check to mean something: 0.03 on shares, 15 % of the expected mean wait. */
const precise = (figure: Figure, theory: Theory) => (figure === 'asaSeconds' || figure === 'meanWaitSeconds' ? 0.15 * Math.max(1, expected(theory, figure)) : 0.03);

/** The figure, theory, SE and tolerance as a row of the table this suite prints. */
function compare(point: Point, figure: Figure) {
  const value = point.overall[figure] ?? NaN;
  const want = expected(point.theory, figure);
  const se = standardError(point.batches, figure);
  return { figure, simulated: value, theory: want, se, tolerance: 4 * se + floor(figure), maxSe: precise(figure, point.theory) };
}

const rows: string[] = [];
afterAll(() => {
  // The agreement table, for the record (docs/simulator.md quotes it).
  process.stdout.write(`\n${rows.join('\n')}\n`);
});

function check(name: string, point: Point, figures: readonly Figure[]): void {
  for (const figure of figures) {
    const row = compare(point, figure);
    rows.push(
      `${name.padEnd(28)} ${figure.padEnd(16)} simulated ${row.simulated.toFixed(4).padStart(9)}  theory ${row.theory.toFixed(4).padStart(9)}  SE ${row.se.toFixed(4)}  tolerance ${row.tolerance.toFixed(4)}`,
    );
    expect({ figure, se: row.se }).toEqual({ figure, se: expect.any(Number) as number });
    expect(row.se).toBeLessThan(row.maxSe);
    expect(Math.abs(row.simulated - row.theory)).toBeLessThanOrEqual(row.tolerance);
  }
}

const rate = (occupancy: number) => (occupancy * AGENTS) / HANDLE_SECONDS;

describe('M/M/c: the router agrees with Erlang C', () => {
  it.each([
    [0.5, 11],
    [0.8, 12],
    [0.9, 13],
  ])('at %p occupancy', async (rho, seed) => {
    const point = await simulate({ lambda: rate(rho), handleSeconds: HANDLE_SECONDS, agents: AGENTS, patienceSeconds: Infinity }, seed);
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

/**
 * A what-if sweep from the command line runs its variants in threads (the compiled router is there), and
 * gives exactly what the same sweep gives run one variant after another in this process: variants
 * share nothing, and each is deterministic for its seed. The command compiles the router first when
 * its sources changed, so this suite is in the slow list.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { runScenario } from '../../shared/simulation/runScenario';
import { parseScenario } from '../../shared/simulation/scenario';
import { summarize, type SimulationResults } from '../../shared/simulation/simulationResults';
import { runInThread, runWhatIf, type WhatIfResults } from '../../shared/simulation/whatIf';

const dir = mkdtempSync(join(tmpdir(), 'simulator-threads-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const minimal = JSON.parse(readFileSync(join(__dirname, '../../examples/minimal.json'), 'utf8')) as Record<string, unknown>;
const sweep = { ...minimal, durationSeconds: 3600, warmupSeconds: 300, sweep: { path: 'workerGroups.0.count', values: [14, 17, 20] } };

/** What a variant's figures are, without the wall-clock ones (those differ from run to run). */
const figures = (whatIf: WhatIfResults) => whatIf.points.map((point) => ({ value: point.value, overall: point.results.overall, queues: point.results.queues, buckets: point.results.buckets }));

it('runs the variants in threads and answers what they answer one after another, in the order of the values', async () => {
  const file = join(dir, 'sweep.json');
  writeFileSync(file, JSON.stringify(sweep));
  const { stdout } = await promisify(execFile)(process.execPath, [join(__dirname, '../../scripts/simulate.js'), '--scenario', file, '--json'], { maxBuffer: 64 << 20 });
  const threaded = JSON.parse(stdout) as WhatIfResults;
  const inProcess = await runWhatIf(sweep, { parallel: 1 });
  expect(threaded.variantsAtOnce).toBe(Math.min(availableParallelism(), 3));
  expect(inProcess.variantsAtOnce).toBe(1);
  expect(threaded.points.map((p) => p.value)).toEqual([14, 17, 20]);
  expect(figures(threaded)).toEqual(figures(inProcess));
  // More agents, better service: the points are the variants they say they are.
  const levels = threaded.points.map((p) => p.results.overall.serviceLevel);
  expect(levels[0]!).toBeLessThan(levels[2]!);
}, 300_000);

it('runs a single scenario from the command line in a thread of its own and answers what it answers in this process', async () => {
  const day = { ...minimal, durationSeconds: 3600, warmupSeconds: 300 };
  const file = join(dir, 'single.json');
  writeFileSync(file, JSON.stringify(day));
  const { stdout } = await promisify(execFile)(process.execPath, [join(__dirname, '../../scripts/simulate.js'), '--scenario', file, '--json'], { maxBuffer: 64 << 20 });
  const threaded = JSON.parse(stdout) as SimulationResults;
  // From sources there is no compiled thread runner: the caller is told to run it here.
  expect(await runInThread(day)).toBeUndefined();
  const here = summarize(await runScenario(parseScenario(day), { freezeStore: false }));
  const { overall, queues, buckets } = here;
  expect({ overall: threaded.overall, queues: threaded.queues, buckets: threaded.buckets }).toEqual({ overall, queues, buckets });
  expect(threaded.overall.jobs).toBeGreaterThan(100);
}, 300_000);

import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { runScenario, type RunOptions, type RunProgress } from './runScenario';
import { parseScenario, ScenarioError, type Scenario } from './scenario';
import { summarize, type SimulationResults } from './simulationResults';
import type { Variant, VariantAnswer } from './whatIfWorker';

export interface WhatIfPoint {
  value: unknown;
  results: SimulationResults;
}

export interface WhatIfResults {
  /** The dotted path that was varied. */
  variable: string;
  points: WhatIfPoint[];
  /** How many variants ran at a time (each in a thread of its own when more than one). */
  variantsAtOnce: number;
}

/** A copy of `input` with the value at a dotted path (`workerGroups.0.count`) replaced. */
export function withValueAt(input: unknown, path: string, value: unknown): unknown {
  const copy: unknown = structuredClone(input);
  const parts = path.split('.');
  let node: unknown = copy;
  for (const [i, part] of parts.entries()) {
    if (node === null || typeof node !== 'object') throw new ScenarioError(`sweep.path: "${parts.slice(0, i).join('.')}" is not an object or list in the scenario`);
    const container = node as Record<string, unknown>;
    if (Array.isArray(container) && !(Number(part) in container)) throw new ScenarioError(`sweep.path: "${parts.slice(0, i + 1).join('.')}" is past the end of its list`);
    if (i === parts.length - 1) container[part] = value;
    else node = container[part];
  }
  return copy;
}

export interface WhatIfOptions extends Omit<RunOptions, 'store'> {
  /**
   * Variants run at once, each in a thread of its own: the machine's cores by default. A variant is a
   * whole simulated day on one core, and variants share nothing, so a sweep takes about as long as
   * its slowest variants on as many cores. Threads need the compiled router (the command line has it);
   * from sources, or with `onEvent` (which cannot cross threads), variants run one after another.
   */
  parallel?: number;
}

/** The compiled variant runner next to this file, when there is one. */
const WORKER_FILE = join(__dirname, 'whatIfWorker.js');

/**
 * The young generation of a simulation's thread, in MB (V8's default is 48 on 64-bit machines: three
 * 16 MB semi-spaces). A simulated job allocates about 115 KB and keeps about a tenth of it (the
 * documents it writes), so young collections come every hundred-odd jobs; four times the room makes a
 * day about 6% faster (interleaved whole-day runs on a 2-core machine, 9,603–9,798 jobs/s without,
 * 10,176–10,486 with).
 */
export const SIMULATION_YOUNG_GENERATION_MB = 192;

/**
 * Runs one scenario in a thread of its own, with the young generation above, and answers its results;
 * `onProgress` hears how far it got as the run goes. Undefined when there is no compiled runner (run
 * from sources): the caller then runs it here.
 */
export async function runInThread(input: unknown, options: Pick<RunOptions, 'freezeStore' | 'onProgress'> = {}): Promise<SimulationResults | undefined> {
  if (!existsSync(WORKER_FILE)) return undefined;
  const thread = new VariantThread(options.onProgress);
  try {
    return await thread.run({ input, freezeStore: options.freezeStore, progress: options.onProgress !== undefined });
  } finally {
    await thread.close();
  }
}

/**
 * Runs one variant of the scenario per value of its `sweep` (the same seed for each, so the variants
 * differ by the variable and not by the draws) and answers each variant's results, in the order of the
 * values; `onPoint` hears each in that order.
 */
export async function runWhatIf(input: unknown, options: WhatIfOptions = {}, onPoint?: (point: WhatIfPoint) => void): Promise<WhatIfResults> {
  const base = parseScenario(input);
  if (!base.sweep) throw new ScenarioError('The scenario has no "sweep": give { "path": "workerGroups.0.count", "values": [18, 20, 22] }.');
  const { sweep } = base;
  const { sweep: _sweep, ...rest } = input as Record<string, unknown>;
  // Every variant is checked before any runs: a bad value fails the sweep at once.
  const variants = sweep.values.map((value) => ({ value, input: withValueAt(rest, sweep.path, value) }));
  for (const variant of variants) parseScenario(variant.input);
  const inThreads = (options.parallel ?? availableParallelism()) > 1 && variants.length > 1 && options.onEvent === undefined && existsSync(WORKER_FILE);
  const threads = inThreads ? Array.from({ length: Math.min(options.parallel ?? availableParallelism(), variants.length) }, () => new VariantThread()) : [];
  const points: WhatIfPoint[] = [];
  try {
    // Each thread takes the next variant when it is done with one; the answers are heard in order.
    const results = variants.map(() => new Deferred<SimulationResults>());
    let next = 0;
    const work = async (run: (input: unknown) => Promise<SimulationResults>) => {
      while (next < variants.length) {
        const index = next++;
        await run(variants[index]!.input).then(results[index]!.resolve, results[index]!.reject);
      }
    };
    const workers = inThreads ? threads.map((thread) => work((input) => thread.run({ input, freezeStore: options.freezeStore }))) : [work((input) => runHere(parseScenario(input), options))];
    for (const [index, variant] of variants.entries()) {
      const point = { value: variant.value, results: await results[index]!.promise };
      points.push(point);
      onPoint?.(point);
    }
    await Promise.all(workers);
  } finally {
    await Promise.all(threads.map((thread) => thread.close()));
  }
  return { variable: sweep.path, points, variantsAtOnce: Math.max(threads.length, 1) };
}

async function runHere(scenario: Scenario, options: Omit<RunOptions, 'store'>): Promise<SimulationResults> {
  return summarize(await runScenario(scenario, options));
}

/** A promise with its settle functions at hand. */
class Deferred<T> {
  resolve!: (value: T) => void;
  reject!: (error: unknown) => void;
  readonly promise = new Promise<T>((resolve, reject) => {
    this.resolve = resolve;
    this.reject = reject;
  });

  constructor() {
    // Heard in order by the sweep; until then a failure must not count as unhandled.
    this.promise.catch(() => undefined);
  }
}

/** A thread that runs variants one at a time (its modules load once, however many it runs). */
class VariantThread {
  private readonly worker = new Worker(WORKER_FILE, { resourceLimits: { maxYoungGenerationSizeMb: SIMULATION_YOUNG_GENERATION_MB } });
  private current: Deferred<SimulationResults> | undefined;

  constructor(onProgress?: (progress: RunProgress) => void) {
    this.worker.on('message', (answer: VariantAnswer) => {
      if ('progress' in answer) {
        onProgress?.(answer.progress);
        return;
      }
      const current = this.current;
      this.current = undefined;
      if ('results' in answer) current?.resolve(answer.results);
      else current?.reject(answer.scenario ? new ScenarioError(answer.error) : new Error(answer.error));
    });
    const fail = (error: unknown) => {
      this.current?.reject(error);
      this.current = undefined;
    };
    this.worker.on('error', fail);
    this.worker.on('exit', (code) => fail(new Error(`a what-if variant's thread ended (exit code ${code}) before it answered`)));
  }

  run(variant: Variant): Promise<SimulationResults> {
    this.current = new Deferred<SimulationResults>();
    this.worker.postMessage(variant);
    return this.current.promise;
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }
}

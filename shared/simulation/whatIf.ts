import { runScenario, type RunOptions } from './runScenario';
import { parseScenario, ScenarioError } from './scenario';
import { summarize, type SimulationResults } from './simulationResults';

export interface WhatIfPoint {
  value: unknown;
  results: SimulationResults;
}

export interface WhatIfResults {
  /** The dotted path that was varied. */
  variable: string;
  points: WhatIfPoint[];
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

/**
 * Runs one variant of the scenario per value of its `sweep` (the same seed for each, so the variants
 * differ by the variable and not by the draws) and answers each variant's results.
 */
export async function runWhatIf(input: unknown, options: Omit<RunOptions, 'store'> = {}, onPoint?: (point: WhatIfPoint) => void): Promise<WhatIfResults> {
  const base = parseScenario(input);
  if (!base.sweep) throw new ScenarioError('The scenario has no "sweep": give { "path": "workerGroups.0.count", "values": [18, 20, 22] }.');
  const { sweep } = base;
  const { sweep: _sweep, ...rest } = input as Record<string, unknown>;
  const points: WhatIfPoint[] = [];
  for (const value of sweep.values) {
    const scenario = parseScenario(withValueAt(rest, sweep.path, value));
    const point = { value, results: summarize(await runScenario(scenario, options)) };
    points.push(point);
    onPoint?.(point);
  }
  return { variable: sweep.path, points };
}

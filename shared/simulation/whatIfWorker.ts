import { parentPort } from 'node:worker_threads';
import { runScenario, type RunProgress } from './runScenario';
import { parseScenario, ScenarioError } from './scenario';
import { summarize } from './simulationResults';

/** What a simulation's thread is handed: the scenario as given, how its store is kept, and whether to tell how far it got. */
export interface Variant {
  input: unknown;
  freezeStore: boolean | undefined;
  progress?: boolean;
}

/** What a simulation's thread answers: how far the run got (when asked), then its results, or why it could not run. */
export type VariantAnswer = { progress: RunProgress } | { results: ReturnType<typeof summarize> } | { error: string; scenario: boolean };

/** Runs one scenario: a variant of a what-if sweep (see runWhatIf), or the command line's single run (see runInThread). */
async function runVariant({ input, freezeStore, progress }: Variant, tell: (answer: VariantAnswer) => void): Promise<VariantAnswer> {
  try {
    const onProgress = progress ? (reached: RunProgress) => tell({ progress: reached }) : undefined;
    return { results: summarize(await runScenario(parseScenario(input), { freezeStore, onProgress })) };
  } catch (error) {
    if (error instanceof ScenarioError) return { error: error.message, scenario: true };
    return { error: error instanceof Error ? (error.stack ?? error.message) : String(error), scenario: false };
  }
}

// A thread runs the variants it is handed, one at a time, until it is let go.
if (parentPort) {
  const port = parentPort;
  port.on('message', (variant: Variant) => void runVariant(variant, (answer) => port.postMessage(answer)).then((answer) => port.postMessage(answer)));
}

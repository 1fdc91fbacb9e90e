import { parentPort } from 'node:worker_threads';
import { runScenario } from './runScenario';
import { parseScenario, ScenarioError } from './scenario';
import { summarize } from './simulationResults';

/** What a variant's thread is handed: the variant's scenario as given, and how its store is kept. */
export interface Variant {
  input: unknown;
  freezeStore: boolean | undefined;
}

/** What a variant's thread answers: its results, or why it could not run. */
export type VariantAnswer = { results: ReturnType<typeof summarize> } | { error: string; scenario: boolean };

/** Runs one variant of a what-if sweep (see runWhatIf). */
async function runVariant({ input, freezeStore }: Variant): Promise<VariantAnswer> {
  try {
    return { results: summarize(await runScenario(parseScenario(input), { freezeStore })) };
  } catch (error) {
    if (error instanceof ScenarioError) return { error: error.message, scenario: true };
    return { error: error instanceof Error ? (error.stack ?? error.message) : String(error), scenario: false };
  }
}

// A thread runs the variants it is handed, one at a time, until it is let go.
if (parentPort) {
  const port = parentPort;
  port.on('message', (variant: Variant) => void runVariant(variant).then((answer) => port.postMessage(answer)));
}

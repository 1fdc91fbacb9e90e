import { evaluate, fromJson, toJson, type Program, type Result, type Value } from './powerFx';
import { parseNumberText } from './powerFx/numberText';

/**
 * Runs a compiled expression rule on the input the routing engine gives every rule kind: `{job, worker,
 * selectors}` for scoring one worker, `{job, workers, selectors}` for batch scoring, `{job}` elsewhere.
 */

export type RuleOutcome = { ok: true; value: unknown } | { ok: false; reason: string };

/**
 * Told what each evaluation cost (Power Fx cost units) before the next one starts; the caller may wait
 * there, so a batch of costly evaluations does not hold the event loop from its first to its last.
 */
export type AfterEvaluation = (cost: number) => void | Promise<void>;

/** The inputs an expression can read, as Power Fx values; `workers` is not one (see runExpressionRule). */
const READABLE = ['job', 'worker', 'selectors'] as const;

function inputsOf(input: Readonly<Record<string, unknown>>): Record<string, Value> {
  const inputs: Record<string, Value> = {};
  for (const name of READABLE) if (input[name] !== undefined) inputs[name] = fromJson(input[name]);
  return inputs;
}

/**
 * A score is a number: Blank (no branch matched, a missing label) scores 0, true/false score 1/0 and numeric
 * text its number, the Number coercion of docs/behaviour.md#coercion.
 */
function toScore(v: Result): RuleOutcome {
  if (v.type === 'number') return { ok: true, value: v.value };
  if (v.type === 'blank') return { ok: true, value: 0 };
  if (v.type === 'boolean') return { ok: true, value: v.value ? 1 : 0 };
  if (v.type === 'text') {
    const n = parseNumberText(v.value);
    if (n !== undefined) return { ok: true, value: n ?? 0 };
  }
  const got = v.type === 'text' ? `the text ${JSON.stringify(v.value)}` : `a ${v.type}`;
  return { ok: false, reason: `a scoring expression must give a number, got ${got}` };
}

async function run(program: Program, inputs: Record<string, Value>, scoring: boolean, after: AfterEvaluation): Promise<RuleOutcome> {
  const result = evaluate(program, inputs);
  await after(result.cost);
  if (!result.ok) return { ok: false, reason: result.error.message };
  return scoring ? toScore(result.value) : { ok: true, value: toJson(result.value) };
}

/**
 * The value of the rule as JSON (Blank → null), or why there is none. Scoring rules give numbers; a batch
 * (`workers`) is scored one worker at a time, as `worker`, and gives `{ workerId: score }` (the shape batch
 * function rules return). Any error fails the whole evaluation, so the caller treats the rule as failed.
 */
export async function runExpressionRule(program: Program, input: Readonly<Record<string, unknown>>, after: AfterEvaluation = () => undefined): Promise<RuleOutcome> {
  const inputs = inputsOf(input);
  const { workers } = input;
  if (input['worker'] !== undefined || !Array.isArray(workers)) return run(program, inputs, input['worker'] !== undefined, after);
  const scores: Record<string, number> = {};
  for (const labels of workers as unknown[]) {
    const id = typeof labels === 'object' && labels !== null ? (labels as Record<string, unknown>)['Id'] : undefined;
    if (typeof id !== 'string') return { ok: false, reason: "batch scoring needs each worker's labels to carry its Id" };
    const outcome = await run(program, { ...inputs, worker: fromJson(labels) }, true, after);
    if (!outcome.ok) return { ok: false, reason: `worker ${JSON.stringify(id)}: ${outcome.reason}` };
    scores[id] = outcome.value as number;
  }
  return { ok: true, value: scores };
}

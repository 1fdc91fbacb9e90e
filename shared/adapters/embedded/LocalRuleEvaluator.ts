import { setImmediate as nextTurn } from 'node:timers/promises';
import type { RouterRule } from '../../domain/model';
import { runExpressionRule } from '../../domain/rules/expressionRule';
import { compile, MAX_COST, type Compilation } from '../../domain/rules/powerFx';
import { RuleEvaluationError } from '../../ports/RuleEvaluator';

/** The rule kinds that are computed in-process. */
export type LocalRule = Exclude<RouterRule, { kind: 'function' | 'webhook' }>;

/** Compiled expressions kept per evaluator: a scoring rule runs once per candidate worker with the same text. */
const CACHE_SIZE = 256;

/**
 * Power Fx work (cost units) done before other callbacks get a turn of the event loop. Evaluations resolve
 * at once, so without a pause a scoring rule run for a thousand workers would be one long run of work;
 * with it, a request waits at most for about one costly evaluation.
 */
export const YIELD_EVERY = MAX_COST / 2;

/**
 * Evaluates the rules that run in-process: `static` returns its value, `directMap` the job labels of the
 * input, `expression` runs its Power Fx (see runExpressionRule for inputs and results). RouterRuleEvaluator
 * sends it these kinds and the HTTP kinds elsewhere.
 */
export class LocalRuleEvaluator {
  private readonly compiled = new Map<string, Compilation>();
  private sinceYield = 0;

  async evaluate(rule: LocalRule, input: Record<string, unknown>): Promise<unknown> {
    switch (rule.kind) {
      case 'static':
        return Promise.resolve(rule.value);
      case 'directMap':
        return Promise.resolve(input['job']);
      case 'expression':
        return this.evaluateExpression(rule.expression, input);
    }
  }

  private async evaluateExpression(expression: string, input: Record<string, unknown>): Promise<unknown> {
    const compilation = this.compile(expression);
    if (!compilation.ok) throw new RuleEvaluationError(`the expression is not valid Power Fx: ${compilation.error.message}`);
    let outcome: Awaited<ReturnType<typeof runExpressionRule>>;
    try {
      outcome = await runExpressionRule(compilation.program, input, (cost) => this.pace(cost));
    } catch (e) {
      // The engine returns every error as a value; this only guards the router against a defect in it.
      throw new RuleEvaluationError(`the expression could not be evaluated: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (!outcome.ok) throw new RuleEvaluationError(`the expression failed: ${outcome.reason}`);
    return outcome.value;
  }

  /** Lets other callbacks run once YIELD_EVERY units of work were done since they last could. */
  private async pace(cost: number): Promise<void> {
    this.sinceYield += cost;
    if (this.sinceYield < YIELD_EVERY) return;
    this.sinceYield = 0;
    await nextTurn();
  }

  private compile(expression: string): Compilation {
    const cached = this.compiled.get(expression);
    if (cached !== undefined) return cached;
    const compilation = compile(expression);
    if (this.compiled.size >= CACHE_SIZE) this.compiled.delete(this.compiled.keys().next().value as string);
    this.compiled.set(expression, compilation);
    return compilation;
  }
}

import type { RouterRule } from '../../domain/model';
import { runExpressionRule } from '../../domain/rules/expressionRule';
import { compile, type Compilation } from '../../domain/rules/powerFx';
import { RuleEvaluationError } from '../../ports/RuleEvaluator';

/** The rule kinds that are computed in-process. */
export type LocalRule = Exclude<RouterRule, { kind: 'function' | 'webhook' }>;

/** Compiled expressions kept per evaluator: a scoring rule runs once per candidate worker with the same text. */
const CACHE_SIZE = 256;

/**
 * Evaluates the rules that run in-process: `static` returns its value, `directMap` the job labels of the
 * input, `expression` runs its Power Fx (see runExpressionRule for inputs and results). RouterRuleEvaluator
 * sends it these kinds and the HTTP kinds elsewhere.
 */
export class LocalRuleEvaluator {
  private readonly compiled = new Map<string, Compilation>();

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

  private evaluateExpression(expression: string, input: Record<string, unknown>): Promise<unknown> {
    const compilation = this.compile(expression);
    if (!compilation.ok) return Promise.reject(new RuleEvaluationError(`the expression is not valid Power Fx: ${compilation.error.message}`));
    let outcome: ReturnType<typeof runExpressionRule>;
    try {
      outcome = runExpressionRule(compilation.program, input);
    } catch (e) {
      // The engine returns every error as a value; this only guards the router against a defect in it.
      return Promise.reject(new RuleEvaluationError(`the expression could not be evaluated: ${e instanceof Error ? e.message : String(e)}`));
    }
    return outcome.ok ? Promise.resolve(outcome.value) : Promise.reject(new RuleEvaluationError(`the expression failed: ${outcome.reason}`));
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

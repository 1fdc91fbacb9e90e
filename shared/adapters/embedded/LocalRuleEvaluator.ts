import type { RouterRule } from '../../domain/model';
import { RuleEvaluationError, type RuleEvaluator } from '../../ports/RuleEvaluator';

/**
 * Evaluates the rules that need no engine: `static` returns its value, `directMap` the job labels of
 * the input. Expression, function and webhook rules are refused with a reason (callers fall back, e.g.
 * best-worker scoring to its default formula) until the rule engine is plugged in here.
 */
export class LocalRuleEvaluator implements RuleEvaluator {
  async evaluate(rule: RouterRule, input: Record<string, unknown>): Promise<unknown> {
    switch (rule.kind) {
      case 'static':
        return Promise.resolve(rule.value);
      case 'directMap':
        return Promise.resolve(input['job']);
      default:
        return Promise.reject(new RuleEvaluationError(`${rule.kind} rules are not supported by this router yet`));
    }
  }
}

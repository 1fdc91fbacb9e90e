import type { RouterRule } from '../../domain/model';
import type { RuleEvaluator } from '../../ports/RuleEvaluator';
import { LocalRuleEvaluator } from '../embedded/LocalRuleEvaluator';
import { HttpRuleEvaluator, type HttpRuleOptions } from './HttpRuleEvaluator';

/**
 * Every router rule kind, for both hosts: static, directMap and Power Fx expressions in-process, function
 * and webhook rules over HTTP. One instance per engine, so compiled expressions and OAuth tokens are reused
 * across evaluations.
 */
export class RouterRuleEvaluator implements RuleEvaluator {
  private readonly local = new LocalRuleEvaluator();
  private readonly http: HttpRuleEvaluator;

  constructor(options: HttpRuleOptions = {}) {
    this.http = new HttpRuleEvaluator(options);
  }

  evaluate(rule: RouterRule, input: Record<string, unknown>): Promise<unknown> {
    return rule.kind === 'function' || rule.kind === 'webhook' ? this.http.evaluate(rule, input) : this.local.evaluate(rule, input);
  }
}

import type { RouterRule } from '../domain/model';

/**
 * Evaluates a router rule against an input payload (`{job, worker, selectors}` or `{job, workers, …}`
 * for scoring). Rule kinds that need an engine or the network live behind this port so that the
 * routing engine does not care how a rule is computed.
 */
export interface RuleEvaluator {
  evaluate(rule: RouterRule, input: Record<string, unknown>): Promise<unknown>;
}

/** A rule could not be evaluated; the message says why, for logs and job notes. */
export class RuleEvaluationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RuleEvaluationError';
  }
}

import type { Labels, QueueSelectorAttachment, RouterQueueSelector, RouterRule, RouterWorkerSelector, WorkerSelectorAttachment } from '../model';
import type { ClassificationPolicy } from '../resources/classificationPolicy';
import { readCondition, readPriority, readQueueSelectors, readWorkerSelectors, type RuleReading } from './ruleResults';
import { chooseAllocation, type RandomSource } from './weightedAllocation';

/** Runs one rule with the job's labels as `job`; rejects with a reason when the rule cannot be evaluated. */
export type EvaluateRule = (rule: RouterRule, input: Record<string, unknown>) => Promise<unknown>;

export interface ClassificationOutcome {
  queueSelectors: RouterQueueSelector[];
  workerSelectors: RouterWorkerSelector[];
  /** Undefined when the policy has no prioritization rule or it returned Blank. */
  priority?: number;
}

export type Classification = { ok: true; value: ClassificationOutcome } | { ok: false; reason: string };

class ClassificationFailure extends Error {}

function take<T>(reading: RuleReading<T>, where: string): T {
  if (!reading.ok) throw new ClassificationFailure(`${where}: ${reading.reason}`);
  return reading.value;
}

async function run(evaluate: EvaluateRule, rule: RouterRule, labels: Labels, where: string): Promise<unknown> {
  try {
    return await evaluate(rule, { job: labels });
  } catch (error) {
    throw new ClassificationFailure(`${where}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

async function queueSelectorsOf(attachment: QueueSelectorAttachment, where: string, labels: Labels, evaluate: EvaluateRule, random: RandomSource): Promise<RouterQueueSelector[]> {
  switch (attachment.kind) {
    case 'static':
      return [attachment.queueSelector];
    case 'conditional':
      return take(readCondition(await run(evaluate, attachment.condition, labels, `${where}.condition`)), `${where}.condition`) ? attachment.queueSelectors : [];
    case 'passThrough':
      return passThrough(attachment, labels);
    case 'ruleEngine':
      return take(readQueueSelectors(await run(evaluate, attachment.rule, labels, `${where}.rule`)), `${where}.rule`);
    case 'weightedAllocation':
      return chooseAllocation(attachment.allocations, random)?.queueSelectors ?? [];
  }
}

async function workerSelectorsOf(attachment: WorkerSelectorAttachment, where: string, labels: Labels, evaluate: EvaluateRule, random: RandomSource): Promise<RouterWorkerSelector[]> {
  switch (attachment.kind) {
    case 'static':
      return [attachment.workerSelector];
    case 'conditional':
      return take(readCondition(await run(evaluate, attachment.condition, labels, `${where}.condition`)), `${where}.condition`) ? attachment.workerSelectors : [];
    case 'passThrough':
      return passThrough(attachment, labels).map((s) => (attachment.expiresAfterSeconds === undefined ? s : { ...s, expiresAfterSeconds: attachment.expiresAfterSeconds }));
    case 'ruleEngine':
      return take(readWorkerSelectors(await run(evaluate, attachment.rule, labels, `${where}.rule`)), `${where}.rule`);
    case 'weightedAllocation':
      return chooseAllocation(attachment.allocations, random)?.workerSelectors ?? [];
  }
}

/** The job's own label under the key; a job without that label attaches nothing (nothing to pass through). */
function passThrough(attachment: { key: string; labelOperator: RouterQueueSelector['labelOperator'] }, labels: Labels): RouterQueueSelector[] {
  if (!Object.hasOwn(labels, attachment.key)) return [];
  return [{ key: attachment.key, labelOperator: attachment.labelOperator, value: labels[attachment.key] }];
}

/**
 * Evaluates a classification policy against a job's labels: queue selectors, worker selectors and
 * priority, attachments in the order the policy lists them. Rules run through `evaluate` (the engine's
 * RuleEvaluator port); a rule that fails or returns something unusable fails the whole classification,
 * with a reason naming the attachment (`workerSelectorAttachments[1].condition: …`).
 */
export async function classify(policy: ClassificationPolicy, labels: Labels, evaluate: EvaluateRule, random: RandomSource): Promise<Classification> {
  try {
    const queueSelectors: RouterQueueSelector[] = [];
    for (const [i, attachment] of policy.queueSelectorAttachments.entries()) {
      queueSelectors.push(...(await queueSelectorsOf(attachment, `queueSelectorAttachments[${i}]`, labels, evaluate, random)));
    }
    const workerSelectors: RouterWorkerSelector[] = [];
    for (const [i, attachment] of policy.workerSelectorAttachments.entries()) {
      workerSelectors.push(...(await workerSelectorsOf(attachment, `workerSelectorAttachments[${i}]`, labels, evaluate, random)));
    }
    const priority = policy.prioritizationRule
      ? take(readPriority(await run(evaluate, policy.prioritizationRule, labels, 'prioritizationRule')), 'prioritizationRule')
      : undefined;
    return { ok: true, value: { queueSelectors, workerSelectors, priority } };
  } catch (error) {
    if (error instanceof ClassificationFailure) return { ok: false, reason: error.message };
    throw error;
  }
}

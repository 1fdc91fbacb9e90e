import { LocalRuleEvaluator } from '../../../shared/adapters/embedded/LocalRuleEvaluator';
import { classify, type EvaluateRule } from '../../../shared/domain/classification/classify';
import type { ClassificationPolicy } from '../../../shared/domain/resources';
import type { QueueSelectorAttachment, WorkerSelectorAttachment } from '../../../shared/domain/model';
import { seededRandom } from '../../support/prng';

/** Rules run through the real in-process evaluator (static, directMap, Power Fx); these policies have no HTTP rules. */
const rules = new LocalRuleEvaluator();
const evaluate: EvaluateRule = (rule, input) =>
  rule.kind === 'function' || rule.kind === 'webhook' ? Promise.reject(new Error('no HTTP rules in these tests')) : rules.evaluate(rule, input);
const never = () => {
  throw new Error('no weighted allocation in this policy');
};

const policy = (overrides: Partial<ClassificationPolicy> = {}): ClassificationPolicy => ({ id: 'cp', queueSelectorAttachments: [], workerSelectorAttachments: [], ...overrides });
const vipCondition = { kind: 'expression' as const, expression: 'job.VIP = true' };

describe('classification of a job by a policy', () => {
  it('an empty policy gives no selectors and no priority', async () => {
    expect(await classify(policy(), {}, evaluate, never)).toEqual({ ok: true, value: { queueSelectors: [], workerSelectors: [], priority: undefined } });
  });

  it('static attachments always attach', async () => {
    const result = await classify(
      policy({
        queueSelectorAttachments: [{ kind: 'static', queueSelector: { key: 'Region', labelOperator: 'equal', value: 'NA' } }],
        workerSelectorAttachments: [{ kind: 'static', workerSelector: { key: 'English', labelOperator: 'greaterThan', value: 5 } }],
      }),
      {},
      evaluate,
      never,
    );
    expect(result).toEqual({ ok: true, value: { queueSelectors: [{ key: 'Region', labelOperator: 'equal', value: 'NA' }], workerSelectors: [{ key: 'English', labelOperator: 'greaterThan', value: 5 }], priority: undefined } });
  });

  it('conditional attachments attach only when the Power Fx condition is true (a missing label is Blank: false)', async () => {
    const attachments: WorkerSelectorAttachment[] = [{ kind: 'conditional', condition: vipCondition, workerSelectors: [{ key: 'VipSkill', labelOperator: 'equal', value: true }] }];
    const vip = await classify(policy({ workerSelectorAttachments: attachments }), { VIP: true }, evaluate, never);
    const plain = await classify(policy({ workerSelectorAttachments: attachments }), { VIP: false }, evaluate, never);
    const unlabelled = await classify(policy({ workerSelectorAttachments: attachments }), {}, evaluate, never);
    expect(vip.ok && vip.value.workerSelectors).toEqual([{ key: 'VipSkill', labelOperator: 'equal', value: true }]);
    expect(plain.ok && plain.value.workerSelectors).toEqual([]);
    expect(unlabelled.ok && unlabelled.value.workerSelectors).toEqual([]);
  });

  it('passThrough takes the job label value, with the attachment expiry; a missing label attaches nothing', async () => {
    const attachments: WorkerSelectorAttachment[] = [{ kind: 'passThrough', key: 'Language', labelOperator: 'equal', expiresAfterSeconds: 30 }];
    const result = await classify(policy({ workerSelectorAttachments: attachments }), { Language: 'fr' }, evaluate, never);
    expect(result.ok && result.value.workerSelectors).toEqual([{ key: 'Language', labelOperator: 'equal', value: 'fr', expiresAfterSeconds: 30 }]);
    const none = await classify(policy({ workerSelectorAttachments: attachments }), {}, evaluate, never);
    expect(none.ok && none.value.workerSelectors).toEqual([]);
  });

  it('ruleEngine attachments take the selectors the rule returns (directMap: one equal selector per label)', async () => {
    const queue: QueueSelectorAttachment[] = [{ kind: 'ruleEngine', rule: { kind: 'directMap' } }];
    const result = await classify(policy({ queueSelectorAttachments: queue }), { Region: 'EU', Tier: 2 }, evaluate, never);
    expect(result.ok && result.value.queueSelectors).toEqual([
      { key: 'Region', labelOperator: 'equal', value: 'EU' },
      { key: 'Tier', labelOperator: 'equal', value: 2 },
    ]);
  });

  it('weightedAllocation attaches one allocation, drawn by weight from the given random source', async () => {
    const attachments: WorkerSelectorAttachment[] = [
      {
        kind: 'weightedAllocation',
        allocations: [
          { weight: 0.25, workerSelectors: [{ key: 'Team', labelOperator: 'equal', value: 'A' }] },
          { weight: 0.75, workerSelectors: [{ key: 'Team', labelOperator: 'equal', value: 'B' }] },
        ],
      },
    ];
    const random = seededRandom(7);
    let teamA = 0;
    for (let i = 0; i < 4000; i++) {
      const result = await classify(policy({ workerSelectorAttachments: attachments }), {}, evaluate, random);
      if (!result.ok) throw new Error(result.reason);
      expect(result.value.workerSelectors).toHaveLength(1);
      if (result.value.workerSelectors[0]?.value === 'A') teamA++;
    }
    expect(Math.abs(teamA / 4000 - 0.25)).toBeLessThan(0.025);
  });

  it('the prioritization rule gives the priority; Blank gives none (the default stays)', async () => {
    const prioritizationRule = { kind: 'expression' as const, expression: 'If(job.VIP = true, 10, Blank())' };
    const vip = await classify(policy({ prioritizationRule }), { VIP: true }, evaluate, never);
    const plain = await classify(policy({ prioritizationRule }), {}, evaluate, never);
    expect(vip.ok && vip.value.priority).toBe(10);
    expect(plain.ok && plain.value.priority).toBeUndefined();
  });

  it('fails with a reason naming the rule when a priority is out of range', async () => {
    const result = await classify(policy({ prioritizationRule: { kind: 'static', value: 500 } }), {}, evaluate, never);
    expect(result).toEqual({ ok: false, reason: 'prioritizationRule: the prioritization rule returned 500; a priority must be between -100 and 100' });
  });

  it('a rule that fails at run time fails the classification with the evaluator reason, naming the attachment', async () => {
    const attachments: WorkerSelectorAttachment[] = [
      { kind: 'static', workerSelector: { key: 'a', labelOperator: 'equal', value: 1 } },
      { kind: 'conditional', condition: { kind: 'expression', expression: 'job.Tier > 2' }, workerSelectors: [] },
    ];
    const result = await classify(policy({ workerSelectorAttachments: attachments }), { Tier: 'gold' }, evaluate, never);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toMatch(/^workerSelectorAttachments\[1\]\.condition: the expression failed/);
  });

  it('a condition that is not a boolean fails the classification', async () => {
    const attachments: QueueSelectorAttachment[] = [{ kind: 'conditional', condition: { kind: 'static', value: 'maybe' }, queueSelectors: [] }];
    const result = await classify(policy({ queueSelectorAttachments: attachments }), {}, evaluate, never);
    expect(result).toEqual({ ok: false, reason: 'queueSelectorAttachments[0].condition: the condition returned "maybe", which is not true or false' });
  });
});

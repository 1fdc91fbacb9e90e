import { validateClassificationPolicy, validateDistributionPolicy } from '../../../shared/domain/model';
import { errorsOf, expectOnlyError, valueOf } from '../model/helpers';

/** Expression rules are compiled when a policy is validated: what is wrong whatever the labels is refused with its position. */

const scoring = (expression: string) => ({ mode: { kind: 'bestWorker', scoringRule: { kind: 'expression', language: 'powerFx', expression } } });
const prioritization = (expression: string) => ({ prioritizationRule: { kind: 'expression', expression } });

describe('expression rules are checked as Power Fx at upsert', () => {
  it('refuses a scoring rule with a syntax error, naming the field and the position', () => {
    expectOnlyError(validateDistributionPolicy(scoring('If(worker.HandleEscalation = true, 100, 1')), 'mode.scoringRule.expression', "is not valid Power Fx: expected ')' to close 'If(' at 1:1 (offset 0)");
  });

  it('refuses an unknown function in a prioritization rule, with the case-sensitive hint', () => {
    expectOnlyError(
      validateClassificationPolicy(prioritization('If(job.Escalated = true, 10, 5) + if(true, 1, 0)')),
      'prioritizationRule.expression',
      "is not valid Power Fx: 'if' is an unknown or unsupported function; names are case-sensitive, did you mean 'If'? at 1:35 (offset 34)",
    );
  });

  it('refuses wrong arities, unknown names and certain type errors', () => {
    expectOnlyError(validateClassificationPolicy(prioritization('Round(job.Score)')), 'prioritizationRule.expression', "'Round' takes 2 arguments, got 1 at 1:1");
    expectOnlyError(validateClassificationPolicy(prioritization('Region = "NA"')), 'prioritizationRule.expression', "'Region' is not a known name");
    expectOnlyError(validateDistributionPolicy(scoring('If(worker.Level > "3", 10, 1)')), 'mode.scoringRule.expression', "'>' compares numbers only, but its right operand is a text");
  });

  it('checks every place a rule can be: conditions, rule-engine attachments, preview kind names', () => {
    const result = validateClassificationPolicy({
      queueSelectorAttachments: [
        { kind: 'conditional', condition: { kind: 'expression', expression: 'job.Region = ' }, queueSelectors: [] },
        { kind: 'ruleEngine', rule: { kind: 'expression-rule', expression: 'job.Region &' } },
      ],
      workerSelectorAttachments: [{ kind: 'conditional', condition: { kind: 'expression', expression: 'job.Urgent = True' }, workerSelectors: [] }],
    });
    expect(errorsOf(result)).toEqual([
      { path: 'queueSelectorAttachments[0].condition.expression', message: 'is not valid Power Fx: expected an expression, found the end of the expression at 1:14 (offset 13)' },
      { path: 'queueSelectorAttachments[1].rule.expression', message: 'is not valid Power Fx: expected an expression, found the end of the expression at 1:13 (offset 12)' },
      { path: 'workerSelectorAttachments[0].condition.expression', message: "is not valid Power Fx: 'True' is not a known name; true and false are written in lower case at 1:14 (offset 13)" },
    ]);
  });

  it.each([
    'If(job.Escalated = true, 10, 5)',
    'If(job.Hardware_VIP = true, 10, 1)',
    'job.Region = "NA"',
    'If(job.Product = "O365", true, false)',
    'If(job.Location = "United States", true, false)',
    'job.Urgent = true',
    'If(job.Escalated = true, "SecondaryQueue", "MainQueue")',
    '1 = 1',
    // Label-dependent: fine for some jobs, an evaluation error for others, so not refused here.
    'Value(job.Tier) > 2',
    'job.Tier > 2',
    "job.'Caller-Id' = \"+1555\"",
  ])('accepts the documented or label-dependent expression %s', (expression) => {
    expect(valueOf(validateClassificationPolicy(prioritization(expression))).prioritizationRule).toEqual({ kind: 'expression', expression });
  });

  it('accepts the SDK scoring sample', () => {
    expect(valueOf(validateDistributionPolicy(scoring('If(worker.HandleEscalation = true, 100, 1)')))).toBeTruthy();
  });
});

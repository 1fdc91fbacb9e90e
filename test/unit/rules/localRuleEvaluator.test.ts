import { LocalRuleEvaluator, YIELD_EVERY, type LocalRule } from '../../../shared/adapters/embedded/LocalRuleEvaluator';
import { RuleEvaluationError } from '../../../shared/ports/RuleEvaluator';

const expression = (text: string): LocalRule => ({ kind: 'expression', language: 'powerFx', expression: text });

describe('LocalRuleEvaluator', () => {
  const rules = new LocalRuleEvaluator();

  describe('expression rules with the documented examples (docs/behaviour.md#inputs)', () => {
    it('scoring (SDK Sample3): a worker with HandleEscalation scores 100, one without the label 1', async () => {
      const rule = expression('If(worker.HandleEscalation = true, 100, 1)');
      const base = { job: { Escalated: true }, selectors: [] };
      await expect(rules.evaluate(rule, { ...base, worker: { Id: 'w1', HandleEscalation: true } })).resolves.toBe(100);
      await expect(rules.evaluate(rule, { ...base, worker: { Id: 'w2' } })).resolves.toBe(1);
    });

    it('prioritization (SDK Sample2, job-classification): Escalated true → 10, false → 1, a missing label → 1', async () => {
      await expect(rules.evaluate(expression('If(job.Escalated = true, 10, 1)'), { job: { Escalated: true } })).resolves.toBe(10);
      await expect(rules.evaluate(expression('If(job.Escalated = true, 10, 1)'), { job: { Escalated: false } })).resolves.toBe(1);
      await expect(rules.evaluate(expression('If(job.Hardware_VIP = true, 10, 1)'), { job: { Region: 'NA' } })).resolves.toBe(1);
      await expect(rules.evaluate(expression('If(job.Urgent = true, 10, 5)'), { job: { Urgent: true } })).resolves.toBe(10);
    });

    it('conditions of conditional attachments give booleans', async () => {
      await expect(rules.evaluate(expression('job.Region = "NA"'), { job: { Region: 'NA' } })).resolves.toBe(true);
      await expect(rules.evaluate(expression('job.Region = "NA"'), { job: { Region: 'EU' } })).resolves.toBe(false);
      await expect(rules.evaluate(expression('If(job.Product = "O365", true, false)'), { job: { Product: 'O365' } })).resolves.toBe(true);
      await expect(rules.evaluate(expression('If(job.Location = "United States", true, false)'), { job: { Location: 'Canada' } })).resolves.toBe(false);
      await expect(rules.evaluate(expression('job.Urgent = true'), { job: {} })).resolves.toBe(false);
    });

    it('a Blank result is null outside scoring; texts, records and tables come back as JSON', async () => {
      await expect(rules.evaluate(expression('If(job.Urgent = true, 10)'), { job: {} })).resolves.toBeNull();
      await expect(rules.evaluate(expression('If(job.Escalated = true, "SecondaryQueue", "MainQueue")'), { job: { Escalated: true } })).resolves.toBe('SecondaryQueue');
      await expect(rules.evaluate(expression('{Region: job.Region, Tier: 2}'), { job: { Region: 'NA' } })).resolves.toEqual({ Region: 'NA', Tier: 2 });
      await expect(rules.evaluate(expression('[job.A, job.B]'), { job: { A: 1 } })).resolves.toEqual([1, null]);
    });

    it('a score is a number: Blank scores 0, booleans 1/0, numeric text its number', async () => {
      const worker = { Id: 'w', Flag: true, Skill: '7' };
      await expect(rules.evaluate(expression('If(worker.Missing = true, 100)'), { worker })).resolves.toBe(0);
      await expect(rules.evaluate(expression('worker.Flag'), { worker })).resolves.toBe(1);
      await expect(rules.evaluate(expression('worker.Skill'), { worker })).resolves.toBe(7);
      await expect(rules.evaluate(expression('"high"'), { worker })).rejects.toThrow('a scoring expression must give a number, got the text "high"');
    });

    it('batch scoring scores each worker of `workers` as `worker` and answers { workerId: score }', async () => {
      const input = { job: { Level: 2 }, workers: [{ Id: 'w1', Skill: 5 }, { Id: 'w2' }, { Id: 'w3', Skill: 1 }] };
      await expect(rules.evaluate(expression('worker.Skill * job.Level'), input)).resolves.toEqual({ w1: 10, w2: 0, w3: 2 });
      await expect(rules.evaluate(expression('1'), { workers: [{ Skill: 1 }] })).rejects.toThrow("batch scoring needs each worker's labels to carry its Id");
      await expect(rules.evaluate(expression('10 / worker.Skill'), { workers: [{ Id: 'ok', Skill: 2 }, { Id: 'zero', Skill: 0 }] })).rejects.toThrow(
        'the expression failed: worker "zero": Div0: division by zero at 1:4',
      );
    });

    it('reads the selectors the scoring payload carries', async () => {
      const selectors = [{ key: 'English', operator: 'GreaterThanEqual', value: 7, expiresAfterSeconds: null }];
      await expect(rules.evaluate(expression('CountRows(selectors) * 10'), { selectors, worker: { Id: 'w' } })).resolves.toBe(10);
    });
  });

  describe('failures are RuleEvaluationErrors that say why', () => {
    it('a runtime error names its kind and position', async () => {
      const failure = rules.evaluate(expression('Value(job.Tier) * 2'), { job: { Tier: 'abc' } });
      await expect(failure).rejects.toBeInstanceOf(RuleEvaluationError);
      await expect(failure).rejects.toThrow('the expression failed: InvalidArgument: the text "abc" is not a number at 1:7');
    });

    it('an input the rule is not given (scoring without jobLabels) is an error, not Blank', async () => {
      await expect(rules.evaluate(expression('job.Tier + worker.Skill'), { worker: { Id: 'w', Skill: 1 } })).rejects.toThrow("'job' is not available to this rule; it is given worker");
    });

    it('an expression stored before it was checked is refused with the compile error', async () => {
      await expect(rules.evaluate(expression('If(job.A'), { job: {} })).rejects.toThrow("the expression is not valid Power Fx: expected ')' to close 'If(' at 1:1");
    });
  });

  it('static and directMap rules still answer without an engine', async () => {
    await expect(rules.evaluate({ kind: 'static', value: 5 }, {})).resolves.toBe(5);
    await expect(rules.evaluate({ kind: 'directMap' }, { job: { Region: 'NA' } })).resolves.toEqual({ Region: 'NA' });
  });

  describe('other callbacks run between costly evaluations (the event loop is not held for a whole batch)', () => {
    // Whether a callback queued with setImmediate runs before the evaluation answers says whether the
    // evaluator gave the event loop a turn; no time is measured.
    const answersAfterOtherCallbacks = async (evaluation: () => Promise<unknown>): Promise<boolean> => {
      const order: string[] = [];
      setImmediate(() => order.push('other'));
      await evaluation();
      order.push('rule');
      return order[0] === 'other';
    };
    const costly = expression('Len(Upper(worker.T) & Lower(worker.T))');
    const workers = Array.from({ length: 6 }, (_, i) => ({ Id: `w${i}`, T: 'x'.repeat(40_000) }));

    it(`a batch whose evaluations cost more than ${YIELD_EVERY} units lets them run before it answers`, async () => {
      await expect(answersAfterOtherCallbacks(() => new LocalRuleEvaluator().evaluate(costly, { workers }))).resolves.toBe(true);
    });

    it('cheap evaluations answer without waiting for a turn of the event loop', async () => {
      const evaluator = new LocalRuleEvaluator();
      await expect(answersAfterOtherCallbacks(() => evaluator.evaluate(expression('worker.S * 2'), { workers: workers.map((w) => ({ Id: w.Id, S: 1 })) }))).resolves.toBe(false);
    });
  });

  it('evaluates the same text the same way after many other expressions (compiled cache eviction)', async () => {
    const evaluator = new LocalRuleEvaluator();
    await expect(evaluator.evaluate(expression('job.A + 1'), { job: { A: 1 } })).resolves.toBe(2);
    for (let i = 0; i < 300; i++) await expect(evaluator.evaluate(expression(`job.A + ${i}`), { job: { A: 0 } })).resolves.toBe(i);
    await expect(evaluator.evaluate(expression('job.A + 1'), { job: { A: 41 } })).resolves.toBe(42);
  });
});

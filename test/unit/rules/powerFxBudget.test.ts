import { compile, evaluate, fromJson, MAX_COST, MAX_EXPRESSION_LENGTH, MAX_STEPS, MAX_TEXT_LENGTH, MAX_TEXT_LITERAL_LENGTH, NODE_COST, type Evaluation } from '../../../shared/domain/rules/powerFx';
import { parseNumberText } from '../../../shared/domain/rules/powerFx/numberText';
import { lowerCase, upperCase } from '../../../shared/domain/rules/powerFx/textCase';
import { caseChainRule, COSTLY_RULES } from '../../support/costlyRules';

/**
 * Evaluation is bounded by work, not only by steps: text functions are charged by the characters they read
 * and write, and an evaluation that would go past MAX_COST stops with a Limit error. Every assertion is on
 * the cost counter or the reason, never on time.
 */


function run(source: string, job: Record<string, unknown> = {}): Evaluation {
  const compiled = compile(source);
  if (!compiled.ok) throw new Error(`${source} does not compile: ${compiled.error.message}`);
  return evaluate(compiled.program, { job: fromJson(job) });
}

function expectOverBudget(result: Evaluation): void {
  expect(result).toMatchObject({ ok: false, error: { kind: 'Limit', reason: expect.stringContaining(`a budget of ${MAX_COST} units`) } });
  expect(result.cost).toBeLessThanOrEqual(MAX_COST); // the charge that would pass it is refused, not counted
}

describe('the cost budget', () => {
  it('stops the 57-deep Upper/Lower rule after a few calls, in its budget, with a Limit reason', () => {
    const source = caseChainRule();
    expect(compile(source).ok).toBe(true); // within every bound checked when a policy is saved
    const result = run(source);
    expectOverBudget(result);
    expect(result.steps).toBeLessThan(200); // the step limit alone would have let it run to the end
    if (!result.ok) expect(result.error.message).toMatch(/^Limit: the rule needs more work than one evaluation may do .* at 1:\d+$/);
  });

  it.each(Object.entries(COSTLY_RULES))('the costly rule "%s" can be saved and ends within its budget', (_name, source) => {
    expect(source.length).toBeLessThanOrEqual(MAX_EXPRESSION_LENGTH); // the schema's bound, checked at save
    const compiled = compile(source);
    expect(compiled.ok).toBe(true);
    if (!compiled.ok) return;
    const result = evaluate(compiled.program, { job: fromJson({}) });
    expect(result.cost).toBeLessThanOrEqual(MAX_COST);
    expect(result.ok || result.error.kind === 'Limit').toBe(true);
  });

  it('IfError cannot contain an evaluation over budget', () => {
    expectOverBudget(run(`IfError(${caseChainRule()}, false)`));
  });

  it('charges a text function the characters it reads and writes', () => {
    const big = 'x'.repeat(50_000);
    const upper = run('Upper(job.T)', { T: big });
    // Call, field and name nodes; 50,000 read and 50,000 written.
    expect(upper).toMatchObject({ ok: true, steps: 3, cost: 3 * NODE_COST + 100_000 });
    expect(run('Len(job.T)', { T: big }).cost).toBe(3 * NODE_COST + 50_000);
    expect(run('job.T & job.T', { T: big }).cost).toBe(5 * NODE_COST + 200_000);
  });

  it('a label read and a label passed through If are not text work', () => {
    expect(run('job.T', { T: 'x'.repeat(50_000) }).cost).toBe(2 * NODE_COST);
    expect(run('If(true, job.T)', { T: 'x'.repeat(50_000) }).cost).toBe(4 * NODE_COST);
  });

  it('charges Switch the texts it compares and `in` the text cells of its table', () => {
    const labels = { A: 'a'.repeat(40_000), B: 'b'.repeat(40_000) };
    // Each of 30 matches against A reads 40,000 characters: 1,200,000 in all, over the budget.
    const matches = Array.from({ length: 30 }, (_, i) => `job.B, ${i}`).join(', ');
    expectOverBudget(run(`Switch(job.A, ${matches}, -1)`, labels));
    const cells = Array.from({ length: 30 }, () => 'job.A').join(', ');
    // One charge for the whole table: 30 cells of 40,000 characters.
    expect(run(`"zz" in [${cells}]`, labels)).toMatchObject({ ok: false, error: { kind: 'Limit' }, cost: expect.any(Number) });
    expect(run(`"zz" in [${cells.split(', ').slice(0, 10).join(', ')}]`, labels)).toMatchObject({ ok: true });
  });

  it('stops a growing concatenation by its size or its cost, whichever comes first', () => {
    const halves = Array.from({ length: 3 }, () => 'job.T').join(', ');
    const bySize = run(`Concatenate(${halves})`, { T: 'x'.repeat(40_000) });
    expect(bySize).toMatchObject({ ok: false, error: { kind: 'Limit', reason: `a text would be longer than ${MAX_TEXT_LENGTH} characters` } });
    const twice = Array.from({ length: 2 }, () => 'job.T').join(', ');
    const byCost = run(Array.from({ length: 8 }, () => `Len(Concatenate(${twice}))`).join(' + '), { T: 'x'.repeat(40_000) });
    expectOverBudget(byCost);
  });

  it('the budget and the step limit are options for callers that need less', () => {
    expect(evaluate(compileOrThrow('Upper("abc")'), {}, { maxCost: 2 * NODE_COST })).toMatchObject({ ok: false, error: { kind: 'Limit' }, cost: 2 * NODE_COST });
    expect(evaluate(compileOrThrow('Upper("abc")'), {}, { maxCost: 2 * NODE_COST + 6 })).toMatchObject({ ok: true, cost: 2 * NODE_COST + 6 });
    expect(MAX_STEPS * NODE_COST).toBeGreaterThanOrEqual(MAX_COST); // steps alone can use the whole budget
  });
});

function compileOrThrow(source: string) {
  const compiled = compile(source);
  if (!compiled.ok) throw compiled.error;
  return compiled.program;
}

describe('bounds checked when the rule is compiled (so when its policy is saved)', () => {
  it(`a text literal of more than ${MAX_TEXT_LITERAL_LENGTH} characters is a limit error at its position`, () => {
    const long = `job.A = "${'a'.repeat(MAX_TEXT_LITERAL_LENGTH + 1)}"`;
    const compiled = compile(long);
    expect(compiled.ok).toBe(false);
    if (!compiled.ok) {
      expect(compiled.error.code).toBe('limit');
      expect(compiled.error.message).toBe(`the text is ${MAX_TEXT_LITERAL_LENGTH + 1} characters long; a text in an expression may have at most ${MAX_TEXT_LITERAL_LENGTH} at 1:9`);
    }
    expect(compile(`job.A = "${'a'.repeat(MAX_TEXT_LITERAL_LENGTH)}"`).ok).toBe(true);
  });
});

describe('text work is linear in the text, whatever it holds', () => {
  // Each of these took seconds (or hours) with a backtracking regular expression; now they answer at once.
  it('reading a number does not backtrack over runs of spaces', () => {
    expect(parseNumberText(`-${' '.repeat(50_000)}x`)).toBeUndefined();
    expect(parseNumberText(`a${' '.repeat(50_000)}a`)).toBeUndefined();
    expect(parseNumberText(`$${' '.repeat(50_000)}-${' '.repeat(50_000)}5`)).toBe(-5);
    expect(parseNumberText(` - $ 1,234.5e1 `)).toBe(-12345);
    expect(parseNumberText(`+ $ - 1`)).toBeUndefined(); // one sign only
  });

  it('a format with many digits groups thousands in one pass', () => {
    const result = run(`Text(1, "#,${'0'.repeat(MAX_TEXT_LITERAL_LENGTH - 2)}")`);
    expect(result.ok && result.value.type === 'text' && result.value.value).toMatch(/^(000,)+0+1$|^0{1,3}(,000)*,001$/);
  });

  it('Upper and Lower map one character at a time, as .NET does, for every kind of text', () => {
    expect(upperCase('ßaßa')).toBe('ßAßA');
    expect(lowerCase('ΣΑΣ Σ')).toBe('σασ σ');
    expect(upperCase('İi')).toBe('İI');
    expect(lowerCase('İI')).toBe('İi');
    expect(upperCase('𐐨x\ud800')).toBe('𐐀X\ud800'); // Deseret (plane 1) maps; a lone surrogate stays
    expect(upperCase('\u{20000}a')).toBe('\u{20000}A');
  });

  it('no character beyond plane 1 has a case mapping (which Upper and Lower rely on)', () => {
    for (let point = 0x20000; point <= 0x10ffff; point += 1) {
      const ch = String.fromCodePoint(point);
      if (ch.toUpperCase() !== ch || ch.toLowerCase() !== ch) throw new Error(`U+${point.toString(16)} has a case mapping`);
    }
  });
});

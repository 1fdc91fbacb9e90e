import { compile, evaluate, fromJson, MAX_NESTING, MAX_STEPS, parse, PowerFxCompileError, type Evaluation } from '../../../shared/domain/rules/powerFx';
import { seededRandom, type Random } from '../../support/prng';

/**
 * Random input must only ever produce a compile error or an evaluation outcome (a value, or an error with a
 * kind and a position inside the text) — never another exception, a stack overflow or a hang. Hangs are
 * ruled out by counting: evaluation reports the steps it used, which must stay within MAX_STEPS.
 */

const ALPHABET = [...'0123456789.eE+-*/^%&|!=<>()[]{},:;@$"\' \t\nabcxyzIfNotAndOrjobworker_#\\', '\u00a0', '\u2028', 'é', '😀'];

const TOKENS = [
  '1', '0', '2.5', '.5', '1e3', '1e400', '"a"', '""', '"1"', '"true"', 'true', 'false', 'job', 'worker', 'selectors', 'job.A', 'job.B',
  "job.'C d'", 'worker.S', 'job.Missing', 'x', 'If', 'Switch', 'And', 'Or', 'Not', 'Len', 'Value', 'Text', 'Mid', 'Find', 'Round', 'Min',
  'Max', 'Coalesce', 'IfError', 'IsBlank', 'Blank', 'Substitute', 'Concatenate', 'CountRows', 'in', 'exactin', '(', ')', '(', ')', '[', ']',
  '{', '}', 'a:', ',', ',', '.', '!', '+', '-', '*', '/', '^', '%', '&', '&&', '||', '=', '<>', '<', '<=', '>', '>=', ';', '@', '//', '/*', '*/',
];

const LABELS = [{ A: 1, B: 'x', 'C d': true }, { A: '3', B: 0, 'C d': null }, { A: -2.5, B: 'true' }, {}];

function randomString(random: Random): string {
  const length = random.int(0, 60);
  return Array.from({ length }, () => random.pick(ALPHABET)).join('');
}

function randomTokens(random: Random): string {
  const length = random.int(1, 40);
  return Array.from({ length }, () => random.pick(TOKENS)).join(random.chance(0.7) ? ' ' : '');
}

/** Grammar-shaped expressions: mostly valid, with calls at their right arity, so evaluation is exercised deeply. */
function randomExpression(random: Random, depth: number): string {
  const leaf = () => random.pick(['1', '0', '-3', '2.5', '"a"', '""', '"12"', 'true', 'false', 'Blank()', 'job.A', 'job.B', "job.'C d'", 'worker.S', 'job.Missing']);
  if (depth <= 0 || random.chance(0.25)) return leaf();
  const sub = () => randomExpression(random, depth - 1);
  const pick = random.int(0, 9);
  if (pick <= 3) return `${sub()} ${random.pick(['+', '-', '*', '/', '^', '&', '=', '<>', '<', '>=', '&&', '||', 'in', 'exactin', 'And', 'Or'])} ${sub()}`;
  if (pick === 4) return `${random.pick(['-', '!', 'Not '])}${sub()}`;
  if (pick === 5) return `(${sub()})${random.chance(0.2) ? '%' : ''}`;
  const calls: Array<[string, number]> = [
    ['If', 3], ['If', 2], ['Switch', 4], ['And', 2], ['Or', 3], ['Not', 1], ['IsBlank', 1], ['Coalesce', 2], ['IfError', 2], ['Len', 1], ['Value', 1],
    ['Text', 1], ['Text', 2], ['Upper', 1], ['Left', 2], ['Right', 2], ['Mid', 3], ['Find', 3], ['StartsWith', 2], ['Min', 3], ['Max', 2], ['Round', 2],
    ['RoundUp', 2], ['Mod', 2], ['Sqrt', 1], ['Substitute', 4], ['Trim', 1], ['Concatenate', 3], ['Int', 1], ['Boolean', 1], ['IsNumeric', 1],
  ];
  const [name, arity] = random.pick(calls);
  return `${name}(${Array.from({ length: arity }, sub).join(', ')})`;
}

function expectOutcome(result: Evaluation, source: string): void {
  expect(result.steps).toBeLessThanOrEqual(MAX_STEPS + 1);
  if (!result.ok) {
    expect(['Div0', 'Validation', 'Numeric', 'InvalidArgument', 'Custom', 'Limit']).toContain(result.error.kind);
    expect(result.error.position.offset).toBeGreaterThanOrEqual(0);
    expect(result.error.position.offset).toBeLessThanOrEqual(source.length);
    expect(result.error.message).toMatch(/ at \d+:\d+$/);
  }
}

/** Compiles and, when that works, evaluates against each label set; also evaluates unchecked trees. */
function exercise(source: string): { compiled: boolean; parsed: boolean } {
  let parsed = false;
  try {
    const ast = parse(source);
    parsed = true;
    for (const labels of LABELS) {
      // Unchecked trees reach evaluation paths the checker would have refused (unknown names, records in arithmetic).
      expectOutcome(evaluate({ source, ast }, { job: fromJson(labels), worker: fromJson({ S: 4 }) }), source);
    }
  } catch (e) {
    if (!(e instanceof PowerFxCompileError)) throw e;
    expect(e.position.offset).toBeLessThanOrEqual(source.length);
  }
  const compiled = compile(source);
  if (!compiled.ok) {
    expect(compiled.error.message).toMatch(/ at \d+:\d+$/);
    return { compiled: false, parsed };
  }
  for (const labels of LABELS) expectOutcome(evaluate(compiled.program, { job: fromJson(labels), worker: fromJson({ S: 4 }) }), source);
  return { compiled: true, parsed };
}

describe('fuzz: parse and evaluate never throw anything but typed errors, and always finish', () => {
  it('3,000 random strings', () => {
    const random = seededRandom(20231101);
    let parsed = 0;
    for (let i = 0; i < 3000; i++) if (exercise(randomString(random)).parsed) parsed++;
    expect(parsed).toBeGreaterThan(50); // the run did reach evaluation
  });

  it('3,000 random token sequences', () => {
    const random = seededRandom(7);
    let compiled = 0;
    for (let i = 0; i < 3000; i++) if (exercise(randomTokens(random)).compiled) compiled++;
    expect(compiled).toBeGreaterThan(20);
  });

  it('2,000 random grammar-shaped expressions', () => {
    const random = seededRandom(42);
    let compiled = 0;
    for (let i = 0; i < 2000; i++) if (exercise(randomExpression(random, 5)).compiled) compiled++;
    expect(compiled).toBeGreaterThan(1000);
  });

  it(`1,000 random mixes of nesting constructs: up to ${MAX_NESTING} levels compile and evaluate, one more is a limit error`, () => {
    // Each wrapper puts its operand one level deeper (a bracket, call argument, record item, prefix operand or
    // exponent); a label read (`job.A`) is a postfix `.A`, one level below where it stands.
    type Nested = { source: string; levels: number };
    const wrappers: Array<(inner: Nested) => Nested> = [
      ({ source, levels }) => ({ source: `(${source})`, levels: levels + 1 }),
      ({ source, levels }) => ({ source: `Abs(${source})`, levels: levels + 1 }),
      ({ source, levels }) => ({ source: `If(job.A > 0, ${source}, 0)`, levels: Math.max(levels, 1) + 1 }),
      ({ source, levels }) => ({ source: `Max(job.Missing, ${source})`, levels: Math.max(levels, 1) + 1 }),
      ({ source, levels }) => ({ source: `{a: ${source}}.a`, levels: levels + 1 }),
      ({ source, levels }) => ({ source: `-${source}`, levels: levels + 1 }),
      ({ source, levels }) => ({ source: `!${source}`, levels: levels + 1 }),
      ({ source, levels }) => ({ source: `Not ${source}`, levels: levels + 1 }),
      ({ source, levels }) => ({ source: `2^${source}`, levels: levels + 1 }),
    ];
    const leaves: Nested[] = [{ source: '1', levels: 0 }, { source: '"2"', levels: 0 }, { source: 'Blank()', levels: 0 }, { source: 'job.A', levels: 1 }];
    const random = seededRandom(64);
    let deepest = 0;
    for (let i = 0; i < 1000; i++) {
      const target = random.chance(0.5) ? random.int(1, MAX_NESTING) : MAX_NESTING + random.int(1, 40);
      let nested = random.pick(leaves);
      while (nested.levels < target) nested = random.pick(wrappers)(nested);
      const compiled = compile(nested.source);
      if (nested.levels <= MAX_NESTING) {
        deepest = Math.max(deepest, nested.levels);
        expect({ source: nested.source, ok: compiled.ok }).toEqual({ source: nested.source, ok: true });
        if (compiled.ok) for (const labels of LABELS) expectOutcome(evaluate(compiled.program, { job: fromJson(labels) }), nested.source);
      } else {
        expect({ source: nested.source, refusal: compiled.ok ? undefined : compiled.error.code }).toEqual({ source: nested.source, refusal: 'limit' });
      }
    }
    expect(deepest).toBe(MAX_NESTING);
  });

  it('long random inputs (well past the 2000-character schema cap) finish too', () => {
    const random = seededRandom(99);
    for (let i = 0; i < 20; i++) {
      const source = Array.from({ length: 2000 }, () => random.pick(TOKENS)).join(' ');
      exercise(source);
    }
    exercise('('.repeat(50_000));
    exercise(`${'-'.repeat(50_000)}1`);
    exercise(Array.from({ length: 20_000 }, () => 'job.A').join(' & '));
  });
});

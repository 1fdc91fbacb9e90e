import fc from 'fast-check';
import { compile, evaluate, fromJson, MAX_COST, MAX_STEPS, PowerFxCompileError, type Evaluation } from '../../../shared/domain/rules/powerFx';

/**
 * Property: whatever program the grammar builds (nested text functions, concatenations, text grown by
 * Substitute, arithmetic, If/Switch, records and tables, label reads) over whatever labels, compiling
 * either succeeds or reports a PowerFxCompileError, and evaluation ends within its budget, counted (cost
 * at most MAX_COST, steps at most MAX_STEPS + 1), with a value or a rule error: never another exception,
 * never a RangeError. Time is never measured: the counters are what bounds it.
 *
 * CI runs a fixed seed and a small number of runs; FC_RUNS=5000 (and FC_SEED) run more on demand.
 */

const RUNS = Number(process.env['FC_RUNS'] ?? 300);
const SEED = Number(process.env['FC_SEED'] ?? 20261207);

const quote = (s: string) => `"${s.replace(/"/g, '""')}"`;

/** Short texts, with the characters case mapping and number reading treat specially. */
const shortText = fc.string({ maxLength: 12, unit: fc.constantFrom('a', 'b', 'ß', 'Σ', 'İ', ' ', '\t', '-', '$', '1', '0', ',', '.', 'e', '%', '𐐨', '"', '\ud800') });

/** Label values: numbers, booleans, short texts and texts up to tens of thousands of characters. */
const labelValue = fc.oneof(
  fc.integer({ min: -1000, max: 1000 }),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  shortText,
  fc.tuple(shortText, fc.integer({ min: 0, max: 40_000 })).map(([s, n]) => (s || 'x').repeat(Math.ceil(n / Math.max(1, s.length)))),
);
const labels = fc.record({ A: labelValue, B: labelValue, T: labelValue }, { requiredKeys: [] });

const { program } = fc.letrec<{ program: string; text: string; number: string; any: string }>((tie) => {
  const any = () => tie('any');
  const text = () => tie('text');
  const num = () => tie('number');
  const call = (name: string, ...args: Array<fc.Arbitrary<string>>) => fc.tuple(...args).map((parts) => `${name}(${parts.join(', ')})`);
  return {
    text: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      shortText.map(quote),
      fc.constantFrom('job.A', 'job.B', 'job.T', 'job.Missing'),
      call('Upper', text()),
      call('Lower', text()),
      call('Trim', text()),
      call('Left', text(), num()),
      call('Mid', text(), num(), num()),
      call('Substitute', text(), shortText.map(quote), text()),
      call('Substitute', text(), shortText.map(quote), text(), num()),
      call('Concatenate', text(), text(), text()),
      call('Text', num(), fc.constantFrom('"#,##0.00"', '"0%"', '"000"', quote('0'.repeat(40)))),
      fc.tuple(text(), text()).map(([a, b]) => `${a} & ${b}`),
      fc.tuple(any(), text(), text()).map(([c, a, b]) => `If(${c}, ${a}, ${b})`),
      fc.tuple(any(), any(), text(), text()).map(([s, m, a, b]) => `Switch(${s}, ${m}, ${a}, ${b})`),
      fc.tuple(text()).map(([a]) => `{x: ${a}, y: 1}.x`),
      fc.tuple(text(), text()).map(([a, b]) => `Coalesce(${a}, ${b})`),
    ),
    number: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.integer({ min: -5, max: 100 }).map(String),
      fc.constantFrom('1e300', '0.5', 'job.A', 'job.B'),
      call('Len', text()),
      call('Value', text()),
      call('Find', text(), text()),
      call('Round', num(), num()),
      call('Mod', num(), num()),
      fc.tuple(num(), fc.constantFrom('+', '-', '*', '/', '^'), num()).map(([a, op, b]) => `(${a} ${op} ${b})`),
      call('CountRows', fc.array(any(), { minLength: 0, maxLength: 4 }).map((items) => `[${items.join(', ')}]`)),
    ),
    any: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      text(),
      num(),
      fc.constantFrom('true', 'false', 'Blank()'),
      fc.tuple(text(), text()).map(([a, b]) => `(${a} in ${b})`),
      fc.tuple(text(), fc.array(text(), { minLength: 1, maxLength: 4 })).map(([a, items]) => `(${a} in [${items.join(', ')}])`),
      fc.tuple(any(), fc.constantFrom('=', '<>', '<', '>=', '&&', '||'), any()).map(([a, op, b]) => `(${a} ${op} ${b})`),
      call('StartsWith', text(), text()),
      call('IsNumeric', text()),
      call('IfError', any(), any()),
      call('Not', any()),
    ),
    program: tie('any'),
  };
});

function expectBounded(result: Evaluation): void {
  expect(result.cost).toBeLessThanOrEqual(MAX_COST);
  expect(result.steps).toBeLessThanOrEqual(MAX_STEPS + 1);
  if (!result.ok) {
    expect(['Div0', 'Validation', 'Numeric', 'InvalidArgument', 'Custom', 'Limit']).toContain(result.error.kind);
    expect(result.error.message).toMatch(/ at \d+:\d+$/);
  }
}

describe('property: generated Power Fx programs end within their budget with a value or a rule error', () => {
  it(`${RUNS} programs over generated labels (seed ${SEED})`, () => {
    let evaluated = 0;
    fc.assert(
      fc.property(program, labels, (source, job) => {
        const compiled = compile(source);
        if (!compiled.ok) {
          expect(compiled.error).toBeInstanceOf(PowerFxCompileError);
          return;
        }
        evaluated++;
        expectBounded(evaluate(compiled.program, { job: fromJson(job) }));
      }),
      { seed: SEED, numRuns: RUNS },
    );
    expect(evaluated).toBeGreaterThan(RUNS / 2); // the grammar mostly builds programs that compile
  });

  it(`${RUNS} programs grown to large texts first (nested Substitute), then worked on`, () => {
    const grown = fc.tuple(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 2, max: 12 }), program).map(([times, width, inner]) => {
      let big = quote('a'.repeat(width));
      for (let i = 0; i < times; i++) big = `Substitute(${big}, "a", ${quote('a'.repeat(width))})`;
      return inner.replace(/job\.T/g, big);
    });
    fc.assert(
      fc.property(grown, labels, (source, job) => {
        const compiled = compile(source);
        if (compiled.ok) expectBounded(evaluate(compiled.program, { job: fromJson(job) }));
      }),
      { seed: SEED + 1, numRuns: RUNS },
    );
  });
});

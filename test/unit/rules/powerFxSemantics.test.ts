import { compile, evaluate, fromJson, MAX_TEXT_LENGTH, toJson } from '../../../shared/domain/rules/powerFx';
import { blank, error, outcomeOf, refused, runtimeErrorOf, value } from './powerFxHelpers';

describe('Blank: a missing label is Blank, and Blank follows docs/behaviour.md#coercion', () => {
  const job = { Present: 'x', Nothing: null };

  it.each([
    ['job.Missing', blank],
    ['job.Nothing', blank],
    ['job.Missing = true', value(false)],
    ['job.Missing <> true', value(true)],
    ['job.Missing = Blank()', value(true)],
    ['job.Missing = ""', value(false)],
    ['job.Missing = 0', value(false)],
    ['job.Missing + 1', value(1)],
    ['job.Missing * 5', value(0)],
    ['job.Missing & "x"', value('x')],
    ['job.Missing & job.Missing', value('')],
    ['IsBlank(job.Missing)', value(true)],
    ['IsBlank(job.Present)', value(false)],
    ['If(job.Missing, 1, 2)', value(2)],
    ['!job.Missing', value(true)],
    ['job.Missing || true', value(true)],
    ['job.Missing > 0', value(false)],
    ['job.Missing >= 0', value(true)],
    ['Len(job.Missing)', value(0)],
    ['Upper(job.Missing)', value('')],
    ['Text(job.Missing)', blank],
    ['Value(job.Missing)', blank],
    ['Coalesce(job.Missing, 5)', value(5)],
    ['Min(job.Missing, 3)', value(3)],
    ['Max(job.Missing, job.Nothing)', blank],
    ['Switch(job.Missing, "", 1, Blank(), 2, 3)', value(2)],
    ['StartsWith(job.Present, job.Missing)', value(true)],
    ['job.Missing in "abc"', value(true)],
    ['"a" in job.Missing', value(false)],
    ['If(false, 1) + 1', value(1)],
    ['IsBlank(If(false, 1) & "")', value(true)], // & gives "" (Text, never Blank), and IsBlank("") is true
  ])('%s', (source, expected) => {
    expect(outcomeOf(source, { job })).toEqual(expected);
  });

  it('Blank never propagates through arithmetic: the result is a number, not Blank', () => {
    expect(outcomeOf('IsBlank(job.Missing + job.Missing)', { job })).toEqual(value(false));
    expect(outcomeOf('job.Missing + job.Missing', { job })).toEqual(value(0));
  });
});

describe('label references', () => {
  it('reads job and worker labels with their JSON types', () => {
    const job = { Region: 'NA', Tier: 3, Vip: true };
    const worker = { Id: 'w1', Skill: 7, Languages: 'en,fr' };
    expect(outcomeOf('job.Region & "-" & job.Tier', { job })).toEqual(value('NA-3'));
    expect(outcomeOf('job.Tier + worker.Skill', { job, worker })).toEqual(value(10));
    expect(outcomeOf('job.Vip && worker.Skill > 5', { job, worker })).toEqual(value(true));
    expect(outcomeOf('worker.Id', { worker })).toEqual(value('w1'));
    expect(outcomeOf('"fr" in worker.Languages', { worker })).toEqual(value(true));
  });

  it('compares label values by type: the number 3 is not the text "3", true is not "true"', () => {
    expect(outcomeOf('job.Tier = 3', { job: { Tier: '3' } })).toEqual(value(false));
    expect(outcomeOf('job.Tier = "3"', { job: { Tier: '3' } })).toEqual(value(true));
    expect(outcomeOf('job.Tier = 3', { job: { Tier: 3 } })).toEqual(value(true));
    expect(outcomeOf('job.Vip = true', { job: { Vip: 'true' } })).toEqual(value(false));
    expect(outcomeOf('Value(job.Tier) = 3', { job: { Tier: '3' } })).toEqual(value(true));
  });

  it('ordering a text label is an error at evaluation (it depends on the job), pointing at the label', () => {
    const failure = runtimeErrorOf('job.Tier > 2', { job: { Tier: '3' } });
    expect(failure).toMatchObject({ kind: 'InvalidArgument', position: { offset: 0, line: 1, column: 1 } });
    expect(failure.message).toBe('InvalidArgument: only numbers can be ordered, got the text "3"; use Value(…) to compare texts as numbers at 1:1');
    expect(outcomeOf('job.Tier > 2', { job: { Tier: 3 } })).toEqual(value(true));
  });

  it('reads labels named like object members as ordinary labels', () => {
    expect(outcomeOf('job.constructor', { job: {} })).toEqual(blank);
    expect(outcomeOf("job.'__proto__'", { job: {} })).toEqual(blank);
    expect(outcomeOf('job.toString', { job: { toString: 'mine' } })).toEqual(value('mine'));
    expect(outcomeOf('job.hasOwnProperty = Blank()', { job: {} })).toEqual(value(true));
  });

  it('an input the rule is not given is an evaluation error that names what it is given', () => {
    const failure = runtimeErrorOf('If(worker.Skill > 5, 10, 1)', { job: { A: 1 } });
    expect(failure).toMatchObject({ kind: 'Validation', position: { column: 4 } });
    expect(failure.message).toBe("Validation: 'worker' is not available to this rule; it is given job at 1:4");
  });

  it('reads the selectors table', () => {
    const compiled = compile('CountRows(selectors) & ":" & IsEmpty(selectors)');
    if (!compiled.ok) throw compiled.error;
    const selectors = fromJson([{ key: 'English', operator: 'GreaterThanEqual', value: 7, expiresAfterSeconds: null }]);
    const result = evaluate(compiled.program, { selectors });
    expect(result.ok && toJson(result.value)).toBe('1:false');
  });
});

describe('case sensitivity', () => {
  it.each([
    ['job.region', { Region: 'NA' }, blank],
    ['job.Region', { Region: 'NA' }, value('NA')],
    ['"abc" = "ABC"', {}, value(false)],
    ['"abc" <> "ABC"', {}, value(true)],
    ['"a" in "ABC"', {}, value(true)],
    ['"a" exactin "ABC"', {}, value(false)],
    ['StartsWith("Hello", "he")', {}, value(true)],
    ['EndsWith("Hello", "LO")', {}, value(true)],
    ['Find("h", "Hello")', {}, blank],
    ['Substitute("aAa", "a", "-")', {}, value('-A-')],
    ['Switch("A", "a", 1, 2)', {}, value(2)],
    ['IF(true, 1, 2)', {}, refused('unknownFunction')],
    ['len("a")', {}, refused('unknownFunction')],
    ['TRUE', {}, refused('unknownName')],
    ['JOB.Region', {}, refused('unknownName')],
    ['true AND false', {}, refused('syntax')],
    ['true and false', {}, refused('syntax')],
    ['not(true)', {}, refused('unknownFunction')],
  ])('%s', (source, job, expected) => {
    expect(outcomeOf(source, { job })).toEqual(expected);
  });

  it('compares texts ignoring case with .NET simple case mapping, so ß does not become SS', () => {
    expect(outcomeOf('"STRASSE" in "straße"')).toEqual(value(false));
    expect(outcomeOf('"ÉCOLE" in "une école"')).toEqual(value(true));
  });

  it('Upper and Lower map each character on its own, as .NET TextInfo does: lengths stay, no final-sigma rule', () => {
    expect(outcomeOf('Upper("Straße")')).toEqual(value('STRAßE'));
    expect(outcomeOf('Upper("ﬁx")')).toEqual(value('ﬁX'));
    expect(outcomeOf('Lower("ΟΔΟΣ")')).toEqual(value('οδοσ'));
    expect(outcomeOf('Lower("ΣΣ ΑΣ") & Upper("aßßb")')).toEqual(value('σσ ασAßßB'));
    expect(outcomeOf('Lower("İstanbul")')).toEqual(value('İstanbul'));
    expect(outcomeOf('Upper("éa𐐨")')).toEqual(value('ÉA𐐀'));
    expect(outcomeOf('Upper(job.City) = "STRAßE"', { job: { City: 'straße' } })).toEqual(value(true));
  });
});

describe('numbers are doubles and print as .NET "G" ([JR-rec] double, not Decimal)', () => {
  it.each([
    ['0.1 + 0.2 = 0.3', value(false)],
    ['0.1 + 0.2', value(0.30000000000000004)],
    ['Text(0.1 + 0.2)', value('0.30000000000000004')],
    ['Text(1/3)', value('0.3333333333333333')],
    ['Text(1e15)', value('1E+15')],
    ['Text(123456789012345)', value('123456789012345')],
    ['Text(0.0001)', value('0.0001')],
    ['Text(0.00001)', value('1E-05')],
    ['Text(-0.000001)', value('-1E-06')],
    ['Text(3e-11)', value('3E-11')],
    ['Text(1.5e300)', value('1.5E+300')],
    ['Text(-Blank())', value('0')],
    ['"n=" & 2.50', value('n=2.5')],
    ['1e308 * 10', error('Numeric')],
    ['Power(2, 2000)', error('Numeric')],
    ['Exp(1000)', error('Numeric')],
    ['Ln(0)', error('Numeric')],
    ['(-8)^(1/3)', error('Numeric')],
    ['0/0', error('Div0')],
  ])('%s', (source, expected) => {
    expect(outcomeOf(source)).toEqual(expected);
  });
});

describe('Text formats (a subset: literal text around 0 # , . and %)', () => {
  it.each([
    ['Text(1234.5, "#,##0.00")', '1,234.50'],
    ['Text(1234567, "#,##0")', '1,234,567'],
    ['Text(0.256, "0%")', '26%'],
    ['Text(-3.14159, "0.00")', '-3.14'],
    ['Text(42, "$#,##0")', '$42'],
    ['Text(7, "000")', '007'],
    ['Text(0.5, "#.00")', '.50'],
    ['Text(2.5, "0")', '3'],
    ['Text(1.005, "0.00")', '1.01'],
    ['Text(12.3, "0.0#")', '12.3'],
    ['Text(12.345, "0.0#")', '12.35'],
    ['Text(5, "0 ""min""")', '5 min'],
    ['Text(-0.001, "0.00")', '0.00'],
    ['Text("12", "0.0")', '12.0'],
  ])('%s is %j', (source, expected) => {
    expect(outcomeOf(source)).toEqual(value(expected));
  });

  it.each(['"yyyy-mm-dd"', '"0.00E+00"', '"0;(0)"', '"0-0"', '"x"', `"0.${'0'.repeat(150)}"`])('the format %s is an InvalidArgument error that says what is supported', (format) => {
    const failure = runtimeErrorOf(`Text(1, ${format})`);
    expect(failure.kind).toBe('InvalidArgument');
    expect(failure.message).toContain('is not supported; use literal text around 0 # , . and %');
    expect(failure.position.column).toBe(9);
  });
});

describe('other functions', () => {
  it.each([
    ['Boolean("TRUE")', value(true)],
    ['Boolean(0)', value(false)],
    ['Boolean("")', blank],
    ['Boolean("yes")', error('InvalidArgument')],
    ['IsError(1/0)', value(true)],
    ['IsError(1)', value(false)],
    ['IfError(1, -1)', value(1)],
    ['IfError(1, -1, 1/0, -2)', value(-2)],
    ['IfError(1, -1, 2, -2, "none")', value('none')],
    ['Trim("  a \t b  ")', value('a b')],
    ['TrimEnds("  a   b  ")', value('a   b')],
    ['Right("abc", 2)', value('bc')],
    ['Right("abc", 0)', value('')],
    ['Right("abc", -1)', error('InvalidArgument')],
    ['Mid("abcdef", 2)', value('bcdef')],
    ['Mid("abcdef", 2, -1)', error('InvalidArgument')],
    ['Find("", "abc")', value(1)],
    ['Find("c", "abcabc", 4)', value(6)],
    ['Find("a", "abc", Blank())', error('InvalidArgument')],
    ['Substitute("abc", "", "x")', value('abc')],
    ['Substitute("a-b-c", "-", "+")', value('a+b+c')],
    ['Substitute("a-b-c", "-", "+", 5)', value('a-b-c')],
    ['Min(3, "1", 2)', value(1)],
    ['Max(1, "x")', error('InvalidArgument')],
    ['Round(2.345, 2)', value(2.35)],
    ['Round(-2.5, 0)', value(-3)],
    ['Round(1234.5678, -2)', value(1200)],
    ['RoundUp(-1.1, 0)', value(-2)],
    ['RoundDown(1.99, 1)', value(1.9)],
    ['Trunc(12.789, 2)', value(12.78)],
    ['Abs(-3)', value(3)],
    ['Sqrt(16)', value(4)],
    ['Power(2, 10)', value(1024)],
    ['Mod(10, 3)', value(1)],
    ['Mod(-10, -3)', value(-1)],
    ['Value(true)', value(1)],
    ['Value("-$1,000")', value(-1000)],
    ['Value("%50")', value(0.5)],
    ['Value(" 1e3 ")', value(1000)],
    ['Value("+-1")', error('InvalidArgument')],
    ['Text("abc")', value('abc')],
    ['Len("😀")', value(2)],
    ['CountRows([1, 2, 3])', value(3)],
    ['IsEmpty([])', value(true)],
    ['IsEmpty(Blank())', value(true)],
    ['"JANE" in ["Jane", "John"]', value(true)],
    ['"JANE" exactin ["Jane", "John"]', value(false)],
    ['2 in [1, 2, 3]', value(true)],
    ['"2" in [1, 2, 3]', value(false)],
    ['{a: 1, b: "x"}.b', value('x')],
    ['{a: 1, b: {c: true}}', value({ a: 1, b: { c: true } })],
    ['[1, "two", Blank()]', value([1, 'two', null])],
    ['[{a: 1}, {a: 2}]', value([{ a: 1 }, { a: 2 }])],
  ])('%s', (source, expected) => {
    expect(outcomeOf(source)).toEqual(expected);
  });
});

describe('runtime errors are values with a kind and a position, never exceptions', () => {
  it.each([
    ['Value("abc")', 'InvalidArgument', 7, 'InvalidArgument: the text "abc" is not a number at 1:7'],
    ['1 + 1/0', 'Div0', 6, 'Div0: division by zero at 1:6'],
    ['1 + "a"', 'InvalidArgument', 5, 'InvalidArgument: the text "a" is not a number at 1:5'],
    ['Mod(1, job.Zero)', 'Div0', 8, 'Div0: Mod by zero at 1:8'],
    ['If("maybe", 1, 2)', 'InvalidArgument', 4, 'InvalidArgument: the text "maybe" is not true or false at 1:4'],
    ['Left("abc", job.Neg)', 'InvalidArgument', 13, 'InvalidArgument: Left needs a count of 0 or more, got -2 at 1:13'],
    ['Sqrt(-1)', 'Numeric', 6, 'Numeric: Sqrt of a negative number (-1) at 1:6'],
  ])('%s', (source, kind, column, message) => {
    const failure = runtimeErrorOf(source, { job: { Zero: 0, Neg: -2 } });
    expect(failure).toEqual({ kind, reason: expect.any(String), position: { offset: column - 1, line: 1, column }, message });
  });

  it('the first error reached is the one reported, and IfError contains it', () => {
    expect(runtimeErrorOf('Value("x") + 1/0').kind).toBe('InvalidArgument');
    expect(outcomeOf('IfError(Value("x") + 1/0, -1)')).toEqual(value(-1));
  });
});

describe('evaluation is bounded', () => {
  it('stops after maxSteps with a Limit error that IfError cannot contain', () => {
    const compiled = compile('IfError(1 + 1 + 1 + 1 + 1, 0)');
    if (!compiled.ok) throw compiled.error;
    const result = evaluate(compiled.program, {}, { maxSteps: 4 });
    expect(result).toMatchObject({ ok: false, steps: 5, error: { kind: 'Limit', message: expect.stringContaining('the evaluation took more than 4 steps') } });
    expect(evaluate(compiled.program, {}, { maxSteps: 7 })).toMatchObject({ ok: true, steps: 7 });
  });

  it('counts the rows a table operation scans', () => {
    const compiled = compile('"x" in selectors');
    expect(compiled.ok).toBe(false); // a four-column table is refused...
    const oneColumn = compile('job.A in [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]');
    if (!oneColumn.ok) throw oneColumn.error;
    const result = evaluate(oneColumn.program, { job: fromJson({ A: 1 }) });
    expect(result.ok && result.steps).toBe(1 + 2 + 1 + 10 + 10); // chain, job.A (field + name), table, items, rows scanned
  });

  it('refuses to build a text longer than the limit (nested Substitute), even inside IfError', () => {
    const ten = '"aaaaaaaaaa"';
    let source = ten;
    for (let i = 0; i < 7; i++) source = `Substitute(${source}, "a", ${ten})`;
    expect(outcomeOf(source)).toEqual(error('Limit'));
    expect(outcomeOf(`IfError(${source}, "contained")`)).toEqual(error('Limit'));
    const failure = runtimeErrorOf(source);
    expect(failure.message).toContain(`a text would be longer than ${MAX_TEXT_LENGTH} characters`);
  });
});

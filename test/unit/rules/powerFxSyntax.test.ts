import { compile, MAX_NESTING, parse, type Expr } from '../../../shared/domain/rules/powerFx';
import { compileMessage, outcomeOf, refused, value } from './powerFxHelpers';

/** The tree as a fully bracketed expression, so precedence and associativity can be read off. */
function bracketed(node: Expr): string {
  switch (node.kind) {
    case 'Number':
      return String(node.value);
    case 'Text':
      return JSON.stringify(node.value);
    case 'Boolean':
      return String(node.value);
    case 'Name':
      return node.name;
    case 'Field':
      return `${bracketed(node.target)}.${node.field}`;
    case 'Call':
      return `${node.name}(${node.args.map(bracketed).join(', ')})`;
    case 'Unary':
      return `(${node.op}${bracketed(node.operand)})`;
    case 'Percent':
      return `(${bracketed(node.operand)}%)`;
    case 'Power':
      return `(${bracketed(node.base)} ^ ${bracketed(node.exponent)})`;
    case 'Chain':
      return node.rest.reduce((left, link) => `(${left} ${link.op} ${bracketed(link.operand)})`, bracketed(node.first));
    case 'Record':
      return `{${node.fields.map((f) => `${f.name}: ${bracketed(f.value)}`).join(', ')}}`;
    case 'Table':
      return `[${node.items.map(bracketed).join(', ')}]`;
  }
}

const shape = (source: string) => bracketed(parse(source));

describe('precedence and associativity (Precedence.cs, lowest to highest)', () => {
  it.each([
    ['1 + 2 * 3', '(1 + (2 * 3))'],
    ['1 * 2 + 3', '((1 * 2) + 3)'],
    ['1 - 2 - 3', '((1 - 2) - 3)'],
    ['8 / 4 / 2', '((8 / 4) / 2)'],
    ['1 - 2 + 3', '((1 - 2) + 3)'],
    ['2^3^2', '(2 ^ (3 ^ 2))'],
    ['-2^2', '(-(2 ^ 2))'],
    ['2^-1', '(2 ^ (-1))'],
    ['2^50%', '(2 ^ (50%))'],
    ['-5%', '(-(5%))'],
    ['--3', '(-(-3))'],
    ['Not a = b', '((!a) = b)'],
    ['!a = b', '((!a) = b)'],
    ['Not Not a', '(!(!a))'],
    ['a = b in c', '((a = b) in c)'],
    ['x in y = z', '(x in (y = z))'],
    ['x exactin y in z', '((x exactin y) in z)'],
    ['1 + 2 & 3', '((1 + 2) & 3)'],
    ['"a" & "b" = "ab"', '(("a" & "b") = "ab")'],
    ['a & b & c', '((a & b) & c)'],
    ['a || b && c', '(a || (b && c))'],
    ['a && b || c && d', '((a && b) || (c && d))'],
    ['a Or b And c', '(a || (b && c))'],
    ['a || b || c', '((a || b) || c)'],
    ['1 < 2 < 3', '((1 < 2) < 3)'],
    ['a <> b = c', '((a <> b) = c)'],
    ['(1 + 2) * 3', '((1 + 2) * 3)'],
    ['job.a.b', 'job.a.b'],
    ['job!Region', 'job.Region'],
    ["job.'Caller-Id' & worker.'my label'", '(job.Caller-Id & worker.my label)'],
    ['-job.Tier^2', '(-(job.Tier ^ 2))'],
    ['job.Rate%', '(job.Rate%)'],
    ['If (true, 1, 2)', 'If(true, 1, 2)'],
    ['And(a, b)', 'And(a, b)'],
    ['Not(a) = b', '(Not(a) = b)'],
    ['{a: 1, b: [2, 3]}', '{a: 1, b: [2, 3]}'],
  ])('%s  →  %s', (source, expected) => {
    expect(shape(source)).toBe(expected);
  });

  it.each([
    ['1 + 2 * 3', 7],
    ['(1 + 2) * 3', 9],
    ['1 - 2 - 3', -4],
    ['8 / 4 / 2', 1],
    ['2^3^2', 512],
    ['-2^2', -4],
    ['2^-1', 0.5],
    ['2^50%', Math.SQRT2],
    ['10 - 2 * 3 ^ 2 / 6', 7],
  ])('evaluates %s to %p', (source, expected) => {
    expect(outcomeOf(source)).toEqual(value(expected));
  });

  it('evaluates the comparison and logical levels as bracketed', () => {
    expect(outcomeOf('"a" & "b" = "ab"')).toEqual(value(true));
    expect(outcomeOf('1 = 1 in "true"')).toEqual(value(true)); // (1 = 1) in "true"
    expect(outcomeOf('"tr" in 1 = 1')).toEqual(value(true)); // "tr" in (1 = 1), i.e. in "true"
    expect(outcomeOf('true || false && false')).toEqual(value(true));
    expect(outcomeOf('(true || false) && false')).toEqual(value(false));
    expect(outcomeOf('Not false && false')).toEqual(value(false)); // (Not false) && false
  });

  it('a left-associative comparison chain that compares a boolean is refused before evaluation', () => {
    expect(outcomeOf('1 < 2 < 3')).toEqual(refused('type'));
  });

  it('a long chain of one level is not nesting: 500 terms parse and evaluate', () => {
    expect(outcomeOf(Array.from({ length: 500 }, () => '1').join(' + '))).toEqual(value(500));
    const regions = Array.from({ length: 100 }, (_, i) => `job.Region = "R${i}"`).join(' || ');
    expect(outcomeOf(regions, { job: { Region: 'R99' } })).toEqual(value(true));
  });
});

describe('lexical rules', () => {
  it.each([
    ['1 + // to the end of the line\n 2', 3],
    ['/* a */ 1 /* b */ + /* c */ 2', 3],
    ['1 + 2 // trailing comment', 3],
    ['1\t+\n2\r\n+\u000b3\f+\u00a04\u2028+\u20295\u0085+\u30006', 21],
    ['1.', 1],
    ['.5', 0.5],
    ['1E+3', 1000],
    ['1e3', 1000],
    ['2.5e-1', 0.25],
    ['1.e2', 100],
  ])('%j evaluates to %p', (source, expected) => {
    expect(outcomeOf(source)).toEqual(value(expected));
  });

  it.each([
    ['"The ""quoted"" text"', 'The "quoted" text'],
    ['""""', '"'],
    ['"line one\nline two"', 'line one\nline two'],
    ['"// not a comment"', '// not a comment'],
    ['"/* not a comment */"', '/* not a comment */'],
    ['"back\\slash"', 'back\\slash'],
  ])('the text %j is %j', (source, expected) => {
    expect(outcomeOf(source)).toEqual(value(expected));
  });

  it.each([
    ['2e', "found 'e'"],
    ['1.2.3', "'1.2.' is not a number"],
    ['1e400', 'the number 1e400 is too large'],
    ['1_000', "found '_000'"],
    ['0x10', "found 'x10'"],
    ['/* never closed', "the comment opened at 1:1 is not closed with '*/'"],
    ['"never closed', 'the text opened at 1:1 is not closed with \'"\''],
    ["job.'never closed", "the name opened at 1:5 must be closed with \"'\" on the same line"],
    ["job.'two\nlines'", "must be closed with \"'\" on the same line"],
    ["job.''", "a quoted name must not be empty ('')"],
    ["'single quotes are names, not text'", "'single quotes are names, not text' is not a known name"],
    ['1; 2', "';' (chaining) is not allowed"],
    ['@job', "'@' (disambiguation) is not supported"],
    ['$"Hello {job.Name}"', 'text interpolation ($"…") is not supported'],
    ['true | false', "the 'or' operator is '||'"],
    ['1 # 2', 'unexpected character "#"'],
    ['true And/*no space*/false', "the operator 'And' must be followed by a space"],
    ['Self.Value', "'Self' is not supported"],
    ['Parent.Fill', "'Parent' is not supported"],
  ])('%j is refused: %s', (source, message) => {
    expect(compileMessage(source)).toContain(message);
  });

  it('true and false are lower case keywords; True and FALSE are unknown names', () => {
    expect(outcomeOf('true')).toEqual(value(true));
    expect(outcomeOf('false')).toEqual(value(false));
    expect(compileMessage('True')).toBe("'True' is not a known name; true and false are written in lower case at 1:1");
    expect(outcomeOf('FALSE')).toEqual(refused('unknownName'));
  });

  it('And/Or/Not are operators when followed by whitespace and functions when followed by "("', () => {
    expect(outcomeOf('true And false')).toEqual(value(false));
    expect(outcomeOf('false Or\ntrue')).toEqual(value(true));
    expect(outcomeOf('Not\tfalse')).toEqual(value(true));
    expect(outcomeOf('And(true, true, false)')).toEqual(value(false));
    expect(outcomeOf('Or(false, false, true)')).toEqual(value(true));
    expect(outcomeOf('Not(false)')).toEqual(value(true));
  });

  it('quoted names can hold anything, including keywords, and a doubled quote', () => {
    const job = { 'Caller-Id': '+15551234', 'my label': 1, '1stTier': 'gold', true: 'yes', "It's": 2, 'a.b': 3 };
    expect(outcomeOf("job.'Caller-Id'", { job })).toEqual(value('+15551234'));
    expect(outcomeOf("job.'my label' + job.'It''s' + job.'a.b'", { job })).toEqual(value(6));
    expect(outcomeOf("job.'1stTier'", { job })).toEqual(value('gold'));
    expect(outcomeOf("job.'true'", { job })).toEqual(value('yes'));
    expect(outcomeOf("'job'.'true'", { job })).toEqual(value('yes'));
  });

  it('names use Unicode letters, digits after the first, and underscores', () => {
    const job = { Région: 'EU', _private: 1, Tier2: 2, 日本: 'jp' };
    expect(outcomeOf('job.Région & job.日本', { job })).toEqual(value('EUjp'));
    expect(outcomeOf('job._private + job.Tier2', { job })).toEqual(value(3));
  });
});

describe('error positions and messages', () => {
  const error = (source: string) => {
    const compiled = compile(source);
    if (compiled.ok) throw new Error(`expected ${source} to be refused`);
    return { code: compiled.error.code, message: compiled.error.message, ...compiled.error.position };
  };

  it('an unclosed call points at the call', () => {
    expect(error('If(job.Urgent, 10')).toEqual({ code: 'syntax', message: "expected ')' to close 'If(' at 1:1", offset: 0, line: 1, column: 1 });
    expect(error('1 + If(').message).toBe("expected ')' to close 'If(' at 1:5");
    expect(error('Max(1, Min(2, 3)').message).toBe("expected ')' to close 'Max(' at 1:1");
  });

  it('an unclosed bracket points at the bracket', () => {
    expect(error('(1 + 2')).toMatchObject({ message: "expected ')' to close '(' at 1:1", column: 1 });
    expect(error('[1, 2')).toMatchObject({ message: "expected ']' to close '[' at 1:1" });
    expect(error('{a: 1')).toMatchObject({ message: "expected '}' to close '{' at 1:1" });
  });

  it('something else where a closer was expected points at what was found and names the opening', () => {
    expect(error('If(1 2)')).toEqual({
      code: 'syntax',
      message: "expected ',' or ')' after argument 1 of 'If(' opened at 1:1, found the number 2 at 1:6",
      offset: 5,
      line: 1,
      column: 6,
    });
    expect(error('(1 2)').message).toBe("expected ')' to close '(' opened at 1:1, found the number 2 at 1:4");
  });

  it('a missing operand', () => {
    expect(error('1 +')).toMatchObject({ message: 'expected an expression, found the end of the expression at 1:4', offset: 3 });
    expect(error('1 + )').message).toBe("expected an expression, found ')' at 1:5");
    expect(error('If(1,').message).toBe("expected an expression, found the end of the expression ('If(' opened at 1:1 is not closed) at 1:6");
    expect(error('If(1,,2)').message).toBe("expected an expression, found ',' at 1:6");
    expect(error('* 2').message).toBe("expected an expression, found '*' at 1:1");
    expect(error('And true').message).toBe("expected an expression before the operator 'And' at 1:1");
    expect(error('').message).toBe('expected an expression, found the end of the expression at 1:1');
    expect(error('   // only a comment').message).toBe('expected an expression, found the end of the expression at 1:21');
  });

  it('leftovers after a complete expression', () => {
    expect(error('1 2').message).toBe('expected an operator or the end of the expression, found the number 2 at 1:3');
    expect(error('1)').message).toBe("unexpected ')': there is no '(' for it to close at 1:2");
    expect(error('job.A = 1 job.B').message).toBe("expected an operator or the end of the expression, found 'job' at 1:11");
    expect(error('job.').message).toBe("expected a label or field name after '.', found the end of the expression at 1:5");
  });

  it('lines and columns count from 1 across LF, CRLF and CR line breaks', () => {
    expect(error('If(\n  job.A = 1,\n  10 5)')).toMatchObject({ line: 3, column: 6, offset: 22 });
    expect(error('1 +\r\n\r\n  )')).toMatchObject({ line: 3, column: 3 });
    expect(error('1 +\r)')).toMatchObject({ line: 2, column: 1 });
    expect(error('/* a\ncomment */ If(1, 2').message).toBe("expected ')' to close 'If(' at 2:12");
  });

  it('names the unknown function, case-sensitively, with a suggestion', () => {
    expect(error('if(true, 1, 2)')).toEqual({
      code: 'unknownFunction',
      message: "'if' is an unknown or unsupported function; names are case-sensitive, did you mean 'If'? at 1:1",
      offset: 0,
      line: 1,
      column: 1,
    });
    expect(error('1 + LEN("a")').message).toBe("'LEN' is an unknown or unsupported function; names are case-sensitive, did you mean 'Len'? at 1:5");
    expect(error('Iff(true, 1)').message).toContain("did you mean 'If'?");
    expect(error('ParseJSON("{}")').message).toBe("'ParseJSON' is an unknown or unsupported function: Job Router expressions do not support it at 1:1");
    expect(error('Now() > 0').message).toBe("'Now' is an unknown or unsupported function: Job Router expressions do not support it at 1:1");
    expect(error('Frobnicate(1)').message).toBe("'Frobnicate' is an unknown or unsupported function at 1:1");
  });

  it('names the function whose argument count is wrong', () => {
    expect(error('If(true)')).toMatchObject({ code: 'arity', message: "'If' takes at least 2 arguments, got 1 at 1:1" });
    expect(error('Len()').message).toBe("'Len' takes 1 argument, got 0 at 1:1");
    expect(error('1 + Mid("a")').message).toBe("'Mid' takes 2 to 3 arguments, got 1 at 1:5");
    expect(error('Blank(1)').message).toBe("'Blank' takes 0 arguments, got 1 at 1:1");
    expect(error('Round(1.5)').message).toBe("'Round' takes 2 arguments, got 1 at 1:1");
  });

  it('names unknown top-level names with a hint', () => {
    expect(error('Job.Region = "NA"')).toMatchObject({ code: 'unknownName', message: "'Job' is not a known name; names are case-sensitive, did you mean 'job'? at 1:1" });
    expect(error('Region = "NA"').message).toBe("'Region' is not a known name; read labels as job.Region (or worker.Region in a scoring rule) at 1:1");
    expect(error('job.A = null').message).toBe('\'null\' is not a known name; write Blank() for "no value" at 1:9');
    expect(error('If').message).toBe("'If' is a function; call it with its arguments: If(…) at 1:1");
    expect(error('ThisRecord.Region').message).toBe("'ThisRecord' is not supported in Job Router expressions; read labels as job.<label> or worker.<label> at 1:1");
  });

  it('names type errors that are certain before evaluation', () => {
    expect(error('"16" > "14"')).toMatchObject({ code: 'type', message: "'>' compares numbers only, but its left operand is a text; use Value(…) to compare texts as numbers at 1:1" });
    expect(error('1 <= true').message).toBe("'<=' compares numbers only, but its right operand is a boolean at 1:6");
    expect(error('job.Region.Code').message).toBe("job.Region is a value, not a record (a label value is a text, number or boolean): '.Code' cannot be read from it at 1:12");
    expect(error('job + 1').message).toBe("the left operand of '+' is a record; it needs a text, number or boolean at 1:1");
    expect(error('Len(worker)').message).toBe("argument 1 of 'Len' must be a text, number or boolean, got a record at 1:5");
    expect(error('CountRows(5)').message).toBe("argument 1 of 'CountRows' must be a table, got a number at 1:11");
    expect(error('{a: 1}.b').message).toBe("the record has no field 'b' at 1:8");
    expect(error('{a: 1, a: 2}').message).toBe("the field 'a' appears twice in this record at 1:8");
    expect(error('[1, {a: 1}]').message).toBe('the items of a table must be all records or all values at 1:1');
    expect(error('"a" in selectors').message).toBe("'in' needs text or a one-column table on its right, got a table with 4 columns at 1:8");
    expect(error('(1).x').message).toBe("1 is a number, not a record: '.x' cannot be read from it at 1:5");
  });
});

describe('nesting is bounded', () => {
  const nested = (open: string, inner: string, close: string, n: number) => open.repeat(n) + inner + close.repeat(n);

  it(`${MAX_NESTING} levels of brackets are accepted, one more is refused with a clean error`, () => {
    expect(outcomeOf(nested('(', '1', ')', MAX_NESTING))).toEqual(value(1));
    const refusedAt = compile(nested('(', '1', ')', MAX_NESTING + 1));
    expect(refusedAt.ok).toBe(false);
    if (!refusedAt.ok) expect(refusedAt.error).toMatchObject({ code: 'limit', message: `the expression is nested too deeply (more than ${MAX_NESTING} levels) at 1:${MAX_NESTING + 1}` });
  });

  it.each([
    ['10,000 brackets', nested('(', '1', ')', 10_000)],
    ['10,000 unclosed brackets', '('.repeat(10_000)],
    ['10,000 calls', nested('Abs(', '1', ')', 10_000)],
    ['10,000 minus signs', `${'-'.repeat(10_000)}1`],
    ['10,000 Nots', `${'Not '.repeat(10_000)}true`],
    ['10,000 bangs', `${'!'.repeat(10_000)}true`],
    ['10,000 powers', `${'2^'.repeat(10_000)}2`],
    ['10,000 field reads', `job${'.a'.repeat(10_000)}`],
    ['10,000 percent signs', `1${'%'.repeat(10_000)}`],
    ['10,000 tables', nested('[', '1', ']', 10_000)],
    ['10,000 records', nested('{a: ', '1', '}', 10_000)],
    ['10,000 If conditions', nested('If(true, ', '1', ')', 10_000)],
  ])('%s: a limit error, not a stack overflow', (_label, source) => {
    const compiled = compile(source);
    expect(compiled.ok).toBe(false);
    if (!compiled.ok) {
      expect(compiled.error.code).toBe('limit');
      expect(compiled.error.message).toContain('nested too deeply');
    }
  });
});

import type { ChainLink, ChainOperator, Expr, RecordField } from './ast';
import { PowerFxCompileError } from './errors';
import { lex } from './lexer';
import { MAX_NESTING } from './limits';
import { where, type Span } from './source';
import { describeToken, type Token } from './tokens';

/**
 * Precedence levels from lowest to highest (Power Fx `Precedence.cs`); each is left-associative and parses
 * its operands at the next level. `in`/`exactin` take their right operand at the comparison level, which the
 * next level already is.
 */
const CHAIN_LEVELS: ReadonlyArray<Readonly<Record<string, ChainOperator>>> = [
  { '||': '||', Or: '||' },
  { '&&': '&&', And: '&&' },
  { in: 'in', exactin: 'exactin' },
  { '=': '=', '<>': '<>', '<': '<', '<=': '<=', '>': '>', '>=': '>=' },
  { '&': '&' },
  { '+': '+', '-': '-' },
  { '*': '*', '/': '/' },
];

const UNSUPPORTED_KEYWORDS: Readonly<Record<string, string>> = {
  Self: "'Self' is not supported in Job Router expressions; read labels as job.<label> or worker.<label>",
  Parent: "'Parent' is not supported in Job Router expressions; read labels as job.<label> or worker.<label>",
  As: "'As' is not supported in Job Router expressions",
};

/** Parses one Power Fx expression into a tree with source spans; throws PowerFxCompileError with a position. */
export function parse(source: string): Expr {
  return new Parser(source).parseAll();
}

class Parser {
  private readonly tokens: Token[];
  private index = 0;
  private depth = 0;
  /** Brackets not closed yet, innermost last: named when the text ends inside them. */
  private readonly open: Array<{ what: string; at: Token }> = [];

  constructor(private readonly source: string) {
    this.tokens = lex(source);
  }

  parseAll(): Expr {
    const expr = this.parseExpression();
    const token = this.peek();
    if (token.type !== 'end') {
      if (this.isPunctuator(token, ';')) this.fail("';' (chaining) is not allowed: a rule is one expression", token);
      if (this.isPunctuator(token, ')')) this.fail("unexpected ')': there is no '(' for it to close", token);
      this.fail(`expected an operator or the end of the expression, found ${describeToken(token)}`, token);
    }
    return expr;
  }

  private parseExpression(): Expr {
    return this.parseLevel(0);
  }

  private parseLevel(level: number): Expr {
    const operators = CHAIN_LEVELS[level];
    if (operators === undefined) return this.parseUnary();
    const first = this.parseLevel(level + 1);
    const rest: ChainLink[] = [];
    for (;;) {
      const token = this.peek();
      const op = (token.type === 'punctuator' || token.type === 'keyword') && Object.hasOwn(operators, token.value) ? operators[token.value] : undefined;
      if (op === undefined) break;
      this.index++;
      rest.push({ op, opSpan: span(token), operand: this.parseLevel(level + 1) });
    }
    if (rest.length === 0) return first;
    return { kind: 'Chain', first, rest, start: first.start, end: (rest[rest.length - 1] as ChainLink).operand.end };
  }

  /** Prefix `-`, `!`, `Not`: the operand is parsed above the prefix level, so `-2^2` is `-(2^2)` and `Not a = b` is `(Not a) = b`. */
  private parseUnary(): Expr {
    const token = this.peek();
    if (this.isPunctuator(token, '-') || this.isPunctuator(token, '!') || (token.type === 'keyword' && token.value === 'Not')) {
      this.index++;
      const operand = this.nested(token, () => this.parseUnary());
      return { kind: 'Unary', op: this.isPunctuator(token, '-') ? '-' : '!', operand, start: token.start, end: operand.end };
    }
    return this.parsePower();
  }

  /** `^` is right-associative and its exponent may carry a prefix: `2^-1`, `2^3^2` = `2^9`. */
  private parsePower(): Expr {
    const base = this.parsePostfix();
    const token = this.peek();
    if (!this.isPunctuator(token, '^')) return base;
    this.index++;
    const exponent = this.nested(token, () => this.parseUnary());
    return { kind: 'Power', base, exponent, start: base.start, end: exponent.end };
  }

  private parsePostfix(): Expr {
    let expr = this.parsePrimary();
    let levels = 0;
    for (;;) {
      const token = this.peek();
      const isField = this.isPunctuator(token, '.') || (this.isPunctuator(token, '!') && this.peek(1).type === 'name');
      if (!isField && !this.isPunctuator(token, '%')) return expr;
      if (this.depth + ++levels > MAX_NESTING) this.tooDeep(token);
      this.index++;
      if (!isField) {
        expr = { kind: 'Percent', operand: expr, start: expr.start, end: token.end };
        continue;
      }
      const name = this.peek();
      if (name.type !== 'name') this.fail(`expected a label or field name after '${token.type === 'punctuator' ? token.value : '.'}', found ${describeToken(name)}`, name);
      this.index++;
      expr = { kind: 'Field', target: expr, field: name.value, fieldSpan: span(name), start: expr.start, end: name.end };
    }
  }

  private parsePrimary(): Expr {
    const token = this.next();
    switch (token.type) {
      case 'number':
        return { kind: 'Number', value: token.value, start: token.start, end: token.end };
      case 'text':
        return { kind: 'Text', value: token.value, start: token.start, end: token.end };
      case 'name':
        if (this.isPunctuator(this.peek(), '(')) return this.parseCall(token);
        return { kind: 'Name', name: token.value, start: token.start, end: token.end };
      case 'keyword':
        if (token.value === 'true' || token.value === 'false') return { kind: 'Boolean', value: token.value === 'true', start: token.start, end: token.end };
        if (Object.hasOwn(UNSUPPORTED_KEYWORDS, token.value)) this.fail(UNSUPPORTED_KEYWORDS[token.value] as string, token);
        return this.fail(`expected an expression before the operator ${describeToken(token)}`, token);
      case 'punctuator':
        if (token.value === '(') {
          const inner = this.inside("'('", token, () => this.nested(token, () => this.parseExpression()));
          this.close(token, ')', "'('");
          return inner;
        }
        if (token.value === '{') return this.parseRecord(token);
        if (token.value === '[') return this.parseTable(token);
        if (token.value === ';') this.fail("';' (chaining) is not allowed: a rule is one expression", token);
        if (token.value === '@') this.fail("'@' (disambiguation) is not supported in Job Router expressions", token);
        return this.fail(`expected an expression, found ${describeToken(token)}`, token);
      case 'end': {
        const innermost = this.open[this.open.length - 1];
        if (innermost === undefined) return this.fail('expected an expression, found the end of the expression', token);
        return this.fail(`expected an expression, found the end of the expression (${innermost.what} opened at ${where(this.source, innermost.at.start)} is not closed)`, token);
      }
    }
  }

  private parseCall(name: Token & { type: 'name' }): Expr {
    const open = this.next();
    const what = `'${name.value}('`;
    if (this.peek().type === 'end') this.fail(`expected ')' to close ${what}`, name);
    const args = this.parseItems(open, ')', what, name);
    const close = this.close(name, ')', what, `after argument ${args.length} of`);
    return { kind: 'Call', name: name.value, nameSpan: span(name), args, start: name.start, end: close.end };
  }

  /** `e1, e2, …` up to (not including) `closer`; `what`/`at` name the opening if the text ends inside. */
  private parseItems(open: Token, closer: string, what: string, at: Token): Expr[] {
    const items: Expr[] = [];
    if (this.isPunctuator(this.peek(), closer)) return items;
    this.inside(what, at, () => {
      for (;;) {
        items.push(this.nested(open, () => this.parseExpression()));
        if (!this.isPunctuator(this.peek(), ',')) break;
        this.index++;
      }
    });
    return items;
  }

  private parseRecord(open: Token): Expr {
    const fields: RecordField[] = [];
    if (!this.isPunctuator(this.peek(), '}')) {
      this.inside("'{'", open, () => this.parseFields(open, fields));
    }
    const close = this.close(open, '}', "'{'", 'after a field of');
    return { kind: 'Record', fields, start: open.start, end: close.end };
  }

  private parseFields(open: Token, fields: RecordField[]): void {
    for (;;) {
      const name = this.next();
      if (name.type !== 'name') this.fail(`expected a field name in '{' opened at ${where(this.source, open.start)}, found ${describeToken(name)}`, name);
      const colon = this.next();
      if (!this.isPunctuator(colon, ':')) this.fail(`expected ':' after the field name ${describeToken(name)}, found ${describeToken(colon)}`, colon);
      const value = this.nested(open, () => this.parseExpression());
      fields.push({ name: name.value, nameSpan: span(name), value });
      if (!this.isPunctuator(this.peek(), ',')) break;
      this.index++;
    }
  }

  private parseTable(open: Token): Expr {
    const items = this.parseItems(open, ']', "'['", open);
    const close = this.close(open, ']', "'['", 'after an item of');
    return { kind: 'Table', items, start: open.start, end: close.end };
  }

  /**
   * Expects `closer`. At the end of the text the error points at what was left open; elsewhere at what was
   * found instead, naming the opening and where it is.
   */
  private close(opening: Token, closer: ')' | '}' | ']', what: string, context?: string): Token {
    const token = this.next();
    if (this.isPunctuator(token, closer)) return token;
    if (token.type === 'end') this.fail(`expected '${closer}' to close ${what}`, opening);
    const expected = context === undefined ? `'${closer}' to close` : `',' or '${closer}' ${context}`;
    return this.fail(`expected ${expected} ${what} opened at ${where(this.source, opening.start)}, found ${describeToken(token)}`, token);
  }

  private inside<T>(what: string, at: Token, parse: () => T): T {
    this.open.push({ what, at });
    try {
      return parse();
    } finally {
      this.open.pop();
    }
  }

  private nested<T>(at: Token, parse: () => T): T {
    if (++this.depth > MAX_NESTING) this.tooDeep(at);
    try {
      return parse();
    } finally {
      this.depth--;
    }
  }

  private tooDeep(at: Token): never {
    throw new PowerFxCompileError('limit', `the expression is nested too deeply (more than ${MAX_NESTING} levels)`, this.source, at.start);
  }

  private peek(ahead = 0): Token {
    return this.tokens[Math.min(this.index + ahead, this.tokens.length - 1)] as Token;
  }

  private next(): Token {
    const token = this.peek();
    if (token.type !== 'end') this.index++;
    return token;
  }

  private isPunctuator(token: Token, value: string): boolean {
    return token.type === 'punctuator' && token.value === value;
  }

  private fail(reason: string, at: Span): never {
    throw new PowerFxCompileError('syntax', reason, this.source, at.start);
  }
}

function span(token: Span): Span {
  return { start: token.start, end: token.end };
}

import type { Chain, ChainLink, Expr } from './ast';
import { PowerFxCompileError, type CompileErrorCode } from './errors';
import { closestName, FUNCTIONS, unknownFunctionMessage } from './functions';
import { INPUT_NAMES } from './inputs';
import type { ParamKind } from './builtins';
import type { Span } from './source';
import { BOOLEAN, describeType, isCompound, NUMBER, SCALAR, TEXT, union, UNKNOWN, type StaticType } from './staticTypes';
import { VALUE_COLUMN } from './values';

/**
 * Checks what can be known without labels: names, functions and their arities, and types that are certain
 * (`"16" > "14"`, a record in arithmetic). Label values are typed per job, so anything that depends on them
 * is left to evaluation. Throws the first problem found; returns the type of the whole expression.
 */
export function check(ast: Expr, source: string): StaticType {
  return new Checker(source).typeOf(ast);
}

const NO_VALUE_WORDS = new Set(['null', 'blank', 'undefined', 'nothing', 'none', 'empty', 'Null', 'Blank', 'Nothing', 'None', 'Empty', 'Undefined']);
const ORDERING = new Set(['<', '<=', '>', '>=']);
const ARITHMETIC = new Set(['+', '-', '*', '/']);

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function arityText(min: number, max: number): string {
  if (min === max) return plural(min, 'argument');
  if (max === Infinity) return `at least ${plural(min, 'argument')}`;
  return `${min} to ${max} arguments`;
}

class Checker {
  constructor(private readonly source: string) {}

  typeOf(node: Expr): StaticType {
    switch (node.kind) {
      case 'Number':
        return NUMBER;
      case 'Text':
        return TEXT;
      case 'Boolean':
        return BOOLEAN;
      case 'Name':
        return this.name(node.name, node);
      case 'Field':
        return this.field(node.target, node.field, node.fieldSpan);
      case 'Call':
        return this.call(node.name, node.args, node.nameSpan);
      case 'Unary':
        this.scalar(this.typeOf(node.operand), node.operand, node.op === '-' ? "'-'" : "'!' (Not)", 'operand');
        return node.op === '-' ? NUMBER : BOOLEAN;
      case 'Percent':
        this.scalar(this.typeOf(node.operand), node.operand, "'%'", 'operand');
        return NUMBER;
      case 'Power':
        this.scalar(this.typeOf(node.base), node.base, "'^'", 'left operand');
        this.scalar(this.typeOf(node.exponent), node.exponent, "'^'", 'right operand');
        return NUMBER;
      case 'Chain':
        return this.chain(node);
      case 'Record': {
        const fields = new Map<string, StaticType>();
        for (const field of node.fields) {
          if (fields.has(field.name)) this.fail('syntax', `the field '${field.name}' appears twice in this record`, field.nameSpan);
          fields.set(field.name, this.typeOf(field.value));
        }
        return { kind: 'record', fields };
      }
      case 'Table': {
        const types = node.items.map((item) => this.typeOf(item));
        const records = types.filter((t) => t.kind === 'record');
        if (records.length > 0 && records.length < types.length) this.fail('type', 'the items of a table must be all records or all values', node);
        const first = records[0];
        if (first?.kind === 'record') return { kind: 'table', columns: first.fields === 'labels' ? new Map() : first.fields };
        return { kind: 'table', columns: new Map([[VALUE_COLUMN, union(types)]]) };
      }
    }
  }

  private name(name: string, at: Span): StaticType {
    const input = INPUT_NAMES.get(name);
    if (input !== undefined) return input;
    let hint: string;
    const closest = closestName(name, INPUT_NAMES.keys());
    if (FUNCTIONS.has(name)) hint = `'${name}' is a function; call it with its arguments: ${name}(…)`;
    else if (name === 'True' || name === 'False') hint = `'${name}' is not a known name; true and false are written in lower case`;
    else if (name === 'ThisItem' || name === 'ThisRecord') hint = `'${name}' is not supported in Job Router expressions; read labels as job.<label> or worker.<label>`;
    else if (NO_VALUE_WORDS.has(name)) hint = `'${name}' is not a known name; write Blank() for "no value"`;
    else if (closest?.caseOnly) hint = `'${name}' is not a known name; names are case-sensitive, did you mean '${closest.name}'?`;
    else hint = `'${name}' is not a known name; read labels as job.${name} (or worker.${name} in a scoring rule)`;
    return this.fail('unknownName', hint, at);
  }

  private field(target: Expr, field: string, at: Span): StaticType {
    const type = this.typeOf(target);
    if (type.kind === 'record') {
      if (type.fields === 'labels') return SCALAR;
      const member = type.fields.get(field);
      if (member === undefined) this.fail('type', `the record has no field '${field}'`, at);
      return member;
    }
    if (type.kind === 'unknown') return UNKNOWN;
    const what = this.source.slice(target.start, target.end);
    if (type.kind === 'table') return this.fail('type', `${what} is a table; reading the column '${field}' of a table is not supported`, at);
    const labelHint = target.kind === 'Field' && type.kind === 'scalar' ? ' (a label value is a text, number or boolean)' : '';
    return this.fail('type', `${what} is ${describeType(type)}, not a record${labelHint}: '.${field}' cannot be read from it`, at);
  }

  private call(name: string, args: readonly Expr[], at: Span): StaticType {
    const fn = FUNCTIONS.get(name);
    if (fn === undefined) return this.fail('unknownFunction', unknownFunctionMessage(name), at);
    if (args.length < fn.minArgs || args.length > fn.maxArgs) {
      this.fail('arity', `'${name}' takes ${arityText(fn.minArgs, fn.maxArgs)}, got ${args.length}`, at);
    }
    const types = args.map((arg, i) => {
      const type = this.typeOf(arg);
      this.parameter(fn.param(i), type, arg, `argument ${i + 1} of '${name}'`);
      return type;
    });
    return fn.returns(types);
  }

  private parameter(kind: ParamKind, type: StaticType, at: Span, what: string): void {
    if (kind === 'scalar' && isCompound(type)) this.fail('type', `${what} must be a text, number or boolean, got ${describeType(type)}`, at);
    if (kind === 'table' && !['table', 'blank', 'unknown'].includes(type.kind)) this.fail('type', `${what} must be a table, got ${describeType(type)}`, at);
  }

  private chain(node: Chain): StaticType {
    let left = this.typeOf(node.first);
    let leftSpan: Span = node.first;
    for (const link of node.rest) {
      const right = this.typeOf(link.operand);
      left = this.link(link, left, right, leftSpan);
      leftSpan = { start: node.first.start, end: link.operand.end };
    }
    return left;
  }

  private link(link: ChainLink, left: StaticType, right: StaticType, leftSpan: Span): StaticType {
    const op = `'${link.op}'`;
    if (ORDERING.has(link.op)) {
      this.orderable(left, leftSpan, op, 'left operand');
      this.orderable(right, link.operand, op, 'right operand');
      return BOOLEAN;
    }
    if (link.op === 'in' || link.op === 'exactin') {
      this.scalar(left, leftSpan, op, 'left operand');
      if (right.kind === 'table' && right.columns.size > 1) this.fail('type', `${op} needs text or a one-column table on its right, got a table with ${right.columns.size} columns`, link.operand);
      if (right.kind === 'record') this.fail('type', `${op} needs text or a one-column table on its right, got a record`, link.operand);
      return BOOLEAN;
    }
    this.scalar(left, leftSpan, op, 'left operand');
    this.scalar(right, link.operand, op, 'right operand');
    if (link.op === '&') return TEXT;
    if (ARITHMETIC.has(link.op)) return NUMBER;
    return BOOLEAN; // = <> && ||
  }

  private scalar(type: StaticType, at: Span, op: string, side: string): void {
    if (isCompound(type)) this.fail('type', `the ${side} of ${op} is ${describeType(type)}; it needs a text, number or boolean`, at);
  }

  /** Power Fx orders numbers only: `"16" > "14"` and `1 > true` are refused before evaluation. */
  private orderable(type: StaticType, at: Span, op: string, side: string): void {
    if (type.kind === 'text') this.fail('type', `${op} compares numbers only, but its ${side} is a text; use Value(…) to compare texts as numbers`, at);
    if (type.kind === 'boolean') this.fail('type', `${op} compares numbers only, but its ${side} is a boolean`, at);
    this.scalar(type, at, op, side);
  }

  private fail(code: CompileErrorCode, reason: string, at: Span): never {
    throw new PowerFxCompileError(code, reason, this.source, at.start);
  }
}

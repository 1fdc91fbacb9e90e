import type { Chain, Expr } from './ast';
import type { CallSite } from './builtins';
import { toBoolean } from './coercion';
import { LimitFault, runtimeError, ValueFault, type PowerFxRuntimeError } from './errors';
import { FUNCTIONS, unknownFunctionMessage } from './functions';
import { ensureTextLength, MAX_COST, MAX_STEPS, NODE_COST } from './limits';
import { applyOperator, negate, not, percent, power } from './operators';
import type { Span } from './source';
import { BLANK, booleanValue, describe, numberValue, recordValue, textValue, VALUE_COLUMN, type ErrorValue, type RecordValue, type Value } from './values';

export type Result = Exclude<Value, ErrorValue>;

/** An evaluation's outcome; `steps` is how many of its MAX_STEPS it used, `cost` how much of its MAX_COST. */
export type Evaluation = ({ ok: true; value: Result } | { ok: false; error: PowerFxRuntimeError }) & { steps: number; cost: number };

export interface EvaluationOptions {
  maxSteps?: number;
  maxCost?: number;
}

/**
 * Evaluates a parsed expression with the given inputs. Never throws for any tree the parser produced: an
 * error value, a missing input or an exceeded bound comes back as `ok: false` with a position.
 */
export function evaluateAst(ast: Expr, source: string, inputs: ReadonlyMap<string, Value>, options: EvaluationOptions = {}): Evaluation {
  const evaluator = new Evaluator(inputs, options.maxSteps ?? MAX_STEPS, options.maxCost ?? MAX_COST);
  const spent = () => ({ steps: evaluator.steps, cost: evaluator.cost });
  try {
    const value = evaluator.eval(ast);
    if (value.type === 'error') return { ok: false, error: runtimeError(value.kind, value.reason, source, value.span.start), ...spent() };
    return { ok: true, value, ...spent() };
  } catch (e) {
    if (e instanceof LimitFault) return { ok: false, error: runtimeError('Limit', e.reason, source, e.span.start), ...spent() };
    throw e;
  }
}

function errorValue(fault: ValueFault, at: Span): ErrorValue {
  const span = fault.span ?? at;
  return { type: 'error', kind: fault.kind, reason: fault.reason, span: { start: span.start, end: span.end } };
}

/** Characters of the texts among `values`: what an operator or function may scan. */
function textLength(values: readonly Value[]): number {
  let n = 0;
  for (const v of values) if (v.type === 'text') n += v.value.length;
  return n;
}

/** Characters of the text cells of a table: what `in` compares. */
function cellTextLength(table: Value): number {
  if (table.type !== 'table') return 0;
  let n = 0;
  for (const row of table.rows) n += textLength([...row.fields.values()]);
  return n;
}

/**
 * The cost model: every node costs NODE_COST; an eager function or operator is charged, before it runs, the
 * characters of its text arguments (what it may scan) and, after, those of its text result (what it built);
 * `in` over a table is charged its rows and the characters of their texts, Switch the texts it compares.
 * Nothing in the language loops, so this bounds the work of any expression: each function's work is at
 * most linear in what it is charged.
 */
class Evaluator {
  steps = 0;
  cost = 0;

  constructor(
    private readonly inputs: ReadonlyMap<string, Value>,
    private readonly maxSteps: number,
    private readonly maxCost: number,
  ) {}

  /** One step per node; a fault raised by this node's own operator or function becomes an error value here. */
  eval(node: Expr): Value {
    this.step(node);
    let value: Value;
    try {
      value = this.evalNode(node);
    } catch (e) {
      if (e instanceof ValueFault) return errorValue(e, node);
      throw e;
    }
    if (value.type === 'text') ensureTextLength(value.value.length, node);
    return value;
  }

  private step(at: Span, count = 1): void {
    this.steps += count;
    if (this.steps > this.maxSteps) throw new LimitFault(`the evaluation took more than ${this.maxSteps} steps`, at);
    this.charge(at, count * NODE_COST);
  }

  /**
   * A charge that would take the cost past the budget stops the evaluation and is not counted, so `cost`
   * never exceeds it: the work it was for is not done (arguments are charged before a function runs), or,
   * for a text just built, nothing reads it.
   */
  charge(at: Span, units: number): void {
    if (this.cost + units > this.maxCost) {
      throw new LimitFault(`the rule needs more work than one evaluation may do (a budget of ${this.maxCost} units: ${NODE_COST} per operation, and one per character a text function or operator reads or writes)`, at);
    }
    this.cost += units;
  }

  /** Runs an operator or function on its arguments, charging for the texts it reads and the text it builds. */
  private metered(at: Span, args: readonly Value[], run: () => Value): Value {
    this.charge(at, textLength(args));
    const result = run();
    if (result.type === 'text') this.charge(at, result.value.length);
    return result;
  }

  private evalNode(node: Expr): Value {
    switch (node.kind) {
      case 'Number':
        return numberValue(node.value);
      case 'Text':
        return textValue(node.value);
      case 'Boolean':
        return booleanValue(node.value);
      case 'Name': {
        const input = this.inputs.get(node.name);
        if (input === undefined) throw new ValueFault('Validation', `'${node.name}' is not available to this rule; it is given ${[...this.inputs.keys()].join(', ') || 'no inputs'}`);
        return input;
      }
      case 'Field': {
        const target = this.eval(node.target);
        if (target.type === 'error') return target;
        if (target.type === 'blank') return BLANK;
        if (target.type !== 'record') throw new ValueFault('InvalidArgument', `'.${node.field}' cannot be read from ${describe(target)}`, node.fieldSpan);
        return target.fields.get(node.field) ?? BLANK; // a missing label is Blank
      }
      case 'Call':
        return this.call(node.name, node.args, node);
      case 'Unary': {
        const operand = this.eval(node.operand);
        if (operand.type === 'error') return operand;
        return node.op === '-' ? negate(operand, node.operand) : not(operand, node.operand);
      }
      case 'Percent': {
        const operand = this.eval(node.operand);
        return operand.type === 'error' ? operand : percent(operand, node.operand);
      }
      case 'Power': {
        const base = this.eval(node.base);
        if (base.type === 'error') return base;
        const exponent = this.eval(node.exponent);
        if (exponent.type === 'error') return exponent;
        return power(base, exponent, [node.base, node.exponent], node);
      }
      case 'Chain':
        return this.chain(node);
      case 'Record': {
        const fields: Array<[string, Value]> = [];
        for (const field of node.fields) {
          const value = this.eval(field.value);
          if (value.type === 'error') return value;
          fields.push([field.name, value]);
        }
        return recordValue(fields);
      }
      case 'Table': {
        const rows: RecordValue[] = [];
        for (const item of node.items) {
          const value = this.eval(item);
          if (value.type === 'error') return value;
          rows.push(value.type === 'record' ? value : recordValue([[VALUE_COLUMN, value]]));
        }
        return { type: 'table', rows };
      }
    }
  }

  private call(name: string, args: readonly Expr[], at: Span): Value {
    const fn = FUNCTIONS.get(name);
    if (fn === undefined) throw new ValueFault('Validation', unknownFunctionMessage(name));
    if (args.length < fn.minArgs || args.length > fn.maxArgs) throw new ValueFault('Validation', `'${name}' got ${args.length} arguments`);
    const site: CallSite = { span: at, argSpans: args, charge: (units) => this.charge(at, units) };
    if (fn.lazy) return fn.call(args.map((arg) => () => this.eval(arg)), site);
    const values: Value[] = [];
    for (const arg of args) {
      const value = this.eval(arg);
      if (value.type === 'error') return value;
      if (value.type === 'table') this.step(arg, value.rows.length);
      values.push(value);
    }
    return this.metered(at, values, () => fn.call(values, site));
  }

  /** Left to right; `&&`/`||` stop as soon as the result is known, so an error they never reach is never seen. */
  private chain(node: Chain): Value {
    let left = this.eval(node.first);
    let leftSpan: Span = node.first;
    for (const link of node.rest) {
      if (left.type === 'error') return left;
      if (link.op === '&&' || link.op === '||') {
        const stopAt = link.op === '||';
        if (toBoolean(left, leftSpan) === stopAt) {
          left = booleanValue(stopAt);
        } else {
          const right = this.eval(link.operand);
          if (right.type === 'error') return right;
          left = booleanValue(toBoolean(right, link.operand));
        }
      } else {
        const right = this.eval(link.operand);
        if (right.type === 'error') return right;
        if (right.type === 'table') {
          this.step(link.operand, right.rows.length);
          this.charge(link.operand, cellTextLength(right));
        }
        const [op, a, spans] = [link.op, left, [leftSpan, link.operand] as const];
        left = this.metered(link.opSpan, [a, right], () => applyOperator(op, a, right, spans, link.opSpan));
      }
      leftSpan = { start: node.first.start, end: link.operand.end };
    }
    return left;
  }
}

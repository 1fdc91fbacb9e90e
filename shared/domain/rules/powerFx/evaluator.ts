import type { Chain, Expr } from './ast';
import type { CallSite } from './builtins';
import { toBoolean } from './coercion';
import { LimitFault, runtimeError, ValueFault, type PowerFxRuntimeError } from './errors';
import { FUNCTIONS, unknownFunctionMessage } from './functions';
import { ensureTextLength, MAX_STEPS } from './limits';
import { applyOperator, negate, not, percent, power } from './operators';
import type { Span } from './source';
import { BLANK, booleanValue, describe, numberValue, recordValue, textValue, VALUE_COLUMN, type ErrorValue, type RecordValue, type Value } from './values';

export type Result = Exclude<Value, ErrorValue>;

/** An evaluation's outcome; `steps` is how many of its MAX_STEPS it used. */
export type Evaluation = { ok: true; value: Result; steps: number } | { ok: false; error: PowerFxRuntimeError; steps: number };

export interface EvaluationOptions {
  maxSteps?: number;
}

/**
 * Evaluates a parsed expression with the given inputs. Never throws for any tree the parser produced: an
 * error value, a missing input or an exceeded bound comes back as `ok: false` with a position.
 */
export function evaluateAst(ast: Expr, source: string, inputs: ReadonlyMap<string, Value>, options: EvaluationOptions = {}): Evaluation {
  const evaluator = new Evaluator(inputs, options.maxSteps ?? MAX_STEPS);
  try {
    const value = evaluator.eval(ast);
    if (value.type === 'error') return { ok: false, error: runtimeError(value.kind, value.reason, source, value.span.start), steps: evaluator.steps };
    return { ok: true, value, steps: evaluator.steps };
  } catch (e) {
    if (e instanceof LimitFault) return { ok: false, error: runtimeError('Limit', e.reason, source, e.span.start), steps: evaluator.steps };
    throw e;
  }
}

function errorValue(fault: ValueFault, at: Span): ErrorValue {
  const span = fault.span ?? at;
  return { type: 'error', kind: fault.kind, reason: fault.reason, span: { start: span.start, end: span.end } };
}

class Evaluator {
  steps = 0;

  constructor(
    private readonly inputs: ReadonlyMap<string, Value>,
    private readonly maxSteps: number,
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
        return this.call(node.name, node.args, { span: node, argSpans: node.args });
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

  private call(name: string, args: readonly Expr[], site: CallSite): Value {
    const fn = FUNCTIONS.get(name);
    if (fn === undefined) throw new ValueFault('Validation', unknownFunctionMessage(name));
    if (args.length < fn.minArgs || args.length > fn.maxArgs) throw new ValueFault('Validation', `'${name}' got ${args.length} arguments`);
    if (fn.lazy) return fn.call(args.map((arg) => () => this.eval(arg)), site);
    const values: Value[] = [];
    for (const arg of args) {
      const value = this.eval(arg);
      if (value.type === 'error') return value;
      if (value.type === 'table') this.step(arg, value.rows.length);
      values.push(value);
    }
    return fn.call(values, site);
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
        if (right.type === 'table') this.step(link.operand, right.rows.length);
        left = applyOperator(link.op, left, right, [leftSpan, link.operand], link.opSpan);
      }
      leftSpan = { start: node.first.start, end: link.operand.end };
    }
    return left;
  }
}

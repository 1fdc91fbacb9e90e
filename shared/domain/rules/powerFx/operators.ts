import type { ChainOperator } from './ast';
import { toBoolean, toNumber, toText } from './coercion';
import { ValueFault } from './errors';
import { ensureTextLength } from './limits';
import type { Span } from './source';
import { foldCase } from './textCase';
import { booleanValue, describe, numberValue, textValue, type Value } from './values';

/**
 * The non-short-circuit binary operators. Operands are never error values here (the evaluator returns those
 * first); `spans` point at the operands so coercion errors name the right one.
 */

/** A finite number, or a Numeric error (overflow, NaN). */
export function finite(n: number, at: Span): Value {
  if (!Number.isFinite(n)) throw new ValueFault('Numeric', 'the result is not a finite number', at);
  return numberValue(n);
}

/**
 * `=` (`RuntimeHelpers.AreEqual`, pre-V1): Blank equals only Blank; values of one type compare by value
 * (text ordinal and case-sensitive, numbers IEEE); values of different types are simply not equal.
 */
export function areEqual(a: Value, b: Value): boolean {
  if (a.type === 'blank' || b.type === 'blank') return a.type === b.type;
  if (a.type !== b.type) return false;
  if (a.type === 'number' || a.type === 'text' || a.type === 'boolean') return a.value === (b as typeof a).value;
  return a === b;
}

/** `<` `<=` `>` `>=` order numbers only; Blank counts as 0. Text and booleans are not ordered. */
function orderable(v: Value, at: Span): number {
  if (v.type === 'number') return v.value;
  if (v.type === 'blank') return 0;
  const hint = v.type === 'text' ? '; use Value(…) to compare texts as numbers' : '';
  throw new ValueFault('InvalidArgument', `only numbers can be ordered, got ${describe(v)}${hint}`, at);
}

/** Whether `needle` is in `haystack`: a substring of its text, or equal to a cell of a one-column table. */
function contains(needle: Value, haystack: Value, ignoreCase: boolean, spans: readonly [Span, Span]): boolean {
  if (haystack.type === 'table') {
    // Folded once, not once per row: the evaluator charges the needle once and each cell's text once.
    const folded = ignoreCase && needle.type === 'text' ? foldCase(needle.value) : undefined;
    const sameText = (cell: Value) => folded !== undefined && cell.type === 'text' && cell.value.length === folded.length && foldCase(cell.value) === folded;
    return haystack.rows.some((row) => {
      if (row.fields.size !== 1) throw new ValueFault('InvalidArgument', `'in' needs a one-column table, got one with ${row.fields.size} columns`, spans[1]);
      const cell = row.fields.values().next().value as Value;
      return areEqual(needle, cell) || (ignoreCase && sameText(cell));
    });
  }
  const text = toText(needle, spans[0]);
  const within = toText(haystack, spans[1]);
  return ignoreCase ? foldCase(within).includes(foldCase(text)) : within.includes(text);
}

export function applyOperator(op: Exclude<ChainOperator, '&&' | '||'>, a: Value, b: Value, spans: readonly [Span, Span], at: Span): Value {
  switch (op) {
    case '=':
      return booleanValue(areEqual(a, b));
    case '<>':
      return booleanValue(!areEqual(a, b));
    case '<':
      return booleanValue(orderable(a, spans[0]) < orderable(b, spans[1]));
    case '<=':
      return booleanValue(orderable(a, spans[0]) <= orderable(b, spans[1]));
    case '>':
      return booleanValue(orderable(a, spans[0]) > orderable(b, spans[1]));
    case '>=':
      return booleanValue(orderable(a, spans[0]) >= orderable(b, spans[1]));
    case '&': {
      const left = toText(a, spans[0]);
      const right = toText(b, spans[1]);
      ensureTextLength(left.length + right.length, at);
      return textValue(left + right);
    }
    case '+':
      return finite(toNumber(a, spans[0]) + toNumber(b, spans[1]), at);
    case '-':
      return finite(toNumber(a, spans[0]) - toNumber(b, spans[1]), at);
    case '*':
      return finite(toNumber(a, spans[0]) * toNumber(b, spans[1]), at);
    case '/': {
      const dividend = toNumber(a, spans[0]);
      const divisor = toNumber(b, spans[1]);
      if (divisor === 0) throw new ValueFault('Div0', 'division by zero', at);
      return finite(dividend / divisor, at);
    }
    case 'in':
      return booleanValue(contains(a, b, true, spans));
    case 'exactin':
      return booleanValue(contains(a, b, false, spans));
  }
}

/** `a ^ b`: 0^0 = 1; an overflow or a root of a negative number is a Numeric error. */
export function power(base: Value, exponent: Value, spans: readonly [Span, Span], at: Span): Value {
  return finite(Math.pow(toNumber(base, spans[0]), toNumber(exponent, spans[1])), at);
}

export function negate(v: Value, at: Span): Value {
  return numberValue(-toNumber(v, at));
}

export function not(v: Value, at: Span): Value {
  return booleanValue(!toBoolean(v, at));
}

export function percent(v: Value, at: Span): Value {
  return numberValue(toNumber(v, at) / 100);
}

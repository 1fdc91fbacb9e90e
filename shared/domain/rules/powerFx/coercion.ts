import { ValueFault } from './errors';
import { formatNumber, parseNumberText } from './numberText';
import type { Span } from './source';
import { describe, type Value } from './values';

/**
 * The runtime coercions of docs/behaviour.md#coercion. Each throws a ValueFault (InvalidArgument) when the value cannot be
 * used; `at` is the span of the operand, so the error points at it. Error values never reach these: the
 * evaluator returns them before an operator or function runs.
 */

/** Number coercion for arithmetic and numeric arguments: Blank → 0, true/false → 1/0, numeric text → its number. */
export function toNumber(v: Value, at?: Span): number {
  return toNumberOrBlank(v, at) ?? 0;
}

/** As toNumber, but Blank (and "") stay Blank (null): for Min/Max and Value, which treat them apart. */
export function toNumberOrBlank(v: Value, at?: Span): number | null {
  switch (v.type) {
    case 'number':
      return v.value;
    case 'boolean':
      return v.value ? 1 : 0;
    case 'blank':
      return null;
    case 'text': {
      const n = parseNumberText(v.value);
      if (n === undefined) throw new ValueFault('InvalidArgument', `${describe(v)} is not a number`, at);
      return n;
    }
    default:
      throw new ValueFault('InvalidArgument', `expected a number, got ${describe(v)}`, at);
  }
}

/** Text coercion for `&` and text arguments: Blank → "", booleans → "true"/"false", numbers as .NET "G" prints them. */
export function toText(v: Value, at?: Span): string {
  switch (v.type) {
    case 'text':
      return v.value;
    case 'number':
      return formatNumber(v.value);
    case 'boolean':
      return v.value ? 'true' : 'false';
    case 'blank':
      return '';
    default:
      throw new ValueFault('InvalidArgument', `expected a text, got ${describe(v)}`, at);
  }
}

/** Boolean coercion for conditions and logical operators: numbers ≠ 0, Blank and "" → false, "true"/"false" in any case. */
export function toBoolean(v: Value, at?: Span): boolean {
  switch (v.type) {
    case 'boolean':
      return v.value;
    case 'number':
      return v.value !== 0;
    case 'blank':
      return false;
    case 'text': {
      // Only short texts can be "true" or "false": a long one is not lowered (and copied) to find that out.
      const lower = v.value.length <= 5 ? v.value.toLowerCase() : v.value;
      if (lower === 'true') return true;
      if (lower === 'false' || lower === '') return false;
      throw new ValueFault('InvalidArgument', `${describe(v)} is not true or false`, at);
    }
    default:
      throw new ValueFault('InvalidArgument', `expected true or false, got ${describe(v)}`, at);
  }
}

/** A whole number for counts and positions: truncated toward zero, as Power Fx does with Left/Mid/Round digits. */
export function toInteger(v: Value, at?: Span): number {
  return Math.trunc(toNumber(v, at));
}

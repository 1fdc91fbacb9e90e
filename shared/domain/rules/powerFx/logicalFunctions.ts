import { argSpan, eager, lazy, type Builtin, type CallSite } from './builtins';
import { toBoolean } from './coercion';
import { ValueFault } from './errors';
import { parseNumberText } from './numberText';
import { areEqual } from './operators';
import { BLANK_TYPE, BOOLEAN, NUMBER, union, type StaticType } from './staticTypes';
import { BLANK, booleanValue, describe, FALSE, isBlankOrEmpty, numberValue, TRUE, type Value } from './values';

/**
 * Logical and "no value" functions. The lazy ones evaluate left to right and stop as soon as the result is
 * known, so an error in an argument they never reach is never seen (`And(false, 1/0 = 1)` is false).
 */

/** Types of the arguments at `indexes`: what If/Switch/IfError can return. */
const typesAt = (args: readonly StaticType[], indexes: readonly number[]) => union(indexes.map((i) => args[i]).filter((t): t is StaticType => t !== undefined));

/** If(c1, r1, c2, r2, …, else): result positions are the odd ones, plus a final else when the count is odd. */
const ifResults = (n: number) => Array.from({ length: n }, (_, i) => i).filter((i) => i % 2 === 1 || (n % 2 === 1 && i === n - 1));
/** Switch(v, m1, r1, …, default): results at even positions from 2, plus a default when (n - 1) is odd. */
const switchResults = (n: number) => Array.from({ length: n }, (_, i) => i).filter((i) => (i >= 2 && i % 2 === 0) || ((n - 1) % 2 === 1 && i === n - 1));

function lazyLogical(name: 'And' | 'Or', stopAt: boolean): Builtin {
  return lazy(name, { arity: [1, Infinity], returns: BOOLEAN }, (args, site) => {
    for (let i = 0; i < args.length; i++) {
      const value = (args[i] as () => Value)();
      if (value.type === 'error') return value;
      if (toBoolean(value, argSpan(site, i)) === stopAt) return booleanValue(stopAt);
    }
    return booleanValue(!stopAt);
  });
}

function tableArgument(v: Value, site: CallSite, name: string): readonly unknown[] {
  if (v.type === 'blank') return [];
  if (v.type === 'table') return v.rows;
  throw new ValueFault('InvalidArgument', `${name} needs a table, got ${describe(v)}`, argSpan(site, 0));
}

export const LOGICAL_FUNCTIONS: readonly Builtin[] = [
  lazy('If', { arity: [2, Infinity], param: 'any', returns: (args) => typesAt(args, ifResults(args.length)) }, (args, site) => {
    // [JR-rec] the chosen branch is returned as it is: no conversion to the first branch's type.
    let i = 0;
    for (; i + 1 < args.length; i += 2) {
      const condition = (args[i] as () => Value)();
      if (condition.type === 'error') return condition;
      if (toBoolean(condition, argSpan(site, i))) return (args[i + 1] as () => Value)();
    }
    return i < args.length ? (args[i] as () => Value)() : BLANK;
  }),
  lazy('Switch', { arity: [3, Infinity], param: 'any', returns: (args) => typesAt(args, switchResults(args.length)) }, (args, site) => {
    const subject = (args[0] as () => Value)();
    if (subject.type === 'error') return subject;
    let i = 1;
    for (; i + 1 < args.length; i += 2) {
      const match = (args[i] as () => Value)();
      if (match.type === 'error') return match;
      if (subject.type === 'text' && match.type === 'text') site.charge(Math.min(subject.value.length, match.value.length));
      if (areEqual(subject, match)) return (args[i + 1] as () => Value)();
    }
    return i < args.length ? (args[i] as () => Value)() : BLANK;
  }),
  lazyLogical('And', false),
  lazyLogical('Or', true),
  eager('Not', { arity: 1, returns: BOOLEAN }, ([v], site) => booleanValue(!toBoolean(v as Value, argSpan(site, 0)))),
  eager('Blank', { arity: 0, returns: BLANK_TYPE }, () => BLANK),
  eager('IsBlank', { arity: 1, param: 'any', returns: BOOLEAN }, ([v]) => booleanValue(isBlankOrEmpty(v as Value))),
  lazy('Coalesce', { arity: [1, Infinity], param: 'any', returns: (args) => union(args) }, (args) => {
    for (const arg of args) {
      const value = arg();
      if (value.type === 'error' || !isBlankOrEmpty(value)) return value;
    }
    return BLANK;
  }),
  lazy('IsError', { arity: 1, param: 'any', returns: BOOLEAN }, ([arg]) => booleanValue((arg as () => Value)().type === 'error')),
  lazy('IfError', { arity: [2, Infinity], param: 'any', returns: (args) => union(args) }, (args) => {
    // IfError(v1, fallback1, v2, fallback2, …, default): the fallback of the first value that is an error;
    // with no error, the default, or else the last value tested.
    let last: Value = BLANK;
    let i = 0;
    for (; i + 1 < args.length; i += 2) {
      last = (args[i] as () => Value)();
      if (last.type === 'error') return (args[i + 1] as () => Value)();
    }
    return i < args.length ? (args[i] as () => Value)() : last;
  }),
  eager('IsNumeric', { arity: 1, param: 'any', returns: BOOLEAN }, ([v]) => {
    if (v?.type === 'number') return TRUE;
    if (v?.type === 'text') return booleanValue(typeof parseNumberText(v.value) === 'number');
    return FALSE;
  }),
  eager('Boolean', { arity: 1, returns: BOOLEAN }, ([v], site) => {
    const value = v as Value;
    return isBlankOrEmpty(value) ? BLANK : booleanValue(toBoolean(value, argSpan(site, 0)));
  }),
  eager('IsEmpty', { arity: 1, param: 'table', returns: BOOLEAN }, ([v], site) => booleanValue(tableArgument(v as Value, site, 'IsEmpty').length === 0)),
  eager('CountRows', { arity: 1, param: 'table', returns: NUMBER }, ([v], site) => numberValue(tableArgument(v as Value, site, 'CountRows').length)),
];

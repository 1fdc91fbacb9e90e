import type { Span } from './source';
import type { StaticType } from './staticTypes';
import type { Value } from './values';

/** What an argument must be, checked before evaluation: any scalar (coerced at run time), a table, or anything. */
export type ParamKind = 'scalar' | 'table' | 'any';

/** Where a call is, for errors raised by the function. */
export interface CallSite {
  readonly span: Span;
  readonly argSpans: readonly Span[];
  /**
   * Adds to the evaluation's cost work the evaluator cannot see from the arguments and result (the texts
   * a lazy function compares); throws a LimitFault past the budget.
   */
  readonly charge: (units: number) => void;
}

interface BuiltinShape {
  readonly name: string;
  readonly minArgs: number;
  /** Infinity for variadic functions. */
  readonly maxArgs: number;
  readonly param: (index: number) => ParamKind;
  readonly returns: (args: readonly StaticType[]) => StaticType;
}

/**
 * Eager functions get their arguments evaluated; if one is an error value, that error is the result and the
 * function does not run (errors propagate, `IsBlank(1/0)` is Div0).
 */
export interface EagerBuiltin extends BuiltinShape {
  readonly lazy: false;
  readonly call: (args: readonly Value[], site: CallSite) => Value;
}

/** Lazy functions (If, Switch, And, Or, Coalesce, IfError, IsError) evaluate arguments themselves, left to right, only as needed. */
export interface LazyBuiltin extends BuiltinShape {
  readonly lazy: true;
  readonly call: (args: ReadonlyArray<() => Value>, site: CallSite) => Value;
}

export type Builtin = EagerBuiltin | LazyBuiltin;

interface Signature {
  /** `[min, max]`, or one number for a fixed count. */
  arity: number | readonly [number, number];
  returns: StaticType | ((args: readonly StaticType[]) => StaticType);
  param?: ParamKind | ((index: number) => ParamKind);
}

function shape(name: string, signature: Signature): BuiltinShape {
  const [minArgs, maxArgs] = typeof signature.arity === 'number' ? [signature.arity, signature.arity] : signature.arity;
  const { returns, param = 'scalar' } = signature;
  return {
    name,
    minArgs,
    maxArgs,
    param: typeof param === 'function' ? param : () => param,
    returns: typeof returns === 'function' ? returns : () => returns,
  };
}

export function eager(name: string, signature: Signature, call: EagerBuiltin['call']): EagerBuiltin {
  return { ...shape(name, signature), lazy: false, call };
}

export function lazy(name: string, signature: Signature, call: LazyBuiltin['call']): LazyBuiltin {
  return { ...shape(name, signature), lazy: true, call };
}

/** The span of argument `i`, or of the call when the argument was left out. */
export function argSpan(site: CallSite, i: number): Span {
  return site.argSpans[i] ?? site.span;
}

import type { Expr } from './ast';
import { check } from './checker';
import { PowerFxCompileError } from './errors';
import { evaluateAst, type Evaluation, type EvaluationOptions } from './evaluator';
import { parse } from './parser';
import type { StaticType } from './staticTypes';
import type { Value } from './values';

/**
 * Power Fx for Job Router expression rules: the subset in docs/behaviour.md#expression-rules-power-fx (numbers as doubles, pre-V1 equality,
 * missing labels as Blank). `compile` reads and checks an expression once; `evaluate` runs it per input.
 */

/** A parsed expression with its text (for positions in messages). */
export interface Program {
  readonly source: string;
  readonly ast: Expr;
}

export type Compilation = { ok: true; program: Program; type: StaticType } | { ok: false; error: PowerFxCompileError };

/**
 * Parses and checks: syntax, names, functions and arities, and the types known without labels. The length
 * of the text (MAX_EXPRESSION_LENGTH) is the schema's to check; any text compiles in time linear in it.
 */
export function compile(source: string): Compilation {
  try {
    const ast = parse(source);
    return { ok: true, program: { source, ast }, type: check(ast, source) };
  } catch (e) {
    if (e instanceof PowerFxCompileError) return { ok: false, error: e };
    throw e;
  }
}

/** Evaluates with inputs such as `job` and `worker` (records, see fromJson). Never throws for a compiled program. */
export function evaluate(program: Program, inputs: Readonly<Record<string, Value>>, options?: EvaluationOptions): Evaluation {
  return evaluateAst(program.ast, program.source, new Map(Object.entries(inputs)), options);
}

export type { Expr } from './ast';
export { PowerFxCompileError, type CompileErrorCode, type ErrorKind, type PowerFxRuntimeError } from './errors';
export type { Evaluation, EvaluationOptions, Result } from './evaluator';
export { fromJson, toJson } from './json';
export { MAX_COST, MAX_EXPRESSION_LENGTH, MAX_NESTING, MAX_STEPS, MAX_TEXT_LENGTH, MAX_TEXT_LITERAL_LENGTH, NODE_COST } from './limits';
export { parse } from './parser';
export type { Position, Span } from './source';
export type { StaticType } from './staticTypes';
export type { Value } from './values';

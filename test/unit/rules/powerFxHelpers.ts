import { compile, evaluate, fromJson, toJson, type CompileErrorCode, type ErrorKind } from '../../../shared/domain/rules/powerFx';

/** What an expression comes to: a JSON value (Blank = null), a runtime error kind, or a refusal before evaluation. */
export type Outcome = { value: unknown } | { error: ErrorKind | 'Limit' } | { compileError: CompileErrorCode };

export const blank = { value: null };
export const value = (v: unknown): Outcome => ({ value: v });
export const error = (kind: ErrorKind | 'Limit'): Outcome => ({ error: kind });
export const refused = (code: CompileErrorCode): Outcome => ({ compileError: code });

/** Compiles and evaluates `source` with `job`/`worker` built from label objects. */
export function outcomeOf(source: string, inputs: { job?: Record<string, unknown>; worker?: Record<string, unknown> } = {}): Outcome {
  const compiled = compile(source);
  if (!compiled.ok) return { compileError: compiled.error.code };
  const bindings = Object.fromEntries(Object.entries(inputs).map(([name, labels]) => [name, fromJson(labels)]));
  const result = evaluate(compiled.program, bindings);
  return result.ok ? { value: toJson(result.value) } : { error: result.error.kind };
}

/** The message of the compile error of `source` (fails the test if it compiles). */
export function compileMessage(source: string): string {
  const compiled = compile(source);
  if (compiled.ok) throw new Error(`expected ${JSON.stringify(source)} to be refused, but it compiled`);
  return compiled.error.message;
}

/** The runtime error of `source` (fails the test if it compiles badly or evaluates to a value). */
export function runtimeErrorOf(source: string, inputs: Record<string, Record<string, unknown>> = {}) {
  const compiled = compile(source);
  if (!compiled.ok) throw new Error(`expected ${JSON.stringify(source)} to compile, got: ${compiled.error.message}`);
  const result = evaluate(compiled.program, Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, fromJson(v)])));
  if (result.ok) throw new Error(`expected ${JSON.stringify(source)} to fail, got ${JSON.stringify(toJson(result.value))}`);
  return result.error;
}

import { positionOf, type Position, type Span } from './source';

/**
 * Why an expression was refused before evaluation. `syntax` and `limit` come from reading the text; the
 * others from checking names, arities and the types that are known without labels.
 */
export type CompileErrorCode = 'syntax' | 'limit' | 'unknownName' | 'unknownFunction' | 'arity' | 'type';

/** A refused expression: `reason` says what is wrong, `position` where; `message` is both ("… at 1:4"). */
export class PowerFxCompileError extends Error {
  readonly position: Position;

  constructor(
    readonly code: CompileErrorCode,
    readonly reason: string,
    source: string,
    offset: number,
  ) {
    const position = positionOf(source, offset);
    super(`${reason} at ${position.line}:${position.column}`);
    this.name = 'PowerFxCompileError';
    this.position = position;
  }
}

/**
 * Kinds of Power Fx error values (the numbers are Power Fx's ErrorKind): `Div0` = 13, `Validation` = 11,
 * `Numeric` = 24, `InvalidArgument` = 25, `Custom` = 1000.
 */
export type ErrorKind = 'Div0' | 'Validation' | 'Numeric' | 'InvalidArgument' | 'Custom';

/**
 * Raised inside operators and functions when a value cannot be used; the evaluator turns it into an error
 * value at the innermost node, so it never escapes evaluation.
 */
export class ValueFault extends Error {
  constructor(
    readonly kind: ErrorKind,
    readonly reason: string,
    readonly span?: Span,
  ) {
    super(reason);
    this.name = 'ValueFault';
  }
}

/** An evaluation stopped by a bound (steps, text size): not a Power Fx error value, so IfError cannot catch it. */
export class LimitFault extends Error {
  constructor(
    readonly reason: string,
    readonly span: Span,
  ) {
    super(reason);
    this.name = 'LimitFault';
  }
}

/** What an evaluation that did not produce a value reports. */
export interface PowerFxRuntimeError {
  readonly kind: ErrorKind | 'Limit';
  readonly reason: string;
  readonly position: Position;
  /** `Div0: division by zero at 1:3`. */
  readonly message: string;
}

export function runtimeError(kind: PowerFxRuntimeError['kind'], reason: string, source: string, offset: number): PowerFxRuntimeError {
  const position = positionOf(source, offset);
  return { kind, reason, position, message: `${kind}: ${reason} at ${position.line}:${position.column}` };
}

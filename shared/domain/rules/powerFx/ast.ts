import type { Span } from './source';

/**
 * The syntax tree. Every node keeps its source span for messages. Runs of one left-associative precedence
 * level (`a + b - c`, `x || y || z`) are one `Chain` node, so the depth of the tree grows with nesting
 * (brackets, calls, prefixes), never with the length of a chain.
 */
export type Expr =
  | NumberLiteral
  | TextLiteral
  | BooleanLiteral
  | NameRef
  | FieldAccess
  | Call
  | Unary
  | Percent
  | Power
  | Chain
  | RecordLiteral
  | TableLiteral;

export interface NumberLiteral extends Span {
  kind: 'Number';
  value: number;
}

export interface TextLiteral extends Span {
  kind: 'Text';
  value: string;
}

export interface BooleanLiteral extends Span {
  kind: 'Boolean';
  value: boolean;
}

/** A top-level name such as `job`. */
export interface NameRef extends Span {
  kind: 'Name';
  name: string;
}

/** `target.field` (or the legacy `target!field`). */
export interface FieldAccess extends Span {
  kind: 'Field';
  target: Expr;
  field: string;
  fieldSpan: Span;
}

export interface Call extends Span {
  kind: 'Call';
  name: string;
  nameSpan: Span;
  args: Expr[];
}

/** `-x`, `!x`, `Not x`. */
export interface Unary extends Span {
  kind: 'Unary';
  op: '-' | '!';
  operand: Expr;
}

/** `x%` = x / 100. */
export interface Percent extends Span {
  kind: 'Percent';
  operand: Expr;
}

/** `base ^ exponent`, right-associative. */
export interface Power extends Span {
  kind: 'Power';
  base: Expr;
  exponent: Expr;
}

/** `And`/`Or` are stored as `&&`/`||`. */
export type ChainOperator = '||' | '&&' | 'in' | 'exactin' | '=' | '<>' | '<' | '<=' | '>' | '>=' | '&' | '+' | '-' | '*' | '/';

export interface ChainLink {
  op: ChainOperator;
  opSpan: Span;
  operand: Expr;
}

/** `first op1 operand1 op2 operand2 …`, evaluated left to right: `((first op1 operand1) op2 operand2)`. */
export interface Chain extends Span {
  kind: 'Chain';
  first: Expr;
  rest: ChainLink[];
}

export interface RecordField {
  name: string;
  nameSpan: Span;
  value: Expr;
}

export interface RecordLiteral extends Span {
  kind: 'Record';
  fields: RecordField[];
}

/** `[a, b]`: a one-column table whose column is `Value`. */
export interface TableLiteral extends Span {
  kind: 'Table';
  items: Expr[];
}

import type { ErrorKind } from './errors';
import type { Span } from './source';

/**
 * Runtime values. Numbers are IEEE-754 doubles (JS numbers), as pre-decimal Power Fx and its data-types
 * documentation describe them. Blank is a value of its own ("no value"), distinct from 0, "" and false.
 */
export type Value = NumberValue | TextValue | BooleanValue | BlankValue | RecordValue | TableValue | ErrorValue;

export interface NumberValue {
  readonly type: 'number';
  readonly value: number;
}
export interface TextValue {
  readonly type: 'text';
  readonly value: string;
}
export interface BooleanValue {
  readonly type: 'boolean';
  readonly value: boolean;
}
export interface BlankValue {
  readonly type: 'blank';
}
/** A Map, not an object: a label named `constructor` or `__proto__` is an ordinary field. */
export interface RecordValue {
  readonly type: 'record';
  readonly fields: ReadonlyMap<string, Value>;
}
/** Rows are records; a one-column table from `[a, b]` has the column `Value`. */
export interface TableValue {
  readonly type: 'table';
  readonly rows: readonly RecordValue[];
}
/** A Power Fx error value: it flows through operators and functions until something contains it (IfError). */
export interface ErrorValue {
  readonly type: 'error';
  readonly kind: ErrorKind;
  readonly reason: string;
  readonly span: Span;
}

export type Scalar = NumberValue | TextValue | BooleanValue | BlankValue;

export const BLANK: BlankValue = Object.freeze({ type: 'blank' });
export const TRUE: BooleanValue = Object.freeze({ type: 'boolean', value: true });
export const FALSE: BooleanValue = Object.freeze({ type: 'boolean', value: false });

/** -0 is stored as 0 so that it prints and compares as 0. */
export function numberValue(n: number): NumberValue {
  return { type: 'number', value: n === 0 ? 0 : n };
}

export function textValue(s: string): TextValue {
  return { type: 'text', value: s };
}

export function booleanValue(b: boolean): BooleanValue {
  return b ? TRUE : FALSE;
}

export function recordValue(fields: Iterable<readonly [string, Value]>): RecordValue {
  return { type: 'record', fields: new Map(fields) };
}

/** The single column of a table built from `[a, b, …]`. */
export const VALUE_COLUMN = 'Value';

export function isBlankOrEmpty(v: Value): boolean {
  return v.type === 'blank' || (v.type === 'text' && v.value === '');
}

/** How a value is named in messages. */
export function describe(v: Value): string {
  switch (v.type) {
    case 'number':
      return `the number ${v.value}`;
    case 'text':
      return `the text ${JSON.stringify(v.value.length > 30 ? `${v.value.slice(0, 30)}…` : v.value)}`;
    case 'boolean':
      return String(v.value);
    case 'blank':
      return 'Blank()';
    case 'record':
      return 'a record';
    case 'table':
      return 'a table';
    case 'error':
      return `a ${v.kind} error`;
  }
}

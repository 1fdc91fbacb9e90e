/**
 * What is known about a value before evaluation. Labels are typed per job, so a label reads as `scalar`
 * (some text, number, boolean or Blank); only literals and function results have a precise type.
 */
export type StaticType =
  | { readonly kind: 'number' | 'text' | 'boolean' | 'blank' | 'scalar' | 'unknown' }
  | { readonly kind: 'record'; readonly fields: ReadonlyMap<string, StaticType> | 'labels' }
  | { readonly kind: 'table'; readonly columns: ReadonlyMap<string, StaticType> };

export const NUMBER: StaticType = { kind: 'number' };
export const TEXT: StaticType = { kind: 'text' };
export const BOOLEAN: StaticType = { kind: 'boolean' };
export const BLANK_TYPE: StaticType = { kind: 'blank' };
/** A scalar (or Blank) whose type is only known at evaluation: a label value. */
export const SCALAR: StaticType = { kind: 'scalar' };
export const UNKNOWN: StaticType = { kind: 'unknown' };
/** `job` and `worker`: every field is a label value, absent ones are Blank. */
export const LABELS: StaticType = { kind: 'record', fields: 'labels' };

export function isCompound(t: StaticType): boolean {
  return t.kind === 'record' || t.kind === 'table';
}

/** The type of "one of these": Blank joins any type (If(c, 1) is a Number that may be Blank). */
export function union(types: readonly StaticType[]): StaticType {
  const known = types.filter((t) => t.kind !== 'blank');
  const first = known[0];
  if (first === undefined) return types.length > 0 ? BLANK_TYPE : UNKNOWN;
  if (known.every((t) => t.kind === first.kind && !isCompound(t))) return first;
  return known.some(isCompound) ? UNKNOWN : SCALAR;
}

export function describeType(t: StaticType): string {
  switch (t.kind) {
    case 'number':
      return 'a number';
    case 'text':
      return 'a text';
    case 'boolean':
      return 'a boolean';
    case 'blank':
      return 'Blank()';
    case 'record':
      return 'a record';
    case 'table':
      return 'a table';
    default:
      return 'a value';
  }
}

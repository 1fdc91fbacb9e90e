import { BLANK, booleanValue, numberValue, recordValue, textValue, VALUE_COLUMN, type RecordValue, type Value } from './values';

function rowOf(item: unknown): RecordValue {
  const value = fromJson(item);
  return value.type === 'record' ? value : recordValue([[VALUE_COLUMN, value]]);
}

/**
 * A JSON value as Power Fx sees it: string → Text, finite number → Number, boolean → Boolean, null/absent →
 * Blank, object → record (its own members only), array → table.
 */
export function fromJson(v: unknown): Value {
  if (typeof v === 'string') return textValue(v);
  if (typeof v === 'number') return Number.isFinite(v) ? numberValue(v) : BLANK;
  if (typeof v === 'boolean') return booleanValue(v);
  if (Array.isArray(v)) return { type: 'table', rows: v.map(rowOf) };
  if (typeof v === 'object' && v !== null) return recordValue(Object.entries(v).map(([key, member]) => [key, fromJson(member)] as const));
  return BLANK;
}

/**
 * A value as JSON: Blank → null, a record → an object, a one-column `Value` table → an array of its values,
 * any other table → an array of objects. Errors have no JSON form; callers report them instead.
 */
export function toJson(v: Exclude<Value, { type: 'error' }>): unknown {
  switch (v.type) {
    case 'number':
    case 'text':
    case 'boolean':
      return v.value;
    case 'blank':
      return null;
    case 'record':
      return Object.fromEntries([...v.fields].map(([key, member]) => [key, member.type === 'error' ? null : toJson(member)]));
    case 'table': {
      const singleColumn = v.rows.every((row) => row.fields.size === 1 && row.fields.has(VALUE_COLUMN));
      return v.rows.map((row) => {
        if (singleColumn) {
          const cell = row.fields.get(VALUE_COLUMN) as Value;
          return cell.type === 'error' ? null : toJson(cell);
        }
        return toJson(row);
      });
    }
  }
}

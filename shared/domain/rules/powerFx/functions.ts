import type { Builtin } from './builtins';
import { LOGICAL_FUNCTIONS } from './logicalFunctions';
import { MATH_FUNCTIONS } from './mathFunctions';
import { TEXT_FUNCTIONS } from './textFunctions';

/** Every function an expression may call, by its exact (case-sensitive) name. */
export const FUNCTIONS: ReadonlyMap<string, Builtin> = new Map([...LOGICAL_FUNCTIONS, ...TEXT_FUNCTIONS, ...MATH_FUNCTIONS].map((f) => [f.name, f]));

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min((previous[j] as number) + 1, (current[j - 1] as number) + 1, (previous[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length] as number;
}

/**
 * The known name `name` was probably meant to be: the same name in another case first (names are
 * case-sensitive, `if` is not `If`), else one within two edits.
 */
export function closestName(name: string, known: Iterable<string>): { name: string; caseOnly: boolean } | undefined {
  const candidates = [...known];
  const sameLetters = candidates.find((k) => k.toLowerCase() === name.toLowerCase());
  if (sameLetters !== undefined) return { name: sameLetters, caseOnly: true };
  if (name.length > 40) return undefined;
  let best: string | undefined;
  let bestDistance = 3;
  for (const k of candidates) {
    const d = editDistance(name.toLowerCase(), k.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [k, d];
  }
  return best === undefined ? undefined : { name: best, caseOnly: false };
}

/**
 * Power Fx functions left out on purpose: clocks and randomness make routing irreproducible, and table,
 * date and JSON functions have no use on label values. Named so they are not "corrected" to a near miss.
 */
const UNSUPPORTED = new Set([
  'Now', 'Today', 'UTCNow', 'UTCToday', 'IsToday', 'Rand', 'RandBetween', 'Date', 'DateValue', 'DateTimeValue', 'TimeValue', 'DateAdd', 'DateDiff',
  'Year', 'Month', 'Day', 'Hour', 'Minute', 'Second', 'Weekday', 'Filter', 'LookUp', 'Search', 'Sort', 'ForAll', 'First', 'Last', 'Index', 'Sum',
  'Average', 'CountIf', 'Split', 'Match', 'IsMatch', 'ParseJSON', 'JSON', 'Set', 'With', 'Sequence', 'Table', 'GUID', 'Char', 'Replace', 'Proper',
]);

/** `'if' is an unknown or unsupported function; names are case-sensitive, did you mean 'If'?` */
export function unknownFunctionMessage(name: string): string {
  const base = `'${name}' is an unknown or unsupported function`;
  if (UNSUPPORTED.has(name)) return `${base}: Job Router expressions do not support it`;
  const closest = closestName(name, FUNCTIONS.keys());
  if (closest === undefined) return base;
  return closest.caseOnly ? `${base}; names are case-sensitive, did you mean '${closest.name}'?` : `${base}; did you mean '${closest.name}'?`;
}

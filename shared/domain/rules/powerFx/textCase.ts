/**
 * Case mapping as .NET's TextInfo does it, which Power Fx's Upper and Lower and ordinal-ignore-case
 * comparisons use: each character is mapped on its own (simple case mapping). A character whose full
 * mapping is longer (ß → SS, İ → i̇) stays as it is, so lengths never change, and no context applies
 * (a final Σ lowers to σ, not ς), unlike JavaScript's toUpperCase/toLowerCase on a whole text.
 *
 * JavaScript maps runs of other characters the same way, so only the exceptions are handled one by one:
 * texts can be a million characters long, and a call per character would make Upper a hundred times slower.
 */
type CaseMap = (s: string) => string;

/** The only context rule of JavaScript's (locale-free) case mapping: Σ lowers to ς at the end of a word. */
const CONTEXTUAL = '\u03a3';

interface Exceptions {
  /** Each exception's code unit mapped as .NET maps it on its own: to itself when its mapping grows, else Σ → σ. */
  alone: Map<number, number>;
  /** Runs of exceptions, or runs of characters JavaScript maps as .NET does. */
  runs: RegExp;
}

/** The characters whose mapping grows (none outside the Basic Multilingual Plane), and Σ. */
function exceptionsOf(map: CaseMap): Exceptions {
  const alone = new Map<number, number>();
  for (let code = 0; code < 0x10000; code++) {
    if (code >= 0xd800 && code <= 0xdfff) continue;
    const ch = String.fromCharCode(code);
    const mapped = map(ch);
    if (mapped.length !== 1 || CONTEXTUAL.includes(ch)) alone.set(code, mapped.length === 1 ? mapped.charCodeAt(0) : code);
  }
  const members = [...alone.keys()].map((code) => `\\u{${code.toString(16)}}`).join('');
  return { alone, runs: new RegExp(`[^${members}]+|[${members}]+`, 'gu') };
}

function mapExceptions(run: string, alone: Map<number, number>): string {
  const units = new Array<number>(run.length);
  for (let i = 0; i < run.length; i++) units[i] = alone.get(run.charCodeAt(i)) ?? run.charCodeAt(i);
  let out = '';
  for (let i = 0; i < units.length; i += 8192) out += String.fromCharCode(...units.slice(i, i + 8192));
  return out;
}

function characterByCharacter(map: CaseMap): CaseMap {
  let exceptions: Exceptions | undefined;
  return (s) => {
    // Built on first use (a pass over 64K characters), not when the module loads.
    const { alone, runs } = (exceptions ??= exceptionsOf(map));
    return s.replace(runs, (run) => (alone.has(run.charCodeAt(0)) ? mapExceptions(run, alone) : map(run)));
  };
}

export const upperCase = characterByCharacter((s) => s.toUpperCase());

export const lowerCase = characterByCharacter((s) => s.toLowerCase());

/** The form two texts are compared in when case is ignored (`in`, StartsWith, EndsWith). */
export const foldCase = upperCase;

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

function characterByCharacter(map: CaseMap): CaseMap {
  let pattern: RegExp | undefined;
  const alone = (ch: string) => {
    const mapped = map(ch);
    return mapped.length === ch.length ? mapped : ch;
  };
  return (s) => {
    // Built on first use: the characters whose mapping grows (none outside the Basic Multilingual Plane).
    if (!pattern) {
      let exceptions = CONTEXTUAL;
      for (let code = 0; code < 0x10000; code++) {
        if (code >= 0xd800 && code <= 0xdfff) continue;
        const ch = String.fromCharCode(code);
        if (map(ch).length !== 1) exceptions += ch;
      }
      const escaped = [...exceptions].map((ch) => `\\u{${(ch.codePointAt(0) as number).toString(16)}}`).join('');
      pattern = new RegExp(`[^${escaped}]+|[${escaped}]`, 'gu');
    }
    return s.replace(pattern, (part) => (part.length === 1 ? alone(part) : map(part)));
  };
}

export const upperCase = characterByCharacter((s) => s.toUpperCase());

export const lowerCase = characterByCharacter((s) => s.toLowerCase());

/** The form two texts are compared in when case is ignored (`in`, StartsWith, EndsWith). */
export const foldCase = upperCase;

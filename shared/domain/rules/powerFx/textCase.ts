/**
 * Case mapping as .NET's TextInfo does it, which Power Fx's Upper and Lower and ordinal-ignore-case
 * comparisons use: each character is mapped on its own (simple case mapping). A character whose full
 * mapping is longer (ß → SS, İ → i̇) stays as it is, so lengths never change, and no context applies
 * (a final Σ lowers to σ, not ς), unlike JavaScript's toUpperCase/toLowerCase on a whole text.
 */
function mapEachCharacter(s: string, map: (ch: string) => string): string {
  let out = '';
  for (const ch of s) {
    const mapped = map(ch);
    out += mapped.length === ch.length ? mapped : ch;
  }
  return out;
}

export const upperCase = (s: string): string => mapEachCharacter(s, (ch) => ch.toUpperCase());

export const lowerCase = (s: string): string => mapEachCharacter(s, (ch) => ch.toLowerCase());

/** The form two texts are compared in when case is ignored (`in`, StartsWith, EndsWith). */
export const foldCase = upperCase;

/**
 * Ordinal-ignore-case as .NET does it: each character is upper-cased on its own (simple case mapping), so a
 * character whose full upper case is longer (ß → SS) stays as it is and lengths never change.
 */
export function foldCase(s: string): string {
  let out = '';
  for (const ch of s) {
    const upper = ch.toUpperCase();
    out += upper.length === ch.length ? upper : ch;
  }
  return out;
}

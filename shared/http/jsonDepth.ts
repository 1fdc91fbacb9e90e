/**
 * The deepest nesting of objects and arrays in a JSON text, counted without parsing it and stopping
 * as soon as it passes `limit`. Everything that walks a parsed body (merge patch, validation, the
 * stores' serialisers) recurses once per level, so a 30 KB body of 5,000 nested objects must be
 * refused before any of it runs. Hand-written because it is one pass over the characters with only
 * strings to skip; no JSON library offers a depth limit without also replacing JSON.parse.
 */
export function exceedsJsonDepth(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22 /* " */) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      if (++depth > limit) return true;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      depth--;
    }
  }
  return false;
}

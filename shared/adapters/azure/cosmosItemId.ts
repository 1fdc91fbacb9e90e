/** Cosmos DB refuses longer ids (measured in UTF-8 bytes). */
export const MAX_COSMOS_ID_BYTES = 1023;

const KEPT_ASCII = /^[A-Za-z0-9_-]$/;
const WHITESPACE = /^\s$/;
const ESCAPE = '!';

/**
 * The Cosmos DB `id` for a store id. Cosmos forbids `/ \ ? #` in ids, and point operations on ids with
 * `%`, a trailing space or a lone surrogate break in the gateway or the SDK's URL encoding, while router
 * ids may hold all of these (`a%2Fb` arrives as `a/b`). So every ASCII character other than letters,
 * digits, `_` and `-` becomes `!` and two hex digits, and whitespace or a lone surrogate above ASCII
 * `!u` and four; other characters stay (the SDK percent-encodes them in the URL). `!` is escaped
 * itself, so distinct ids stay distinct; the empty id becomes a lone `!`, which nothing else yields.
 * The store keeps the id itself in `docId`, so this never needs decoding.
 */
export function cosmosItemId(id: string): string {
  let out = '';
  for (const char of id) {
    const code = char.codePointAt(0)!;
    if (code < 0x80) out += KEPT_ASCII.test(char) ? char : `${ESCAPE}${hex(code, 2)}`;
    else if (WHITESPACE.test(char) || isLoneSurrogate(char)) out += `${ESCAPE}u${hex(code, 4)}`;
    else out += char;
  }
  if (out === '') return ESCAPE;
  const bytes = Buffer.byteLength(out, 'utf8');
  if (bytes > MAX_COSMOS_ID_BYTES) {
    throw new RangeError(`id ${JSON.stringify(id.slice(0, 40))}… takes ${bytes} bytes as a Cosmos DB id; the limit is ${MAX_COSMOS_ID_BYTES}`);
  }
  return out;
}

function hex(code: number, width: number): string {
  return code.toString(16).toUpperCase().padStart(width, '0');
}

function isLoneSurrogate(char: string): boolean {
  const code = char.charCodeAt(0);
  return char.length === 1 && code >= 0xd800 && code <= 0xdfff;
}

/**
 * Strings whose comparison as UTF-16 code units gives code point order (= UTF-8 byte order, the
 * order the Store port promises). Cosmos DB compares the strings it stores; which of the two orders
 * a given server uses then no longer matters, because on strings without code units from U+D800 up
 * both orders agree. @vercel/cosmosdb-server compares as JavaScript does (UTF-16), which puts '🙂' below
 * '\uffff'.
 *
 * Every code point from U+D7FF up (and a lone surrogate, taken as its own value) becomes U+D7FF and
 * two digits of 11 bits, each stored as a code unit in U+1000..U+17FF: fixed width after a mark that
 * sorts above every code point left as it is, so the mapping keeps order and prefixes. Strings with
 * nothing from U+D7FF up, i.e. nearly all, are returned unchanged.
 */
const MARK = 0xd7ff;
const DIGIT_BASE = 0x1000;
const DIGIT_BITS = 11;
const DIGIT_MASK = (1 << DIGIT_BITS) - 1;
const MARK_CHAR = String.fromCharCode(MARK);
const NEEDS_MAPPING = /[\ud7ff-\uffff]/;

export function toCodePointOrder(text: string): string {
  if (!NEEDS_MAPPING.test(text)) return text;
  let out = '';
  for (const char of text) {
    const codePoint = char.codePointAt(0)!;
    if (codePoint < MARK) {
      out += char;
    } else {
      const n = codePoint - MARK;
      out += String.fromCharCode(MARK, DIGIT_BASE + (n >> DIGIT_BITS), DIGIT_BASE + (n & DIGIT_MASK));
    }
  }
  return out;
}

export function fromCodePointOrder(text: string): string {
  if (!text.includes(MARK_CHAR)) return text;
  let out = '';
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) !== MARK) {
      out += text[i]!;
      continue;
    }
    const n = ((text.charCodeAt(i + 1) - DIGIT_BASE) << DIGIT_BITS) + (text.charCodeAt(i + 2) - DIGIT_BASE);
    out += String.fromCodePoint(MARK + n);
    i += 2;
  }
  return out;
}

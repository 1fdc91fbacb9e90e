import { PowerFxCompileError } from './errors';
import { MAX_TEXT_LITERAL_LENGTH } from './limits';
import { where } from './source';
import type { Keyword, Punctuator, Token } from './tokens';

const WHITESPACE = /[\p{Zs}\p{Zl}\p{Zp}\t\n\v\f\r\u0085]/u;
const NAME_START = /[\p{Lu}\p{Ll}\p{Lt}\p{Lm}\p{Lo}\p{Nl}_]/u;
const NAME_PART = /[\p{Lu}\p{Ll}\p{Lt}\p{Lm}\p{Lo}\p{Nl}_\p{Nd}\p{Pc}\p{Mn}\p{Mc}\p{Cf}]/u;
/** `Digits`, `Digits.Digits?` or `.Digits`, then an exponent only when digits follow the `e`; no sign, no hex. */
const NUMBER = /(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/y;

const KEYWORDS: ReadonlySet<string> = new Set<Keyword>(['true', 'false', 'in', 'exactin', 'And', 'Or', 'Not', 'As', 'Self', 'Parent']);
/** Keyword operators that are also function names: `And(` is a call, `a And b` an operator (whitespace required). */
const WORD_OPERATORS: ReadonlySet<string> = new Set(['And', 'Or', 'Not']);

const TWO_CHAR: ReadonlySet<string> = new Set(['&&', '||', '<>', '<=', '>=', '=>']);
const ONE_CHAR: ReadonlySet<string> = new Set('(){}[],:.!@;%^&=<>+-*/');

export function isWhitespace(ch: string): boolean {
  return WHITESPACE.test(ch);
}

/** Whether `name` can be written without quotes (and is not a keyword). */
export function isPlainName(name: string): boolean {
  const chars = [...name];
  return chars.length > 0 && NAME_START.test(chars[0] as string) && chars.every((c) => NAME_PART.test(c)) && !KEYWORDS.has(name);
}

/** Splits an expression into tokens; comments and whitespace are dropped. Ends with an `end` token. */
export function lex(source: string): Token[] {
  const tokens: Token[] = [];
  const fail = (reason: string, offset: number): never => {
    throw new PowerFxCompileError('syntax', reason, source, offset);
  };
  let i = 0;
  while (i < source.length) {
    const start = i;
    const ch = String.fromCodePoint(source.codePointAt(i) as number);
    if (isWhitespace(ch)) {
      i += ch.length;
      continue;
    }
    if (source.startsWith('//', i)) {
      while (i < source.length && source[i] !== '\n' && source[i] !== '\r') i++;
      continue;
    }
    if (source.startsWith('/*', i)) {
      const close = source.indexOf('*/', i + 2);
      if (close < 0) fail(`the comment opened at ${where(source, start)} is not closed with '*/'`, source.length);
      i = close + 2;
      continue;
    }
    if (ch === '"') {
      let value = '';
      i++;
      for (;;) {
        const quote = source.indexOf('"', i);
        if (quote < 0) fail(`the text opened at ${where(source, start)} is not closed with '"'`, source.length);
        value += source.slice(i, quote);
        i = quote + 1;
        if (source[i] !== '"') break;
        value += '"'; // "" inside a text is one quote
        i++;
      }
      if (value.length > MAX_TEXT_LITERAL_LENGTH) {
        throw new PowerFxCompileError('limit', `the text is ${value.length} characters long; a text in an expression may have at most ${MAX_TEXT_LITERAL_LENGTH}`, source, start);
      }
      tokens.push({ type: 'text', value, start, end: i });
      continue;
    }
    if (ch === "'") {
      let value = '';
      i++;
      for (;;) {
        const rest = /['\n\r\u0085\u2028\u2029]/g;
        rest.lastIndex = i;
        const stop = rest.exec(source);
        if (stop === null || stop[0] !== "'") fail(`the name opened at ${where(source, start)} must be closed with "'" on the same line`, stop?.index ?? source.length);
        const quote = (stop as RegExpExecArray).index;
        value += source.slice(i, quote);
        i = quote + 1;
        if (source[i] !== "'") break;
        value += "'"; // '' inside a quoted name is one quote
        i++;
      }
      if (value === '') fail("a quoted name must not be empty ('')", start);
      tokens.push({ type: 'name', value, quoted: true, start, end: i });
      continue;
    }
    if (/[0-9.]/.test(ch)) {
      NUMBER.lastIndex = i;
      const match = NUMBER.exec(source);
      if (match !== null) {
        i += match[0].length;
        if (source[i] === '.') fail(`'${source.slice(start, i + 1)}' is not a number: a number has at most one '.'`, start);
        const value = Number(match[0]);
        if (!Number.isFinite(value)) fail(`the number ${match[0]} is too large`, start);
        tokens.push({ type: 'number', value, text: match[0], start, end: i });
        continue;
      }
    }
    if (NAME_START.test(ch)) {
      i += ch.length;
      for (;;) {
        if (i >= source.length) break;
        const next = String.fromCodePoint(source.codePointAt(i) as number);
        if (!NAME_PART.test(next)) break;
        i += next.length;
      }
      const value = source.slice(start, i);
      if (WORD_OPERATORS.has(value) && source[i] === '(') {
        tokens.push({ type: 'name', value, quoted: false, start, end: i });
      } else if (KEYWORDS.has(value)) {
        if (WORD_OPERATORS.has(value) && i < source.length && !isWhitespace(source[i] as string)) {
          fail(`the operator '${value}' must be followed by a space (or call it as ${value}(…))`, i);
        }
        tokens.push({ type: 'keyword', value: value as Keyword, start, end: i });
      } else {
        tokens.push({ type: 'name', value, quoted: false, start, end: i });
      }
      continue;
    }
    const two = source.slice(i, i + 2);
    if (TWO_CHAR.has(two)) {
      tokens.push({ type: 'punctuator', value: two as Punctuator, start, end: i + 2 });
      i += 2;
      continue;
    }
    if (ONE_CHAR.has(ch)) {
      tokens.push({ type: 'punctuator', value: ch as Punctuator, start, end: i + 1 });
      i += 1;
      continue;
    }
    if (ch === '$' && source[i + 1] === '"') fail('text interpolation ($"…") is not supported; join texts with &', start);
    if (ch === '|') fail("unexpected '|'; the 'or' operator is '||' (or Or)", start);
    fail(`unexpected character ${JSON.stringify(ch)}`, start);
  }
  tokens.push({ type: 'end', start: source.length, end: source.length });
  return tokens;
}

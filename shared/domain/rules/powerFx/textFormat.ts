/**
 * The numeric part of Excel-style formats for `Text(number, format)`: literal text around one run of
 * `0 # , .` placeholders, and `%`. Date/time codes, sections (`;`), exponents and literals between digits
 * are not supported: the function reports the format instead of guessing.
 */

interface NumericFormat {
  prefix: string;
  suffix: string;
  /** Digits shown at least before the point (`0` placeholders). */
  minInteger: number;
  grouping: boolean;
  hasPoint: boolean;
  /** Digits after the point: at most all placeholders, at least up to the last `0`. */
  maxFraction: number;
  minFraction: number;
  percent: number;
}

const PLACEHOLDERS = /^[0#,.]+/;
/** More decimals than a double carries are noise (and `toFixed` stops at 100). */
const MAX_FRACTION_DIGITS = 20;
const LOCALE_TAG = /^\[\$-[A-Za-z0-9-]*\]/;

/** Literal text of a format (quoted runs, `\x` escapes, symbols); `undefined` at a code we do not support. */
function readLiteral(format: string, from: number, stopAtPlaceholder: boolean): { text: string; next: number; percents: number } | undefined {
  let text = '';
  let percents = 0;
  let i = from;
  while (i < format.length) {
    const ch = format[i] as string;
    if (ch === '"') {
      const close = format.indexOf('"', i + 1);
      if (close < 0) return undefined;
      text += format.slice(i + 1, close);
      i = close + 1;
    } else if (ch === '\\') {
      if (i + 1 >= format.length) return undefined;
      text += format[i + 1];
      i += 2;
    } else if (ch === '%') {
      percents++;
      text += '%';
      i++;
    } else if (/[0#,.]/.test(ch)) {
      if (stopAtPlaceholder) break;
      return undefined; // digits after the number's literal text
    } else if (/[A-Za-z;@*_?[\]]/.test(ch)) {
      return undefined;
    } else {
      text += ch;
      i++;
    }
  }
  return { text, next: i, percents };
}

function parseFormat(format: string): NumericFormat | undefined {
  const body = format.replace(LOCALE_TAG, '');
  const before = readLiteral(body, 0, true);
  if (before === undefined) return undefined;
  const pattern = PLACEHOLDERS.exec(body.slice(before.next))?.[0];
  if (pattern === undefined) return undefined;
  const after = readLiteral(body, before.next + pattern.length, false);
  if (after === undefined) return undefined;
  const [integer = '', fraction = '', ...more] = pattern.split('.');
  if (more.length > 0 || fraction.includes(',') || integer.endsWith(',') || integer.startsWith(',')) return undefined;
  if (fraction.length > MAX_FRACTION_DIGITS) return undefined;
  return {
    prefix: before.text,
    suffix: after.text,
    minInteger: [...integer].filter((c) => c === '0').length,
    grouping: integer.includes(','),
    hasPoint: pattern.includes('.'),
    maxFraction: fraction.length,
    minFraction: fraction.lastIndexOf('0') + 1,
    percent: before.percents + after.percents,
  };
}

/** `1234567` → `1,234,567`. A loop, not a lookahead regex, which rescans the rest of the digits at every position. */
function groupThousands(digits: string): string {
  const head = digits.length % 3 || 3;
  const groups = [digits.slice(0, head)];
  for (let i = head; i < digits.length; i += 3) groups.push(digits.slice(i, i + 3));
  return groups.join(',');
}

/**
 * `n` written with `format`, or undefined when the format uses something this subset does not support.
 * `round(x, digits)` is the engine's Round, so `Text(2.5, "0")` agrees with `Round(2.5, 0)`.
 */
export function formatWithPattern(n: number, format: string, round: (x: number, digits: number) => number): string | undefined {
  const spec = parseFormat(format);
  if (spec === undefined) return undefined;
  const scaled = Math.abs(n) * 100 ** spec.percent;
  const rounded = round(scaled, spec.maxFraction);
  if (!Number.isFinite(rounded)) return undefined;
  const fixed = rounded < 1e21 ? rounded.toFixed(spec.maxFraction) : `${BigInt(Math.round(rounded)).toString()}${spec.maxFraction > 0 ? `.${'0'.repeat(spec.maxFraction)}` : ''}`;
  const [integerDigits = '', fractionDigits = ''] = fixed.split('.');
  let integer = integerDigits.replace(/^0+/, '').padStart(spec.minInteger, '0');
  if (spec.grouping) integer = groupThousands(integer);
  let fraction = fractionDigits;
  while (fraction.length > spec.minFraction && fraction.endsWith('0')) fraction = fraction.slice(0, -1);
  const number = `${integer}${spec.hasPoint ? `.${fraction}` : ''}`;
  const negative = n < 0 && /[1-9]/.test(number);
  return `${negative ? '-' : ''}${spec.prefix}${number}${spec.suffix}`;
}

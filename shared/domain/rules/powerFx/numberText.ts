/**
 * Numbers written as text and read from text, the invariant-culture way Power Fx does it.
 */

/**
 * .NET `double.ToString("G")`: the shortest digits that read back to the same double, in fixed notation when
 * the decimal exponent e satisfies -5 < e < 15, else `1E+15`, `1E-05` (capital E, sign, two digits at least).
 */
export function formatNumber(n: number): string {
  if (n === 0) return '0';
  const [mantissa, exponentText] = n.toExponential().split('e') as [string, string];
  const exponent = Number(exponentText);
  // In this range String(n) is fixed notation with the same shortest digits.
  if (exponent > -5 && exponent < 15) return String(n);
  const magnitude = String(Math.abs(exponent)).padStart(2, '0');
  return `${mantissa}E${exponent < 0 ? '-' : '+'}${magnitude}`;
}

/**
 * `sign? space* ($ space*)? (sign space*)? digits exponent?`. Every optional part starts with a character
 * the space before it cannot match, so the expression never backtracks over a run of spaces: written with
 * three `\s*` next to each other (`sign? \s* $? \s* sign? \s*`), a sign and a few thousand spaces took
 * seconds to refuse.
 */
const NUMBER_TEXT = /^([+-])?\s*(?:(\$)\s*)?(?:([+-])\s*)?(\d[\d,]*(?:\.\d*)?|\.\d+)(?:[eE]([+-]?\d+))?$/;

/**
 * Reads a number from text like `Value()`: surrounding spaces, one sign, `$`, thousands separators, one `.`,
 * an exponent, and one `%` before or after (which divides by 100). `""` is Blank (null); text that is not a
 * number gives undefined.
 */
export function parseNumberText(text: string): number | null | undefined {
  if (text === '') return null;
  // trim() removes exactly what `\s` matches, in linear time (`\s+$` retries every run of inner spaces).
  let body = text.trim();
  let percent = false;
  if (body.endsWith('%')) {
    percent = true;
    body = body.slice(0, -1).trim();
  } else if (body.startsWith('%')) {
    percent = true;
    body = body.slice(1).trim();
  }
  const match = NUMBER_TEXT.exec(body);
  if (match === null) return undefined;
  const [, signBefore, , signAfter, digits, exponent] = match;
  if (signBefore !== undefined && signAfter !== undefined) return undefined;
  const sign = (signBefore ?? signAfter) === '-' ? -1 : 1;
  const magnitude = Number(`${(digits as string).replace(/,/g, '')}${exponent === undefined ? '' : `e${exponent}`}`);
  const n = (sign * magnitude) / (percent ? 100 : 1);
  return Number.isFinite(n) ? n : undefined;
}

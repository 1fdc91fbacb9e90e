import { argSpan, eager, type Builtin, type CallSite } from './builtins';
import { toInteger, toNumber, toNumberOrBlank } from './coercion';
import { ValueFault } from './errors';
import { finite } from './operators';
import { NUMBER } from './staticTypes';
import { BLANK, numberValue, type Value } from './values';

/** Numeric functions; every argument is coerced to a number (Blank → 0) unless said otherwise. */

const num = (args: readonly Value[], site: CallSite, i: number) => toNumber(args[i] as Value, argSpan(site, i));

/** `n · 10^d` and its inverse, dividing by 10^-d for negative d so that e.g. 35 · 10^2 stays exact. */
const shift = (n: number, d: number) => (d >= 0 ? n * 10 ** d : n / 10 ** -d);
const unshift = (n: number, d: number) => (d >= 0 ? n / 10 ** d : n * 10 ** -d);

type Rounding = (magnitude: number, digits: number) => number;

/**
 * Power Fx's float rounding (`LibraryMath.RoundFloat`): digits truncated to an integer; beyond 15 digits or
 * 1e20 the number is returned as it is; otherwise the magnitude is rounded and the sign put back.
 */
function rounding(name: string, round: Rounding): Builtin {
  return eager(name, { arity: 2, returns: NUMBER }, (args, site) => {
    const x = num(args, site, 0);
    const digits = toInteger(args[1] as Value, argSpan(site, 1));
    if (Math.abs(digits) > 15 || Math.abs(x) > 1e20) return numberValue(x);
    return finite(Math.sign(x) * round(Math.abs(x), digits), site.span);
  });
}

/** Half away from zero, with Power Fx's nudge of 1/(m·1e12) so that 1.005 rounds to 1.01. */
const roundHalfUp: Rounding = (n, d) => unshift(Math.floor(shift(n + unshift(0.5, d) + unshift(1e-12, d), d)), d);
const roundUp: Rounding = (n, d) => unshift(Math.ceil(shift(n, d)), d);
const roundDown: Rounding = (n, d) => unshift(Math.floor(shift(n, d)), d);

/** `Round(x, digits)` as a plain function, for Text formats. */
export function roundNumber(x: number, digits: number): number {
  if (Math.abs(digits) > 15 || Math.abs(x) > 1e20) return x;
  return Math.sign(x) * roundHalfUp(Math.abs(x), Math.trunc(digits));
}

function minMax(name: 'Min' | 'Max', better: (a: number, b: number) => boolean): Builtin {
  return eager(name, { arity: [1, Infinity], returns: NUMBER }, (args, site) => {
    // Blank arguments are ignored; with nothing but Blank the result is Blank.
    let best: number | undefined;
    args.forEach((arg, i) => {
      const n = toNumberOrBlank(arg, argSpan(site, i));
      if (n !== null && (best === undefined || better(n, best))) best = n;
    });
    return best === undefined ? BLANK : numberValue(best);
  });
}

function unary(name: string, apply: (x: number, site: CallSite) => number): Builtin {
  return eager(name, { arity: 1, returns: NUMBER }, (args, site) => finite(apply(num(args, site, 0), site), site.span));
}

export const MATH_FUNCTIONS: readonly Builtin[] = [
  minMax('Min', (a, b) => a < b),
  minMax('Max', (a, b) => a > b),
  rounding('Round', roundHalfUp),
  rounding('RoundUp', roundUp),
  rounding('RoundDown', roundDown),
  unary('Int', Math.floor),
  eager('Trunc', { arity: [1, 2], returns: NUMBER }, (args, site) => {
    const x = num(args, site, 0);
    const digits = args.length > 1 ? toInteger(args[1] as Value, argSpan(site, 1)) : 0;
    if (Math.abs(digits) > 15 || Math.abs(x) > 1e20) return numberValue(x);
    return finite(Math.sign(x) * roundDown(Math.abs(x), digits), site.span);
  }),
  unary('Abs', Math.abs),
  unary('Sqrt', (x, site) => {
    if (x < 0) throw new ValueFault('Numeric', `Sqrt of a negative number (${x})`, argSpan(site, 0));
    return Math.sqrt(x);
  }),
  unary('Exp', Math.exp),
  unary('Ln', (x, site) => {
    if (x <= 0) throw new ValueFault('Numeric', `Ln needs a number greater than 0, got ${x}`, argSpan(site, 0));
    return Math.log(x);
  }),
  eager('Power', { arity: 2, returns: NUMBER }, (args, site) => finite(Math.pow(num(args, site, 0), num(args, site, 1)), site.span)),
  eager('Mod', { arity: 2, returns: NUMBER }, (args, site) => {
    const dividend = num(args, site, 0);
    const divisor = num(args, site, 1);
    if (divisor === 0) throw new ValueFault('Div0', 'Mod by zero', argSpan(site, 1));
    // The result takes the sign of the divisor: Mod(-456, 15) = 9.
    const r = dividend % divisor;
    return finite(r !== 0 && Math.sign(r) !== Math.sign(divisor) ? r + divisor : r, site.span);
  }),
];

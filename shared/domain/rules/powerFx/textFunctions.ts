import { argSpan, eager, type Builtin, type CallSite } from './builtins';
import { toInteger, toNumber, toText } from './coercion';
import { ValueFault } from './errors';
import { roundNumber } from './mathFunctions';
import { ensureTextLength, NODE_COST } from './limits';
import { parseNumberText } from './numberText';
import { BOOLEAN, NUMBER, TEXT } from './staticTypes';
import { formatWithPattern } from './textFormat';
import { foldCase, lowerCase, upperCase } from './textCase';
import { BLANK, booleanValue, describe, numberValue, textValue, type Value } from './values';

/** Text functions; arguments are coerced to text (Blank → "") and counts to whole numbers, truncated toward zero. */

const str = (args: readonly Value[], site: CallSite, i: number) => toText(args[i] as Value, argSpan(site, i));
const int = (args: readonly Value[], site: CallSite, i: number) => toInteger(args[i] as Value, argSpan(site, i));

function invalid(site: CallSite, i: number, reason: string): never {
  throw new ValueFault('InvalidArgument', reason, argSpan(site, i));
}

/** Whitespace runs that Trim collapses: every whitespace except CR, LF, VT, FF and no-break space. */
const COLLAPSIBLE = /[^\S\r\n\v\f\u00a0]+/g;

function text(name: string, arity: number | readonly [number, number], apply: (args: readonly Value[], site: CallSite) => string): Builtin {
  return eager(name, { arity, returns: TEXT }, (args, site) => textValue(apply(args, site)));
}

function replaceOccurrence(within: string, old: string, replacement: string, occurrence: number): string {
  let from = 0;
  for (let seen = 1; ; seen++) {
    const at = within.indexOf(old, from);
    if (at < 0) return within;
    if (seen === occurrence) return within.slice(0, at) + replacement + within.slice(at + old.length);
    from = at + old.length;
  }
}

export const TEXT_FUNCTIONS: readonly Builtin[] = [
  eager('Text', { arity: [1, 2], returns: TEXT }, (args, site) => {
    const value = args[0] as Value;
    if (value.type === 'blank') return BLANK;
    if (args.length < 2) return textValue(toText(value, argSpan(site, 0)));
    const format = str(args, site, 1);
    const formatted = formatWithPattern(toNumber(value, argSpan(site, 0)), format, roundNumber);
    if (formatted === undefined) {
      invalid(site, 1, `the format ${JSON.stringify(format)} is not supported; use literal text around 0 # , . and %, such as "#,##0.00"`);
    }
    return textValue(formatted);
  }),
  eager('Value', { arity: 1, returns: NUMBER }, (args, site) => {
    const value = args[0] as Value;
    if (value.type !== 'text') return value.type === 'blank' ? BLANK : numberValue(toNumber(value, argSpan(site, 0)));
    const n = parseNumberText(value.value);
    if (n === undefined) invalid(site, 0, `${describe(value)} is not a number`);
    return n === null ? BLANK : numberValue(n);
  }),
  eager('Len', { arity: 1, returns: NUMBER }, (args, site) => numberValue(str(args, site, 0).length)),
  text('Upper', 1, (args, site) => upperCase(str(args, site, 0))),
  text('Lower', 1, (args, site) => lowerCase(str(args, site, 0))),
  text('Left', 2, (args, site) => {
    const count = int(args, site, 1);
    if (count < 0) invalid(site, 1, `Left needs a count of 0 or more, got ${count}`);
    return str(args, site, 0).slice(0, count);
  }),
  text('Right', 2, (args, site) => {
    const count = int(args, site, 1);
    if (count < 0) invalid(site, 1, `Right needs a count of 0 or more, got ${count}`);
    const s = str(args, site, 0);
    return count === 0 ? '' : s.slice(Math.max(0, s.length - count));
  }),
  text('Mid', [2, 3], (args, site) => {
    const s = str(args, site, 0);
    const start = int(args, site, 1);
    if (start < 1) invalid(site, 1, `Mid counts positions from 1, got ${start}`);
    const count = args.length > 2 ? int(args, site, 2) : s.length;
    if (count < 0) invalid(site, 2, `Mid needs a count of 0 or more, got ${count}`);
    return s.substr(start - 1, count);
  }),
  eager('Find', { arity: [2, 3], returns: NUMBER }, (args, site) => {
    const needle = str(args, site, 0);
    const within = str(args, site, 1);
    let start = 1;
    if (args.length > 2) {
      if ((args[2] as Value).type === 'blank') invalid(site, 2, 'Find needs a start position, got Blank()');
      start = int(args, site, 2);
      if (start < 1 || start > within.length + 1) invalid(site, 2, `Find's start must be between 1 and ${within.length + 1} (the length of the text + 1), got ${start}`);
    }
    const at = within.indexOf(needle, start - 1);
    return at < 0 ? BLANK : numberValue(at + 1);
  }),
  eager('StartsWith', { arity: 2, returns: BOOLEAN }, (args, site) => booleanValue(foldCase(str(args, site, 0)).startsWith(foldCase(str(args, site, 1))))),
  eager('EndsWith', { arity: 2, returns: BOOLEAN }, (args, site) => booleanValue(foldCase(str(args, site, 0)).endsWith(foldCase(str(args, site, 1))))),
  text('Concatenate', [1, Infinity], (args, site) => {
    const parts = args.map((_, i) => str(args, site, i));
    ensureTextLength(parts.reduce((total, part) => total + part.length, 0), site.span);
    return parts.join('');
  }),
  text('Trim', 1, (args, site) => {
    const s = str(args, site, 0);
    // Each run of spaces replaced is an allocation, as costly as a node: charged for as many runs as fit.
    site.charge(Math.ceil(s.length / 2) * NODE_COST);
    return s.replace(COLLAPSIBLE, ' ').trim();
  }),
  text('TrimEnds', 1, (args, site) => str(args, site, 0).trim()),
  text('Substitute', [3, 4], (args, site) => {
    const within = str(args, site, 0);
    const old = str(args, site, 1);
    const replacement = str(args, site, 2);
    let occurrence: number | undefined;
    if (args.length > 3) {
      if ((args[3] as Value).type === 'blank') invalid(site, 3, 'Substitute needs an occurrence number of 1 or more, got Blank()');
      occurrence = int(args, site, 3);
      if (occurrence < 1) invalid(site, 3, `Substitute needs an occurrence number of 1 or more, got ${occurrence}`);
    }
    if (old === '') return within;
    if (occurrence !== undefined) return replaceOccurrence(within, old, replacement, occurrence);
    const pieces = within.split(old);
    ensureTextLength(within.length + (pieces.length - 1) * (replacement.length - old.length), site.span);
    // Each occurrence is a piece to split off and join again, as costly as a node.
    site.charge((pieces.length - 1) * NODE_COST);
    return pieces.join(replacement);
  }),
];

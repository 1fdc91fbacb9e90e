import { LimitFault } from './errors';
import type { Span } from './source';

/**
 * Bounds that keep every expression cheap, whatever it is. The first three are checked when a rule is
 * compiled (so a policy that breaks them is refused when it is saved); the others while it runs. Every
 * figure is measured in `npm run bench` (BENCH_ONLY=rules) and explained in ADR 0025.
 */

/** Characters of an expression. Routing rules are a line or two; the longest documented sample is ~200. */
export const MAX_EXPRESSION_LENGTH = 2000;

/**
 * Nesting levels: brackets, call arguments, record and table items, prefix operators, `^` right operands
 * and postfix `.field`/`%`. Power Fx stops at 50 levels of its own count; routing rules are far flatter.
 */
export const MAX_NESTING = 64;

/** Characters of one text literal (`"…"`): queue ids, label values and formats, never documents. */
export const MAX_TEXT_LITERAL_LENGTH = 500;

/** Nodes evaluated (plus table rows scanned) per evaluation. A 2000-character rule visits a few thousand at most. */
export const MAX_STEPS = 100_000;

/**
 * Longest text an evaluation may hold (a label read or a text built), so nested Substitute/& cannot blow up
 * memory and every text function's work has a ceiling.
 */
export const MAX_TEXT_LENGTH = 100_000;

/** What one node costs, in the units of MAX_COST: visiting a node does about as much as copying ten characters. */
export const NODE_COST = 10;

/**
 * The work one evaluation may do, in units of about one character read or written by a text function or
 * operator (plus NODE_COST per node). Steps alone do not bound time: one `Upper` over a long text is one
 * step but a hundred thousand characters of work. At this budget the costliest rule runs for a few
 * milliseconds, so it cannot hold the event loop for long.
 */
export const MAX_COST = 500_000;

/** Refuses a text before it is built when it would be longer than MAX_TEXT_LENGTH. */
export function ensureTextLength(length: number, at: Span): void {
  if (length > MAX_TEXT_LENGTH) throw new LimitFault(`a text would be longer than ${MAX_TEXT_LENGTH} characters`, at);
}

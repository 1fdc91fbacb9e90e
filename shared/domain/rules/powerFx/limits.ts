import { LimitFault } from './errors';
import type { Span } from './source';

/**
 * Bounds that keep every expression cheap, whatever it is. The schema already caps expressions at 2000
 * characters; these hold for any text handed to the parser.
 */

/**
 * Nesting levels: brackets, call arguments, record and table items, prefix operators, `^` right operands
 * and postfix `.field`/`%`. Power Fx stops at 50 levels of its own count; routing rules are far flatter.
 */
export const MAX_NESTING = 64;

/** Nodes evaluated (plus table rows scanned) per evaluation. A 2000-character rule visits a few thousand at most. */
export const MAX_STEPS = 100_000;

/** Longest text an operator or function may produce, so nested Substitute/& cannot blow up memory. */
export const MAX_TEXT_LENGTH = 1_000_000;

/** Refuses a text before it is built when it would be longer than MAX_TEXT_LENGTH. */
export function ensureTextLength(length: number, at: Span): void {
  if (length > MAX_TEXT_LENGTH) throw new LimitFault(`a text would be longer than ${MAX_TEXT_LENGTH} characters`, at);
}

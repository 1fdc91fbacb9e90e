/**
 * Resource ids travel in URL paths (`/routing/queues/{queueId}`), so an id that the HTTP layer could not
 * route back to the same resource must be refused when it is first written, not when it is first looked up.
 */

export const MAX_ID_LENGTH = 255;

const FORBIDDEN_CHARACTERS = ['/', '\\', '?', '#', ':'] as const;

// C0 controls, DEL and C1 controls: invisible in logs and error messages, and mangled by some proxies.
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f-\u009f]/;

/** Why `s` cannot be used as an id (a message to show the caller), or undefined when it can. */
export function idProblem(s: string): string | undefined {
  if (s.length === 0) return 'must not be empty';
  // Inner spaces are fine (`a b`); an id of only spaces looks like no id at all in every log and UI.
  if (s.trim().length === 0) return 'must not be only whitespace';
  if (s.length > MAX_ID_LENGTH) return `must be at most ${MAX_ID_LENGTH} characters, got ${s.length}`;
  const forbidden = FORBIDDEN_CHARACTERS.find((c) => s.includes(c));
  if (forbidden !== undefined) return `must not contain "${forbidden}"`;
  if (CONTROL_CHARACTER.test(s)) return 'must not contain control characters';
  return undefined;
}

/**
 * The characters `idProblem` accepts, as an ECMA-262 pattern for the OpenAPI document: not only whitespace, none of
 * the forbidden characters or controls (the length bounds are separate). A test holds the two equal.
 */
export const ID_PATTERN = '^(?!\\s*$)[^/\\\\?#:\\u0000-\\u001f\\u007f-\\u009f]+$';

export function isValidId(s: string): boolean {
  return idProblem(s) === undefined;
}

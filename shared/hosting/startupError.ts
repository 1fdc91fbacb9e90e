/**
 * A reason the router cannot start that the operator can fix (a busy port, an unusable data folder,
 * a second router on the same data): `npm start` prints its message, which says what to do, and no
 * stack trace.
 */
export class StartupError extends Error {
  override name = 'StartupError';
}

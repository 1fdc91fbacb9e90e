/**
 * An empty object for a member keyed by the ids the router makes: a job's `assignments`, a worker's
 * `holdings` of offers and assignments. V8 gives a plain object a hidden class per set of keys, shared
 * through transitions from `{}`; these keys never repeat, so every offer, assignment and copy of a
 * body holding one built hidden classes of its own (a tenth of what a simulated job cost). An object
 * without a prototype is kept as a hash table from the start. It serializes like any object; read it
 * with own-property checks only (`Object.hasOwn`, `Object.keys`), as it has no `hasOwnProperty`.
 * `copyJson` keeps it so.
 */
export function idKeyed<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}

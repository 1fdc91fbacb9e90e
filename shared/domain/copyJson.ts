import { klona } from 'klona/json';

/**
 * A deep copy of plain JSON data (objects, arrays, strings, numbers, booleans, null), such as a stored
 * body, for a writer to change without touching what it read. Several times faster than
 * `structuredClone`, which serializes its input; only JSON data reaches it, so what structuredClone
 * keeps beyond that (dates, maps, cycles) is not needed. An own `__proto__` member (JSON.parse makes
 * one from client input) is copied as a member, not set as the prototype.
 */
export function copyJson<T>(value: T): T {
  return klona(value);
}

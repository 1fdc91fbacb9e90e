/**
 * JSON merge patch (RFC 7386). Written here rather than taken from `json-merge-patch` because that
 * library stops at members named `constructor`, `__proto__` or `prototype` (silently dropping the
 * rest of the object) and calls `target.hasOwnProperty`, which a label of that name breaks. Label
 * keys are user data, so every member name must be an ordinary key: own-property checks only, and
 * members defined rather than assigned (assigning `__proto__` would change the prototype).
 */
import { isPlainObject } from '../domain/model';

function define(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

export function applyMergePatch(target: unknown, patch: unknown): unknown {
  if (!isPlainObject(patch)) return patch;
  const result: Record<string, unknown> = {};
  if (isPlainObject(target)) for (const key of Object.keys(target)) define(result, key, target[key]);
  for (const key of Object.keys(patch)) {
    const value = patch[key];
    if (value === null) {
      delete result[key];
    } else {
      define(result, key, applyMergePatch(Object.hasOwn(result, key) ? result[key] : undefined, value));
    }
  }
  return result;
}

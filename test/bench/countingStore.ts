/** A Store that counts the calls the engine makes on it, per method, for per-operation figures. */
import type { Store } from '../../shared/ports/Store';

const COUNTED = ['get', 'create', 'replace', 'delete', 'list', 'exists', 'range', 'count'] as const;
export type StoreMethod = (typeof COUNTED)[number];
export type StoreCalls = Record<StoreMethod, number>;

export interface CountingStore {
  store: Store;
  /** The counts since the last `take`, then zeroes them. */
  take(): StoreCalls;
}

const zero = (): StoreCalls => ({ get: 0, create: 0, replace: 0, delete: 0, list: 0, exists: 0, range: 0, count: 0 });

export function countingStore(inner: Store): CountingStore {
  let calls = zero();
  const counted = new Set<string | symbol>(COUNTED);
  // A proxy rather than a wrapper object, so `instanceof SqliteStore` and its diagnostics still work.
  const store = new Proxy(inner, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function' || !counted.has(property)) return value;
      const method = value as (...args: unknown[]) => unknown;
      return (...args: unknown[]) => {
        calls[property as StoreMethod]++;
        return method.apply(target, args);
      };
    },
  });
  return {
    store,
    take: () => {
      const taken = calls;
      calls = zero();
      return taken;
    },
  };
}

/** `12.0 get, 9.0 replace, …` per unit, leaving out methods never called. */
export function perUnit(calls: StoreCalls, units: number): string {
  const total = Object.values(calls).reduce((n, v) => n + v, 0);
  const parts = Object.entries(calls)
    .filter(([, n]) => n > 0)
    .map(([method, n]) => `${(n / Math.max(1, units)).toFixed(1)} ${method}`);
  return `${(total / Math.max(1, units)).toFixed(1)} store calls (${parts.join(', ')})`;
}

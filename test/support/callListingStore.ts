import type { Store } from '../../shared/ports/Store';

/** The store, with the calls made on it listed by method name, in order. */
export function callListingStore(store: Store): { store: Store; calls: string[] } {
  const calls: string[] = [];
  const listed = new Proxy(store, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        calls.push(String(property));
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { store: listed, calls };
}

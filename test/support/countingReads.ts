import type { Collection, Store } from '../../shared/ports/Store';

/** The store as it is, with the point reads it answers counted by collection; `reads` answers them since the last call. */
export function countingReads(inner: Store): { store: Store; reads: () => Partial<Record<Collection, number>> } {
  let counted: Partial<Record<Collection, number>> = {};
  const store = new Proxy(inner, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        if (property === 'get') counted[args[0] as Collection] = (counted[args[0] as Collection] ?? 0) + 1;
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return {
    store,
    reads: () => {
      const answer = counted;
      counted = {};
      return answer;
    },
  };
}

/** `true` only when A and B are the same type (each assignable to the other, optional members included). */
export type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

/**
 * A compile-time check: `sameType<Same<X, Y>>(true)` does not type-check unless X and Y are equal. Used
 * where a schema for the OpenAPI document restates a TypeScript type, so that neither changes alone.
 */
export const sameType = <T extends true>(_check: T): void => undefined;

import fc from 'fast-check';
import { ordered, reordered } from '../../../shared/domain/resources';

const ORDER = ['id', 'status', 'queueId', 'priority', 'labels', 'tags', '_routing'] as const;

/** Drafts as a change leaves them: wire keys in any order, some undefined, some keys the order does not name. */
const draft = fc
  .tuple(
    fc.shuffledSubarray([...ORDER, 'stray', '__proto__']),
    fc.array(fc.oneof(fc.constant(undefined), fc.jsonValue()), { minLength: ORDER.length + 2, maxLength: ORDER.length + 2 }),
    fc.boolean(),
  )
  .map(([keys, values, sorted]) => {
    const chosen = sorted ? [...keys].sort((a, b) => ORDER.indexOf(a as never) - ORDER.indexOf(b as never)) : keys;
    const result: Record<string, unknown> = {};
    chosen.forEach((key, index) => Object.defineProperty(result, key, { value: values[index], enumerable: true, writable: true, configurable: true }));
    return result;
  });

describe('reordered', () => {
  it('answers what ordered answers, in the same key order, and the draft itself only when that is the same', () => {
    fc.assert(
      fc.property(draft, (input) => {
        const expected = ordered<Record<string, unknown>>(input, ORDER);
        const actual = reordered<Record<string, unknown>>(input, ORDER);
        expect(Object.keys(actual)).toEqual(Object.keys(expected));
        expect(actual).toStrictEqual(expected);
        if (actual === input) expect(Object.keys(input)).toEqual(Object.keys(expected));
      }),
      { numRuns: 1_000 },
    );
  });

  it('keeps an ordered draft without a copy', () => {
    const input = { id: 'j1', status: 'queued', labels: {} };
    expect(reordered(input, ORDER)).toBe(input);
    const late = { status: 'queued', id: 'j1' };
    expect(reordered(late, ORDER)).not.toBe(late);
  });
});

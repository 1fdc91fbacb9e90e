import fc from 'fast-check';
import { exceedsJsonDepth } from '../../../shared/http/jsonDepth';

/** Nesting depth of a parsed value: 0 for a primitive, 1 for a flat object or array. */
function depthOf(value: unknown): number {
  if (typeof value !== 'object' || value === null) return 0;
  const members = Array.isArray(value) ? value : Object.values(value);
  return 1 + Math.max(0, ...members.map(depthOf));
}

describe('exceedsJsonDepth', () => {
  it('agrees with the depth of the parsed value, whatever brackets and escapes the strings hold', () => {
    const text = fc.string({ unit: fc.constantFrom('{', '}', '[', ']', '"', '\\', 'a', ' ') });
    const value = fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: 'small' }, text, fc.integer(), fc.array(tie('node'), { maxLength: 3 }), fc.dictionary(text, tie('node'), { maxKeys: 3 })),
    })).node;
    fc.assert(
      fc.property(value, fc.integer({ min: 0, max: 8 }), (v, limit) => {
        expect(exceedsJsonDepth(JSON.stringify(v), limit)).toBe(depthOf(v) > limit);
      }),
      { seed: 11, numRuns: 2000 },
    );
  });

  it('stops at the limit without walking a 1 MB body of nesting', () => {
    expect(exceedsJsonDepth('['.repeat(1_000_000), 32)).toBe(true);
  });
});

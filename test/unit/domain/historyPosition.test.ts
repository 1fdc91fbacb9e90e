import fc from 'fast-check';
import { historyPosition } from '../../../shared/domain/routing/eventHistory';

describe('historyPosition', () => {
  it('is the time, a dash and the sequence in 16 digits, for every sequence a process can count to (property)', () => {
    const time = '2026-01-05T09:00:00.000Z';
    fc.assert(
      fc.property(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), (sequence) => {
        expect(historyPosition(time, sequence)).toBe(`${time}-${String(sequence).padStart(16, '0')}`);
      }),
      { numRuns: 2000 },
    );
    for (const sequence of [0, 99_999_999, 100_000_000, Date.now() * 1000, Number.MAX_SAFE_INTEGER]) {
      expect(historyPosition(time, sequence)).toBe(`${time}-${String(sequence).padStart(16, '0')}`);
    }
  });
});

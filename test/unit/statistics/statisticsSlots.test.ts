import fc from 'fast-check';
import { coveringRuns, GRANULARITY_MS, SLOT_MS } from '../../../shared/domain/statistics/statisticsSlots';

const DAY = GRANULARITY_MS['1d'];

test('a window is covered by whole slots, in order, without gap or overlap, with few reads', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 400 * 288 }), fc.integer({ min: 1, max: 40 * 288 }), (startSlot, length) => {
      const from = Date.parse('2026-01-01T00:00:00Z') + startSlot * SLOT_MS;
      const to = from + length * SLOT_MS;
      const runs = coveringRuns(from, to);
      let at = from;
      for (const run of runs) {
        expect(run.fromMs).toBe(at);
        const step = GRANULARITY_MS[run.granularity];
        expect(run.fromMs % step).toBe(0);
        expect(run.toMs % step).toBe(0);
        at = run.toMs;
      }
      expect(at).toBe(to);
      const slots = runs.reduce((n, run) => n + (run.toMs - run.fromMs) / GRANULARITY_MS[run.granularity], 0);
      // At most 11 + 23 five-minute/hour slots at each end, plus the whole days between.
      expect(slots).toBeLessThanOrEqual(2 * (11 + 23) + Math.ceil((to - from) / DAY));
    }),
  );
});

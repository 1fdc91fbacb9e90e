import fc from 'fast-check';
import { addDuration, binOf, countWithin, emptyDuration, EXACT_SECONDS, mergeDuration, percentileSeconds } from '../../../shared/domain/statistics/durationSummary';

/** Durations in ms up to two days, with many on whole seconds (the edges that matter). */
const durationMs = fc.oneof(fc.integer({ min: 0, max: 2 * 86_400_000 }), fc.integer({ min: 0, max: 900 }).map((s) => s * 1000));

const summaryOf = (values: readonly number[]) => {
  const summary = emptyDuration();
  for (const value of values) addDuration(summary, value);
  return summary;
};

test('"within T seconds" is exact for every whole T up to 600', () => {
  fc.assert(
    fc.property(fc.array(durationMs, { maxLength: 60 }), fc.integer({ min: 1, max: EXACT_SECONDS }), (values, threshold) => {
      expect(countWithin(summaryOf(values), threshold)).toBe(values.filter((ms) => ms <= threshold * 1000).length);
    }),
  );
});

test('merging summaries is the summary of all the durations (so slots add up)', () => {
  fc.assert(
    fc.property(fc.array(durationMs, { maxLength: 40 }), fc.array(durationMs, { maxLength: 40 }), (a, b) => {
      const merged = summaryOf(a);
      mergeDuration(merged, summaryOf(b));
      expect(merged).toEqual(summaryOf([...a, ...b]));
    }),
  );
});

test('a percentile lies in the bin of the exact percentile and never above the maximum', () => {
  fc.assert(
    fc.property(fc.array(durationMs, { minLength: 1, maxLength: 80 }), fc.constantFrom(0.5, 0.9, 0.95), (values, p) => {
      const sorted = [...values].sort((x, y) => x - y);
      const exact = sorted[Math.max(1, Math.ceil(p * sorted.length)) - 1]!;
      const answer = percentileSeconds(summaryOf(values), p)!;
      expect(answer).toBe(Math.min(binOf(exact), sorted[sorted.length - 1]! / 1000));
      expect(answer * 1000).toBeGreaterThanOrEqual(exact - 1e-6 - (binOf(exact) * 1000 - exact));
    }),
  );
});

test('bins: whole seconds to 10 min, 10 s to an hour, a minute to a day, then hours', () => {
  expect([0, 1, 999, 1000, 1001, 20_300].map(binOf)).toEqual([0, 1, 1, 1, 2, 21]);
  expect([600_000, 600_001, 605_000, 3_600_000, 3_600_001, 86_400_000, 86_400_001].map(binOf)).toEqual([600, 610, 610, 3600, 3660, 86_400, 90_000]);
});

/**
 * A distribution of durations that can be added up bucket by bucket and still answer exact counts,
 * means and maxima, and percentiles to a known precision. Durations go into bins by their length in
 * seconds rounded up: whole seconds up to 10 minutes, 10 s up to an hour, a minute up to a day, then
 * hours. Because a bin is named by its upper bound, "at most T seconds" is exact for any whole T up to
 * 600 (a wait of 20.3 s lies in bin 21, so it is not within 20 s), which is what service levels ask.
 */
export interface DurationSummary {
  count: number;
  sumMs: number;
  maxMs: number;
  /** Upper bound of the bin in seconds → how many durations fell in it. */
  bins: Record<string, number>;
}

/** Service level thresholds are exact up to this many whole seconds. */
export const EXACT_SECONDS = 600;

export const emptyDuration = (): DurationSummary => ({ count: 0, sumMs: 0, maxMs: 0, bins: {} });

/** The upper bound, in seconds, of the bin a duration falls in. */
export function binOf(ms: number): number {
  const seconds = Math.max(0, ms) / 1000;
  const upTo = (step: number) => Math.ceil(seconds / step) * step;
  if (seconds <= EXACT_SECONDS) return Math.ceil(seconds);
  if (seconds <= 3600) return upTo(10);
  if (seconds <= 86_400) return upTo(60);
  return upTo(3600);
}

export function addDuration(summary: DurationSummary, ms: number): void {
  const value = Math.max(0, ms);
  summary.count += 1;
  summary.sumMs += value;
  summary.maxMs = Math.max(summary.maxMs, value);
  const bin = String(binOf(value));
  summary.bins[bin] = (summary.bins[bin] ?? 0) + 1;
}

export function mergeDuration(into: DurationSummary, from: DurationSummary): void {
  into.count += from.count;
  into.sumMs += from.sumMs;
  into.maxMs = Math.max(into.maxMs, from.maxMs);
  for (const [bin, n] of Object.entries(from.bins)) into.bins[bin] = (into.bins[bin] ?? 0) + n;
}

const sortedBins = (summary: DurationSummary) =>
  Object.entries(summary.bins)
    .map(([bin, n]) => [Number(bin), n] as const)
    .sort((a, b) => a[0] - b[0]);

/**
 * The p-quantile (0 < p ≤ 1) as the upper bound of the bin holding the ⌈p·count⌉-th shortest duration,
 * capped by the exact maximum; undefined when empty.
 */
export function percentileSeconds(summary: DurationSummary, p: number): number | undefined {
  if (summary.count === 0) return undefined;
  const rank = Math.max(1, Math.ceil(p * summary.count));
  let seen = 0;
  for (const [bin, n] of sortedBins(summary)) {
    seen += n;
    if (seen >= rank) return Math.min(bin, summary.maxMs / 1000);
  }
  return summary.maxMs / 1000;
}

/** How many durations were at most `seconds` long (exact for whole seconds up to EXACT_SECONDS). */
export function countWithin(summary: DurationSummary, seconds: number): number {
  let within = 0;
  for (const [bin, n] of sortedBins(summary)) if (bin <= seconds) within += n;
  return within;
}

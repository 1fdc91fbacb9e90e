/**
 * How hard the hostile-input suite tries. CI runs a fixed seed with a small budget (a few seconds per
 * property); on demand, more runs and another seed:
 *
 *   HOSTILE_RUNS=10000 HOSTILE_SEED=7 npx jest test/hostile
 *
 * A failure prints the seed and the shrunk counterexample's path, which replay it exactly
 * (HOSTILE_SEED + fast-check's `path`).
 */
const setting = (name: string): number | undefined => {
  const value = Number(process.env[name] || Number.NaN);
  return Number.isSafeInteger(value) ? value : undefined;
};

export const HOSTILE_RUNS = Math.max(setting('HOSTILE_RUNS') ?? 30, 1);
export const HOSTILE_SEED = setting('HOSTILE_SEED') ?? 20231101;

/** Jest's time for one property: generous for large budgets, bounded for CI. */
export const HOSTILE_TIMEOUT_MS = Math.max(60_000, HOSTILE_RUNS * 200);

export const propertyParameters = { seed: HOSTILE_SEED, numRuns: HOSTILE_RUNS, endOnFailure: true } as const;

import { exponential, type Uniform } from './seededRandom';

/** A Poisson rate that steps at given times (seconds from the start of the day), constant in between. */
export interface RateStep {
  fromSeconds: number;
  ratePerSecond: number;
}

/**
 * The next arrival after `t` of a Poisson process with a piecewise-constant rate: one unit-exponential
 * draw spent along the integrated rate (exact, no thinning), so a step in the profile takes effect at
 * its own instant. Undefined when no arrival comes before `end`.
 */
export function nextArrival(profile: readonly RateStep[], t: number, end: number, uniform: Uniform): number | undefined {
  let budget = exponential(uniform, 1);
  let now = t;
  for (let i = 0; i < profile.length; i++) {
    const step = profile[i]!;
    const stepEnd = Math.min(profile[i + 1]?.fromSeconds ?? Infinity, end);
    if (stepEnd <= now) continue;
    const from = Math.max(now, step.fromSeconds);
    if (step.ratePerSecond > 0) {
      const needed = budget / step.ratePerSecond;
      if (from + needed < stepEnd) return from + needed;
      budget -= (stepEnd - from) * step.ratePerSecond;
    }
    now = stepEnd;
  }
  return undefined;
}

/** A stream's rate profile: its steps in time order, or its constant rate from the start. */
export function rateProfileOf(arrival: { ratePerSecond?: number | undefined; rateProfile?: readonly RateStep[] | undefined }): RateStep[] {
  if (arrival.rateProfile) return [...arrival.rateProfile].sort((a, b) => a.fromSeconds - b.fromSeconds);
  return [{ fromSeconds: 0, ratePerSecond: arrival.ratePerSecond ?? 0 }];
}

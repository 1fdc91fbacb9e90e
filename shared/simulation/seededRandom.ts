import { xoroshiro128plus } from 'pure-rand';
import type { Duration, Patience } from './scenario';

/** A uniform draw in [0, 1). */
export type Uniform = () => number;

/**
 * Independent seeded uniform streams (xoroshiro128+ from pure-rand, which fast-check is built on): each
 * stream is jumped 2^64 draws from the last, so adding draws to one (another worker group, a longer
 * day) leaves every other stream's sequence as it was, and a run is repeatable for its seed.
 */
export function seededStreams(seed: number): (name: string) => Uniform {
  const base = xoroshiro128plus(seed);
  const streams = new Map<string, Uniform>();
  return (name) => {
    const known = streams.get(name);
    if (known) return known;
    const generator = base.clone();
    base.unsafeJump?.();
    const uniform: Uniform = () => {
      // 53 bits from two 32-bit draws: every double in [0, 1) on the 2^-53 grid.
      const high = (generator.unsafeNext() >>> 0) >>> 5;
      const low = (generator.unsafeNext() >>> 0) >>> 6;
      return (high * 67108864 + low) / 9007199254740992;
    };
    streams.set(name, uniform);
    return uniform;
  };
}

/** An exponential draw with this mean (inverse transform; 1 - u is never 0). */
export const exponential = (uniform: Uniform, mean: number): number => -mean * Math.log(1 - uniform());

/** A standard normal draw (Box–Muller, one of the pair). */
function standardNormal(uniform: Uniform): number {
  const u1 = 1 - uniform();
  const u2 = uniform();
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

/** A draw of a duration, in seconds. */
export function drawSeconds(uniform: Uniform, duration: Duration): number {
  switch (duration.kind) {
    case 'fixed':
      return duration.value;
    case 'exponential':
      return exponential(uniform, duration.mean);
    case 'lognormal': {
      // The underlying normal's parameters from the lognormal's own mean m and deviation s.
      const variance = Math.log(1 + (duration.standardDeviation / duration.mean) ** 2);
      return Math.exp(Math.log(duration.mean) - variance / 2 + Math.sqrt(variance) * standardNormal(uniform));
    }
  }
}

/** A customer's patience in seconds; Infinity when customers never hang up. */
export const drawPatience = (uniform: Uniform, patience: Patience): number => (patience.kind === 'none' ? Infinity : drawSeconds(uniform, patience));

/** Process memory readings that mean something: taken after a full garbage collection when possible. */
import { PerformanceObserver } from 'node:perf_hooks';
import { setImmediate as nextTurn } from 'node:timers/promises';
import v8 from 'node:v8';
import vm from 'node:vm';

export interface MemoryReading {
  rss: number;
  heapUsed: number;
}

let gc: (() => void) | undefined;
let gcSource = 'unavailable';

/**
 * `global.gc` when node runs with --expose-gc; otherwise the flag is switched on at run time and
 * `gc` taken from a fresh context (works on Node 20, needs no change to the bench script).
 */
export function gcAvailability(): string {
  if (gc) return gcSource;
  const exposed = global.gc;
  if (typeof exposed === 'function') {
    gc = () => void exposed();
    gcSource = 'global.gc (--expose-gc)';
    return gcSource;
  }
  try {
    v8.setFlagsFromString('--expose-gc');
    const found: unknown = vm.runInNewContext('gc');
    if (typeof found === 'function') {
      gc = found as () => void;
      gcSource = 'gc enabled at run time (v8.setFlagsFromString)';
    }
  } catch {
    gc = undefined;
  }
  return gcSource;
}

/** Collects garbage (twice, a turn apart, so finalizers run) and reads rss and heapUsed. */
export async function readMemory(): Promise<MemoryReading> {
  gcAvailability();
  if (gc) {
    gc();
    await nextTurn();
    gc();
  }
  const usage = process.memoryUsage();
  return { rss: usage.rss, heapUsed: usage.heapUsed };
}

export const difference = (after: MemoryReading, before: MemoryReading): MemoryReading => ({ rss: after.rss - before.rss, heapUsed: after.heapUsed - before.heapUsed });

export interface GcPauses {
  count: number;
  totalMs: number;
  maxMs: number;
}

/** Records garbage-collection pauses from now until `stop` (to tell GC from engine work in a p99). */
export function watchGc(): { stop(): GcPauses } {
  const pauses: number[] = [];
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) pauses.push(entry.duration);
  });
  observer.observe({ entryTypes: ['gc'] });
  return {
    stop: () => {
      for (const entry of observer.takeRecords()) pauses.push(entry.duration);
      observer.disconnect();
      return { count: pauses.length, totalMs: pauses.reduce((n, d) => n + d, 0), maxMs: Math.max(0, ...pauses) };
    },
  };
}

export const describeGc = (gc: GcPauses) => `GC ${gc.count} pauses, ${gc.totalMs.toFixed(0)} ms in all, longest ${gc.maxMs.toFixed(1)} ms`;

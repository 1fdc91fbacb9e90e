/** Samples, percentiles and the one-line formats every bench section prints. */
import { performance } from 'node:perf_hooks';

export interface Summary {
  count: number;
  p50: number;
  p99: number;
  max: number;
  mean: number;
}

export const percentile = (sorted: readonly number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

export function summarise(samples: readonly number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  const total = sorted.reduce((sum, v) => sum + v, 0);
  return { count: sorted.length, p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted[sorted.length - 1] ?? 0, mean: sorted.length ? total / sorted.length : 0 };
}

export const ms = (value: number) => `${value.toFixed(2)} ms`;
export const perSecond = (count: number, elapsedMs: number) => (elapsedMs > 0 ? count / (elapsedMs / 1000) : 0);
export const seconds = (elapsedMs: number) => `${(elapsedMs / 1000).toFixed(1)} s`;
export const thousands = (n: number) => Math.round(n).toLocaleString('en-US');

export function bytes(n: number): string {
  const abs = Math.abs(n);
  if (abs >= 1024 * 1024) return `${(n / (1024 * 1024)).toFixed(1)} MiB`;
  if (abs >= 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${n.toFixed(0)} B`;
}

export function heading(title: string): void {
  console.log(`\n== ${title} ${'='.repeat(Math.max(0, 96 - title.length))}`);
}

export const note = (text: string) => console.log(`   ${text}`);

/** `label  count  rate/s  p50  p99` on one line. */
export function row(label: string, summary: Summary, elapsedMs: number, unit = 'req'): void {
  const rate = perSecond(summary.count, elapsedMs);
  console.log(
    `${label.padEnd(66)} ${String(summary.count).padStart(6)} ${unit.padEnd(4)} ${rate.toFixed(0).padStart(6)} /s  p50 ${ms(summary.p50).padStart(9)}  p99 ${ms(summary.p99).padStart(9)}`,
  );
}

/** Runs `run` `count` times one after another and prints the row. */
export async function timed(label: string, count: number, run: (i: number) => Promise<void>): Promise<Summary> {
  const samples: number[] = [];
  const started = performance.now();
  for (let i = 0; i < count; i++) {
    const t = performance.now();
    await run(i);
    samples.push(performance.now() - t);
  }
  const summary = summarise(samples);
  row(label, summary, performance.now() - started);
  return summary;
}

/** How long an async step took, with its result. */
export async function clocked<T>(run: () => Promise<T>): Promise<{ value: T; elapsedMs: number }> {
  const started = performance.now();
  const value = await run();
  return { value, elapsedMs: performance.now() - started };
}

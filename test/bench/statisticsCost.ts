/**
 * The statistics section: what keeping statistics costs the routing, and what reading them costs.
 * - Lifecycles per second through HTTP with the projector folding events into aggregates every 5 s
 *   (as deployed) against the same run with it off, on the SQLite file with group commit; then how fast
 *   one projector pass folds the history the run left (events per second).
 * - A cumulative query for one queue over 30 days of aggregates at 100,000 jobs a day, seeded straight
 *   into the store (every five-minute, hourly and daily slot filled, with realistic wait histograms),
 *   through the signed client over loopback HTTP: the total alone, and with hourly buckets (a chart).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { aggregateId, GRANULARITIES, GRANULARITY_MS, scopeKey, slotKey } from '../../shared/domain/statistics/statisticsSlots';
import { emptyFigures, measure, count, type Figures } from '../../shared/domain/statistics/figures';
import type { Store } from '../../shared/ports/Store';
import { seededRandom } from '../support/prng';
import { startBenchHost } from './benchHost';
import { runLifecycles, transportCeiling, type LifecycleFigures } from './lifecycles';
import { heading, ms, note, summarise, thousands, type Summary } from './stats';

export interface StatisticsFigures {
  off: LifecycleFigures;
  on: LifecycleFigures;
  costShare: number;
  /** Projection CPU per lifecycle over the CPU of a lifecycle without it. */
  cpuShare: number;
  projectedPerSecond: number;
  aggregates: number;
  total: Summary;
  hourly: Summary;
}

const JOBS_PER_DAY = 100_000;
const DAYS = 30;
const QUEUES = 2;

/** One slot's figures for a queue at 100,000 jobs a day spread evenly: counts and duration histograms. */
function slotFigures(jobs: number, random: () => number): Figures {
  const figures = emptyFigures();
  count(figures, 'jobsReceived', jobs);
  count(figures, 'jobsQueued', jobs);
  count(figures, 'offersIssued', Math.round(jobs * 1.1));
  const assigned = Math.round(jobs * 0.93);
  count(figures, 'jobsAssigned', assigned);
  count(figures, 'offersAccepted', assigned);
  count(figures, 'jobsAbandoned', jobs - assigned);
  count(figures, 'jobsCompleted', assigned);
  count(figures, 'jobsClosed', assigned);
  // Histograms as wide as busy slots get: over a hundred distinct seconds each.
  for (let i = 0; i < Math.min(assigned, 150); i++) {
    measure(figures, 'waitUntilAssigned', random() * random() * 600_000);
    measure(figures, 'handleTime', 30_000 + random() * 900_000);
    measure(figures, 'wrapUp', random() * 120_000);
    measure(figures, 'timeToAccept', random() * 20_000);
  }
  return figures;
}

async function seedThirtyDays(store: Store, endMs: number): Promise<number> {
  const random = seededRandom(30);
  let written = 0;
  for (let q = 0; q < QUEUES; q++) {
    const scope = scopeKey('queue', `q${q}`);
    for (const granularity of GRANULARITIES) {
      const step = GRANULARITY_MS[granularity];
      const jobs = Math.round((JOBS_PER_DAY * step) / GRANULARITY_MS['1d']);
      const template = slotFigures(jobs, random);
      for (let start = endMs - DAYS * GRANULARITY_MS['1d']; start < endMs; start += step) {
        await store.create({
          collection: 'statistics',
          id: aggregateId(granularity, scope, start),
          lastModified: new Date(start).toISOString(),
          body: { batch: 1, figures: template },
          keys: { slot: slotKey(granularity, scope, start), start: new Date(start).toISOString() },
        });
        written++;
      }
    }
  }
  return written;
}

async function queryTimes(run: () => Promise<void>, times: number): Promise<Summary> {
  for (let i = 0; i < 3; i++) await run();
  const samples: number[] = [];
  for (let i = 0; i < times; i++) {
    const started = performance.now();
    await run();
    samples.push(performance.now() - started);
  }
  return summarise(samples);
}

export async function statisticsFigures(inFlight = 32, durationMs = 7_000): Promise<StatisticsFigures> {
  heading('8. statistics: the projector\'s cost on full lifecycles, and a 30-day cumulative query at 100,000 jobs/day');
  const ceilingPerSecond = await transportCeiling(inFlight, durationMs / 2);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jobrouter-bench-stats-'));
  let projectedPerSecond = 0;
  let projectionCpuMs = 0;
  try {
    const off = await runLifecycles('SQLite file, statistics projector off', path.join(dataDir, 'off'), inFlight, durationMs, {
      ceilingPerSecond,
      statisticsEveryMs: 0,
      afterRun: async (bench) => {
        const events = await bench.store.count('events', { key: 'time', from: '', to: '~' });
        const lifecycles = await bench.store.count('events', { key: 'type', from: 'RouterJobReceived', to: 'RouterJobReceived\u0000' });
        // The host is idle now: the process's CPU during the catch-up is the projector's.
        const cpu = process.cpuUsage();
        const started = performance.now();
        await bench.host.engine.statistics.catchUp();
        const elapsed = performance.now() - started;
        const used = process.cpuUsage(cpu);
        projectedPerSecond = events / (elapsed / 1000);
        projectionCpuMs = (used.user + used.system) / 1000 / Math.max(1, lifecycles);
        return `one projector catch-up over the ${thousands(events)} events this run left (${thousands(lifecycles)} jobs): ${ms(elapsed)} (${thousands(projectedPerSecond)} events/s), ${ms(projectionCpuMs)} of CPU per job`;
      },
    });
    const on = await runLifecycles('SQLite file, statistics projected every 5 s (as deployed)', path.join(dataDir, 'on'), inFlight, durationMs, { ceilingPerSecond });
    const costShare = 1 - on.perSecond / off.perSecond;
    const cpuShare = projectionCpuMs / off.cpuMsPerLifecycle;
    note(`statistics cost ${(costShare * 100).toFixed(1)}% of lifecycle throughput (${on.perSecond.toFixed(0)} vs ${off.perSecond.toFixed(0)} /s; budget 10%)`);
    note(`projection CPU per lifecycle ${ms(projectionCpuMs)} against ${ms(off.cpuMsPerLifecycle)} for a lifecycle without it (router and client thread): ${(cpuShare * 100).toFixed(1)}%, a figure the machine's load does not skew`);

    const bench = await startBenchHost(path.join(dataDir, 'query'), undefined, [], undefined, 0);
    try {
      const endMs = Math.floor(Date.now() / GRANULARITY_MS['1d']) * GRANULARITY_MS['1d'] + GRANULARITY_MS['1d'];
      const seedStarted = performance.now();
      const aggregates = await seedThirtyDays(bench.store, endMs);
      note(`seeded ${thousands(aggregates)} aggregates (${QUEUES} queues × 30 days × (288 + 24 + 1) slots, ${thousands(JOBS_PER_DAY)} jobs/day each) in ${ms(performance.now() - seedStarted)}`);
      await bench.settle();
      const get = async (query: string) => {
        const response = await bench.client.pathUnchecked(`/routing/statistics/cumulative?${query}`).get();
        if (response.status !== '200') throw new Error(`cumulative: HTTP ${response.status} ${JSON.stringify(response.body)}`);
      };
      // 30 days up to now: not aligned to days, so both ends are read as hours and five-minute slots.
      const total = await queryTimes(() => get('queueId=q2&minutes=43200'), 50);
      const hourly = await queryTimes(() => get('queueId=q2&minutes=43200&bucketMinutes=60'), 20);
      note(`30-day cumulative query, one queue, total:          p50 ${ms(total.p50)}  p99 ${ms(total.p99)} (goal < 50 ms)`);
      note(`30-day cumulative query, one queue, hourly buckets: p50 ${ms(hourly.p50)}  p99 ${ms(hourly.p99)} (720 buckets)`);
      return { off, on, costShare, cpuShare, projectedPerSecond, aggregates, total, hourly };
    } finally {
      await bench.close();
    }
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

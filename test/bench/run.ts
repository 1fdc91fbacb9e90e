/**
 * `npm run bench`: figures for the embedded host, printed, never asserted (timing goals live here,
 * not in unit tests). Requests go through the real signing client over loopback HTTP; populations
 * are seeded straight into the store.
 *
 * Sections (BENCH_ONLY=memory,api,offer,backlog,lifecycle,get,rules,simulate runs a subset; BENCH_WAITING_JOBS and
 * BENCH_SEED_BUDGET_S change the backlog of 1b):
 *   0 api        single requests: upserts, GET, list filters, blocked delete, upserts on a file
 *   1 offer      create → offer at 1k / 10k / 100k workers (three distribution modes at 10k)
 *   1b backlog   create → offer at 15k workers / 5k queues next to 500k waiting jobs
 *   1c classify  create → offer through a classification policy vs with a queueId, at 10 and 1k queues
 *   2 lifecycle  full lifecycles per second through HTTP, in memory and on a SQLite file
 *   3 get        GET-by-id through the router vs a bare node:http server with the same answer
 *   4 memory     resident bytes per worker and per job (runs first: the cleanest baseline)
 *   5 cosmos     Cosmos DB requests per routed job (local Cosmos server, real SDK) by population and mode
 *   6 events     lifecycles with webhook subscribers (one healthy, one that never answers) and delivery lag
 *   7 rules      GET latency while the costliest Power Fx rule that can be saved classifies jobs
 *   8 statistics lifecycles/s with the statistics projector on vs off; a 30-day cumulative query at 100k jobs/day
 *   9 simulate   simulated jobs per wall second through the real use cases (300 agents; a whole day, or BENCH_SIM_SECONDS of it)
 */
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { apiBasics } from './apiBasics';
import { createToOfferByPopulation, createToOfferClassified, createToOfferWithBacklog, type BacklogFigures, type OfferFigures } from './createToOffer';
import { getThroughput, type GetFigures } from './getThroughput';
import { lifecyclesPerSecond, type LifecycleFigures } from './lifecycles';
import { memoryPerDocument, type MemoryFigures } from './memory';
import { cosmosOperations } from './cosmosFigures';
import { eventDeliveryFigures, type EventDeliveryFigures } from './eventDelivery';
import { ruleLoad, type RuleLoadFigures } from './ruleLoad';
import { statisticsFigures, type StatisticsFigures } from './statisticsCost';
import { simulationSpeed, type SimulationFigures } from './simulation';
import type { OperationCount } from './cosmosOperations';
import { bytes, ms, seconds, thousands } from './stats';

const SECTIONS = ['memory', 'api', 'offer', 'backlog', 'classify', 'lifecycle', 'get', 'cosmos', 'events', 'rules', 'statistics', 'simulate'] as const;
type Section = (typeof SECTIONS)[number];

interface Results {
  memory?: MemoryFigures[];
  offers?: OfferFigures[];
  classified?: OfferFigures[];
  backlog?: BacklogFigures;
  lifecycles?: LifecycleFigures[];
  get?: GetFigures;
  cosmos?: OperationCount[];
  events?: EventDeliveryFigures[];
  rules?: RuleLoadFigures;
  statistics?: StatisticsFigures;
  simulate?: SimulationFigures[];
}

function selectedSections(): Set<Section> {
  const only = process.env['BENCH_ONLY'];
  if (!only) return new Set(SECTIONS);
  const wanted = only.split(',').map((s) => s.trim());
  const unknown = wanted.filter((s) => !(SECTIONS as readonly string[]).includes(s));
  if (unknown.length) throw new Error(`BENCH_ONLY: unknown section(s) ${unknown.join(', ')}; known: ${SECTIONS.join(', ')}`);
  return new Set(wanted as Section[]);
}

const numberFromEnv = (name: string, fallback: number) => {
  const value = Number(process.env[name]);
  return Number.isFinite(value) && value > 0 ? value : fallback;
};

const loadAverage = () => os.loadavg().map((n) => n.toFixed(2)).join(' ');
const line = (label: string, value: string) => `${label.padEnd(62)} ${value}`;
const latency = (s: { p50: number; p99: number }) => `p99 ${ms(s.p99).padStart(9)}   (p50 ${ms(s.p50)})`;

function summaryLines(results: Results): string[] {
  const lines: string[] = [];
  const offers = [...(results.offers ?? []), ...(results.backlog ? [results.backlog.offer] : []), ...(results.classified ?? [])];
  for (const o of offers) lines.push(line(`create→offer, ${o.label}`, `${latency(o.latency)}${o.notOffered ? `   ${o.notOffered} jobs NOT offered` : ''}`));
  if (results.backlog) {
    const b = results.backlog;
    lines.push(line(`worker registration → idle, ~${thousands(b.waitingJobs / 1000)} waiting jobs in its queue`, latency(b.registration)));
  }
  for (const l of results.lifecycles ?? []) lines.push(line(`lifecycles/s, ${l.label}`, `${l.perSecond.toFixed(0).padStart(6)} /s   (per lifecycle p50 ${ms(l.lifecycle.p50)}, p99 ${ms(l.lifecycle.p99)}; ${l.detail})`));
  if (results.get) {
    const g = results.get;
    lines.push(line('GET by id req/s, router vs bare node:http (replay client)', `${g.router.toFixed(0)} vs ${g.bare.toFixed(0)} /s   (${((g.router / g.bare) * 100).toFixed(0)}%; p99 ${ms(g.routerP99)} vs ${ms(g.bareP99)})`));
    lines.push(line('GET by id req/s, router with its default request log (replay)', `${g.routerLogging.toFixed(0)} /s`));
    lines.push(line('GET by id req/s, router vs bare node:http (SDK client)', `${g.sdkRouter.toFixed(0)} vs ${g.sdkBare.toFixed(0)} /s   (${((g.sdkRouter / g.sdkBare) * 100).toFixed(0)}%)`));
  }
  for (const m of results.memory ?? []) {
    lines.push(line(`resident bytes per worker / per waiting job (${m.label})`, `${bytes(m.rssPerWorker)} / ${bytes(m.rssPerJob)}   (JS heap ${bytes(m.heapPerWorker)} / ${bytes(m.heapPerJob)})`));
  }
  for (const c of results.cosmos ?? []) {
    lines.push(line(`Cosmos requests per routed job, ${c.mode}, ${thousands(c.workers)} busy workers, ${thousands(c.waitingJobs)} waiting`, `${Math.min(...c.perJob)}–${Math.max(...c.perJob)}`));
  }
  for (const e of results.events ?? []) {
    lines.push(line(`lifecycles/s with events, ${e.lifecycles.label}`, `${e.lifecycles.perSecond.toFixed(0).padStart(6)} /s${e.lag ? `   (webhook: commit → arrival p50 ${ms(e.lag.p50)}, p99 ${ms(e.lag.p99)})` : ''}`));
  }
  if (results.rules) {
    const r = results.rules;
    lines.push(line(`one evaluation of the costliest saved rule (${r.slowestRule})`, `CPU ${ms(r.evaluationCpuMs)}   (wall p50 ${ms(r.evaluation.p50)}, max ${ms(r.evaluation.max)})`));
    lines.push(line('concurrent GET while it classifies jobs / with a cheap rule', `p99 ${ms(r.slow.p99)} / ${ms(r.cheap.p99)}   (p50 ${ms(r.slow.p50)} / ${ms(r.cheap.p50)})`));
    lines.push(line('concurrent GET, router idle / bare node:http', `p99 ${ms(r.idle.p99)} / ${ms(r.bare.p99)}   (p50 ${ms(r.idle.p50)} / ${ms(r.bare.p50)})`));
  }
  if (results.statistics) {
    const st = results.statistics;
    lines.push(line('lifecycles/s, statistics projector on / off (SQLite file)', `${st.on.perSecond.toFixed(0)} / ${st.off.perSecond.toFixed(0)} /s   (cost ${(st.costShare * 100).toFixed(1)}%; CPU ${(st.cpuShare * 100).toFixed(1)}%; projector folds ${thousands(st.projectedPerSecond)} events/s)`));
    lines.push(line('30-day cumulative query, one queue, 100k jobs/day (HTTP)', `p99 ${ms(st.total.p99).padStart(9)}   (p50 ${ms(st.total.p50)}; hourly buckets p50 ${ms(st.hourly.p50)})`));
  }
  for (const s of results.simulate ?? []) {
    lines.push(line(`simulated jobs/s, 300 agents, ${s.store}`, `${s.jobsPerWallSecond.toFixed(0).padStart(6)} /s   (loop alone ${s.ceilingJobsPerSecond.toFixed(0)} /s; 100k-job day ≈ ${seconds(s.dayWallSeconds * 1000)}; ${s.storeCallsPerJob.toFixed(0)} store calls/job; ${bytes(s.heapKeptPerJob)} heap kept/job)`));
  }
  if (results.backlog) lines.push(line(`resident bytes per waiting job at ${thousands(results.backlog.waitingJobs)} jobs`, `${bytes(results.backlog.rssPerJob)}   (seeded in ${seconds(results.backlog.seedMs)})`));
  return lines;
}

function printSummary(results: Results, elapsedMs: number): void {
  console.log(`\n${'#'.repeat(100)}\nSUMMARY (whole bench ${seconds(elapsedMs)}; load average now ${loadAverage()}: above the core count means something else shared the CPUs)`);
  for (const text of summaryLines(results)) console.log(`  ${text}`);
  console.log('#'.repeat(100));
}

async function main(): Promise<void> {
  const started = performance.now();
  const sections = selectedSections();
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  console.log(`Job Router bench — node ${process.version}, ${os.cpus().length} × ${cpu}; signed requests over loopback; load average ${loadAverage()}`);
  if (sections.size < SECTIONS.length) console.log(`(BENCH_ONLY: ${[...sections].join(', ')})`);
  const results: Results = {};

  if (sections.has('memory')) results.memory = await memoryPerDocument();
  if (sections.has('api')) await apiBasics();
  if (sections.has('offer')) results.offers = await createToOfferByPopulation();
  if (sections.has('backlog')) {
    results.backlog = await createToOfferWithBacklog({
      workers: 15_000,
      queues: 5_000,
      waitingJobs: numberFromEnv('BENCH_WAITING_JOBS', 500_000),
      backlogQueues: 1_000,
      seedBudgetMs: numberFromEnv('BENCH_SEED_BUDGET_S', 120) * 1000,
    });
  }
  if (sections.has('classify')) results.classified = await createToOfferClassified();
  if (sections.has('lifecycle')) results.lifecycles = await lifecyclesPerSecond();
  if (sections.has('get')) results.get = await getThroughput();
  if (sections.has('cosmos')) results.cosmos = await cosmosOperations();
  if (sections.has('events')) results.events = await eventDeliveryFigures();
  if (sections.has('rules')) results.rules = await ruleLoad();
  if (sections.has('statistics')) results.statistics = await statisticsFigures();
  if (sections.has('simulate')) results.simulate = await simulationSpeed(numberFromEnv('BENCH_SIM_SECONDS', 8 * 3600));

  printSummary(results, performance.now() - started);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

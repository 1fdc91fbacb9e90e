/**
 * Figure 1: create → offer. One job at a time, from a client in its own worker thread (offerClient.ts):
 * t0, signed PATCH of the job, then the router's thread stamps t1 once `engine.idle()` (matching has
 * run); afterwards each job's `_routing.offers` is read from the store to check the offer exists.
 */
import { performance } from 'node:perf_hooks';
import { patch } from '../support/signedClient';
import { bareServer } from './getThroughput';
import { expectStatus, openOffers, putPolicy, startBenchHost, type BenchHost, type ModeKind } from './benchHost';
import { perUnit } from './countingStore';
import { runOfferClient, type OfferSample } from './offerClient';
import { describeGc, difference, readMemory, watchGc } from './memoryProbe';
import { CHANNEL, WORKER_CAPACITY, planPopulation, pickOne, queueIdOf, random, seedQueues, seedWaitingJobs, seedWorkers, selectorsFor, type Population, type SeedResult } from './population';
import { bytes, heading, ms, note, perSecond, row, seconds, summarise, thousands, timed, type Summary } from './stats';

export interface OfferFigures {
  label: string;
  latency: Summary;
  patch: Summary;
  notOffered: number;
}

interface Measurement {
  label: string;
  /** Job ids start with this (unique per measurement). */
  prefix: string;
  count: number;
  warmup: number;
  /** Queues (by index) the jobs go to, visited with a prime stride. */
  queueIndexes: readonly number[];
  /** Turns the job body into another way of creating the same job (e.g. through a classification policy). */
  shape?: (body: ReturnType<typeof jobBody>) => object;
}

const JOBS_PER_FIGURE = 1_000;
const WARMUP_JOBS = 25;

/** The k-th job of a measurement: to one of the measured queues, selecting a worker of that queue. */
function jobBody(population: Population, m: Measurement, k: number, rand: () => number) {
  const q = m.queueIndexes[(k * 7919) % m.queueIndexes.length] ?? 0;
  const target = pickOne(rand, population.byQueue[q] ?? []);
  return { queueId: queueIdOf(q), channelId: CHANNEL, priority: 1, requestedWorkerSelectors: selectorsFor(target, rand), labels: { customer: `bench-${k}` } };
}

/** Sends the jobs from the client thread (matching idle after each). */
function createJobs(bench: BenchHost, jobs: { id: string; body: object }[]): Promise<OfferSample[]> {
  return runOfferClient({ connectionString: bench.host.connectionString, jobs }, () => bench.host.engine.idle());
}

/** Jobs that were refused or got no offer (the store's record, read after the measurement). */
async function notOfferedOf(bench: BenchHost, samples: readonly OfferSample[]): Promise<number> {
  let notOffered = 0;
  for (const sample of samples) {
    expectStatus({ status: sample.status, body: '' }, ['201'], `PATCH job ${sample.jobId}`);
    if ((await openOffers(bench.store, sample.jobId)) === 0) notOffered++;
  }
  return notOffered;
}

async function measureCreateToOffer(bench: BenchHost, population: Population, m: Measurement): Promise<OfferFigures> {
  const rand = random(m.prefix.length * 131 + m.count);
  const bodyOf = (k: number) => (m.shape ?? ((b) => b))(jobBody(population, m, k, rand));
  const jobsFrom = (from: number, to: number, name: (k: number) => string) => Array.from({ length: to - from }, (_, i) => ({ id: name(from + i), body: bodyOf(from + i) }));
  await notOfferedOf(bench, await createJobs(bench, jobsFrom(0, m.warmup, (k) => `${m.prefix}-warm-${k}`)));
  const measured = jobsFrom(m.warmup, m.warmup + m.count, (k) => `${m.prefix}-${k}`);

  bench.takeStoreCalls();
  const gc = watchGc();
  const started = performance.now();
  const samples = await createJobs(bench, measured);
  const elapsedMs = performance.now() - started;
  const pauses = gc.stop();
  const calls = bench.takeStoreCalls();
  const notOffered = await notOfferedOf(bench, samples);

  const figures: OfferFigures = {
    label: m.label,
    latency: summarise(samples.map((s) => s.createToOffer)),
    patch: summarise(samples.map((s) => s.patch)),
    notOffered,
  };
  row(`create→offer ${m.label}`, figures.latency, elapsedMs, 'jobs');
  note(`PATCH round trip alone p50 ${ms(figures.patch.p50)}, p99 ${ms(figures.patch.p99)}; max create→offer ${ms(figures.latency.max)}; jobs without an offer: ${figures.notOffered}`);
  note(`per job (PATCH + matching): ${perUnit(calls, m.count)}; ${describeGc(pauses)}`);
  return figures;
}

function printSeeding(what: string, result: SeedResult): void {
  note(
    `seeded ${thousands(result.count)} ${what} in ${seconds(result.elapsedMs)} (${thousands(perSecond(result.count, result.elapsedMs))}/s, ` +
      `avg body ${(result.bodyBytes / Math.max(1, result.count)).toFixed(0)} B, ${(result.keyRows / Math.max(1, result.count)).toFixed(1)} index rows each)`,
  );
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/** A host with one policy, `queueCount` queues and the population's workers, seeded directly. */
async function populatedHost(population: Population, mode: ModeKind): Promise<BenchHost> {
  const bench = await startBenchHost();
  await putPolicy(bench.client, 'dp', mode);
  await seedQueues(bench.store, population.queueCount, 'dp');
  printSeeding('workers', await seedWorkers(bench.store, population.workers));
  await bench.settle();
  return bench;
}

const QUEUES = 1_000;

/**
 * The floor of create → offer: the same client thread and the same job bodies against a bare
 * node:http server that answers 201 at once, with nothing to wait for after it.
 */
async function createToOfferCeiling(population: Population): Promise<OfferFigures> {
  const server = await bareServer({ status: 201, headers: { 'content-type': 'application/json; charset=utf-8' }, body: '{}' }, { afterBody: true });
  const { port } = server;
  try {
    const m: Measurement = { label: 'bare node:http (the same client, the floor)', prefix: 'bare', count: JOBS_PER_FIGURE, warmup: WARMUP_JOBS, queueIndexes: range(QUEUES) };
    const rand = random(1);
    const jobs = Array.from({ length: m.warmup + m.count }, (_, k) => ({ id: `bare-${k}`, body: jobBody(population, m, k, rand) }));
    const connectionString = `endpoint=http://127.0.0.1:${port}/;accesskey=${Buffer.alloc(32).toString('base64')}`;
    await runOfferClient({ connectionString, jobs: jobs.slice(0, m.warmup) }, () => Promise.resolve());
    const started = performance.now();
    const samples = await runOfferClient({ connectionString, jobs: jobs.slice(m.warmup) }, () => Promise.resolve());
    const figures: OfferFigures = { label: m.label, latency: summarise(samples.map((s) => s.createToOffer)), patch: summarise(samples.map((s) => s.patch)), notOffered: 0 };
    row(`create→offer ${m.label}`, figures.latency, performance.now() - started, 'jobs');
    return figures;
  } finally {
    await server.close();
  }
}

/** 1k, 10k and 100k workers over 1k queues; longest idle everywhere, round robin and best worker at 10k. */
export async function createToOfferByPopulation(sizes: readonly number[] = [1_000, 10_000, 100_000]): Promise<OfferFigures[]> {
  heading(`1. create → offer by population (${thousands(QUEUES)} queues, workers in 1–3 queues, capacity 5, 3 labels; 1–2 selectors per job)`);
  const results: OfferFigures[] = [await createToOfferCeiling(planPopulation(1_000, QUEUES, 1_000))];
  for (const size of sizes) {
    const population = planPopulation(size, QUEUES, size);
    console.log(`-- ${thousands(size)} workers (${(population.workers.reduce((n, w) => n + w.queues.length, 0) / QUEUES).toFixed(1)} per queue on average)`);
    const bench = await populatedHost(population, 'longestIdle');
    try {
      const modes: ModeKind[] = size === 10_000 ? ['longestIdle', 'roundRobin', 'bestWorker'] : ['longestIdle'];
      for (const mode of modes) {
        await putPolicy(bench.client, 'dp', mode);
        const label = `${thousands(size)} workers, ${mode}`;
        results.push(await measureCreateToOffer(bench, population, { label, prefix: `j${size}-${mode}`, count: JOBS_PER_FIGURE, warmup: WARMUP_JOBS, queueIndexes: range(QUEUES) }));
      }
    } finally {
      await bench.close();
    }
  }
  return results;
}

/**
 * The same jobs created through a classification policy instead of with a queue: a passThrough queue
 * selector on the queue's `Id` (the job names it in a label), a Power Fx prioritization rule and a
 * Power Fx conditional worker selector. At 10 and 1,000 queues: queue selectors choose among queues.
 */
export async function createToOfferClassified(size = 10_000, queueCounts: readonly number[] = [10, 1_000]): Promise<OfferFigures[]> {
  heading(`1c. create → offer through a classification policy (${thousands(size)} workers; Power Fx prioritization and conditional selector)`);
  const results: OfferFigures[] = [];
  for (const queueCount of queueCounts) {
    const population = planPopulation(size, queueCount, size);
    const bench = await populatedHost(population, 'longestIdle');
    try {
      const policy = await patch(bench.client, '/routing/classificationPolicies/cp', {
        queueSelectorAttachments: [{ kind: 'passThrough', key: 'Id', labelOperator: 'equal' }],
        prioritizationRule: { kind: 'expression', language: 'powerFx', expression: 'If(job.Tier = "gold", 10, 1)' },
        workerSelectorAttachments: [{ kind: 'conditional', condition: { kind: 'expression', language: 'powerFx', expression: 'job.Tier = "platinum"' }, workerSelectors: [{ key: 'vip', labelOperator: 'equal', value: true }] }],
      });
      expectStatus(policy, ['201'], 'PATCH classification policy');
      for (const classified of [false, true]) {
        const label = `${thousands(size)} workers, ${thousands(queueCount)} queues, ${classified ? 'classification policy' : 'queueId given'}`;
        const shape = classified
          ? ({ queueId, ...rest }: ReturnType<typeof jobBody>) => ({ ...rest, classificationPolicyId: 'cp', labels: { ...rest.labels, Id: queueId, Tier: 'gold' } })
          : undefined;
        results.push(await measureCreateToOffer(bench, population, { label, prefix: `c${queueCount}-${classified}`, count: JOBS_PER_FIGURE, warmup: WARMUP_JOBS, queueIndexes: range(queueCount), shape }));
      }
    } finally {
      await bench.close();
    }
  }
  return results;
}

export interface BacklogOptions {
  workers: number;
  queues: number;
  /** Waiting jobs wanted, over the first `backlogQueues` queues. */
  waitingJobs: number;
  backlogQueues: number;
  /** Seeding stops after this long; the number written is reported. */
  seedBudgetMs: number;
}

export interface BacklogFigures {
  offer: OfferFigures;
  waitingJobs: number;
  seedMs: number;
  rssPerJob: number;
  registration: Summary;
}

/** Waiting jobs over the first `backlogQueues` queues, with the resident memory they added. */
async function seedBacklog(bench: BenchHost, options: BacklogOptions): Promise<{ seeded: SeedResult; rssPerJob: number }> {
  const before = await readMemory();
  const seeded = await seedWaitingJobs(bench.store, {
    count: options.waitingJobs,
    queueIds: range(options.backlogQueues).map(queueIdOf),
    budgetMs: options.seedBudgetMs,
    progress: (r) => note(`… ${thousands(r.count)} waiting jobs after ${seconds(r.elapsedMs)}`),
  });
  const grown = difference(await readMemory(), before);
  await bench.settle();
  printSeeding(`waiting jobs over ${thousands(options.backlogQueues)} queues`, seeded);
  if (seeded.count < options.waitingJobs) note(`seeding budget of ${seconds(options.seedBudgetMs)} reached: ${thousands(seeded.count)} waiting jobs used instead of ${thousands(options.waitingJobs)}`);
  const rssPerJob = grown.rss / Math.max(1, seeded.count);
  note(`rss grew ${bytes(grown.rss)} (${bytes(rssPerJob)} per waiting job), heapUsed ${bytes(grown.heapUsed)}`);
  return { seeded, rssPerJob };
}

/** New workers registering in backlogged queues: the worker-driven pass reads the queue's waiting jobs. */
async function measureRegistrations(bench: BenchHost, options: BacklogOptions, waitingPerQueue: number, count = 40): Promise<Summary> {
  bench.takeStoreCalls();
  const summary = await timed(`worker registers in a queue with ~${waitingPerQueue} waiting jobs → idle`, count, async (i) => {
    const response = await patch(bench.client, `/routing/workers/late-${i}`, {
      capacity: WORKER_CAPACITY,
      queues: [queueIdOf((i * 37) % options.backlogQueues)],
      channels: [{ channelId: CHANNEL, capacityCostPerJob: 1 }],
      labels: { language: 'en', level: 5, region: 'north' },
      availableForOffers: true,
    });
    expectStatus(response, ['201'], 'PATCH worker');
    await bench.host.engine.idle();
  });
  note(`per registration (PATCH + worker-driven pass over the queue): ${perUnit(bench.takeStoreCalls(), count)}`);
  return summary;
}

/**
 * 15k workers / 5k queues next to a large backlog of queued jobs nobody can take; new jobs that
 * can be matched go to the backlogged queues.
 */
export async function createToOfferWithBacklog(options: BacklogOptions): Promise<BacklogFigures> {
  heading(`1b. create → offer next to waiting jobs (${thousands(options.workers)} workers, ${thousands(options.queues)} queues, up to ${thousands(options.waitingJobs)} waiting jobs)`);
  const population = planPopulation(options.workers, options.queues, 3);
  const bench = await populatedHost(population, 'longestIdle');
  try {
    const { seeded, rssPerJob } = await seedBacklog(bench, options);
    const label = `${thousands(options.workers)} w / ${thousands(options.queues)} q / ${thousands(seeded.count)} waiting`;
    const offer = await measureCreateToOffer(bench, population, { label, prefix: 'jb', count: JOBS_PER_FIGURE, warmup: WARMUP_JOBS, queueIndexes: range(options.backlogQueues) });
    const registration = await measureRegistrations(bench, options, Math.round(seeded.count / options.backlogQueues));
    return { offer, waitingJobs: seeded.count, seedMs: seeded.elapsedMs, rssPerJob, registration };
  } finally {
    await bench.close();
  }
}

/**
 * Figure 2: full job lifecycles per second through HTTP, many in flight: PATCH job → poll the
 * worker (GET) until the offer shows → accept → complete → close. Each job selects one worker by
 * its automatic `Id` label, so the client knows whom to poll; a slot pool keeps every worker within
 * its capacity, so an offer never waits for capacity. The client runs in its own worker thread
 * (lifecycleClient.ts), and the same client against a bare node:http server gives the transport
 * ceiling in the same run. In memory, on the file with group commit, and on the file with a sync per
 * commit (the way the store worked before group commit), each with its store calls, commits and
 * syncs per lifecycle.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Client } from '@azure-rest/core-client';
import Database from 'better-sqlite3';
import { SqliteStore, type SqliteStoreOptions } from '../../shared/adapters/embedded/SqliteStore';
import type { EventChannel } from '../../shared/ports/EventChannel';
import { patch } from '../support/signedClient';
import { bareServer } from './getThroughput';
import { expectStatus, putPolicy, sqliteSettings, startBenchHost, type BenchHost } from './benchHost';
import { perUnit, type StoreCalls } from './countingStore';
import { runLifecycleClient, STEPS, type LifecycleSpec, type Slot, type Step } from './lifecycleClient';
import { describeGc, watchGc } from './memoryProbe';
import { CHANNEL } from './population';
import { heading, ms, note, perSecond, seconds, summarise, thousands, type Summary } from './stats';

const QUEUES = 8;
const WORKERS = 64;
const CAPACITY = 4;
/** Warm-up before each measurement (JIT, connections, the store's pages), bounded so a slow disk keeps the section short. */
const WARM_UP_MS = 1500;

export interface LifecycleFigures {
  label: string;
  completed: number;
  elapsedMs: number;
  perSecond: number;
  lifecycle: Summary;
  steps: Record<Step, Summary>;
  pollsPerOffer: number;
  storeCalls: string;
  /** Commits (and syncs, on the file) per lifecycle, and the share of the transport ceiling when measured. */
  detail: string;
  gc: string;
  /** Process CPU (router and client thread together) per lifecycle during the measured run. */
  cpuMsPerLifecycle: number;
}

async function setUpWorkers(client: Client): Promise<Slot[]> {
  await putPolicy(client, 'dp', 'longestIdle');
  for (let q = 0; q < QUEUES; q++) expectStatus(await patch(client, `/routing/queues/lq-${q}`, { distributionPolicyId: 'dp' }), ['201'], 'PATCH queue');
  const workers: Slot[] = [];
  for (let w = 0; w < WORKERS; w++) {
    const slot = { workerId: `lw-${w}`, queueId: `lq-${w % QUEUES}` };
    const response = await patch(client, `/routing/workers/${slot.workerId}`, {
      capacity: CAPACITY,
      queues: [slot.queueId],
      channels: [{ channelId: CHANNEL, capacityCostPerJob: 1 }],
      labels: { language: 'en', level: 5 },
      availableForOffers: true,
    });
    expectStatus(response, ['201'], `PATCH worker ${slot.workerId}`);
    workers.push(slot);
  }
  // One slot per unit of capacity, workers interleaved so that consecutive lifecycles land on different workers.
  return Array.from({ length: CAPACITY }, () => workers).flat();
}

const commitsIn = (calls: StoreCalls) => calls.create + calls.replace + calls.delete;

export interface LifecycleRunOptions {
  channels?: readonly EventChannel[];
  durability?: SqliteStoreOptions['durability'];
  /** Lifecycles/s of the transport ceiling measured in this run, for the ratio. */
  ceilingPerSecond?: number;
  /** How often statistics are projected in the background (0: never during the run). */
  statisticsEveryMs?: number;
  /** Runs after the measurement, before the host closes; its answer is printed. */
  afterRun?: (bench: BenchHost) => Promise<string>;
}

export async function runLifecycles(label: string, dataDir: string, inFlight: number, durationMs: number, options: LifecycleRunOptions = {}): Promise<LifecycleFigures> {
  const bench = await startBenchHost(dataDir, undefined, options.channels ?? [], options.durability, options.statisticsEveryMs);
  try {
    const slots = await setUpWorkers(bench.client);
    note(`${label}: ${sqliteSettings(bench.store)}; ${WORKERS} workers × capacity ${CAPACITY} over ${QUEUES} queues; ${inFlight} lifecycles in flight for ${seconds(durationMs)}`);
    const spec: LifecycleSpec = { connectionString: bench.host.connectionString, mode: 'router', slots, channelId: CHANNEL, prefix: 'warm', inFlight, maxLifecycles: inFlight * 2, durationMs: WARM_UP_MS };
    await runLifecycleClient(spec);
    bench.takeStoreCalls();
    const sqlite = bench.store instanceof SqliteStore ? bench.store : undefined;
    const before = sqlite?.durabilityStats();
    const gc = watchGc();
    const cpu = process.cpuUsage();
    const run = await runLifecycleClient({ ...spec, prefix: 'life', maxLifecycles: Number.MAX_SAFE_INTEGER, durationMs });
    const cpuUsed = process.cpuUsage(cpu);
    const calls = bench.takeStoreCalls();
    const after = sqlite?.durabilityStats();
    const pauses = gc.stop();
    const lifecycle = summarise(run.lifecycles);
    const count = Math.max(1, lifecycle.count);
    const steps = Object.fromEntries(STEPS.map((s) => [s, summarise(run.steps[s])])) as Record<Step, Summary>;
    const rate = perSecond(lifecycle.count, run.elapsedMs);
    const syncs =
      after && before ? `, ${((after.syncs - before.syncs) / count).toFixed(2)} syncs` : dataDir === ':memory:' ? ', no syncs (memory)' : `, ${(commitsIn(calls) / count).toFixed(1)} syncs (one per commit)`;
    const ceiling = options.ceilingPerSecond ? `; ${((rate / options.ceilingPerSecond) * 100).toFixed(0)}% of the transport ceiling` : '';
    const detail = `${(commitsIn(calls) / count).toFixed(1)} commits${syncs} per lifecycle${ceiling}`;
    const cpuMsPerLifecycle = (cpuUsed.user + cpuUsed.system) / 1000 / count;
    const figures: LifecycleFigures = { label, completed: lifecycle.count, elapsedMs: run.elapsedMs, perSecond: rate, lifecycle, steps, pollsPerOffer: run.polls / count, storeCalls: perUnit(calls, lifecycle.count), detail, gc: describeGc(pauses), cpuMsPerLifecycle };
    printLifecycles(figures);
    if (options.afterRun) note(await options.afterRun(bench));
    return figures;
  } finally {
    await bench.close();
  }
}

function printLifecycles(f: LifecycleFigures): void {
  console.log(
    `${`lifecycles ${f.label}`.padEnd(66)} ${String(f.completed).padStart(6)} jobs ${f.perSecond.toFixed(0).padStart(6)} /s  p50 ${ms(f.lifecycle.p50).padStart(9)}  p99 ${ms(f.lifecycle.p99).padStart(9)}`,
  );
  note(`per step p50/p99: ${STEPS.map((s) => `${s} ${f.steps[s].p50.toFixed(1)}/${f.steps[s].p99.toFixed(1)}`).join(', ')} ms; ${f.pollsPerOffer.toFixed(2)} worker GETs per offer; ${thousands(f.completed * (4 + f.pollsPerOffer))} requests`);
  note(`per lifecycle: ${f.storeCalls}; ${f.detail}; ${f.gc}`);
}

/**
 * The transport ceiling: the same client and lanes, the same five requests per lifecycle, against a
 * bare node:http server that reads each request and answers at once.
 */
export async function transportCeiling(inFlight: number, durationMs: number): Promise<number> {
  const server = await bareServer({ status: 200, headers: { 'content-type': 'application/json; charset=utf-8' }, body: '{"offers":[],"assignmentId":"a"}' }, { afterBody: true });
  const { port } = server;
  try {
    const slots = Array.from({ length: inFlight }, (_, i) => ({ workerId: `w${i}`, queueId: 'q' }));
    const key = Buffer.alloc(32).toString('base64');
    const spec: LifecycleSpec = { connectionString: `endpoint=http://127.0.0.1:${port}/;accesskey=${key}`, mode: 'ceiling', slots, channelId: CHANNEL, prefix: 'bare', inFlight, maxLifecycles: inFlight * 20, durationMs: WARM_UP_MS };
    await runLifecycleClient(spec);
    const run = await runLifecycleClient({ ...spec, maxLifecycles: Number.MAX_SAFE_INTEGER, durationMs });
    const rate = perSecond(run.lifecycles.length, run.elapsedMs);
    note(`transport ceiling: the same client (worker thread, ${inFlight} lanes) against bare node:http: ${thousands(rate * 5)} req/s ÷ 5 requests = ${thousands(rate)} lifecycles/s`);
    return rate;
  } finally {
    await server.close();
  }
}

/**
 * The disk's floor for the file store: single-row commits per second in a bare SQLite file (WAL,
 * synchronous FULL): what a sync per commit allows at most, one writer at a time.
 */
function commitsPerSecond(dataDir: string, commits = 500): number {
  const db = new Database(path.join(dataDir, 'floor.db'));
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)');
    const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
    const started = performance.now();
    for (let i = 0; i < commits; i++) insert.run('x'.repeat(400));
    return perSecond(commits, performance.now() - started);
  } finally {
    db.close();
  }
}

export async function lifecyclesPerSecond(inFlight = 32, durationMs = 7_000): Promise<LifecycleFigures[]> {
  heading(`2. full lifecycles through HTTP (create → offer → accept → complete → close), ${inFlight} in flight, client in a worker thread`);
  const ceilingPerSecond = await transportCeiling(inFlight, durationMs / 2);
  const results = [await runLifecycles('in-memory SQLite', ':memory:', inFlight, durationMs, { ceilingPerSecond })];
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jobrouter-bench-'));
  try {
    const floor = commitsPerSecond(dataDir);
    note(`disk floor: a bare SQLite file (WAL, synchronous FULL) commits ${thousands(floor)} single-row transactions/s here (${(1000 / floor).toFixed(2)} ms each)`);
    results.push(await runLifecycles('SQLite file, group commit (WAL, synchronous NORMAL)', path.join(dataDir, 'group'), inFlight, durationMs, { ceilingPerSecond }));
    results.push(await runLifecycles('SQLite file, a sync per commit (WAL, synchronous FULL)', path.join(dataDir, 'full'), inFlight, durationMs, { ceilingPerSecond, durability: 'syncEachCommit' }));
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  return results;
}

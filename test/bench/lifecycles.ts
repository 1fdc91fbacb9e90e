/**
 * Figure 2: full job lifecycles per second through HTTP, many in flight: PATCH job → poll the
 * worker (GET) until the offer shows → accept → complete → close. Each job selects one worker by
 * its automatic `Id` label, so the client knows whom to poll; a slot pool keeps every worker within
 * its capacity, so an offer never waits for capacity.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Client } from '@azure-rest/core-client';
import Database from 'better-sqlite3';
import type { EventChannel } from '../../shared/ports/EventChannel';
import { patch } from '../support/signedClient';
import { expectStatus, putPolicy, sqliteSettings, startBenchHost, type BenchHost } from './benchHost';
import { perUnit } from './countingStore';
import { describeGc, watchGc } from './memoryProbe';
import { CHANNEL } from './population';
import { heading, ms, note, perSecond, seconds, summarise, thousands, type Summary } from './stats';

const QUEUES = 8;
const WORKERS = 64;
const CAPACITY = 4;
/** GETs of the worker before giving up on an offer (each miss waits for the engine to go idle). */
const MAX_POLLS = 50;

const STEPS = ['create', 'offer', 'accept', 'complete', 'close'] as const;
type Step = (typeof STEPS)[number];

export interface LifecycleFigures {
  label: string;
  completed: number;
  elapsedMs: number;
  perSecond: number;
  lifecycle: Summary;
  steps: Record<Step, Summary>;
  pollsPerOffer: number;
  storeCalls: string;
  gc: string;
}

interface Slot {
  workerId: string;
  queueId: string;
}

interface Recorder {
  lifecycles: number[];
  steps: Record<Step, number[]>;
  polls: number;
}

const newRecorder = (): Recorder => ({ lifecycles: [], steps: { create: [], offer: [], accept: [], complete: [], close: [] }, polls: 0 });

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

async function waitForOffer(bench: BenchHost, slot: Slot, jobId: string, recorder: Recorder): Promise<string> {
  for (let poll = 1; poll <= MAX_POLLS; poll++) {
    recorder.polls++;
    const worker = await bench.client.pathUnchecked(`/routing/workers/${slot.workerId}`).get();
    expectStatus(worker, ['200'], `GET worker ${slot.workerId}`);
    const offer = (worker.body.offers as { offerId: string; jobId: string }[]).find((o) => o.jobId === jobId);
    if (offer) return offer.offerId;
    await bench.host.engine.idle();
  }
  throw new Error(`no offer for ${jobId} on ${slot.workerId} after ${MAX_POLLS} polls`);
}

async function lifecycle(bench: BenchHost, slot: Slot, jobId: string, recorder: Recorder | undefined): Promise<void> {
  const { client } = bench;
  const marks = [performance.now()];
  const created = await patch(client, `/routing/jobs/${jobId}`, {
    queueId: slot.queueId,
    channelId: CHANNEL,
    requestedWorkerSelectors: [{ key: 'Id', labelOperator: 'equal', value: slot.workerId }],
  });
  expectStatus(created, ['201'], `PATCH job ${jobId}`);
  marks.push(performance.now());
  const offerId = await waitForOffer(bench, slot, jobId, recorder ?? newRecorder());
  marks.push(performance.now());
  const accepted = await client.pathUnchecked(`/routing/workers/${slot.workerId}/offers/${offerId}:accept`).post();
  expectStatus(accepted, ['200'], `accept ${offerId}`);
  const assignmentId = accepted.body.assignmentId as string;
  marks.push(performance.now());
  const action = (verb: string) => client.pathUnchecked(`/routing/jobs/${jobId}/assignments/${assignmentId}:${verb}`).post({ body: {}, contentType: 'application/json' });
  expectStatus(await action('complete'), ['200'], `complete ${jobId}`);
  marks.push(performance.now());
  expectStatus(await action('close'), ['200'], `close ${jobId}`);
  marks.push(performance.now());
  if (!recorder) return;
  STEPS.forEach((step, i) => recorder.steps[step].push((marks[i + 1] ?? 0) - (marks[i] ?? 0)));
  recorder.lifecycles.push((marks[marks.length - 1] ?? 0) - (marks[0] ?? 0));
}

/** `inFlight` lanes run lifecycles back to back until the deadline, each on a free slot. */
async function drive(bench: BenchHost, slots: Slot[], prefix: string, inFlight: number, until: (launched: number) => boolean, recorder?: Recorder): Promise<number> {
  const free = [...slots];
  let next = 0;
  const lane = async () => {
    while (until(next)) {
      const slot = free.shift();
      if (!slot) throw new Error('slot pool exhausted: more lifecycles in flight than worker capacity');
      const jobId = `${prefix}-${next++}`;
      await lifecycle(bench, slot, jobId, recorder);
      free.push(slot);
    }
  };
  await Promise.all(Array.from({ length: inFlight }, lane));
  return next;
}

export async function runLifecycles(label: string, dataDir: string, inFlight: number, durationMs: number, channels: readonly EventChannel[] = []): Promise<LifecycleFigures> {
  const bench = await startBenchHost(dataDir, undefined, channels);
  try {
    const slots = await setUpWorkers(bench.client);
    note(`${label}: ${sqliteSettings(bench.store)}; ${WORKERS} workers × capacity ${CAPACITY} over ${QUEUES} queues; ${inFlight} lifecycles in flight for ${seconds(durationMs)}`);
    await drive(bench, slots, 'warm', inFlight, (n) => n < inFlight * 4);
    const recorder = newRecorder();
    bench.takeStoreCalls();
    const gc = watchGc();
    const started = performance.now();
    const deadline = started + durationMs;
    await drive(bench, slots, 'life', inFlight, () => performance.now() < deadline, recorder);
    const elapsedMs = performance.now() - started;
    const calls = bench.takeStoreCalls();
    const pauses = gc.stop();
    const steps = Object.fromEntries(STEPS.map((s) => [s, summarise(recorder.steps[s])])) as Record<Step, Summary>;
    const lifecycle = summarise(recorder.lifecycles);
    const figures: LifecycleFigures = { label, completed: lifecycle.count, elapsedMs, perSecond: perSecond(lifecycle.count, elapsedMs), lifecycle, steps, pollsPerOffer: recorder.polls / Math.max(1, lifecycle.count), storeCalls: perUnit(calls, lifecycle.count), gc: describeGc(pauses) };
    printLifecycles(figures);
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
  note(`per lifecycle: ${f.storeCalls}; ${f.gc}`);
}

/**
 * The disk's floor for the file store: single-row commits per second in a bare SQLite file with the
 * store's settings (WAL, synchronous FULL). Every store write is one such commit.
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

export async function lifecyclesPerSecond(inFlight = 32, durationMs = 12_000): Promise<LifecycleFigures[]> {
  heading(`2. full lifecycles through HTTP (create → offer → accept → complete → close), ${inFlight} in flight`);
  const results = [await runLifecycles('in-memory SQLite', ':memory:', inFlight, durationMs)];
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jobrouter-bench-'));
  try {
    const floor = commitsPerSecond(dataDir);
    note(`disk floor: a bare SQLite file (WAL, synchronous FULL) commits ${thousands(floor)} single-row transactions/s here (${(1000 / floor).toFixed(2)} ms each)`);
    results.push(await runLifecycles('SQLite file (WAL, synchronous FULL)', dataDir, inFlight, durationMs));
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  return results;
}

/**
 * Synthetic contact centres for the bench, written straight into the store (resource `build` +
 * `indexKeys` + `store.create`, as the upsert use case would write them, without HTTP, validation,
 * events or match requests: seeding a population must not trigger matching).
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { RouterWorkerSelector } from '../../shared/domain/model';
import { jobResource, queueResource, workerResource } from '../../shared/domain/resources';
import type { Collection, IndexKeys, Store } from '../../shared/ports/Store';
import { mulberry32 } from '../support/prng';

export const LANGUAGES = ['en', 'fr', 'de', 'es', 'it', 'nl'] as const;
export const REGIONS = ['north', 'south', 'east', 'west', 'central'] as const;
export const CHANNEL = 'voice';
export const WORKER_CAPACITY = 5;
export const CHANNEL_COST = 1;
/** A label value no worker carries: waiting jobs select it so that they are never offered. */
export const UNMATCHABLE_LANGUAGE = 'xx';

/** A deterministic PRNG, so every run builds the same population. */
export const random = (seed: number): (() => number) => mulberry32(seed);

export const pickInt = (rand: () => number, from: number, to: number) => from + Math.floor(rand() * (to - from + 1));
export const pickOne = <T>(rand: () => number, items: readonly T[]): T => items[Math.floor(rand() * items.length)] as T;

export const queueIdOf = (i: number) => `q-${String(i).padStart(5, '0')}`;
export const workerIdOf = (i: number) => `w-${String(i).padStart(6, '0')}`;

export interface WorkerLabels {
  language: string;
  level: number;
  region: string;
  [key: string]: string | number;
}

export interface WorkerSpec {
  id: string;
  queues: string[];
  labels: WorkerLabels;
}

export interface Population {
  queueCount: number;
  workers: WorkerSpec[];
  /** The workers of each queue, by queue index. */
  byQueue: WorkerSpec[][];
}

/**
 * `workerCount` workers over `queueCount` queues: worker i serves queue i mod queueCount (so every
 * queue has workers) plus 0–2 more at random; labels language (6 values), level 1–10, region (5).
 */
export function planPopulation(workerCount: number, queueCount: number, seed = 1): Population {
  const rand = random(seed);
  const byQueue: WorkerSpec[][] = Array.from({ length: queueCount }, () => []);
  const workers: WorkerSpec[] = [];
  for (let i = 0; i < workerCount; i++) {
    const indexes = new Set([i % queueCount]);
    const wanted = Math.min(queueCount, pickInt(rand, 1, 3));
    while (indexes.size < wanted) indexes.add(Math.floor(rand() * queueCount));
    const worker: WorkerSpec = {
      id: workerIdOf(i),
      queues: [...indexes].map(queueIdOf),
      labels: { language: pickOne(rand, LANGUAGES), level: pickInt(rand, 1, 10), region: pickOne(rand, REGIONS) },
    };
    for (const q of indexes) byQueue[q]?.push(worker);
    workers.push(worker);
  }
  return { queueCount, workers, byQueue };
}

/**
 * 1–2 selectors the target worker satisfies (and so do others of its queue, typically): language
 * equal to the target's, and half the time level ≥ a value at or below the target's level.
 */
export function selectorsFor(target: WorkerSpec, rand: () => number): RouterWorkerSelector[] {
  const selectors: RouterWorkerSelector[] = [{ key: 'language', labelOperator: 'equal', value: target.labels.language }];
  if (rand() < 0.5) selectors.push({ key: 'level', labelOperator: 'greaterThanOrEqual', value: pickInt(rand, 1, target.labels.level) });
  return selectors;
}

export interface SeedResult {
  count: number;
  elapsedMs: number;
  /** Sum of the JSON body lengths written (what one document costs before SQLite's own overhead). */
  bodyBytes: number;
  /** Sum of the index-key rows written (array keys give one row per element). */
  keyRows: number;
}

const emptySeed = (): SeedResult => ({ count: 0, elapsedMs: 0, bodyBytes: 0, keyRows: 0 });

const keyRowCount = (keys: IndexKeys) => Object.values(keys).reduce<number>((n, v) => n + (Array.isArray(v) ? v.length : v === undefined ? 0 : 1), 0);

async function write(store: Store, result: SeedResult, collection: Collection, id: string, now: Date, body: { id: string }, keys: IndexKeys): Promise<void> {
  await store.create({ collection, id, lastModified: now.toISOString(), body, keys });
  result.count++;
  result.bodyBytes += JSON.stringify(body).length;
  result.keyRows += keyRowCount(keys);
  // Let timers and sockets breathe during long seeds (the host's server is running alongside).
  if (result.count % 2000 === 0) await nextTurn();
}

export async function seedQueues(store: Store, queueCount: number, distributionPolicyId: string): Promise<SeedResult> {
  const result = emptySeed();
  const started = performance.now();
  const now = new Date();
  for (let i = 0; i < queueCount; i++) {
    const id = queueIdOf(i);
    const body = queueResource.build({ distributionPolicyId, labels: { tier: i % 5 } }, { id, now, newId: randomUUID });
    await write(store, result, 'queues', id, now, body, queueResource.indexKeys(body, now));
  }
  result.elapsedMs = performance.now() - started;
  return result;
}

/** Registered workers (availableForOffers), idle since a random moment of the last hour. */
export async function seedWorkers(store: Store, workers: readonly WorkerSpec[]): Promise<SeedResult> {
  const result = emptySeed();
  const rand = random(7);
  const started = performance.now();
  const base = Date.now();
  for (const spec of workers) {
    const now = new Date(base - Math.floor(rand() * 3_600_000));
    const body = workerResource.build(
      { capacity: WORKER_CAPACITY, queues: spec.queues, labels: spec.labels, channels: [{ channelId: CHANNEL, capacityCostPerJob: CHANNEL_COST }], availableForOffers: true },
      { id: spec.id, now, newId: randomUUID },
    );
    await write(store, result, 'workers', spec.id, now, body, workerResource.indexKeys(body, now));
  }
  result.elapsedMs = performance.now() - started;
  return result;
}

export interface WaitingJobsOptions {
  count: number;
  queueIds: readonly string[];
  /** Stop early after this long (the count actually written is in the result). */
  budgetMs?: number;
  /** Called every 50k jobs. */
  progress?: (result: SeedResult) => void;
}

/**
 * Queued jobs that no worker can take (a selector nobody satisfies), round robin over `queueIds`,
 * enqueued over the last day with priorities 1–5.
 */
export async function seedWaitingJobs(store: Store, options: WaitingJobsOptions): Promise<SeedResult> {
  const result = emptySeed();
  const rand = random(11);
  const started = performance.now();
  const deadline = started + (options.budgetMs ?? Infinity);
  const base = Date.now() - 86_400_000;
  const step = 86_400_000 / Math.max(1, options.count);
  for (let i = 0; i < options.count; i++) {
    if (i % 1000 === 0 && performance.now() > deadline) break;
    const id = `waiting-${String(i).padStart(7, '0')}`;
    const now = new Date(base + Math.floor(i * step));
    const body = jobResource.build(
      {
        queueId: options.queueIds[i % options.queueIds.length],
        channelId: CHANNEL,
        priority: pickInt(rand, 1, 5),
        requestedWorkerSelectors: [{ key: 'language', labelOperator: 'equal', value: UNMATCHABLE_LANGUAGE }],
        labels: { customer: `c-${i % 10_000}`, segment: pickOne(rand, REGIONS) },
      },
      { id, now, newId: randomUUID },
    );
    await write(store, result, 'jobs', id, now, body, jobResource.indexKeys(body, now));
    if (options.progress && result.count % 50_000 === 0) options.progress({ ...result, elapsedMs: performance.now() - started });
  }
  result.elapsedMs = performance.now() - started;
  return result;
}

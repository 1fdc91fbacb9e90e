/**
 * Figure 4: resident memory per worker and per waiting job: rss and heapUsed after a full GC, before
 * and after seeding N workers, then M waiting jobs. The population plan (JS objects the bench itself
 * keeps) is built before the first reading so it is not counted. Measured on a SQLite file (what the
 * embedded host runs on: bodies on disk, a bounded page cache, the routing index in memory) and on
 * an in-memory SQLite store (every body resident too).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openSqliteStore } from '../../shared/adapters/embedded/SqliteStore';
import { difference, gcAvailability, readMemory, type MemoryReading } from './memoryProbe';
import { planPopulation, queueIdOf, seedQueues, seedWaitingJobs, seedWorkers, type SeedResult } from './population';
import { bytes, heading, note, seconds, thousands } from './stats';

export interface MemoryFigures {
  label: string;
  workers: number;
  jobs: number;
  rssPerWorker: number;
  rssPerJob: number;
  heapPerWorker: number;
  heapPerJob: number;
  gc: string;
}

const signed = (n: number) => (n < 0 ? `-${bytes(-n)}` : `+${bytes(n)}`);

function printGrowth(what: string, count: number, grown: MemoryReading, seeded: SeedResult): void {
  note(
    `${thousands(count)} ${what}: rss ${signed(grown.rss)} (${signed(grown.rss / count)} each), heapUsed ${signed(grown.heapUsed)} (${signed(grown.heapUsed / count)} each); ` +
      `JSON body ${(seeded.bodyBytes / count).toFixed(0)} B + ${(seeded.keyRows / count).toFixed(1)} index rows each; seeded in ${seconds(seeded.elapsedMs)}`,
  );
}

export async function memoryPerDocument(workerCount = 20_000, jobCount = 100_000, queueCount = 1_000): Promise<MemoryFigures[]> {
  heading(`4. resident memory per worker and per waiting job (SQLite file: ${thousands(workerCount / 5)} workers then ${thousands(jobCount / 10)} waiting jobs; in-memory SQLite: ${thousands(workerCount)} then ${thousands(jobCount)})`);
  const gc = gcAvailability();
  note(gc === 'unavailable' ? 'NOTE: no gc available (run node with --expose-gc); readings include uncollected garbage' : `readings after a full GC: ${gc}`);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jobrouter-memory-'));
  try {
    return [
      // A commit to the file costs far more than one in memory: fewer documents keep the section short.
      await measureStore('SQLite file', path.join(dataDir, 'memory.db'), workerCount / 5, jobCount / 10, queueCount, gc),
      await measureStore('in-memory SQLite', ':memory:', workerCount, jobCount, queueCount, gc),
    ];
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

async function measureStore(label: string, file: string, workerCount: number, jobCount: number, queueCount: number, gc: string): Promise<MemoryFigures> {
  const population = planPopulation(workerCount, queueCount, 9);
  const queueIds = Array.from({ length: queueCount }, (_, i) => queueIdOf(i));
  const store = openSqliteStore({ path: file });
  try {
    await seedQueues(store, queueCount, 'dp');
    const start = await readMemory();
    const workers = await seedWorkers(store, population.workers);
    const afterWorkers = await readMemory();
    const jobs = await seedWaitingJobs(store, { count: jobCount, queueIds });
    const afterJobs = await readMemory();
    const workerGrowth = difference(afterWorkers, start);
    const jobGrowth = difference(afterJobs, afterWorkers);
    note(`${label}: baseline rss ${bytes(start.rss)}, heapUsed ${bytes(start.heapUsed)}; ${thousands(store.memoryIndexSize())} routing index entries in memory at the end`);
    printGrowth('workers', workers.count, workerGrowth, workers);
    printGrowth('waiting jobs', jobs.count, jobGrowth, jobs);
    return {
      label,
      workers: workers.count,
      jobs: jobs.count,
      rssPerWorker: workerGrowth.rss / workers.count,
      rssPerJob: jobGrowth.rss / jobs.count,
      heapPerWorker: workerGrowth.heapUsed / workers.count,
      heapPerJob: jobGrowth.heapUsed / jobs.count,
      gc,
    };
  } finally {
    await store.close();
  }
}

import type { LoopHealth } from '../adapters/embedded/StoreScheduler';
import type { ReadinessChecks } from '../http/readiness';
import type { Store } from '../ports/Store';

/** The id a store probe reads: no such document exists, so the read is the cheapest the store has (a miss). */
const PROBE_ID = 'readiness-probe';

/** The store answers a point read (SQLite: the file is open; Cosmos DB: the account is reachable and we may read). */
export const storeAnswers = (store: Store) => async (): Promise<boolean> => {
  await store.get('routingState', PROBE_ID);
  return true;
};

/** The embedded timer loop runs and has made progress recently. */
export const timerLoopRuns = (scheduler: { health(): LoopHealth }) => (): Promise<boolean> => Promise.resolve(scheduler.health() === 'running');

/** One instance on a store with an in-process timer loop (the embedded host, and the Functions host in SQLite mode). */
export function embeddedReadiness(engine: { ports: { store: Store }; scheduler: { health(): LoopHealth } }): ReadinessChecks {
  return { store: storeAnswers(engine.ports.store), timers: timerLoopRuns(engine.scheduler) };
}

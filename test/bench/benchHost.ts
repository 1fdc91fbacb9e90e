/** An embedded host for one bench section: its store, a signed client, and small helpers. */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Client } from '@azure-rest/core-client';
import { SqliteStore, type SqliteStoreOptions } from '../../shared/adapters/embedded/SqliteStore';
import type { EngineJob } from '../../shared/domain/routing/routingState';
import { openEmbeddedStore } from '../../shared/hosting/openEmbeddedStore';
import { startEmbeddedHost, type EmbeddedHost } from '../../shared/hosting/startEmbeddedHost';
import { silentLogger, type Logger } from '../../shared/ports/Logger';
import type { EventChannel } from '../../shared/ports/EventChannel';
import type { Store } from '../../shared/ports/Store';
import { createSignedClient, patch } from '../support/signedClient';
import { countingStore, type StoreCalls } from './countingStore';

export interface BenchHost {
  host: EmbeddedHost;
  client: Client;
  /** The engine's store (counting its calls). */
  store: Store;
  /** Store calls since the last take (seeding included: take once before measuring). */
  takeStoreCalls(): StoreCalls;
  /**
   * Lets timers run after a long seed. Seeding keeps the event loop busy, so the server's keep-alive
   * timeout cannot close idle connections on time; it must fire (and the client see the close)
   * before the next request, or that request goes out on a socket being closed (ECONNRESET).
   */
  settle(): Promise<void>;
  close(): Promise<void>;
}

/**
 * In memory unless `dataDir` names a folder (then the file store: WAL, group commit unless
 * `durability` says otherwise). Silent unless given a logger (the deployed default logs every request
 * at info level).
 */
export async function startBenchHost(
  dataDir = ':memory:',
  logger: Logger = silentLogger,
  channels: readonly EventChannel[] = [],
  durability?: SqliteStoreOptions['durability'],
  statisticsEveryMs?: number,
): Promise<BenchHost> {
  const counting = countingStore(openEmbeddedStore(dataDir, durability));
  // JOBROUTER_METRICS=off measures the router without its metrics (their cost is the difference).
  const host = await startEmbeddedHost({ port: 0, dataDir, logger, store: counting.store, channels, statisticsEveryMs, metrics: process.env['JOBROUTER_METRICS'] !== 'off' });
  const bench: BenchHost = {
    host,
    client: createSignedClient(host.connectionString),
    store: host.engine.ports.store,
    takeStoreCalls: counting.take,
    settle: () => sleep(100),
    close: () => host.close(),
  };
  return bench;
}

export type ModeKind = 'longestIdle' | 'roundRobin' | 'bestWorker';

/** Offers outlive the bench (no expiry timer fires while it runs). */
export const OFFER_EXPIRES_AFTER_SECONDS = 3600;

export async function putPolicy(client: Client, id: string, kind: ModeKind): Promise<void> {
  const response = await patch(client, `/routing/distributionPolicies/${id}`, { offerExpiresAfterSeconds: OFFER_EXPIRES_AFTER_SECONDS, mode: { kind } });
  expectStatus(response, ['200', '201'], `PATCH distribution policy ${id}`);
}

export function expectStatus(response: { status: string; body: unknown }, allowed: readonly string[], what: string): void {
  if (!allowed.includes(response.status)) throw new Error(`${what}: HTTP ${response.status} ${JSON.stringify(response.body)}`);
}

/** The job's open offers as the engine recorded them (read from the store, not the wire). */
export async function openOffers(store: Store, jobId: string): Promise<number> {
  const doc = await store.get<EngineJob>('jobs', jobId);
  return doc?.body._routing?.offers.length ?? 0;
}

export function sqliteSettings(store: Store): string {
  if (!(store instanceof SqliteStore)) return 'not SQLite';
  const d = store.diagnostics();
  const sync = ['OFF', 'NORMAL', 'FULL', 'EXTRA'][d.synchronous] ?? String(d.synchronous);
  return `journal_mode=${d.journalMode}, synchronous=${sync}, durability=${d.durability}`;
}

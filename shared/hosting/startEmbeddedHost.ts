import pino from 'pino';
import { DEFAULT_MAX_BODY_BYTES } from '../http/handleRequest';
import { measuredChannel } from '../observability/measuredChannel';
import { prometheusPipeline } from '../observability/metricsPipelines';
import { observeRouter } from '../observability/observeRouter';
import { systemClock, type Clock } from '../ports/Clock';
import type { EventChannel } from '../ports/EventChannel';
import type { LiveEvents } from '../ports/LiveEvents';
import type { Logger } from '../ports/Logger';
import type { Store } from '../ports/Store';
import { connectionString, loadOrCreateAccessKey, METRICS_TOKEN_FILE, READONLY_KEY_FILE } from './accessKey';
import { DEFAULTS, SETTINGS, type RouterConfig } from './config';
import { StartupError } from './startupError';
import { listen } from './embeddedServer';
import { createEmbeddedEngine, type EmbeddedEngine, type EmbeddedEngineParts } from './createEmbeddedEngine';
import { lockDataFolder } from './dataFolderLock';
import { databasePath, openEmbeddedStore } from './openEmbeddedStore';
import { embeddedReadiness } from './readinessChecks';
import { loadOrCreateServerTls, readConfiguredTls, type ServerTls } from './tlsCertificate';

export interface EmbeddedHost {
  /** `https://127.0.0.1:PORT/` (`http://` without TLS) */
  url: string;
  accessKey: string;
  /** `endpoint=https://127.0.0.1:PORT;accesskey=…`: the form every SDK signs correctly (see connectionString). */
  connectionString: string;
  /** The key that signs reads only (GET): for wallboards and monitoring. */
  readOnlyKey: string;
  /** The connection string with the read-only key. */
  readOnlyConnectionString: string;
  /** Bearer token of GET /metrics; absent when metrics are off. */
  metricsToken?: string;
  /** How HTTPS is served: off, a certificate from the generated local CA, or the operator's. */
  tls: { mode: 'off' } | { mode: 'generated'; caFile: string; caCertificate: string } | { mode: 'configured'; certFile: string };
  /** The SQLite file (or `:memory:`). */
  database: string;
  /** The routing engine (tests wait on it to go idle). */
  engine: EmbeddedEngine;
  close(): Promise<void>;
}

export interface EmbeddedHostOptions extends Partial<RouterConfig> {
  logger?: Logger;
  clock?: Clock;
  /** Replaces the SQLite file (tests that read the store directly). */
  store?: Store;
  /** Id generator (tests that need deterministic ids). */
  newId?: () => string;
  /** Draws of weighted allocations (tests that need repeatable ones). */
  random?: () => number;
  /** Where events are delivered besides the store's event history (webhook subscriptions). */
  channels?: readonly EventChannel[];
  /** Retry and dead-letter settings of event delivery (tests shorten them). */
  delivery?: EmbeddedEngineParts['delivery'];
  /** What GET /routing/events:stream sends: the relay's events unless given. */
  liveEvents?: LiveEvents;
  /** The `topic` of events in the history and the live stream (webhooks carry their own). */
  eventTopic?: string;
  /** Days the statistics aggregates are kept (JOBROUTER_STATISTICS_RETENTION_DAYS). */
  statisticsRetentionDays?: number;
  /** How often statistics are projected in the background (0: only when read). */
  statisticsEveryMs?: number;
}

/** The operator's certificate when configured, else a generated one when TLS is on, else none. */
async function serverTls(options: EmbeddedHostOptions, dataDir: string): Promise<ServerTls | undefined> {
  if (options.tlsCert && options.tlsKey) return readConfiguredTls(options.tlsCert, options.tlsKey);
  if (!options.tls) return undefined;
  return loadOrCreateServerTls(dataDir, options.host ?? DEFAULTS.host);
}

function tlsSummary(options: EmbeddedHostOptions, tls: ServerTls | undefined): EmbeddedHost['tls'] {
  if (!tls) return { mode: 'off' };
  if (tls.caFile && tls.caCertificate) return { mode: 'generated', caFile: tls.caFile, caCertificate: tls.caCertificate };
  return { mode: 'configured', certFile: options.tlsCert ?? '' };
}

/**
 * Starts the router on one machine: SQLite store, node:http(s) server, everything in-process.
 * Plain HTTP unless `tls` (or a certificate) is given: `npm start` turns TLS on by default
 * (config.ts), tests start hosts without it.
 */
export async function startEmbeddedHost(options: EmbeddedHostOptions = {}): Promise<EmbeddedHost> {
  const dataDir = options.dataDir ?? DEFAULTS.dataDir;
  const logger = options.logger ?? pino({ level: options.logLevel ?? DEFAULTS.logLevel });
  const lock = dataDir === ':memory:' ? undefined : lockDataFolder(dataDir);
  let tls: ServerTls | undefined;
  try {
    tls = await serverTls(options, dataDir);
  } catch (error) {
    lock?.release();
    throw error;
  }
  const releaseFolder = () => {
    tls?.dispose();
    lock?.release();
  };
  // Metrics are on unless turned off: the instruments exist before the store, whose commits they time.
  const metrics = options.metrics === false ? undefined : prometheusPipeline();
  const clock = options.clock ?? systemClock;
  let accessKey: string;
  let readOnlyKey: string;
  let metricsToken: string | undefined;
  let store: Store;
  try {
    accessKey = loadOrCreateAccessKey(dataDir, options.accessKey);
    readOnlyKey = loadOrCreateAccessKey(dataDir, options.readOnlyKey, READONLY_KEY_FILE);
    if (readOnlyKey === accessKey) throw new StartupError(`The read-only key is the same as the access key: set ${SETTINGS.readOnlyKey} to a key of its own, or remove it (and the file ${READONLY_KEY_FILE} in the data folder) to have one generated.`);
    metricsToken = metrics ? loadOrCreateAccessKey(dataDir, options.metricsToken, METRICS_TOKEN_FILE) : undefined;
    store = options.store ?? openEmbeddedStore(dataDir, undefined, metrics && ((seconds) => metrics.metrics.commitSynced(seconds)));
  } catch (error) {
    releaseFolder();
    throw error;
  }
  const channels = metrics ? options.channels?.map((channel) => measuredChannel(channel, metrics.metrics, clock)) : options.channels;
  const engine = createEmbeddedEngine({
    store,
    logger,
    clock,
    newId: options.newId,
    random: options.random,
    channels,
    delivery: options.delivery,
    statisticsRetentionDays: options.statisticsRetentionDays,
    statisticsEveryMs: options.statisticsEveryMs,
  });
  const ports = engine.ports;
  if (metrics) observeRouter(metrics.metrics, { liveEvents: engine.relay, store, clock, logger, channels: engine.relay.channelNames, timersInStore: true });
  try {
    await engine.start();
    const listening = await listen(
      {
        ports,
        accessKey,
        readOnlyKey,
        maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
        logger,
        liveEvents: options.liveEvents ?? engine.relay,
        eventTopic: options.eventTopic,
        eventChannels: engine.relay.channelNames,
        onRedeliver: () => engine.relay.kick(),
        readiness: embeddedReadiness(engine),
        metrics: metrics?.metrics,
      },
      options.host ?? DEFAULTS.host,
      options.port ?? DEFAULTS.port,
      tls,
      metrics && metricsToken ? { scrape: () => metrics.scrape(), token: metricsToken, keys: { accessKey, readOnlyKey }, now: () => clock.now(), logger } : undefined,
    );
    return {
      url: listening.url,
      accessKey,
      connectionString: connectionString(listening.url, accessKey),
      readOnlyKey,
      readOnlyConnectionString: connectionString(listening.url, readOnlyKey),
      metricsToken,
      tls: tlsSummary(options, tls),
      database: databasePath(dataDir),
      engine,
      close: async () => {
        await listening.close();
        await engine.stop();
        await store.close();
        await metrics?.shutdown();
        releaseFolder();
      },
    };
  } catch (error) {
    await engine.stop();
    await store.close();
    releaseFolder();
    throw error;
  }
}

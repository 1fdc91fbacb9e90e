import type { Agent } from 'node:https';
import pino from 'pino';
import { EventRelay } from '../app/EventRelay';
import { openEventGridChannel } from '../adapters/azure/EventGridChannel';
import { openCosmosStore } from '../adapters/azure/openCosmosStore';
import { openServiceBusMatchQueue } from '../adapters/azure/ServiceBusMatchQueue';
import { systemClock, type Clock } from '../ports/Clock';
import type { Logger } from '../ports/Logger';
import type { RouterPorts } from '../ports/RouterPorts';
import type { Scheduler } from '../ports/Scheduler';
import { loadOrCreateAccessKey, READONLY_KEY_FILE } from './accessKey';
import { AZURE_SETTINGS } from './azureConfig';
import { DEFAULTS, LOG_LEVELS, SETTINGS, type RouterConfig } from './config';
import { createAzureEngine } from './createAzureEngine';
import { createEmbeddedEngine } from './createEmbeddedEngine';
import { openEmbeddedStore } from './openEmbeddedStore';
import { readEventRetentionDays } from './eventRetention';
import { readStatisticsRetentionDays } from './statisticsRetention';
import { statisticsFor } from '../app/statistics/statisticsFor';
import { lockDataFolder, type DataFolderLock } from './dataFolderLock';
import { readFunctionsSettings, type FunctionsMode, type FunctionsSettings } from './functionsSettings';
import { RetryingComposition } from './retryingComposition';
import { readEventTopic } from './webhookConfig';
import { embeddedReadiness, storeAnswers } from './readinessChecks';
import type { ReadinessChecks } from '../http/readiness';
import { measuredChannel } from '../observability/measuredChannel';
import { observeRouter } from '../observability/observeRouter';
import type { ExporterClientOptions } from '../observability/metricsPipelines';
import type { RouterMetrics } from '../observability/RouterMetrics';
import { azureMonitorMetrics } from './azureMonitorMetrics';

/** What one invocation brings to the ports: its Durable client (Azure mode) and its log. */
export interface InvocationParts {
  /** Called only in Azure mode. */
  scheduler: () => Scheduler;
  /** Logs of the invocation (its InvocationContext), so that Application Insights ties them to it. */
  logger?: Logger;
}

/** What every function invocation needs: the HTTP settings and the engine's ports. */
export interface FunctionsHost {
  mode: FunctionsMode;
  accessKey: string;
  /** Signs reads only; absent when JOBROUTER_READONLY_KEY is not set on Azure. */
  readOnlyKey?: string;
  maxBodyBytes: number;
  /** The host's own log, for work outside any invocation (event deliveries, composition). */
  logger: Logger;
  /** JOBROUTER_LOG_LEVEL, which invocation logs follow too; info when absent. */
  logLevel?: RouterConfig['logLevel'];
  /** Records and delivers router events; its sweep runs on a timer trigger. */
  relay: EventRelay;
  /** The `topic` of events in the history (Event Grid sets its own on what it delivers). */
  eventTopic: string;
  /** What GET /ready checks on this host (absent: nothing beyond composing it). */
  readiness?: ReadinessChecks;
  /** The ports for one invocation. */
  ports(invocation: InvocationParts): RouterPorts;
  /** Where request durations are recorded: Application Insights when it is configured. */
  metrics?: RouterMetrics;
  /** Stops delivering and closes the connections (the platform ends the process instead; tests call it). */
  close?(): Promise<void>;
}

/** Logs of the host outside invocations; the level is read leniently here since a wrong one is reported by composition. */
function hostLogger(env: NodeJS.ProcessEnv): Logger {
  const level = env[SETTINGS.logLevel];
  return pino({ level: level && (LOG_LEVELS as readonly string[]).includes(level) ? level : DEFAULTS.logLevel });
}

/** What a test may put in place of the platform's: its clock, its log, the local Cosmos server's certificate. */
export interface CompositionOptions {
  clock?: Clock;
  logger?: Logger;
  /** HTTP agent of the Cosmos DB client, e.g. one that trusts a local test server's certificate. */
  cosmosAgent?: Agent;
  /** How often metrics are sent to Application Insights, and the exporter's TLS (a local ingestion endpoint's CA). */
  metricsExport?: { intervalMs?: number; client?: ExporterClientOptions };
}

function retryingHost(env: NodeJS.ProcessEnv, options: CompositionOptions = {}): RetryingComposition<FunctionsHost> {
  const logger = options.logger ?? hostLogger(env);
  return new RetryingComposition({
    compose: () => composeFunctionsHost(env, { logger, cosmosAgent: options.cosmosAgent, metricsExport: options.metricsExport }),
    clock: options.clock ?? systemClock,
    onFailure: ({ error, attempt, retryInMs }) =>
      logger.error(
        { err: error, attempt, retryInMs: retryInMs ?? null },
        retryInMs === undefined ? 'the Functions host cannot start with these settings; every request is answered 503 until they are fixed' : 'the Functions host could not be composed; requests are answered 503 until it is',
      ),
  });
}

let composition: RetryingComposition<FunctionsHost> | undefined;
let replacement: Promise<FunctionsHost> | undefined;

/**
 * The Functions host of this worker process, composed from its app settings on first use. A failed
 * composition is tried again after a wait (HostUnavailableError until then), not kept for good.
 */
export function functionsHost(): Promise<FunctionsHost> {
  if (replacement) return replacement;
  composition ??= retryingHost(process.env);
  return composition.get();
}

/** Lets tests compose the Functions host from their own parts (undefined: compose from process.env again). */
export function useFunctionsHost(host: FunctionsHost | undefined): void {
  replacement = host ? Promise.resolve(host) : undefined;
  composition = undefined;
}

/** Lets tests compose the Functions host from these settings, as the platform would from its app settings. */
export function useFunctionsSettings(env: NodeJS.ProcessEnv, options: CompositionOptions = {}): void {
  replacement = undefined;
  composition = retryingHost(env, options);
}

/** The Functions host on a SQLite file in its data folder (no Cosmos DB endpoint): one instance. */
function composeOnSqlite(
  env: NodeJS.ProcessEnv,
  settings: Extract<FunctionsSettings, { mode: 'embedded' }>,
  logger: Logger,
  eventTopic: ReturnType<typeof readEventTopic>,
  options: Omit<CompositionOptions, 'clock'>,
  lock: DataFolderLock,
): FunctionsHost {
  const { config } = settings;
  // The key first: nothing is started yet if it cannot be read or written.
  const accessKey = loadOrCreateAccessKey(config.dataDir, config.accessKey);
  const readOnlyKey = loadOrCreateAccessKey(config.dataDir, config.readOnlyKey, READONLY_KEY_FILE);
  const metrics = azureMonitorMetrics(env, options.metricsExport?.intervalMs, options.metricsExport?.client);
  const store = openEmbeddedStore(config.dataDir, undefined, metrics && ((seconds) => metrics.metrics.commitSynced(seconds)));
  const engine = createEmbeddedEngine({ store, logger, delivery: { retentionDays: readEventRetentionDays(env) }, statisticsRetentionDays: readStatisticsRetentionDays(env) });
  if (metrics) observeRouter(metrics.metrics, { liveEvents: engine.relay, store, clock: systemClock, logger, channels: [], timersInStore: true });
  const started = engine.start().catch((error: unknown) => logger.error({ err: error }, 'routing engine did not start'));
  logger.info({ dataDir: config.dataDir }, `no ${AZURE_SETTINGS.cosmosEndpoint.name}: state in SQLite, one instance only`);
  return {
    mode: 'embedded',
    accessKey,
    readOnlyKey,
    maxBodyBytes: config.maxBodyBytes,
    logger,
    logLevel: config.logLevel,
    relay: engine.relay,
    eventTopic,
    readiness: embeddedReadiness(engine),
    ports: (invocation) => withLogger(engine.ports, invocation.logger),
    metrics: metrics?.metrics,
    close: async () => {
      await started;
      await engine.stop();
      await metrics?.shutdown();
      await store.close();
      lock.release();
    },
  };
}

export async function composeFunctionsHost(env: NodeJS.ProcessEnv, options: Omit<CompositionOptions, 'clock'> = {}): Promise<FunctionsHost> {
  const logger = options.logger ?? hostLogger(env);
  const settings = readFunctionsSettings(env);
  const { config } = settings;
  const eventTopic = readEventTopic(env);
  if (settings.mode === 'embedded') {
    // One instance per data folder, as for the embedded host: its timers and matcher assume no other
    // process changes the same SQLite file. Taken first: nothing is written into a folder another owns.
    const lock = lockDataFolder(config.dataDir);
    try {
      return composeOnSqlite(env, settings, logger, eventTopic, options, lock);
    } catch (error) {
      lock.release();
      throw error;
    }
  }
  const { azure } = settings;
  const metrics = azureMonitorMetrics(env, options.metricsExport?.intervalMs, options.metricsExport?.client);
  // Clients that connect on first use come first, so that a failure leaves no open store behind.
  const eventGrid = azure.eventGrid ? openEventGridChannel(azure.eventGrid) : undefined;
  const channels = eventGrid ? [metrics ? measuredChannel(eventGrid, metrics.metrics, systemClock) : eventGrid] : [];
  const matchQueue = openServiceBusMatchQueue(azure.serviceBus);
  let store: Awaited<ReturnType<typeof openCosmosStore>>;
  try {
    store = await openCosmosStore({ ...azure.cosmos, agent: options.cosmosAgent });
  } catch (error) {
    await matchQueue.close();
    await metrics?.shutdown();
    throw error;
  }
  const relay = new EventRelay({ store, clock: systemClock, logger, channels, retentionDays: readEventRetentionDays(env) });
  const engine = createAzureEngine({ store, matchQueue, events: relay, logger, configCacheSeconds: config.configCacheSeconds });
  // Timers are Durable orchestrations here: their backlog is the Durable Task hub's to show.
  if (metrics) observeRouter(metrics.metrics, { liveEvents: relay, store, clock: systemClock, logger, channels: relay.channelNames, timersInStore: false });
  // Composed before any request, so the statistics of this store keep the configured retention, and wait
  // for what an instance that died left unrecorded until a sweep has recorded it.
  statisticsFor(store, systemClock, { retentionDays: readStatisticsRetentionDays(env), recordedThrough: () => relay.recordedThrough('deployment') });
  logger.info({ cosmos: azure.cosmos.endpoint, matchQueue: azure.serviceBus.queue, eventGrid: azure.eventGrid?.endpoint ?? null }, 'Functions host composed for Azure');
  // Timers are Durable orchestrations here, kept by the Functions host itself: the store is what can be checked.
  return {
    mode: 'azure',
    accessKey: settings.config.accessKey,
    readOnlyKey: settings.config.readOnlyKey,
    maxBodyBytes: config.maxBodyBytes,
    logger,
    logLevel: config.logLevel,
    relay,
    eventTopic,
    readiness: { store: storeAnswers(store) },
    ports: (invocation) => withLogger(engine.portsWith(onFirstUse(invocation.scheduler)), invocation.logger),
    metrics: metrics?.metrics,
    close: async () => {
      await relay.stop();
      await matchQueue.close();
      await store.close();
      await metrics?.shutdown();
    },
  };
}

/** The invocation's Durable client is looked up only by a request that schedules or cancels a timer. */
function onFirstUse(make: () => Scheduler): Scheduler {
  let scheduler: Scheduler | undefined;
  const get = () => (scheduler ??= make());
  return { schedule: (timer) => get().schedule(timer), cancel: (id) => get().cancel(id) };
}

function withLogger(ports: RouterPorts, logger: Logger | undefined): RouterPorts {
  return logger ? { ...ports, logger } : ports;
}

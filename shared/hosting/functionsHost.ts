import pino from 'pino';
import { EventRelay } from '../app/EventRelay';
import { openEventGridChannel } from '../adapters/azure/EventGridChannel';
import { openCosmosStore } from '../adapters/azure/openCosmosStore';
import { openServiceBusMatchQueue } from '../adapters/azure/ServiceBusMatchQueue';
import { systemClock } from '../ports/Clock';
import type { Logger } from '../ports/Logger';
import type { RouterPorts } from '../ports/RouterPorts';
import type { Scheduler } from '../ports/Scheduler';
import { loadOrCreateAccessKey } from './accessKey';
import { AZURE_SETTINGS } from './azureConfig';
import { DEFAULTS, SETTINGS, type RouterConfig } from './config';
import { createAzureEngine } from './createAzureEngine';
import { createEmbeddedEngine } from './createEmbeddedEngine';
import { openEmbeddedStore } from './openEmbeddedStore';
import { readEventRetentionDays } from './eventRetention';
import { readFunctionsSettings, type FunctionsMode } from './functionsSettings';
import { RetryingComposition } from './retryingComposition';
import { readEventTopic } from './webhookConfig';

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
  maxBodyBytes: number;
  /** The host's own log, for work outside any invocation (event deliveries, composition). */
  logger: Logger;
  /** JOBROUTER_LOG_LEVEL, which invocation logs follow too; info when absent. */
  logLevel?: RouterConfig['logLevel'];
  /** Records and delivers router events; its sweep runs on a timer trigger. */
  relay: EventRelay;
  /** The `topic` of events in the history (Event Grid sets its own on what it delivers). */
  eventTopic: string;
  /** The ports for one invocation. */
  ports(invocation: InvocationParts): RouterPorts;
}

/** Logs of the host outside invocations; the level is read leniently here since a wrong one is reported by composition. */
function hostLogger(env: NodeJS.ProcessEnv): Logger {
  const level = env[SETTINGS.logLevel];
  return pino({ level: level && ['debug', 'info', 'warn', 'error', 'silent'].includes(level) ? level : DEFAULTS.logLevel });
}

function retryingHost(env: NodeJS.ProcessEnv): RetryingComposition<FunctionsHost> {
  const logger = hostLogger(env);
  return new RetryingComposition({
    compose: () => composeFunctionsHost(env, logger),
    clock: systemClock,
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

export async function composeFunctionsHost(env: NodeJS.ProcessEnv, logger: Logger = hostLogger(env)): Promise<FunctionsHost> {
  const settings = readFunctionsSettings(env);
  const { config } = settings;
  const eventTopic = readEventTopic(env);
  if (settings.mode === 'embedded') {
    const engine = createEmbeddedEngine({ store: openEmbeddedStore(config.dataDir), logger, delivery: { retentionDays: readEventRetentionDays(env) } });
    engine.start().catch((error: unknown) => logger.error({ err: error }, 'routing engine did not start'));
    logger.info({ dataDir: config.dataDir }, `no ${AZURE_SETTINGS.cosmosEndpoint.name}: state in SQLite, one instance only`);
    const accessKey = loadOrCreateAccessKey(config.dataDir, config.accessKey);
    return { mode: 'embedded', accessKey, maxBodyBytes: config.maxBodyBytes, logger, logLevel: config.logLevel, relay: engine.relay, eventTopic, ports: (invocation) => withLogger(engine.ports, invocation.logger) };
  }
  const { azure } = settings;
  const store = await openCosmosStore({ ...azure.cosmos });
  const relay = new EventRelay({ store, clock: systemClock, logger, channels: azure.eventGrid ? [openEventGridChannel(azure.eventGrid)] : [], retentionDays: readEventRetentionDays(env) });
  const engine = createAzureEngine({ store, matchQueue: openServiceBusMatchQueue(azure.serviceBus), events: relay, logger });
  logger.info({ cosmos: azure.cosmos.endpoint, matchQueue: azure.serviceBus.queue, eventGrid: azure.eventGrid?.endpoint ?? null }, 'Functions host composed for Azure');
  return {
    mode: 'azure',
    accessKey: settings.config.accessKey,
    maxBodyBytes: config.maxBodyBytes,
    logger,
    logLevel: config.logLevel,
    relay,
    eventTopic,
    ports: (invocation) => withLogger(engine.portsWith(invocation.scheduler()), invocation.logger),
  };
}

function withLogger(ports: RouterPorts, logger: Logger | undefined): RouterPorts {
  return logger ? { ...ports, logger } : ports;
}

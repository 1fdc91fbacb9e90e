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
import { AZURE_SETTINGS, readAzureConfig } from './azureConfig';
import { ConfigError, SETTINGS, readConfig } from './config';
import { createAzureEngine } from './createAzureEngine';
import { createEmbeddedEngine } from './createEmbeddedEngine';
import { openEmbeddedStore } from './openEmbeddedStore';
import { readEventRetentionDays } from './eventRetention';
import { readEventTopic } from './webhookConfig';
import { embeddedReadiness, storeAnswers } from './readinessChecks';
import type { ReadinessChecks } from '../http/readiness';

/** What every function invocation needs: the HTTP settings and the engine's ports. */
export interface FunctionsHost {
  /** `azure`: Cosmos DB, Service Bus, Durable timers, Event Grid. `embedded`: one instance on SQLite (no Cosmos configured). */
  mode: 'azure' | 'embedded';
  accessKey: string;
  maxBodyBytes: number;
  logger: Logger;
  /** Records and delivers router events; its sweep runs on a timer trigger. */
  relay: EventRelay;
  /** The `topic` of events in the history (Event Grid sets its own on what it delivers). */
  eventTopic: string;
  /** What GET /ready checks on this host (absent: nothing beyond composing it). */
  readiness?: ReadinessChecks;
  /** The ports for one invocation; `durableScheduler` is called only in Azure mode. */
  ports(durableScheduler: () => Scheduler): RouterPorts;
}

let host: Promise<FunctionsHost> | undefined;

/** Composes the Functions host once per worker process from its app settings. */
export function functionsHost(): Promise<FunctionsHost> {
  host ??= composeFunctionsHost(process.env);
  return host;
}

/** Lets tests compose the Functions host from their own parts. */
export function useFunctionsHost(replacement: FunctionsHost | undefined): void {
  host = replacement ? Promise.resolve(replacement) : undefined;
}

export async function composeFunctionsHost(env: NodeJS.ProcessEnv): Promise<FunctionsHost> {
  const config = readConfig(env);
  const azure = readAzureConfig(env);
  const logger = pino({ level: config.logLevel });
  if (!azure.cosmos) {
    const engine = createEmbeddedEngine({ store: openEmbeddedStore(config.dataDir), logger, delivery: { retentionDays: readEventRetentionDays(env) } });
    engine.start().catch((error: unknown) => logger.error({ err: error }, 'routing engine did not start'));
    logger.info({ dataDir: config.dataDir }, `no ${AZURE_SETTINGS.cosmosEndpoint.name}: state in SQLite, one instance only`);
    return { mode: 'embedded', accessKey: loadOrCreateAccessKey(config.dataDir, config.accessKey), maxBodyBytes: config.maxBodyBytes, logger, relay: engine.relay, eventTopic: readEventTopic(env), readiness: embeddedReadiness(engine), ports: () => engine.ports };
  }
  if (!azure.serviceBus) {
    throw new ConfigError(`${AZURE_SETTINGS.cosmosEndpoint.name} is set but Service Bus is not: set ${AZURE_SETTINGS.serviceBusNamespace.name} (managed identity) or ${AZURE_SETTINGS.serviceBus.name} (connection string).`);
  }
  if (!config.accessKey) throw new ConfigError(`${SETTINGS.accessKey} must be set in the Azure host (the deployment puts a Key Vault reference there).`);
  const store = await openCosmosStore({ ...azure.cosmos });
  const relay = new EventRelay({ store, clock: systemClock, logger, channels: azure.eventGrid ? [openEventGridChannel(azure.eventGrid)] : [], retentionDays: readEventRetentionDays(env) });
  const engine = createAzureEngine({ store, matchQueue: openServiceBusMatchQueue(azure.serviceBus), events: relay, logger });
  logger.info({ cosmos: azure.cosmos.endpoint, matchQueue: azure.serviceBus.queue, eventGrid: azure.eventGrid?.endpoint ?? null }, 'Functions host composed for Azure');
  // Timers are Durable orchestrations here, kept by the Functions host itself: the store is what can be checked.
  return { mode: 'azure', accessKey: config.accessKey, maxBodyBytes: config.maxBodyBytes, logger, relay, eventTopic: readEventTopic(env), readiness: { store: storeAnswers(store) }, ports: (durableScheduler) => engine.portsWith(durableScheduler()) };
}

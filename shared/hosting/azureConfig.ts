import { ConfigError } from './config';

/**
 * Settings of the Azure host (Functions app settings, or local.settings.json under `func start`).
 * Each service is reached with the app's managed identity when only its endpoint is given, or with
 * a key / connection string when one is set (local emulators, or accounts without Entra ID).
 */
export interface AzureConfig {
  cosmos?: {
    endpoint: string;
    /** Account key; absent → managed identity (DefaultAzureCredential). */
    key?: string;
    database: string;
    container: string;
    /** Create the database and container (with the indexing policy) when missing: emulators only. */
    createIfMissing: boolean;
  };
  serviceBus?: {
    /** Connection string, or absent when `namespace` is given (managed identity). */
    connectionString?: string;
    /** Fully qualified namespace, e.g. `jobrouter.servicebus.windows.net`. */
    namespace?: string;
    queue: string;
  };
  eventGrid?: {
    endpoint: string;
    /** Topic access key; absent → managed identity. */
    key?: string;
  };
}

/**
 * Where each setting is provided. `deployed`: infra/ sets it in the Function App; `local`: only for
 * `func start` against emulators or keys (the deployed app uses its managed identity instead).
 */
export interface SettingSpec {
  name: string;
  deployed: boolean;
  description: string;
}

export const AZURE_SETTINGS = {
  cosmosEndpoint: { name: 'JOBROUTER_COSMOS_ENDPOINT', deployed: true, description: 'Cosmos DB account endpoint; when unset the Functions host keeps state in SQLite (one instance only).' },
  cosmosKey: { name: 'JOBROUTER_COSMOS_KEY', deployed: false, description: 'Cosmos DB account key (emulator); unset → managed identity.' },
  cosmosDatabase: { name: 'JOBROUTER_COSMOS_DATABASE', deployed: true, description: 'Cosmos DB database name.' },
  cosmosContainer: { name: 'JOBROUTER_COSMOS_CONTAINER', deployed: true, description: 'Cosmos DB container holding every router document.' },
  cosmosCreateIfMissing: {
    name: 'JOBROUTER_COSMOS_CREATE_IF_MISSING',
    deployed: false,
    description: 'true: create the database and container with the indexing policy when missing (a fresh emulator); infra/ creates them in Azure, where the identity may not.',
  },
  serviceBus: { name: 'JOBROUTER_SERVICEBUS', deployed: false, description: 'Service Bus connection string (emulator); the matcher trigger and the producer share it.' },
  serviceBusNamespace: { name: 'JOBROUTER_SERVICEBUS__fullyQualifiedNamespace', deployed: true, description: 'Service Bus namespace host name, reached with the managed identity.' },
  matchQueue: { name: 'JOBROUTER_MATCH_QUEUE', deployed: true, description: 'Service Bus queue (sessions enabled) carrying match requests.' },
  eventGridEndpoint: { name: 'JOBROUTER_EVENTGRID_ENDPOINT', deployed: true, description: 'Event Grid custom topic endpoint; unset → events are only recorded.' },
  eventGridKey: { name: 'JOBROUTER_EVENTGRID_KEY', deployed: false, description: 'Event Grid topic key; unset → managed identity.' },
} as const satisfies Record<string, SettingSpec>;

export const AZURE_DEFAULTS = {
  cosmosDatabase: 'jobrouter',
  cosmosContainer: 'router2',
  matchQueue: 'match-requests',
} as const;

/**
 * The match queue's name: the setting, else the one default. The matcher's trigger is registered with
 * this resolved name, so the producer and the trigger agree even when the setting is absent.
 */
export function matchQueueName(env: NodeJS.ProcessEnv): string {
  return env[AZURE_SETTINGS.matchQueue.name] || AZURE_DEFAULTS.matchQueue;
}

function url(name: string, raw: string): string {
  try {
    const parsed = new URL(raw);
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new Error('not http(s)');
    return raw;
  } catch {
    throw new ConfigError(`${name}="${raw}" must be an https URL, e.g. https://<account>.documents.azure.com:443/.`);
  }
}

function flag(name: string, raw: string | undefined): boolean {
  if (raw === undefined) return false;
  if (raw === 'true' || raw === 'false') return raw === 'true';
  throw new ConfigError(`${name}="${raw}" must be true or false.`);
}

export function readAzureConfig(env: NodeJS.ProcessEnv = process.env): AzureConfig {
  const get = (key: keyof typeof AZURE_SETTINGS) => {
    const value = env[AZURE_SETTINGS[key].name];
    return value === undefined || value === '' ? undefined : value;
  };
  const config: AzureConfig = {};
  const cosmosEndpoint = get('cosmosEndpoint');
  if (cosmosEndpoint) {
    config.cosmos = {
      endpoint: url(AZURE_SETTINGS.cosmosEndpoint.name, cosmosEndpoint),
      key: get('cosmosKey'),
      database: get('cosmosDatabase') ?? AZURE_DEFAULTS.cosmosDatabase,
      container: get('cosmosContainer') ?? AZURE_DEFAULTS.cosmosContainer,
      createIfMissing: flag(AZURE_SETTINGS.cosmosCreateIfMissing.name, get('cosmosCreateIfMissing')),
    };
  }
  const connectionString = get('serviceBus');
  const namespace = get('serviceBusNamespace');
  if (connectionString || namespace) {
    if (connectionString && !/Endpoint=sb:\/\//i.test(connectionString)) {
      throw new ConfigError(`${AZURE_SETTINGS.serviceBus.name} must be a Service Bus connection string (Endpoint=sb://…;SharedAccessKeyName=…;SharedAccessKey=…).`);
    }
    config.serviceBus = { connectionString, namespace, queue: matchQueueName(env) };
  }
  const eventGridEndpoint = get('eventGridEndpoint');
  if (eventGridEndpoint) config.eventGrid = { endpoint: url(AZURE_SETTINGS.eventGridEndpoint.name, eventGridEndpoint), key: get('eventGridKey') };
  if (!config.cosmos && config.serviceBus) {
    throw new ConfigError(`${AZURE_SETTINGS.serviceBus.name} is set but ${AZURE_SETTINGS.cosmosEndpoint.name} is not: several instances can only share state in Cosmos DB.`);
  }
  return config;
}

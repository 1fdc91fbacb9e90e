import { AZURE_SETTINGS, readAzureConfig, type AzureConfig } from './azureConfig';
import { ConfigError, SETTINGS, readConfig, type RouterConfig } from './config';

/**
 * `azure`: Cosmos DB, Service Bus, Durable timers, Event Grid (several instances). `embedded`: state
 * in SQLite on one instance, with the embedded engine's own matching, timers and relay (the recipe
 * with only Azurite).
 */
export type FunctionsMode = 'azure' | 'embedded';

export type FunctionsSettings =
  | { mode: 'embedded'; config: RouterConfig; azure: AzureConfig }
  | { mode: 'azure'; config: RouterConfig & { accessKey: string }; azure: AzureConfig & Required<Pick<AzureConfig, 'cosmos' | 'serviceBus'>> };

/**
 * The mode the app settings ask for, decided by the Cosmos endpoint alone so that it is known even
 * when other settings are wrong: the functions registered at load follow it, and a wrong setting is
 * then answered with a 503 that names it instead of functions that cannot run.
 */
export function functionsMode(env: NodeJS.ProcessEnv): FunctionsMode {
  return env[AZURE_SETTINGS.cosmosEndpoint.name] ? 'azure' : 'embedded';
}

/** Every setting the Functions host needs, checked together; a ConfigError names the one at fault. */
export function readFunctionsSettings(env: NodeJS.ProcessEnv): FunctionsSettings {
  const config = readConfig(env);
  const azure = readAzureConfig(env);
  if (!azure.cosmos) return { mode: 'embedded', config, azure };
  if (!azure.serviceBus) {
    throw new ConfigError(
      `${AZURE_SETTINGS.cosmosEndpoint.name} is set but Service Bus is not: set ${AZURE_SETTINGS.serviceBusNamespace.name} (managed identity) or ${AZURE_SETTINGS.serviceBus.name} (connection string).`,
    );
  }
  if (!config.accessKey) {
    throw new ConfigError(
      `${SETTINGS.accessKey} must be set in the Azure host: the deployment puts a Key Vault reference there; locally, put the output of \`openssl rand -base64 32\` in local.settings.json.`,
    );
  }
  return { mode: 'azure', config: { ...config, accessKey: config.accessKey }, azure: { ...azure, cosmos: azure.cosmos, serviceBus: azure.serviceBus } };
}

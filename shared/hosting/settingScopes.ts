import type { SETTINGS } from './config';

/**
 * Which host reads each setting of `SETTINGS` (config.ts), the way `AZURE_SETTINGS` says it for the
 * Azure ones. `functionsHost`: the Functions host reads it (local.settings.json provides it for
 * `func start`); `deployed`: infra/ sets it in the Function App.
 */
export interface SettingScope {
  functionsHost: boolean;
  deployed: boolean;
  reason: string;
}

export const SETTING_SCOPES = {
  host: { functionsHost: false, deployed: false, reason: 'Only the embedded server listens; the Functions host owns its port.' },
  port: { functionsHost: false, deployed: false, reason: 'Only the embedded server listens; `func start --port` sets the Functions host port.' },
  dataDir: {
    functionsHost: true,
    deployed: false,
    reason: 'The Functions host keeps state in SQLite here when JOBROUTER_COSMOS_ENDPOINT is unset (one instance); the deployed app keeps it in Cosmos DB.',
  },
  accessKey: { functionsHost: true, deployed: true, reason: 'Requests are signed with it; the deployed app reads it from Key Vault.' },
  readOnlyKey: { functionsHost: true, deployed: true, reason: 'Read-only requests are signed with it; the deployed app reads it from Key Vault.' },
  maxBodyBytes: { functionsHost: true, deployed: true, reason: 'Both hosts refuse larger bodies with 413.' },
  logLevel: { functionsHost: true, deployed: true, reason: 'Both hosts log through pino.' },
  tls: { functionsHost: false, deployed: false, reason: 'Only the embedded server terminates TLS; Azure Functions serves HTTPS itself.' },
  tlsCert: { functionsHost: false, deployed: false, reason: 'Only the embedded server terminates TLS; Azure Functions serves HTTPS itself.' },
  tlsKey: { functionsHost: false, deployed: false, reason: 'Only the embedded server terminates TLS; Azure Functions serves HTTPS itself.' },
  metrics: { functionsHost: false, deployed: false, reason: 'The Azure host sends its metrics to Application Insights when APPLICATIONINSIGHTS_CONNECTION_STRING is set.' },
  metricsToken: { functionsHost: false, deployed: false, reason: 'Only the embedded host serves /metrics; the Azure host sends its metrics to Application Insights.' },
  configCacheSeconds: {
    functionsHost: true,
    deployed: false,
    reason: 'Several Azure instances write the same queues and policies, so each keeps its copy for a bounded time (the default when unset); the embedded host is the only writer of its data and needs no limit.',
  },
} as const satisfies Record<keyof typeof SETTINGS, SettingScope>;

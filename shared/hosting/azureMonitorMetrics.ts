import { DefaultAzureCredential } from '@azure/identity';
import { azureMonitorPipeline, type ExporterClientOptions, type MetricsPipeline } from '../observability/metricsPipelines';

/** The platform's own settings for Application Insights (infra/ sets both on the Function App). */
export const APPLICATION_INSIGHTS_SETTINGS = {
  connectionString: 'APPLICATIONINSIGHTS_CONNECTION_STRING',
  authentication: 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING',
} as const;

/**
 * The Azure host's metrics, sent to the Application Insights resource the Functions host itself logs
 * to; none without its connection string (a local `func start`). With `Authorization=AAD` the
 * resource takes Entra ID only, and the exporter signs in as the app's identity (AZURE_CLIENT_ID).
 */
export function azureMonitorMetrics(env: NodeJS.ProcessEnv, exportIntervalMillis?: number, client?: ExporterClientOptions): MetricsPipeline | undefined {
  const connectionString = env[APPLICATION_INSIGHTS_SETTINGS.connectionString];
  if (!connectionString) return undefined;
  const entraOnly = /(^|;)\s*Authorization=AAD\s*(;|$)/i.test(env[APPLICATION_INSIGHTS_SETTINGS.authentication] ?? '');
  return azureMonitorPipeline(connectionString, entraOnly ? new DefaultAzureCredential() : undefined, exportIntervalMillis, client);
}

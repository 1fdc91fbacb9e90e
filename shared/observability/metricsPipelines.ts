import type { TokenCredential } from '@azure/core-auth';
import { AzureMonitorMetricExporter, type AzureMonitorExporterOptions } from '@azure/monitor-opentelemetry-exporter';
import { PrometheusExporter, PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, PeriodicExportingMetricReader, type MetricReader } from '@opentelemetry/sdk-metrics';
import { RouterMetrics } from './RouterMetrics';

/** The instruments and where they go. */
export interface MetricsPipeline {
  metrics: RouterMetrics;
  /** Flushes what is left and stops exporting. */
  shutdown(): Promise<void>;
}

/** A pipeline read on demand: the Prometheus text of every instrument at the moment of the scrape. */
export interface ScrapedMetrics extends MetricsPipeline {
  scrape(): Promise<string>;
}

const METER_NAME = 'jobrouter';

function pipelineWith(reader: MetricReader): { provider: MeterProvider; metrics: RouterMetrics } {
  const provider = new MeterProvider({ resource: resourceFromAttributes({ 'service.name': METER_NAME }), readers: [reader] });
  return { provider, metrics: new RouterMetrics(provider.getMeter(METER_NAME)) };
}

/**
 * The embedded host's: OpenTelemetry's Prometheus reader, without the server of its own it would
 * start (the router serves the text itself, on its own port, behind its own authentication).
 */
export function prometheusPipeline(): ScrapedMetrics {
  const reader = new PrometheusExporter({ preventServerStart: true });
  const serializer = new PrometheusSerializer();
  const { provider, metrics } = pipelineWith(reader);
  return {
    metrics,
    scrape: async () => {
      const { resourceMetrics } = await reader.collect();
      return serializer.serialize(resourceMetrics);
    },
    shutdown: () => provider.shutdown(),
  };
}

/** How often the Azure host sends its instruments to Application Insights. */
export const AZURE_MONITOR_EXPORT_MS = 60_000;

/** What a test may set on the exporter's client, such as the CA of a local ingestion endpoint. */
export type ExporterClientOptions = Pick<AzureMonitorExporterOptions, 'tlsOptions'>;

/**
 * The Azure host's: the same instruments sent to Application Insights (Azure Monitor) every minute.
 * `credential`: the managed identity when the resource takes Entra ID authentication only.
 */
export function azureMonitorPipeline(connectionString: string, credential?: TokenCredential, exportIntervalMillis = AZURE_MONITOR_EXPORT_MS, client: ExporterClientOptions = {}): MetricsPipeline {
  const exporter = new AzureMonitorMetricExporter({ ...client, connectionString, credential });
  const { provider, metrics } = pipelineWith(new PeriodicExportingMetricReader({ exporter, exportIntervalMillis }));
  return { metrics, shutdown: () => provider.shutdown() };
}

import path from 'node:path';
import pino from 'pino';
import { METRICS_TOKEN_FILE } from './accessKey';
import { WebhookChannel } from '../adapters/http/WebhookChannel';
import { ConfigError, readConfig, SETTINGS } from './config';
import { startEmbeddedHost, type EmbeddedHost } from './startEmbeddedHost';
import { StartupError } from './startupError';
import { readEventRetentionDays } from './eventRetention';
import { readStatisticsRetentionDays } from './statisticsRetention';
import { readEventTopic, readWebhookSubscriptions, WEBHOOK_SETTINGS } from './webhookConfig';

/** How clients come to trust the router's certificate. */
function tlsLines(host: EmbeddedHost): string[] {
  const tls = host.tls;
  if (tls.mode === 'off') return [`  TLS:               off (${SETTINGS.tls}=off); SDKs that force https (Python's from_connection_string) cannot connect`];
  if (tls.mode === 'configured') return [`  TLS:               certificate from ${SETTINGS.tlsCert} (${tls.certFile})`];
  return [
    `  TLS:               certificate issued by a local CA${host.database === ':memory:' ? ' made for this run' : ''}: ${tls.caFile}`,
    '  Trust that CA in clients:',
    `    Python (SDK, requests):  export REQUESTS_CA_BUNDLE=${tls.caFile}   (aiohttp / ssl: SSL_CERT_FILE=${tls.caFile})`,
    `    Node.js:                 export NODE_EXTRA_CA_CERTS=${tls.caFile}`,
    `    curl:                    curl --cacert ${tls.caFile} …`,
    '    .NET, browsers:          add it to the OS trust store (README: "Using the official SDKs against it")',
    `    Without a signing SDK:   JOBROUTER_CONNECTION_STRING='${host.connectionString}' NODE_EXTRA_CA_CERTS=${tls.caFile} npx jobrouter-call GET /routing/queues`,
  ];
}

/** Where Prometheus scrapes, and with which token (a file it can read, unless the token came from the environment). */
function metricsLine(host: EmbeddedHost): string {
  if (!host.metricsToken) return `  Metrics:           off (${SETTINGS.metrics}=off)`;
  const token = process.env[SETTINGS.metricsToken] ? `$${SETTINGS.metricsToken}` : host.database === ':memory:' ? host.metricsToken : `contents of ${path.join(path.dirname(host.database), METRICS_TOKEN_FILE)}`;
  return `  Metrics:           GET ${host.url}metrics   Authorization: Bearer <${token}>   (Prometheus: authorization.credentials_file)`;
}

/** `npm start`: the embedded host, configured from the environment. */
async function main(): Promise<void> {
  const config = readConfig();
  const logger = pino({ level: config.logLevel });
  const webhooks = readWebhookSubscriptions();
  const host = await startEmbeddedHost({
    ...config,
    logger,
    eventTopic: readEventTopic(),
    channels: webhooks.map((options) => new WebhookChannel(options)),
    delivery: { retentionDays: readEventRetentionDays() },
    statisticsRetentionDays: readStatisticsRetentionDays(),
  });
  const banner = [
    '',
    'Job Router is running (embedded host).',
    `  URL:               ${host.url}`,
    `  Dashboard:         ${host.url}dashboard   (sign in with the access key below)`,
    `  Connection string: ${host.connectionString}`,
    `  Read-only (GET):   ${host.readOnlyConnectionString}`,
    `  Data:              ${host.database === ':memory:' ? 'in memory (lost on exit)' : host.database}`,
    ...tlsLines(host),
    '  API version:       2023-11-01',
    `  Event webhooks:    ${webhooks.length === 0 ? `none (set ${WEBHOOK_SETTINGS.webhooks})` : webhooks.map((w) => `${w.name} → ${w.url}`).join(', ')}`,
    `  Event history:     GET ${host.url}routing/events   live: GET ${host.url}routing/events:stream`,
    `  Probes, API doc:   GET ${host.url}health   ${host.url}ready   ${host.url}openapi.json (no key needed)`,
    metricsLine(host),
    '  Stop with Ctrl+C.',
    '',
  ];
  process.stdout.write(`${banner.join('\n')}\n`);
  logger.info({ url: host.url, database: host.database, webhooks: webhooks.map((w) => w.name) }, 'router started');
  const stop = (signal: string) => {
    logger.info({ signal }, 'router stopping');
    host.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'router did not stop cleanly');
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  // What the operator can fix is said plainly; anything else is a bug and keeps its stack.
  const message =
    error instanceof ConfigError
      ? `Configuration error: ${error.message}`
      : error instanceof StartupError
        ? `Job Router could not start: ${error.message}`
        : `Job Router failed to start: ${(error as Error).stack ?? String(error)}`;
  process.stderr.write(`${message}\n`);
  process.exit(1);
});

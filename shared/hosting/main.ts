import pino from 'pino';
import { WebhookChannel } from '../adapters/http/WebhookChannel';
import { ConfigError, readConfig } from './config';
import { startEmbeddedHost } from './startEmbeddedHost';
import { readEventRetentionDays } from './eventRetention';
import { readEventTopic, readWebhookSubscriptions, WEBHOOK_SETTINGS } from './webhookConfig';

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
  });
  const banner = [
    '',
    'Job Router is running (embedded host).',
    `  URL:               ${host.url}`,
    `  Connection string: ${host.connectionString}`,
    `  Data:              ${host.database === ':memory:' ? 'in memory (lost on exit)' : host.database}`,
    '  API version:       2023-11-01',
    `  Event webhooks:    ${webhooks.length === 0 ? `none (set ${WEBHOOK_SETTINGS.webhooks})` : webhooks.map((w) => `${w.name} → ${w.url}`).join(', ')}`,
    `  Event history:     GET ${host.url}routing/events   live: GET ${host.url}routing/events:stream`,
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
  const message = error instanceof ConfigError ? `Configuration error: ${error.message}` : `Job Router failed to start: ${(error as Error).stack ?? String(error)}`;
  process.stderr.write(`${message}\n`);
  process.exit(1);
});

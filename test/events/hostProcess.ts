/**
 * An embedded host in its own process, for tests that kill it: `node -r ./test/support/swcRegister.js
 * test/events/hostProcess.ts <json options>` with `{ dataDir, accessKey, webhooks: [{ name, url }] }`.
 * Prints one JSON line `{ "connectionString": … }` once it serves.
 */
import { WebhookChannel } from '../../shared/adapters/http/WebhookChannel';
import { startEmbeddedHost } from '../../shared/hosting/startEmbeddedHost';
import { silentLogger } from '../../shared/ports/Logger';

interface Options {
  dataDir: string;
  accessKey: string;
  webhooks: { name: string; url: string }[];
}

async function main(): Promise<void> {
  const options = JSON.parse(process.argv[2] ?? '{}') as Options;
  const channels = options.webhooks.map((w) => new WebhookChannel({ ...w, topic: '/jobrouter/test', timeoutMs: 60_000 }));
  const host = await startEmbeddedHost({ dataDir: options.dataDir, accessKey: options.accessKey, port: 0, logger: silentLogger, channels });
  process.stdout.write(`${JSON.stringify({ connectionString: host.connectionString })}\n`);
}

void main();

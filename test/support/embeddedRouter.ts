import { startEmbeddedHost, type EmbeddedHost, type EmbeddedHostOptions } from '../../shared/hosting/startEmbeddedHost';
import { silentLogger } from '../../shared/ports/Logger';
import type { Store } from '../../shared/ports/Store';
import { createSignedClient } from './signedClient';

export type TestRouter = EmbeddedHost & { client: ReturnType<typeof createSignedClient>; store: Store };

/** An embedded host on a free port with an in-memory store (or the given data folder), quiet logs. */
export async function startTestRouter(options: EmbeddedHostOptions = {}): Promise<TestRouter> {
  const host = await startEmbeddedHost({ dataDir: ':memory:', port: 0, logger: silentLogger, ...options });
  return { ...host, client: createSignedClient(host.connectionString), store: host.engine.ports.store };
}

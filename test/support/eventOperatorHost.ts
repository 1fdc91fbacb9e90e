import { openSqliteStore } from '../../shared/adapters/embedded/SqliteStore';
import { DEFAULT_MAX_BODY_BYTES, type RouterHttpOptions } from '../../shared/http/handleRequest';
import { connectionString } from '../../shared/hosting/accessKey';
import { createEmbeddedEngine } from '../../shared/hosting/createEmbeddedEngine';
import { listen } from '../../shared/hosting/embeddedServer';
import { silentLogger } from '../../shared/ports/Logger';
import type { Store } from '../../shared/ports/Store';
import { createSignedClient } from './signedClient';

export type EventSettings = Pick<RouterHttpOptions, 'eventChannels' | 'eventTopic' | 'onRedeliver' | 'liveEvents'>;

export interface EventOperatorHost {
  url: string;
  accessKey: string;
  store: Store;
  client: ReturnType<typeof createSignedClient>;
  close(): Promise<void>;
}

/**
 * The embedded host's own parts (engine on an in-memory SQLite store, the node:http server) with only
 * the event settings given here: startEmbeddedHost takes the channel names from its relay and always
 * has the relay's live feed, while these tests name channels of their own, or need a host without a feed.
 */
export async function startEventOperatorHost(settings: EventSettings): Promise<EventOperatorHost> {
  const store = openSqliteStore({ path: ':memory:' });
  const engine = createEmbeddedEngine({ store, logger: silentLogger });
  await engine.start();
  const accessKey = Buffer.alloc(32, 5).toString('base64');
  const listening = await listen({ ports: engine.ports, accessKey, maxBodyBytes: DEFAULT_MAX_BODY_BYTES, logger: silentLogger, ...settings }, '127.0.0.1', 0);
  return {
    url: listening.url,
    accessKey,
    store,
    client: createSignedClient(connectionString(listening.url, accessKey)),
    close: async () => {
      await listening.close();
      await engine.stop();
      await store.close();
    },
  };
}

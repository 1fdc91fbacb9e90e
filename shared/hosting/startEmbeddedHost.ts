import pino from 'pino';
import { DEFAULT_MAX_BODY_BYTES } from '../http/handleRequest';
import type { Clock } from '../ports/Clock';
import type { Logger } from '../ports/Logger';
import type { RouterPorts } from '../ports/RouterPorts';
import { connectionString, loadOrCreateAccessKey } from './accessKey';
import { DEFAULTS, type RouterConfig } from './config';
import { listen } from './embeddedServer';
import { databasePath, openEmbeddedPorts } from './openEmbeddedPorts';

export interface EmbeddedHost {
  /** `http://127.0.0.1:PORT/` */
  url: string;
  accessKey: string;
  connectionString: string;
  /** The SQLite file (or `:memory:`). */
  database: string;
  close(): Promise<void>;
}

export interface EmbeddedHostOptions extends Partial<RouterConfig> {
  logger?: Logger;
  clock?: Clock;
  /** Replaces the SQLite composition (tests that drive ids and time). */
  ports?: RouterPorts;
}

/** Starts the router on one machine: SQLite store, node:http server, everything in-process. */
export async function startEmbeddedHost(options: EmbeddedHostOptions = {}): Promise<EmbeddedHost> {
  const dataDir = options.dataDir ?? DEFAULTS.dataDir;
  const logger = options.logger ?? pino({ level: options.logLevel ?? DEFAULTS.logLevel });
  const accessKey = loadOrCreateAccessKey(dataDir, options.accessKey);
  const ports = options.ports ?? openEmbeddedPorts(dataDir, options.clock);
  try {
    const listening = await listen(
      { ports, accessKey, maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES, logger },
      options.host ?? DEFAULTS.host,
      options.port ?? DEFAULTS.port,
    );
    return {
      url: listening.url,
      accessKey,
      connectionString: connectionString(listening.url, accessKey),
      database: databasePath(dataDir),
      close: async () => {
        await listening.close();
        await ports.store.close();
      },
    };
  } catch (error) {
    await ports.store.close();
    throw error;
  }
}

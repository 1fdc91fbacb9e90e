import pino from 'pino';
import { DEFAULT_MAX_BODY_BYTES } from '../http/handleRequest';
import type { Clock } from '../ports/Clock';
import type { EventChannel } from '../ports/EventChannel';
import type { LiveEvents } from '../ports/LiveEvents';
import type { Logger } from '../ports/Logger';
import type { Store } from '../ports/Store';
import { connectionString, loadOrCreateAccessKey } from './accessKey';
import { DEFAULTS, type RouterConfig } from './config';
import { listen } from './embeddedServer';
import { createEmbeddedEngine, type EmbeddedEngine, type EmbeddedEngineParts } from './createEmbeddedEngine';
import { databasePath, openEmbeddedStore } from './openEmbeddedStore';
import { embeddedReadiness } from './readinessChecks';

export interface EmbeddedHost {
  /** `http://127.0.0.1:PORT/` */
  url: string;
  accessKey: string;
  connectionString: string;
  /** The SQLite file (or `:memory:`). */
  database: string;
  /** The routing engine (tests wait on it to go idle). */
  engine: EmbeddedEngine;
  close(): Promise<void>;
}

export interface EmbeddedHostOptions extends Partial<RouterConfig> {
  logger?: Logger;
  clock?: Clock;
  /** Replaces the SQLite file (tests that read the store directly). */
  store?: Store;
  /** Id generator (tests that need deterministic ids). */
  newId?: () => string;
  /** Draws of weighted allocations (tests that need repeatable ones). */
  random?: () => number;
  /** Where events are delivered besides the store's event history (webhook subscriptions). */
  channels?: readonly EventChannel[];
  /** Retry and dead-letter settings of event delivery (tests shorten them). */
  delivery?: EmbeddedEngineParts['delivery'];
  /** What GET /routing/events:stream sends: the relay's events unless given. */
  liveEvents?: LiveEvents;
  /** The `topic` of events in the history and the live stream (webhooks carry their own). */
  eventTopic?: string;
}

/** Starts the router on one machine: SQLite store, node:http server, everything in-process. */
export async function startEmbeddedHost(options: EmbeddedHostOptions = {}): Promise<EmbeddedHost> {
  const dataDir = options.dataDir ?? DEFAULTS.dataDir;
  const logger = options.logger ?? pino({ level: options.logLevel ?? DEFAULTS.logLevel });
  const accessKey = loadOrCreateAccessKey(dataDir, options.accessKey);
  const store = options.store ?? openEmbeddedStore(dataDir);
  const engine = createEmbeddedEngine({ store, logger, clock: options.clock, newId: options.newId, random: options.random, channels: options.channels, delivery: options.delivery });
  const ports = engine.ports;
  try {
    await engine.start();
    const listening = await listen(
      {
        ports,
        accessKey,
        maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
        logger,
        liveEvents: options.liveEvents ?? engine.relay,
        eventTopic: options.eventTopic,
        eventChannels: engine.relay.channelNames,
        onRedeliver: () => engine.relay.kick(),
        readiness: embeddedReadiness(engine),
      },
      options.host ?? DEFAULTS.host,
      options.port ?? DEFAULTS.port,
    );
    return {
      url: listening.url,
      accessKey,
      connectionString: connectionString(listening.url, accessKey),
      database: databasePath(dataDir),
      engine,
      close: async () => {
        await listening.close();
        await engine.stop();
        await store.close();
      },
    };
  } catch (error) {
    await engine.stop();
    await store.close();
    throw error;
  }
}

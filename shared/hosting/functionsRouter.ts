import pino from 'pino';
import type { RouterHttpOptions } from '../http/handleRequest';
import { loadOrCreateAccessKey } from './accessKey';
import { readConfig } from './config';
import { createEmbeddedEngine } from './createEmbeddedEngine';
import { openEmbeddedStore } from './openEmbeddedStore';

let router: RouterHttpOptions | undefined;

/**
 * The Functions host's composition, built once per worker process from app settings. Until the
 * Cosmos DB adapter is wired in, it uses the embedded engine (SQLite store in
 * JOBROUTER_DATA_DIR, in-process matching and timers: one instance).
 */
export function functionsRouter(): RouterHttpOptions {
  if (!router) {
    const config = readConfig();
    const logger = pino({ level: config.logLevel });
    const engine = createEmbeddedEngine({ store: openEmbeddedStore(config.dataDir), logger });
    engine.start().catch((error: unknown) => logger.error({ err: error }, 'routing engine did not start'));
    router = {
      ports: engine.ports,
      accessKey: loadOrCreateAccessKey(config.dataDir, config.accessKey),
      maxBodyBytes: config.maxBodyBytes,
      logger,
    };
  }
  return router;
}

/** Lets tests compose the Functions host with their own ports. */
export function useFunctionsRouter(options: RouterHttpOptions | undefined): void {
  router = options;
}

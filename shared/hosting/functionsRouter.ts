import pino from 'pino';
import type { RouterHttpOptions } from '../http/handleRequest';
import { loadOrCreateAccessKey } from './accessKey';
import { readConfig } from './config';
import { openEmbeddedPorts } from './openEmbeddedPorts';

let router: RouterHttpOptions | undefined;

/**
 * The Functions host's composition, built once per worker process from app settings. Until the
 * Cosmos DB adapter is wired in, it uses the SQLite store in JOBROUTER_DATA_DIR (one instance).
 */
export function functionsRouter(): RouterHttpOptions {
  if (!router) {
    const config = readConfig();
    router = {
      ports: openEmbeddedPorts(config.dataDir),
      accessKey: loadOrCreateAccessKey(config.dataDir, config.accessKey),
      maxBodyBytes: config.maxBodyBytes,
      logger: pino({ level: config.logLevel }),
    };
  }
  return router;
}

/** Lets tests compose the Functions host with their own ports. */
export function useFunctionsRouter(options: RouterHttpOptions | undefined): void {
  router = options;
}

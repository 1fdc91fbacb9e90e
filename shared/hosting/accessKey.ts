import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export const ACCESS_KEY_FILE = 'access-key';
/** The read-only key's file, next to the access key's. */
export const READONLY_KEY_FILE = 'read-only-key';
/** The bearer token of GET /metrics (a scraper reads it from this file: Prometheus' `credentials_file`). */
export const METRICS_TOKEN_FILE = 'metrics-token';

/**
 * The key from configuration, else the one generated on first start and kept with the data (so the
 * connection string stays the same across restarts), else a new one for an in-memory store.
 */
export function loadOrCreateAccessKey(dataDir: string, configured?: string, fileName: string = ACCESS_KEY_FILE): string {
  if (configured) return configured;
  if (dataDir === ':memory:') return randomBytes(32).toString('base64');
  const file = path.join(dataDir, fileName);
  if (fs.existsSync(file)) return fs.readFileSync(file, 'utf8').trim();
  fs.mkdirSync(dataDir, { recursive: true });
  const key = randomBytes(32).toString('base64');
  // 'wx' so two processes starting together cannot both write different keys.
  try {
    fs.writeFileSync(file, `${key}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return fs.readFileSync(file, 'utf8').trim();
    throw error;
  }
  return key;
}

/**
 * The endpoint goes without a trailing slash. The Python SDK signs the endpoint's text after the
 * scheme as the `host`: its connection-string parser strips a final slash, but a client built from
 * the endpoint alone (`JobRouterClient(endpoint, AzureKeyCredential(key))`) would sign
 * `127.0.0.1:8080/` and be refused. The JS and .NET SDKs take the host from the request URL and
 * accept both forms.
 */
export const connectionString = (endpoint: string, accessKey: string) => `endpoint=${endpoint.replace(/\/+$/, '')};accesskey=${accessKey}`;

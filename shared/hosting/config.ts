import path from 'node:path';

/**
 * Every setting the router reads, with its default. Both hosts read the same names (the Functions
 * host from app settings / local.settings.json, the embedded host from the environment).
 */
export interface RouterConfig {
  /** Interface the embedded server listens on. */
  host: string;
  /** Port of the embedded server; 0 picks a free one. */
  port: number;
  /** Folder of the SQLite file and the generated access key, or `:memory:` for a throwaway store. */
  dataDir: string;
  /** Access key (base64) that requests are signed with; generated into the data folder when absent. */
  accessKey?: string;
  /** Second key (base64) that signs requests allowed only to read; generated into the data folder when absent. */
  readOnlyKey?: string;
  maxBodyBytes: number;
  logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent';
  /** Serve HTTPS (the default of `npm start`): with `tlsCert`/`tlsKey` when given, else a certificate from a local CA generated into the data folder. */
  tls: boolean;
  /** PEM file of the server certificate (and its chain) the operator provides. */
  tlsCert?: string;
  /** PEM file of that certificate's private key. */
  tlsKey?: string;
  /** Keep the metrics and serve them at /metrics (embedded host). */
  metrics: boolean;
  /** Bearer token of /metrics; generated into the data folder when absent. */
  metricsToken?: string;
  /**
   * Azure host: seconds an instance uses its copy of a queue or policy before reading it again, so a
   * change made through another instance reaches it within that time; 0 reads them on every use.
   */
  configCacheSeconds: number;
}

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const satisfies readonly RouterConfig['logLevel'][];

export const SETTINGS = {
  host: 'JOBROUTER_HOST',
  port: 'JOBROUTER_PORT',
  dataDir: 'JOBROUTER_DATA_DIR',
  accessKey: 'JOBROUTER_ACCESS_KEY',
  readOnlyKey: 'JOBROUTER_READONLY_KEY',
  maxBodyBytes: 'JOBROUTER_MAX_BODY_BYTES',
  logLevel: 'JOBROUTER_LOG_LEVEL',
  tls: 'JOBROUTER_TLS',
  tlsCert: 'JOBROUTER_TLS_CERT',
  tlsKey: 'JOBROUTER_TLS_KEY',
  metrics: 'JOBROUTER_METRICS',
  metricsToken: 'JOBROUTER_METRICS_TOKEN',
  configCacheSeconds: 'JOBROUTER_CONFIG_CACHE_SECONDS',
} as const satisfies Record<keyof RouterConfig, string>;

export const DEFAULTS = {
  host: '127.0.0.1',
  port: 8080,
  dataDir: './data',
  maxBodyBytes: 256 * 1024,
  logLevel: 'info',
  tls: true,
  metrics: true,
  configCacheSeconds: 10,
} as const;

/** The longest copy of the configuration an Azure instance may keep: a change must reach every instance. */
export const MAX_CONFIG_CACHE_SECONDS = 3600;

/** The shortest metrics token taken: as hard to guess as the shortest key. */
export const MIN_METRICS_TOKEN_LENGTH = 24;

/**
 * The shortest access key either host takes (and infra/main.bicep's `@minLength`, in base64
 * characters): 128 bits, as much as any HMAC-SHA256 key needs against guessing.
 */
export const MIN_ACCESS_KEY_BYTES = 16;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

function integer(name: string, raw: string, min: number, max: number): number {
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < min || value > max) throw new ConfigError(`${name}="${raw}" must be a whole number from ${min} to ${max}.`);
  return value;
}

function checkedKey(name: 'accessKey' | 'readOnlyKey', key: string | undefined): string | undefined {
  if (key !== undefined && (!/^[A-Za-z0-9+/]+={0,2}$/.test(key) || Buffer.from(key, 'base64').length < MIN_ACCESS_KEY_BYTES)) {
    throw new ConfigError(`${SETTINGS[name]} must be a base64 key of at least ${MIN_ACCESS_KEY_BYTES} bytes (e.g. the output of: openssl rand -base64 32).`);
  }
  return key;
}

export function readConfig(env: NodeJS.ProcessEnv = process.env): RouterConfig {
  const get = (key: keyof typeof SETTINGS) => {
    const value = env[SETTINGS[key]];
    return value === undefined || value === '' ? undefined : value;
  };
  /** A whole-number setting: its default when unset, else checked to lie in [min, max]. */
  const wholeNumber = (key: 'port' | 'maxBodyBytes' | 'configCacheSeconds', min: number, max: number) => {
    const raw = get(key);
    return raw === undefined ? DEFAULTS[key] : integer(SETTINGS[key], raw, min, max);
  };
  const logLevel = get('logLevel') ?? DEFAULTS.logLevel;
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    throw new ConfigError(`${SETTINGS.logLevel}="${logLevel}" must be one of debug, info, warn, error, silent.`);
  }
  const accessKey = checkedKey('accessKey', get('accessKey'));
  const readOnlyKey = checkedKey('readOnlyKey', get('readOnlyKey'));
  if (readOnlyKey !== undefined && readOnlyKey === accessKey) {
    throw new ConfigError(`${SETTINGS.readOnlyKey} is the same as ${SETTINGS.accessKey}: the read-only key must be a key of its own (e.g. the output of: openssl rand -base64 32).`);
  }
  const dataDir = get('dataDir') ?? DEFAULTS.dataDir;
  const tlsRaw = (get('tls') ?? 'on').toLowerCase();
  if (!['on', 'off'].includes(tlsRaw)) throw new ConfigError(`${SETTINGS.tls}="${get('tls')}" must be on or off.`);
  const tlsCert = get('tlsCert');
  const tlsKey = get('tlsKey');
  if ((tlsCert === undefined) !== (tlsKey === undefined)) {
    throw new ConfigError(`${SETTINGS.tlsCert} and ${SETTINGS.tlsKey} go together: set both (PEM files of the certificate and its key) or neither (a certificate is generated).`);
  }
  const metricsRaw = (get('metrics') ?? 'on').toLowerCase();
  if (!['on', 'off'].includes(metricsRaw)) throw new ConfigError(`${SETTINGS.metrics}="${get('metrics')}" must be on or off.`);
  const metricsToken = get('metricsToken');
  if (metricsToken !== undefined && !new RegExp(`^[A-Za-z0-9._~+/=-]{${MIN_METRICS_TOKEN_LENGTH},}$`).test(metricsToken)) {
    throw new ConfigError(`${SETTINGS.metricsToken} must be at least ${MIN_METRICS_TOKEN_LENGTH} characters of A-Z a-z 0-9 . _ ~ + / = - (e.g. the output of: openssl rand -base64 32).`);
  }
  if (tlsRaw === 'off' && tlsCert !== undefined) throw new ConfigError(`${SETTINGS.tlsCert} is set but ${SETTINGS.tls}=off: remove one of them.`);
  return {
    host: get('host') ?? DEFAULTS.host,
    port: wholeNumber('port', 0, 65535),
    dataDir: dataDir === ':memory:' ? dataDir : path.resolve(dataDir),
    accessKey,
    readOnlyKey,
    maxBodyBytes: wholeNumber('maxBodyBytes', 1024, 64 * 1024 * 1024),
    logLevel: logLevel as RouterConfig['logLevel'],
    tls: tlsRaw === 'on',
    tlsCert: tlsCert === undefined ? undefined : path.resolve(tlsCert),
    tlsKey: tlsKey === undefined ? undefined : path.resolve(tlsKey),
    metrics: metricsRaw === 'on',
    metricsToken,
    configCacheSeconds: wholeNumber('configCacheSeconds', 0, MAX_CONFIG_CACHE_SECONDS),
  };
}

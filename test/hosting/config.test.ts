import path from 'node:path';
import { ConfigError, DEFAULTS, readConfig } from '../../shared/hosting/config';

describe('readConfig', () => {
  it('uses the documented defaults', () => {
    expect(readConfig({})).toEqual({
      host: DEFAULTS.host,
      port: 8080,
      dataDir: path.resolve('./data'),
      accessKey: undefined,
      readOnlyKey: undefined,
      maxBodyBytes: 262144,
      logLevel: 'info',
      tls: true,
      tlsCert: undefined,
      tlsKey: undefined,
      metrics: true,
      metricsToken: undefined,
      configCacheSeconds: 10,
    });
  });

  it('reads every setting', () => {
    const key = Buffer.alloc(32, 1).toString('base64');
    const readOnlyKey = Buffer.alloc(32, 2).toString('base64');
    const token = 'scrape-token-0123456789abcdef';
    expect(
      readConfig({
        JOBROUTER_HOST: '0.0.0.0',
        JOBROUTER_PORT: '9000',
        JOBROUTER_DATA_DIR: ':memory:',
        JOBROUTER_ACCESS_KEY: key,
        JOBROUTER_READONLY_KEY: readOnlyKey,
        JOBROUTER_MAX_BODY_BYTES: '4096',
        JOBROUTER_LOG_LEVEL: 'warn',
        JOBROUTER_TLS_CERT: 'certs/router.pem',
        JOBROUTER_TLS_KEY: 'certs/router-key.pem',
        JOBROUTER_METRICS: 'off',
        JOBROUTER_METRICS_TOKEN: token,
        JOBROUTER_CONFIG_CACHE_SECONDS: '0',
      }),
    ).toEqual({
      host: '0.0.0.0',
      port: 9000,
      dataDir: ':memory:',
      accessKey: key,
      readOnlyKey,
      maxBodyBytes: 4096,
      logLevel: 'warn',
      tls: true,
      tlsCert: path.resolve('certs/router.pem'),
      tlsKey: path.resolve('certs/router-key.pem'),
      metrics: false,
      metricsToken: token,
      configCacheSeconds: 0,
    });
    expect(readConfig({ JOBROUTER_TLS: 'off' }).tls).toBe(false);
  });

  it.each([
    ['JOBROUTER_PORT', 'eighty', /JOBROUTER_PORT="eighty" must be a whole number/],
    ['JOBROUTER_PORT', '70000', /from 0 to 65535/],
    ['JOBROUTER_MAX_BODY_BYTES', '10', /from 1024/],
    ['JOBROUTER_LOG_LEVEL', 'loud', /must be one of debug, info/],
    ['JOBROUTER_ACCESS_KEY', 'not base64!', /base64 key of at least 16 bytes/],
    ['JOBROUTER_ACCESS_KEY', 'c2hvcnQ=', /at least 16 bytes/],
    ['JOBROUTER_TLS', 'maybe', /JOBROUTER_TLS="maybe" must be on or off/],
    ['JOBROUTER_READONLY_KEY', 'c2hvcnQ=', /JOBROUTER_READONLY_KEY must be a base64 key of at least 16 bytes/],
    ['JOBROUTER_METRICS', 'yes', /JOBROUTER_METRICS="yes" must be on or off/],
    ['JOBROUTER_METRICS_TOKEN', 'short', /JOBROUTER_METRICS_TOKEN must be at least 24 characters/],
    ['JOBROUTER_TLS_CERT', 'router.pem', /JOBROUTER_TLS_CERT and JOBROUTER_TLS_KEY go together/],
    ['JOBROUTER_CONFIG_CACHE_SECONDS', '-1', /JOBROUTER_CONFIG_CACHE_SECONDS="-1" must be a whole number from 0 to 3600/],
    ['JOBROUTER_CONFIG_CACHE_SECONDS', '3601', /from 0 to 3600/],
  ])('refuses %s=%s with a message that says what to fix', (name, value, message) => {
    expect(() => readConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => readConfig({ [name]: value })).toThrow(message);
  });

  it('refuses a read-only key that is the access key', () => {
    const key = Buffer.alloc(32, 1).toString('base64');
    expect(() => readConfig({ JOBROUTER_ACCESS_KEY: key, JOBROUTER_READONLY_KEY: key })).toThrow(/JOBROUTER_READONLY_KEY is the same as JOBROUTER_ACCESS_KEY/);
  });
});

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startEmbeddedHost } from '../../shared/hosting/startEmbeddedHost';
import { silentLogger } from '../../shared/ports/Logger';
import { createSignedClient, patch } from '../support/signedClient';

describe('embedded host restart on the same data folder', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jobrouter-restart-'));
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('keeps the generated access key and every acknowledged write', async () => {
    const first = await startEmbeddedHost({ port: 0, dataDir, logger: silentLogger });
    const client = createSignedClient(first.connectionString);
    const policy = await patch(client, '/routing/distributionPolicies/dp', { offerExpiresAfterSeconds: 10, mode: { kind: 'roundRobin' } });
    expect(policy.status).toBe('201');
    expect((await patch(client, '/routing/queues/q', { distributionPolicyId: 'dp' })).status).toBe('201');
    await first.close();

    expect(fs.readFileSync(path.join(dataDir, 'access-key'), 'utf8').trim()).toBe(first.accessKey);
    expect((fs.statSync(path.join(dataDir, 'access-key')).mode & 0o777).toString(8)).toBe('600');

    const second = await startEmbeddedHost({ port: 0, dataDir, logger: silentLogger });
    try {
      expect(second.accessKey).toBe(first.accessKey);
      const again = createSignedClient(second.connectionString);
      const read = await again.pathUnchecked('/routing/distributionPolicies/dp').get();
      expect(read.status).toBe('200');
      expect(read.body).toEqual(policy.body);
      expect(read.headers['etag']).toBe(policy.headers['etag']);
      expect((await again.pathUnchecked('/routing/queues/q').get()).status).toBe('200');
    } finally {
      await second.close();
    }
  });

  it('prints a connection string that the SDK parser accepts', async () => {
    const host = await startEmbeddedHost({ port: 0, dataDir, logger: silentLogger });
    try {
      // No trailing slash after the endpoint: the form every SDK signs the same way (ADR 19).
      expect(host.connectionString).toMatch(/^endpoint=http:\/\/127\.0\.0\.1:\d+;accesskey=[A-Za-z0-9+/]+=*$/);
      expect(host.database).toBe(path.join(dataDir, 'jobrouter.db'));
    } finally {
      await host.close();
    }
  });

  it('refuses a second host on the folder while the first runs, and starts one once it stopped', async () => {
    const first = await startEmbeddedHost({ port: 0, dataDir, logger: silentLogger });
    try {
      await expect(startEmbeddedHost({ port: 0, dataDir, logger: silentLogger })).rejects.toThrow(`Another Job Router (pid ${process.pid}) is using the data folder ${dataDir}`);
    } finally {
      await first.close();
    }
    expect(fs.existsSync(path.join(dataDir, 'jobrouter.lock'))).toBe(false);
    const next = await startEmbeddedHost({ port: 0, dataDir, logger: silentLogger });
    await next.close();
  });
});

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { READONLY_KEY_FILE } from '../../shared/hosting/accessKey';
import { startTestRouter, type TestRouter } from '../support/embeddedRouter';
import { createSignedClient, patch } from '../support/signedClient';

/**
 * The read-only key on the embedded host: requests signed with it by the real SDK credential policy
 * may read everything and change nothing.
 */

const errorOf = (body: unknown) => (body as { communicationError: { code: string; message: string; target: string } }).communicationError;

describe('the read-only key (embedded host)', () => {
  let router: TestRouter;
  let reader: ReturnType<typeof createSignedClient>;

  beforeAll(async () => {
    router = await startTestRouter();
    reader = createSignedClient(router.readOnlyConnectionString);
    expect((await patch(router.client, '/routing/distributionPolicies/ro-dp', { offerExpiresAfterSeconds: 30, mode: { kind: 'longestIdle' } })).status).toBe('201');
    expect((await patch(router.client, '/routing/queues/ro-q', { distributionPolicyId: 'ro-dp' })).status).toBe('201');
    expect((await patch(router.client, '/routing/jobs/ro-job', { channelId: 'voice', queueId: 'ro-q' })).status).toBe('201');
  });
  afterAll(async () => {
    await router.close();
  });

  it('is a key of its own, in a connection string of its own', () => {
    expect(router.readOnlyKey).not.toBe(router.accessKey);
    expect(Buffer.from(router.readOnlyKey, 'base64').length).toBeGreaterThanOrEqual(32);
    expect(router.readOnlyConnectionString).toBe(router.connectionString.replace(router.accessKey, router.readOnlyKey));
  });

  it.each([
    ['a resource', '/routing/queues/ro-q'],
    ['a list', '/routing/jobs'],
    ['queue statistics', '/routing/queues/ro-q/statistics'],
    ['a job position', '/routing/jobs/ro-job/position'],
    ['the event history', '/routing/events'],
  ])('reads %s', async (_what, route) => {
    const response = await reader.pathUnchecked(route).get();
    expect(response.status).toBe('200');
  });

  it('opens the live event stream', async () => {
    const controller = new AbortController();
    const response = await reader.pathUnchecked('/routing/events:stream').get({ abortSignal: controller.signal }).asNodeStream();
    try {
      expect(response.status).toBe('200');
      expect(response.headers['content-type']).toMatch(/^text\/event-stream/);
    } finally {
      controller.abort();
      (response.body as NodeJS.ReadableStream & { destroy?: () => void } | undefined)?.destroy?.();
    }
  });

  it.each([
    ['an upsert (PATCH)', () => patch(reader, '/routing/queues/ro-new', { distributionPolicyId: 'ro-dp' }), '/routing/queues/ro-new', 'UpsertQueue'],
    ['an update of an existing job', () => patch(reader, '/routing/jobs/ro-job', { priority: 7 }), '/routing/jobs/ro-job', 'UpsertJob'],
    ['an action without a body (POST)', () => reader.pathUnchecked('/routing/jobs/ro-job:cancel').post(), '/routing/jobs/ro-job:cancel', 'CancelJob'],
    ['a delete', () => reader.pathUnchecked('/routing/queues/ro-q').delete(), '/routing/queues/ro-q', 'DeleteQueue'],
  ])('refuses %s with 403 saying the key is read-only, and changes nothing', async (_what, send, target, operationId) => {
    const before = await Promise.all([router.client.pathUnchecked('/routing/queues/ro-q').get(), router.client.pathUnchecked('/routing/jobs/ro-job').get()]);
    const response = await send();
    expect(response.status).toBe('403');
    const error = errorOf(response.body);
    expect(error).toMatchObject({ code: 'Forbidden', target });
    expect(error.message).toMatch(/read-only key/);
    expect(error.message).toContain(operationId);
    const after = await Promise.all([router.client.pathUnchecked('/routing/queues/ro-q').get(), router.client.pathUnchecked('/routing/jobs/ro-job').get()]);
    expect(after.map((r) => r.headers['etag'])).toEqual(before.map((r) => r.headers['etag']));
    expect((await router.client.pathUnchecked('/routing/queues/ro-new').get()).status).toBe('404');
  });

  it('authenticates before it authorizes: a write signed with a wrong key is a 401, not a 403', async () => {
    const stranger = createSignedClient(`endpoint=${router.url};accesskey=${Buffer.alloc(32, 3).toString('base64')}`);
    expect((await patch(stranger, '/routing/queues/ro-new', { distributionPolicyId: 'ro-dp' })).status).toBe('401');
  });

  it('leaves the access key allowed to write', async () => {
    expect((await patch(router.client, '/routing/jobs/ro-job', { priority: 3 })).status).toBe('200');
  });
});

describe('the read-only key file', () => {
  it('is generated into the data folder on first start and kept across restarts', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jobrouter-ro-'));
    try {
      const first = await startTestRouter({ dataDir });
      const key = first.readOnlyKey;
      await first.close();
      expect(fs.readFileSync(path.join(dataDir, READONLY_KEY_FILE), 'utf8').trim()).toBe(key);
      expect(fs.statSync(path.join(dataDir, READONLY_KEY_FILE)).mode & 0o777).toBe(0o600);
      const second = await startTestRouter({ dataDir });
      expect(second.readOnlyKey).toBe(key);
      expect((await createSignedClient(second.readOnlyConnectionString).pathUnchecked('/routing/queues').get()).status).toBe('200');
      await second.close();
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('is refused at start when it is the access key', async () => {
    const key = Buffer.alloc(32, 5).toString('base64');
    await expect(startTestRouter({ accessKey: key, readOnlyKey: key })).rejects.toThrow(/read-only key is the same as the access key/);
  });
});

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Client } from '@azure-rest/core-client';
import { openEmbeddedStore } from '../../shared/hosting/openEmbeddedStore';
import { startEmbeddedHost, type EmbeddedHost } from '../../shared/hosting/startEmbeddedHost';
import { silentLogger } from '../../shared/ports/Logger';
import type { Store } from '../../shared/ports/Store';
import { clockSignedClient } from '../support/clockSignedClient';
import { MINUTE, newSignableTestClock } from '../support/routingFixtures';
import { patch } from '../support/signedClient';
import type { TestClock } from '../support/testClock';

/**
 * Events a crash left in outboxes, recorded by the next start's sweep, are in the cumulative statistics:
 * the embedded host through its real pieces (SQLite file, HTTP, relay, projector), with a test double of
 * the crash instant (the store refuses to record events, as if the process died right after committing).
 */

const accessKey = randomBytes(32).toString('base64');

/**
 * The file store, refusing to record the new events `refused` picks: the process died right after
 * committing them (or, for some, failed to record them and went on). Events the history holds already
 * meet the real store's conflict, as a recording again does.
 */
function refusingEvents(file: Store, refused: (event: { data: Record<string, unknown> }) => boolean = () => true): Store {
  return Object.assign(Object.create(file) as Store, {
    create: async (doc: Parameters<Store['create']>[0]) => {
      if (doc.collection === 'events' && refused(doc.body as { data: Record<string, unknown> }) && !(await file.get('events', doc.id))) throw new Error('the process died here');
      return file.create(doc);
    },
    close: async () => {},
  });
}

const received = async (client: Client, clock: TestClock, from: Date) => {
  const response = await client.pathUnchecked(`/routing/statistics/cumulative?from=${from.toISOString()}&to=${new Date(clock.now().getTime() + MINUTE).toISOString()}`).get();
  expect(response.status).toBe('200');
  const body = response.body as { projectedThrough: string; total: { jobs: { received: number; queued: number } } };
  return { ...body.total.jobs, projectedThrough: body.projectedThrough };
};

describe('late-recorded events in the cumulative statistics', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jobrouter-late-'));
  });
  afterEach(() => {
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const host = (clock: TestClock, store?: Store) => startEmbeddedHost({ dataDir, accessKey, port: 0, logger: silentLogger, clock, store, statisticsEveryMs: 0 });

  it('a job whose events a crash left in its outbox is counted once the restart has recorded them', async () => {
    const clock = newSignableTestClock();
    const start = clock.now();
    let first: EmbeddedHost = await host(clock);
    let client = clockSignedClient(first.connectionString, clock);
    await patch(client, '/routing/distributionPolicies/dp', { offerExpiresAfterSeconds: 600, mode: { kind: 'longestIdle' } });
    await patch(client, '/routing/queues/q', { distributionPolicyId: 'dp' });
    expect((await patch(client, '/routing/jobs/j0', { queueId: 'q', channelId: 'voice' })).status).toBe('201');
    clock.advance(MINUTE);
    expect(await received(client, clock, start)).toMatchObject({ received: 1, queued: 1 });
    await first.close();

    // The next job's change commits, then the process dies before recording its events.
    const file = openEmbeddedStore(dataDir);
    first = await host(clock, refusingEvents(file));
    client = clockSignedClient(first.connectionString, clock);
    expect((await patch(client, '/routing/jobs/j1', { queueId: 'q', channelId: 'voice' })).status).toBe('201');
    await first.close();
    await file.close();

    clock.advance(10 * MINUTE);
    const restarted = await host(clock);
    try {
      expect(await received(clockSignedClient(restarted.connectionString, clock), clock, start)).toMatchObject({ received: 2, queued: 2 });
    } finally {
      await restarted.close();
    }
  });

  it('a job whose recording failed while later events were projected is counted once the sweep recorded it', async () => {
    const clock = newSignableTestClock();
    const start = clock.now();
    const file = openEmbeddedStore(dataDir);
    const failing = await host(clock, refusingEvents(file, (event) => event.data['jobId'] === 'j1'));
    try {
      const client = clockSignedClient(failing.connectionString, clock);
      await patch(client, '/routing/distributionPolicies/dp', { offerExpiresAfterSeconds: 600, mode: { kind: 'longestIdle' } });
      await patch(client, '/routing/queues/q', { distributionPolicyId: 'dp' });
      const j1At = clock.now().toISOString();
      expect((await patch(client, '/routing/jobs/j1', { queueId: 'q', channelId: 'voice' })).status).toBe('201');
      clock.advance(1000);
      expect((await patch(client, '/routing/jobs/j2', { queueId: 'q', channelId: 'voice' })).status).toBe('201');
      clock.advance(MINUTE);
      // j2 is recorded and j1 is not: the statistics wait before j1 rather than move past it …
      const meanwhile = await received(client, clock, start);
      expect(meanwhile).toMatchObject({ received: 0 });
      expect(meanwhile.projectedThrough < j1At).toBe(true);
    } finally {
      await failing.close();
      await file.close();
    }
    // … then the sweep of the next start records them.
    const restarted = await host(clock);
    try {
      expect(await received(clockSignedClient(restarted.connectionString, clock), clock, start)).toMatchObject({ received: 2, queued: 2 });
    } finally {
      await restarted.close();
    }
  });
});

import { timerFor } from '../../shared/app/timers/timerKinds';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openSqliteStore } from '../../shared/adapters/embedded/SqliteStore';
import { StoreScheduler } from '../../shared/adapters/embedded/StoreScheduler';
import { deadLetterDocument } from '../../shared/app/timerDeadLetters';
import { prometheusPipeline } from '../../shared/observability/metricsPipelines';
import { observeStore } from '../../shared/observability/storeGauges';
import { DeliveryFailure, type EventChannel } from '../../shared/ports/EventChannel';
import { silentLogger } from '../../shared/ports/Logger';
import type { RouterEvent } from '../../shared/ports/EventPublisher';
import { startTestRouter, type TestRouter } from '../support/embeddedRouter';
import { createSignedClient, patch } from '../support/signedClient';
import { TestClock } from '../support/testClock';
import { has, parseExposition, valueOf, type Sample } from './prometheusText';

/**
 * GET /metrics on the embedded host, scraped over HTTP the way Prometheus does (bearer token) after a
 * scripted job lifecycle on a test clock: each figure moves as the lifecycle says it must. The store is
 * a SQLite file (group commit, so commits are timed). The two event subscriptions are in-process
 * EventChannel implementations (one takes every event, one refuses every event): they stand in for
 * webhook receivers, whose HTTP side other suites test; what is measured here is the relay's side.
 */

const T0 = new Date(Math.floor(Date.now() / 1000) * 1000).toISOString();

class TakingChannel implements EventChannel {
  readonly maxBatch = 50;
  readonly taken: RouterEvent[] = [];
  constructor(readonly name: string) {}
  accepts = () => true;
  deliver(events: readonly RouterEvent[]): Promise<void> {
    this.taken.push(...events);
    return Promise.resolve();
  }
}

class RefusingChannel implements EventChannel {
  readonly maxBatch = 50;
  refused = 0;
  constructor(readonly name: string) {}
  accepts = () => true;
  deliver(events: readonly RouterEvent[]): Promise<void> {
    this.refused += events.length;
    return Promise.reject(new DeliveryFailure('410 Gone: this receiver takes nothing', true));
  }
}

describe('GET /metrics after a job lifecycle', () => {
  let dataDir: string;
  let router: TestRouter;
  const clock = new TestClock(T0);
  const taking = new TakingChannel('taking');
  const refusing = new RefusingChannel('refusing');

  const scrape = async (): Promise<Sample[]> => {
    const response = await fetch(`${router.url}metrics`, { headers: { authorization: `Bearer ${router.metricsToken ?? ''}` } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    return parseExposition(await response.text());
  };
  const settle = async () => {
    await router.engine.idle();
    await router.engine.relay.idle();
  };
  const requests = (samples: Sample[], operation: string, status: string) => valueOf(samples, 'jobrouter_http_request_duration_seconds_count', { operation, status });

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jobrouter-metrics-'));
    router = await startTestRouter({ dataDir, clock, channels: [taking, refusing] });
  });
  afterAll(async () => {
    await router.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('moves every figure as the lifecycle says', async () => {
    const start = await scrape();
    expect(valueOf(start, 'jobrouter_offers_total')).toBe(0);

    expect((await patch(router.client, '/routing/distributionPolicies/dp', { offerExpiresAfterSeconds: 600, mode: { kind: 'longestIdle' } })).status).toBe('201');
    expect((await patch(router.client, '/routing/queues/q', { distributionPolicyId: 'dp' })).status).toBe('201');
    expect((await patch(router.client, '/routing/jobs/j1', { queueId: 'q', channelId: 'voice' })).status).toBe('201');
    await settle();
    clock.advance(30_000);

    const waiting = await scrape();
    expect(valueOf(waiting, 'jobrouter_queue_depth', { queue: 'q' })).toBe(1);
    expect(valueOf(waiting, 'jobrouter_queue_longest_wait_seconds', { queue: 'q' })).toBe(30);
    expect(valueOf(waiting, 'jobrouter_job_transitions_total', { transition: 'received', queue: 'q' })).toBe(1);
    expect(valueOf(waiting, 'jobrouter_job_transitions_total', { transition: 'queued', queue: 'q' })).toBe(1);
    expect(valueOf(waiting, 'jobrouter_job_transitions_total', { transition: 'assigned' })).toBe(0);
    expect(requests(waiting, 'UpsertJob', '201') - requests(start, 'UpsertJob', '201')).toBe(1);
    expect(requests(waiting, 'UpsertQueue', '201')).toBe(1);
    expect(has(waiting, 'jobrouter_http_request_duration_seconds_bucket', { operation: 'UpsertJob', le: '+Inf' })).toBe(true);

    const worker = await patch(router.client, '/routing/workers/w', { capacity: 1, queues: ['q'], channels: [{ channelId: 'voice', capacityCostPerJob: 1 }], availableForOffers: true });
    expect(worker.status).toBe('201');
    await settle();
    const offers = (await router.client.pathUnchecked('/routing/workers/w').get()).body.offers as { offerId: string }[];
    expect(offers).toHaveLength(1);
    const accepted = await router.client.pathUnchecked(`/routing/workers/w/offers/${offers[0]?.offerId ?? ''}:accept`).post();
    expect(accepted.status).toBe('200');
    const assignmentId = accepted.body.assignmentId as string;
    clock.advance(5_000);
    expect((await router.client.pathUnchecked(`/routing/jobs/j1/assignments/${assignmentId}:complete`).post()).status).toBe('200');
    expect((await router.client.pathUnchecked(`/routing/jobs/j1/assignments/${assignmentId}:close`).post()).status).toBe('200');
    await settle();

    const done = await scrape();
    expect(valueOf(done, 'jobrouter_queue_depth', { queue: 'q' })).toBe(0);
    expect(valueOf(done, 'jobrouter_queue_longest_wait_seconds', { queue: 'q' })).toBe(0);
    expect(valueOf(done, 'jobrouter_offers_total', { outcome: 'issued', queue: 'q' })).toBe(1);
    expect(valueOf(done, 'jobrouter_offers_total', { outcome: 'accepted', queue: 'q' })).toBe(1);
    expect(valueOf(done, 'jobrouter_offers_total', { outcome: 'declined' })).toBe(0);
    for (const transition of ['assigned', 'completed', 'closed']) expect(valueOf(done, 'jobrouter_job_transitions_total', { transition, queue: 'q' })).toBe(1);
    expect(valueOf(done, 'jobrouter_job_transitions_total', { transition: 'cancelled' })).toBe(0);
    expect(requests(done, 'AcceptJobOffer', '200')).toBe(1);

    // Event delivery: every event the taking subscription got was measured; the refusing one dead-lettered all of its events.
    // Received, Queued, WorkerRegistered, OfferIssued, OfferAccepted, Completed, Closed.
    expect(taking.taken.length).toBeGreaterThanOrEqual(7);
    expect(valueOf(done, 'jobrouter_event_delivery_lag_seconds_count', { subscription: 'taking' })).toBe(taking.taken.length);
    expect(valueOf(done, 'jobrouter_event_delivery_lag_seconds_count', { subscription: 'refusing' })).toBe(0);
    expect(valueOf(done, 'jobrouter_event_dead_letters', { subscription: 'refusing' })).toBe(refusing.refused);
    expect(valueOf(done, 'jobrouter_event_dead_letters', { subscription: 'taking' })).toBe(0);
    expect(valueOf(done, 'jobrouter_event_pending', { subscription: 'taking' })).toBe(0);

    // Every answered write waited for a group commit: the SQLite file was synced, and each sync timed.
    expect(valueOf(done, 'jobrouter_store_commit_duration_seconds_count')).toBeGreaterThan(valueOf(start, 'jobrouter_store_commit_duration_seconds_count'));
    expect(valueOf(done, 'jobrouter_store_commit_duration_seconds_sum')).toBeGreaterThan(0);
    expect(valueOf(done, 'jobrouter_timer_backlog')).toBe(0);
    expect(valueOf(done, 'jobrouter_timer_dead_letters')).toBe(0);
  });

  it('files requests that match no route under one operation label, whatever the path', async () => {
    const before = await scrape();
    for (const id of ['a', 'b', 'c']) expect((await router.client.pathUnchecked(`/routing/nothing-here-${id}`).get()).status).toBe('404');
    const after = await scrape();
    expect(requests(after, 'unmatched', '404') - requests(before, 'unmatched', '404')).toBe(3);
    expect(after.some((s) => Object.values(s.labels).some((v) => v.includes('nothing-here')))).toBe(false);
  });

  it('answers a scraper without the token, or with another, 401 in the communicationError shape', async () => {
    const tries: Record<string, string>[] = [{}, { authorization: 'Bearer not-the-token-0123456789' }, { authorization: 'Basic dXNlcjpwYXNz' }];
    for (const headers of tries) {
      const response = await fetch(`${router.url}metrics`, { headers });
      expect(response.status).toBe(401);
      const body = (await response.json()) as { communicationError: { code: string; target: string; message: string } };
      expect(body.communicationError).toMatchObject({ code: 'Unauthorized', target: '/metrics' });
    }
  });

  it('serves a request signed with the read-only key (or the access key), and refuses other methods with 405', async () => {
    for (const connection of [router.readOnlyConnectionString, router.connectionString]) {
      const response = await createSignedClient(connection).pathUnchecked('/metrics').get();
      expect(response.status).toBe('200');
      expect(String(response.body)).toContain('jobrouter_queue_depth{queue="q"');
    }
    const post = await fetch(`${router.url}metrics`, { method: 'POST', headers: { authorization: `Bearer ${router.metricsToken ?? ''}` } });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
  });

  it('keeps the token in the data folder, owner-only, for a scraper to read (credentials_file)', () => {
    const file = path.join(dataDir, 'metrics-token');
    expect(fs.readFileSync(file, 'utf8').trim()).toBe(router.metricsToken);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  });
});

describe('metrics turned off (JOBROUTER_METRICS=off)', () => {
  it('serves no /metrics: the path is an unknown route like any other', async () => {
    const router = await startTestRouter({ metrics: false });
    try {
      expect(router.metricsToken).toBeUndefined();
      expect((await fetch(`${router.url}metrics`)).status).toBe(401);
      expect((await router.client.pathUnchecked('/metrics').get()).status).toBe('404');
    } finally {
      await router.close();
    }
  });
});

describe('the timer gauges', () => {
  it('count timers due and not fired (the loop is not running here), and dead letters', async () => {
    const clock = new TestClock(T0);
    const store = openSqliteStore({ path: ':memory:' });
    const pipeline = prometheusPipeline();
    try {
      observeStore(pipeline.metrics.meter, { store, clock, logger: silentLogger, channels: [], timersInStore: true });
      const scheduler = new StoreScheduler(store, clock, silentLogger);
      const at = (ms: number) => new Date(clock.now().getTime() + ms).toISOString();
      await scheduler.schedule(timerFor('offerExpiry', { offerId: 'due-1', jobId: 'j', workerId: 'w' }, at(-1000)));
      await scheduler.schedule(timerFor('offerExpiry', { offerId: 'due-2', jobId: 'j', workerId: 'w' }, at(0)));
      await scheduler.schedule(timerFor('offerExpiry', { offerId: 'later', jobId: 'j', workerId: 'w' }, at(60_000)));
      await store.create(deadLetterDocument({ id: 'given-up', kind: 'offerExpiry', dueAt: at(-5000), payload: {} }, 'handler failed', 10, clock.now()));
      const first = parseExposition(await pipeline.scrape());
      expect(valueOf(first, 'jobrouter_timer_backlog')).toBe(2);
      expect(valueOf(first, 'jobrouter_timer_dead_letters')).toBe(1);
      clock.advance(60_000);
      expect(valueOf(parseExposition(await pipeline.scrape()), 'jobrouter_timer_backlog')).toBe(3);
    } finally {
      await pipeline.shutdown();
      await store.close();
    }
  });
});

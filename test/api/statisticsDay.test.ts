import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from '@azure-rest/core-client';
import type { RouterEvent } from '../../shared/ports/EventPublisher';
import { clockSignedClient } from '../support/clockSignedClient';
import { recordedEvents } from '../support/recordedEvents';
import { startRouterUnderTest, type RouterUnderTest } from '../support/routerUnderTest';
import { DAY_SCOPES, DAY_START, runStatisticsDay } from '../support/statisticsDay';
import { TestClock } from '../support/testClock';

/**
 * Statistics over a scripted day (test/support/statisticsDay.ts) on a test clock. The figures must
 * (1) agree with the event history they come from, recomputed here from the raw events by a separate,
 * plain reading of them, and (2) be the same on both compositions: this suite runs on the embedded host
 * and, from test/azure/onAzureHost/statisticsDay.test.ts, on the Azure host's; both compare their
 * answers with one fixture (written by the embedded run when STATISTICS_FIXTURE=write).
 */

const FIXTURE = join(__dirname, '..', 'fixtures', 'statistics', 'day.json');
const DAY_END = '2026-01-06T00:00:00.000Z';

let router: RouterUnderTest;
let clock: TestClock;
let client: Client;
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the answer's members are read as the wire has them
let waitingSeen: any;
let events: RouterEvent[];

beforeAll(async () => {
  clock = new TestClock(DAY_START);
  router = await startRouterUnderTest({ clock, newId: counter() });
  client = clockSignedClient(router.connectionString, clock);
  ({ waitingSeen } = await runStatisticsDay(router, clock, client));
  events = await recordedEvents(router.store);
}, 120_000);

afterAll(async () => {
  await router?.close();
});

function counter() {
  let n = 0;
  return () => `id-${String(++n).padStart(6, '0')}`;
}

const cumulative = async (query: string) => {
  const response = await client.pathUnchecked(`/routing/statistics/cumulative?${query}`).get();
  expect(response.status).toBe('200');
  return response.body;
};

test('the real-time view shows a job waiting, with its wait and priority, while no worker can take it', () => {
  const support = waitingSeen.queues.find((q: { queueId: string }) => q.queueId === 'support');
  expect(support).toMatchObject({ waiting: 1, waitingByPriority: { '5': 1 }, longestWaitSeconds: 40, meanWaitSeconds: 40 });
  expect(waitingSeen.router.waiting).toBe(1);
  expect(waitingSeen.workers.find((w: { workerId: string }) => w.workerId === 'ann')).toMatchObject({ state: 'inactive', availableForOffers: false, secondsInState: 40 });
  expect(waitingSeen.router.workersByState).toEqual({ active: 2, draining: 0, inactive: 1 });
  // bob: 2 capacity, voice costs 2, chat 1 → 1 voice or 2 chats; cid: 2 chats.
  expect(waitingSeen.router.availableCapacityByChannel).toEqual({ voice: 1, chat: 4 });
});

/** A plain reading of the history: each figure straight from its definition in docs/statistics.md. */
function recompute(inScope: (event: RouterEvent) => boolean, thresholdSeconds: number) {
  const jobs = new Map<string, { queuedAt?: number; assignedAt?: number; completedAt?: number; assigned: boolean }>();
  const counts: Record<string, number> = {};
  const waits: number[] = [];
  const handles: number[] = [];
  const wraps: number[] = [];
  let abandonedAfterQueue = 0;
  const bump = (name: string) => (counts[name] = (counts[name] ?? 0) + 1);
  for (const event of events) {
    const jobId = event.data['jobId'] as string | undefined;
    if (!jobId) continue;
    const job = jobs.get(jobId) ?? { assigned: false };
    jobs.set(jobId, job);
    const t = Date.parse(event.time);
    const counted = inScope(event);
    switch (event.type) {
      case 'RouterJobReceived':
        if (counted) bump('received');
        break;
      case 'RouterJobQueued':
        job.queuedAt = t;
        if (counted) bump('queued');
        break;
      case 'RouterWorkerOfferIssued':
        if (counted) bump('issued');
        break;
      case 'RouterWorkerOfferDeclined':
        if (counted) bump('declined');
        break;
      case 'RouterWorkerOfferRevoked':
        if (counted) bump('revoked');
        break;
      case 'RouterWorkerOfferAccepted':
        if (counted) {
          bump('assigned');
          waits.push(t - job.queuedAt!);
        }
        job.assigned = true;
        job.assignedAt = t;
        job.queuedAt = undefined;
        break;
      case 'RouterJobCompleted':
        if (counted) {
          bump('completed');
          handles.push(t - job.assignedAt!);
        }
        job.completedAt = t;
        break;
      case 'RouterJobClosed':
        if (counted) {
          bump('closed');
          wraps.push(t - job.completedAt!);
        }
        job.assigned = false;
        break;
      case 'RouterJobCancelled':
        if (counted) {
          bump('cancelled');
          bump(job.assigned ? 'cancelledAfterAssignment' : 'abandoned');
          if (!job.assigned && job.queuedAt !== undefined) abandonedAfterQueue++;
        }
        job.assigned = false;
        break;
      default:
        break;
    }
  }
  const mean = (values: number[]) => (values.length === 0 ? null : Math.round((values.reduce((a, b) => a + b, 0) / values.length / 1000) * 1000) / 1000);
  const max = (values: number[]) => (values.length === 0 ? null : Math.max(...values) / 1000);
  const within = waits.filter((ms) => ms <= thresholdSeconds * 1000).length;
  return {
    counts,
    wait: { count: waits.length, meanSeconds: mean(waits), maxSeconds: max(waits) },
    handle: { count: handles.length, meanSeconds: mean(handles), maxSeconds: max(handles) },
    wrap: { count: wraps.length, meanSeconds: mean(wraps), maxSeconds: max(wraps) },
    serviceLevel: { assignedWithinThreshold: within, assigned: waits.length, abandoned: abandonedAfterQueue, share: waits.length + abandonedAfterQueue === 0 ? null : Math.round((within / (waits.length + abandonedAfterQueue)) * 10_000) / 10_000 },
  };
}

test.each([
  ['the whole router', '', () => true, 20],
  ['the sales queue (its own 30 s threshold)', 'queueId=sales', (e: RouterEvent) => e.data['queueId'] === 'sales', 30],
  ['the support queue', 'queueId=support', (e: RouterEvent) => e.data['queueId'] === 'support', 20],
  ['the chat channel', 'channelId=chat', (e: RouterEvent) => e.data['channelId'] === 'chat', 20],
])('cumulative figures of %s agree with the raw events', async (_name, scope, inScope, threshold) => {
  const answer = await cumulative(`${scope}&from=${DAY_START}&to=${DAY_END}`);
  const expected = recompute(inScope, threshold);
  const { total } = answer;
  const n = (name: string) => expected.counts[name] ?? 0;
  expect(total.jobs).toMatchObject({ received: n('received'), queued: n('queued'), assigned: n('assigned'), completed: n('completed'), closed: n('closed'), cancelled: n('cancelled'), abandoned: n('abandoned'), cancelledAfterAssignment: n('cancelledAfterAssignment') });
  expect(total.offers).toMatchObject({ issued: n('issued'), accepted: n('assigned'), declined: n('declined'), revoked: n('revoked') });
  expect(total.waitUntilAssigned).toMatchObject(expected.wait);
  expect(total.handleTime).toMatchObject(expected.handle);
  expect(total.wrapUp).toMatchObject(expected.wrap);
  expect(total.serviceLevel).toEqual({ thresholdSeconds: threshold, ...expected.serviceLevel });
  // The day is not empty: every kind of ending happened somewhere.
  if (scope === '') {
    for (const name of ['closed', 'abandoned', 'cancelledAfterAssignment', 'declined']) expect(n(name)).toBeGreaterThan(0);
  }
});

test('hourly buckets add up to the day, and a worker\'s time adds up to its hours signed in', async () => {
  const day = await cumulative(`from=${DAY_START}&to=${DAY_END}&bucketMinutes=60`);
  expect(day.buckets).toHaveLength(16);
  type Bucket = { jobs: { received: number }; waitUntilAssigned: { count: number }; workers: { busySeconds: number } };
  const sum = (pick: (figures: Bucket) => number) => (day.buckets as Bucket[]).reduce((total, bucket) => total + pick(bucket), 0);
  expect(sum((b) => b.jobs.received)).toBe(day.total.jobs.received);
  expect(sum((b) => b.waitUntilAssigned.count)).toBe(day.total.waitUntilAssigned.count);
  expect(sum((b) => b.workers.busySeconds)).toBeCloseTo(day.total.workers.busySeconds, 2);
  const ann = await cumulative(`workerId=ann&from=${DAY_START}&to=${DAY_END}`);
  expect(ann.total.workers.occupancy).toBeGreaterThan(0);
  expect(ann.total.workers.occupancy).toBeLessThanOrEqual(1);
  expect(ann.total.workers.busySeconds).toBeLessThanOrEqual(ann.total.workers.signedInSeconds);
});

test.each([
  ['2026-01-05T08:35:00Z', '2026-01-05T13:10:00Z'],
  ['2026-01-05T09:55:00Z', '2026-01-05T10:05:00Z'],
  ['2026-01-05T07:00:00Z', '2026-01-06T00:00:00Z'],
])('a window %s – %s read from days, hours and five-minute slots equals the sum of its five-minute buckets', async (from, to) => {
  for (const scope of ['', 'queueId=sales', 'workerId=bob']) {
    const answer = await cumulative(`${scope}&from=${from}&to=${to}&bucketMinutes=5`);
    const sum = (pick: (figures: typeof answer.total) => number) => (answer.buckets as (typeof answer.total)[]).reduce((total, bucket) => total + pick(bucket), 0);
    expect(sum((b) => b.jobs.received)).toBe(answer.total.jobs.received);
    expect(sum((b) => b.jobs.closed)).toBe(answer.total.jobs.closed);
    expect(sum((b) => b.waitUntilAssigned.count)).toBe(answer.total.waitUntilAssigned.count);
    expect(sum((b) => b.workers.signedInSeconds)).toBeCloseTo(answer.total.workers.signedInSeconds, 1);
  }
});

test('the answers are the ones in the fixture, whichever composition gives them', async () => {
  const answers: Record<string, unknown> = {};
  for (const scope of DAY_SCOPES) {
    // Hourly buckets of the whole router; totals of every other scope (a smaller fixture, the same reads).
    const { projectedThrough: _through, ...answer } = await cumulative(`${scope}&from=${DAY_START}&to=${DAY_END}${scope === '' ? '&bucketMinutes=60' : ''}`);
    answers[scope || 'router'] = answer;
  }
  if (process.env['STATISTICS_FIXTURE'] === 'write' && process.env['JOBROUTER_TEST_HOST'] !== 'azure') writeFileSync(FIXTURE, `${JSON.stringify(answers, null, 1)}\n`);
  expect(existsSync(FIXTURE)).toBe(true);
  expect(answers).toEqual(JSON.parse(readFileSync(FIXTURE, 'utf8')));
});

test('bad statistics queries get a 400 that says what to send', async () => {
  const bad = async (query: string, text: RegExp) => {
    const response = await client.pathUnchecked(`/routing/statistics/cumulative?${query}`).get();
    expect(response.status).toBe('400');
    expect(response.body.communicationError.message).toMatch(text);
  };
  await bad('queueId=a&workerId=b', /at most one/);
  await bad('minutes=0', /whole number from 1/);
  await bad('from=yesterday&to=2026-01-06T00:00:00Z', /ISO 8601/);
  await bad('from=2026-01-06T00:00:00Z&to=2026-01-05T00:00:00Z', /empty/);
  await bad('bucketMinutes=7', /one of 5, 15, 60, 1440/);
  await bad('minutes=43200&bucketMinutes=5', /at most 2016/);
  await bad('serviceLevelThresholdSeconds=601', /1 to 600/);
});

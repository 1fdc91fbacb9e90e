import type { RouterEvent } from '../../shared/ports/EventPublisher';
import type { Store } from '../../shared/ports/Store';
import { startRouterUnderTest, type RouterUnderTest } from '../support/routerUnderTest';
import { recordedEvents } from '../support/recordedEvents';
import { patch } from '../support/signedClient';
import { TestClock } from '../support/testClock';

/**
 * The job and worker lifecycle through the real signing client (docs/behaviour.md#job-actions, #job-state-machine, #offers,
 * #worker-states, #capacity, #which-change-emits-which-event): complete, close (now and at `closeAt`), unassign, cancel,
 * delete, worker registration and deletion, and the 409s of illegal transitions. The clock is a
 * TestClock, so timestamps are exact and offers never expire unless a test moves the clock (by less
 * than the 15 minutes of signature skew the router allows).
 */

/** The HMAC check allows 15 minutes of skew against the router's clock, so the test clock starts at the real time. */
const T0 = new Date(Math.floor(Date.now() / 1000) * 1000).toISOString();
/** How the router writes an instant on the wire (docs/behaviour.md#timestamps: `+00:00`, trailing zeros trimmed). */
const wire = (iso: string) => new Date(iso).toISOString().replace(/\.?0*Z$/, '+00:00');
const at = (ms: number) => new Date(Date.parse(T0) + ms).toISOString();

type Router = RouterUnderTest;

interface Ctx {
  router: Router;
  store: Store;
  clock: TestClock;
}

let ctx: Ctx;

beforeEach(async () => {
  const clock = new TestClock(T0);
  const router = await startRouterUnderTest({ clock });
  ctx = { router, store: router.store, clock };
  expect((await patch(router.client, '/routing/distributionPolicies/dp', { offerExpiresAfterSeconds: 600, mode: { kind: 'longestIdle' } })).status).toBe('201');
  expect((await patch(router.client, '/routing/queues/q', { distributionPolicyId: 'dp' })).status).toBe('201');
});

afterEach(async () => {
  await ctx.router.close();
});

const client = () => ctx.router.client;
const get = (path: string) => client().pathUnchecked(path).get();
const post = (path: string, body?: unknown) =>
  body === undefined ? client().pathUnchecked(path).post() : client().pathUnchecked(path).post({ body, contentType: 'application/json' });
const getJob = async (id: string) => (await get(`/routing/jobs/${id}`)).body;
const getWorker = async (id: string) => (await get(`/routing/workers/${id}`)).body;
const action = (jobId: string, assignmentId: string, verb: 'complete' | 'close' | 'unassign', body?: unknown) =>
  post(`/routing/jobs/${jobId}/assignments/${assignmentId}:${verb}`, body);

const events = (): Promise<RouterEvent[]> => recordedEvents(ctx.store);
const types = async () => (await events()).map((e) => e.type);
const ofType = async (type: string) => (await events()).filter((e) => e.type === type);

async function createWorker(id: string, extra: Record<string, unknown> = {}) {
  const response = await patch(client(), `/routing/workers/${id}`, {
    capacity: 1,
    queues: ['q'],
    channels: [{ channelId: 'voice', capacityCostPerJob: 1 }],
    availableForOffers: true,
    ...extra,
  });
  expect(response.status).toBe('201');
  return response;
}

async function createJob(id: string, extra: Record<string, unknown> = {}) {
  const response = await patch(client(), `/routing/jobs/${id}`, { queueId: 'q', channelId: 'voice', ...extra });
  expect(response.status).toBe('201');
  return response;
}

/** The one offer the worker holds (after matching went idle). */
async function offerOf(workerId: string, jobId: string): Promise<string> {
  await ctx.router.engine.idle();
  const worker = await getWorker(workerId);
  const offers = (worker.offers as { offerId: string; jobId: string }[]).filter((o) => o.jobId === jobId);
  expect(offers).toHaveLength(1);
  return offers[0]!.offerId;
}

/** Waits for the worker's offer of the job, accepts it and returns the assignment id. */
async function acceptJob(workerId: string, jobId: string): Promise<string> {
  const offerId = await offerOf(workerId, jobId);
  const accepted = await post(`/routing/workers/${workerId}/offers/${offerId}:accept`);
  expect(accepted.status).toBe('200');
  expect(accepted.body).toEqual({ assignmentId: expect.any(String), jobId, workerId });
  return accepted.body.assignmentId as string;
}

/** One worker `w`, one job `j` on it, accepted: the assignment id. */
async function assigned(jobId = 'j', workerId = 'w'): Promise<string> {
  await createWorker(workerId);
  await createJob(jobId);
  return acceptJob(workerId, jobId);
}

function expectConflict(response: { status: string; body: unknown }, ...words: string[]) {
  expect(response.status).toBe('409');
  const error = (response.body as { communicationError: { code: string; message: string } }).communicationError;
  expect(error.code).toBe('Conflict');
  for (const word of words) expect(error.message).toContain(word);
}

function expectNotFound(response: { status: string; body: unknown }) {
  expect(response.status).toBe('404');
  expect((response.body as { communicationError: { code: string } }).communicationError.code).toBe('NotFound');
}

describe('create', () => {
  it('a job with a queueId answers 201 queued with enqueuedAt; RouterJobReceived (Queued) then RouterJobQueued', async () => {
    const created = await createJob('j', { labels: { tier: 'gold' } });
    expect(created.body).toMatchObject({ id: 'j', status: 'queued', enqueuedAt: wire(T0), queueId: 'q', channelId: 'voice', assignments: {}, notes: [] });
    await ctx.router.engine.idle();
    const recorded = await events();
    expect(recorded.map((e) => e.type)).toEqual(['RouterJobReceived', 'RouterJobQueued']);
    expect(recorded[0]!.data).toMatchObject({ jobId: 'j', jobStatus: 'Queued', queueId: 'q', channelId: 'voice', labels: { tier: 'gold' }, unavailableForMatching: false });
    expect(recorded[1]!.data).toMatchObject({ jobId: 'j', queueId: 'q', priority: 1 });
    expect(recorded[1]!.subject).toBe('job/j/channel/voice/queue/q');
  });
});

describe('complete', () => {
  it('moves an assigned job to completed with completedAt and the note (with addedAt); the worker keeps the capacity', async () => {
    const a = await assigned();
    ctx.clock.advance(5_000);
    const completed = await action('j', a, 'complete', { note: 'done' });
    expect(completed.status).toBe('200');
    expect(completed.body).toEqual({});

    const job = await getJob('j');
    expect(job.status).toBe('completed');
    expect(job.assignments[a]).toEqual({ assignmentId: a, workerId: 'w', assignedAt: wire(T0), completedAt: wire(at(5_000)) });
    expect(job.notes).toEqual([{ message: 'done', addedAt: wire(at(5_000)) }]);
    expect(await getWorker('w')).toMatchObject({ loadRatio: 1, assignedJobs: [{ assignmentId: a, jobId: 'j', capacityCost: 1 }] });

    const [event] = await ofType('RouterJobCompleted');
    expect(event?.data).toMatchObject({ jobId: 'j', assignmentId: a, workerId: 'w' });
  });

  it('a second complete answers 409 and changes nothing', async () => {
    const a = await assigned();
    expect((await action('j', a, 'complete')).status).toBe('200');
    const before = await get('/routing/jobs/j');
    expectConflict(await action('j', a, 'complete', { note: 'again' }), a, 'completed');
    const after = await get('/routing/jobs/j');
    expect(after.headers['etag']).toBe(before.headers['etag']);
    expect(await ofType('RouterJobCompleted')).toHaveLength(1);
  });

  it('an unknown assignment answers 404, and so does a made-up assignment of a queued job or an unknown job', async () => {
    await assigned();
    expectNotFound(await action('j', 'no-such-assignment', 'complete'));
    await createJob('waiting');
    expect((await getJob('waiting')).status).toBe('queued');
    expectNotFound(await action('waiting', 'made-up', 'complete'));
    expect((await getJob('waiting')).status).toBe('queued');
    expectNotFound(await action('no-such-job', 'made-up', 'complete'));
  });
});

describe('close', () => {
  it('closes now: status closed, default disposition Closed, closedAt, note, capacity released, RouterJobClosed', async () => {
    const a = await assigned();
    ctx.clock.advance(1_000);
    expect((await action('j', a, 'complete', { note: 'done' })).status).toBe('200');
    ctx.clock.advance(1_000);
    const closed = await action('j', a, 'close', { note: 'wrapped up' });
    expect(closed.status).toBe('200');
    expect(closed.body).toEqual({});

    const job = await getJob('j');
    expect(job.status).toBe('closed');
    expect(job.dispositionCode).toBe('Closed');
    expect(job.assignments[a]).toEqual({ assignmentId: a, workerId: 'w', assignedAt: wire(T0), completedAt: wire(at(1_000)), closedAt: wire(at(2_000)) });
    expect(job.notes).toEqual([
      { message: 'done', addedAt: wire(at(1_000)) },
      { message: 'wrapped up', addedAt: wire(at(2_000)) },
    ]);
    expect(await getWorker('w')).toMatchObject({ state: 'active', offers: [], assignedJobs: [], loadRatio: 0 });

    const closedEvents = await ofType('RouterJobClosed');
    expect(closedEvents).toHaveLength(1);
    expect(closedEvents[0]!.data).toMatchObject({ jobId: 'j', assignmentId: a, workerId: 'w', dispositionCode: 'Closed', queueId: 'q' });
    expect(closedEvents[0]!.subject).toBe(`job/j/channel/voice/assignment/${a}`);
  });

  it('keeps a given dispositionCode', async () => {
    const a = await assigned();
    expect((await action('j', a, 'complete')).status).toBe('200');
    expect((await action('j', a, 'close', { dispositionCode: 'Resolved' })).status).toBe('200');
    expect(await getJob('j')).toMatchObject({ status: 'closed', dispositionCode: 'Resolved' });
    expect((await ofType('RouterJobClosed'))[0]?.data).toMatchObject({ dispositionCode: 'Resolved' });
  });

  it('may close straight from assigned (no completedAt), releasing the capacity', async () => {
    const a = await assigned();
    const closed = await action('j', a, 'close');
    expect(closed.status).toBe('200');
    const job = await getJob('j');
    expect(job.status).toBe('closed');
    expect(job.assignments[a]).toEqual({ assignmentId: a, workerId: 'w', assignedAt: wire(T0), closedAt: wire(T0) });
    expect(await getWorker('w')).toMatchObject({ assignedJobs: [], loadRatio: 0 });
    expect(await types()).not.toContain('RouterJobCompleted');
  });

  it('a second close answers 409 naming the status; one RouterJobClosed', async () => {
    const a = await assigned();
    expect((await action('j', a, 'complete')).status).toBe('200');
    expect((await action('j', a, 'close')).status).toBe('200');
    expectConflict(await action('j', a, 'close', { note: 'again' }), "'j' is closed");
    expect((await getJob('j')).notes).toEqual([]);
    expect(await ofType('RouterJobClosed')).toHaveLength(1);
  });

  it.each([
    ['a second close now', { note: 'now please' }],
    ['a second close later', { closeAt: at(600_000) }],
  ])('a pending close survives %s being refused (409) and still closes at its closeAt', async (_name, second) => {
    const a = await assigned();
    expect((await action('j', a, 'complete')).status).toBe('200');
    expect((await action('j', a, 'close', { closeAt: at(60_000) })).status).toBe('200');
    expectConflict(await action('j', a, 'close', second), 'already being closed');
    ctx.clock.advance(61_000);
    await ctx.router.engine.scheduler.runDue();
    await ctx.router.engine.idle();
    const job = await getJob('j');
    expect(job.status).toBe('closed');
    expect(job.assignments[a].closedAt).toBe(wire(at(60_000)));
    expect(await getWorker('w')).toMatchObject({ loadRatio: 0, assignedJobs: [] });
    expect(await ofType('RouterJobClosed')).toHaveLength(1);
  });

  it('with a future closeAt answers {} and closes at that time by the scheduler; the worker then gets the next job', async () => {
    const a = await assigned();
    expect((await action('j', a, 'complete')).status).toBe('200');
    await createJob('next');
    await ctx.router.engine.idle();
    expect((await getWorker('w')).offers).toEqual([]);

    const closeAt = at(60_000);
    const closed = await action('j', a, 'close', { closeAt, dispositionCode: 'Later', note: 'wrap-up ends' });
    expect(closed.status).toBe('200');
    expect(closed.body).toEqual({});
    await ctx.router.engine.idle();

    const pending = await getJob('j');
    expect(pending.status).toBe('completed');
    expect(pending.assignments[a].closedAt).toBeUndefined();
    expect(pending.notes).toEqual([]);
    expect(await getWorker('w')).toMatchObject({ loadRatio: 1, offers: [], assignedJobs: [{ assignmentId: a, jobId: 'j' }] });
    expect(await types()).not.toContain('RouterJobClosed');

    // Not yet due: nothing happens.
    ctx.clock.advance(59_000);
    await ctx.router.engine.scheduler.runDue();
    expect((await getJob('j')).status).toBe('completed');

    ctx.clock.advance(2_000);
    expect(await ctx.router.engine.scheduler.runDue()).toBeGreaterThanOrEqual(1);
    await ctx.router.engine.idle();

    const job = await getJob('j');
    expect(job.status).toBe('closed');
    expect(job.dispositionCode).toBe('Later');
    expect(job.assignments[a].closedAt).toBe(wire(closeAt));
    expect(job.notes).toEqual([{ message: 'wrap-up ends', addedAt: wire(closeAt) }]);
    const closedEvents = await ofType('RouterJobClosed');
    expect(closedEvents).toHaveLength(1);
    expect(closedEvents[0]!.data).toMatchObject({ jobId: 'j', assignmentId: a, workerId: 'w', dispositionCode: 'Later' });

    const worker = await getWorker('w');
    expect(worker.assignedJobs).toEqual([]);
    expect(worker.offers).toEqual([expect.objectContaining({ jobId: 'next', capacityCost: 1 })]);
    expect(worker.loadRatio).toBe(1);
  });

  it('treats the .NET unset date 0001-01-01T00:00:00.0000000Z as "close now"', async () => {
    const a = await assigned();
    expect((await action('j', a, 'complete')).status).toBe('200');
    ctx.clock.advance(3_000);
    const closed = await action('j', a, 'close', { closeAt: '0001-01-01T00:00:00.0000000Z', note: 'Job closed by .NET' });
    expect(closed.status).toBe('200');
    const job = await getJob('j');
    expect(job).toMatchObject({ status: 'closed', dispositionCode: 'Closed' });
    expect(job.assignments[a].closedAt).toBe(wire(at(3_000)));
    expect(job.notes).toEqual([{ message: 'Job closed by .NET', addedAt: wire(at(3_000)) }]);
    expect(await getWorker('w')).toMatchObject({ assignedJobs: [], loadRatio: 0 });
    expect(await ofType('RouterJobClosed')).toHaveLength(1);
  });

  it.each(['cancel', 'unassign'] as const)('after a close at a future closeAt was accepted, %s is a 409 that changes nothing; the job closes at closeAt with RouterJobClosed', async (verb) => {
    const a = await assigned();
    expect((await action('j', a, 'complete')).status).toBe('200');
    const closeAt = at(60_000);
    expect((await action('j', a, 'close', { closeAt, dispositionCode: 'Resolved' })).status).toBe('200');
    await ctx.router.engine.idle();
    const before = await getJob('j');

    const refused = verb === 'cancel' ? await post('/routing/jobs/j:cancel', { note: 'caller hung up' }) : await action('j', a, 'unassign');
    expect(refused.status).toBe('409');
    expect(refused.body.communicationError.message).toContain(`already being closed at ${wire(closeAt)}`);
    await ctx.router.engine.idle();
    expect(await getJob('j')).toEqual(before);
    expect(await types()).not.toContain('RouterJobCancelled');
    expect(await types()).not.toContain('RouterJobUnassigned');

    ctx.clock.advance(61_000);
    expect(await ctx.router.engine.scheduler.runDue()).toBeGreaterThanOrEqual(1);
    await ctx.router.engine.idle();
    const job = await getJob('j');
    expect(job).toMatchObject({ status: 'closed', dispositionCode: 'Resolved' });
    expect(await ofType('RouterJobClosed')).toEqual([expect.objectContaining({ data: expect.objectContaining({ jobId: 'j', assignmentId: a, dispositionCode: 'Resolved' }) })]);
    expect(await getWorker('w')).toMatchObject({ assignedJobs: [], loadRatio: 0 });
    // Closed now, the job is terminal: a cancel is the ordinary 409 of a closed job.
    expect((await post('/routing/jobs/j:cancel')).status).toBe('409');
  });

  it('a closeAt in the past closes now', async () => {
    const a = await assigned();
    ctx.clock.advance(10_000);
    expect((await action('j', a, 'close', { closeAt: T0 })).status).toBe('200');
    expect((await getJob('j')).status).toBe('closed');
    expect(await getWorker('w')).toMatchObject({ assignedJobs: [], loadRatio: 0 });
  });
});

describe('unassign', () => {
  it('answers {jobId, unassignmentCount: 1}; the job is queued again (enqueuedAt kept) without the assignment, capacity released, offered again', async () => {
    const a = await assigned();
    const enqueuedAt = (await getJob('j')).enqueuedAt as string;
    ctx.clock.advance(30_000);
    const unassigned = await action('j', a, 'unassign');
    expect(unassigned.status).toBe('200');
    expect(unassigned.body).toEqual({ jobId: 'j', unassignmentCount: 1 });

    const job = await getJob('j');
    expect(job.status).toBe('queued');
    expect(job.enqueuedAt).toBe(enqueuedAt);
    expect(job.assignments).toEqual({});
    expect((await getWorker('w')).assignedJobs).toEqual([]);

    const offerId = await offerOf('w', 'j');
    const worker = await getWorker('w');
    expect(worker.offers).toEqual([expect.objectContaining({ offerId, jobId: 'j', offeredAt: wire(at(30_000)) })]);
    expect(worker.loadRatio).toBe(1);

    const recorded = await types();
    const from = recorded.indexOf('RouterJobUnassigned');
    expect(from).toBeGreaterThan(-1);
    expect(recorded.slice(from)).toEqual(['RouterJobUnassigned', 'RouterJobQueued', 'RouterWorkerOfferIssued']);
    expect((await ofType('RouterJobUnassigned'))[0]?.data).toMatchObject({ jobId: 'j', assignmentId: a, workerId: 'w' });
    // The old assignment id is gone.
    expectNotFound(await action('j', a, 'complete'));
  });

  it('is allowed three times; the fourth answers 409 and leaves the job assigned', async () => {
    await createWorker('w');
    await createJob('j');
    for (let round = 1; round <= 3; round++) {
      const a = await acceptJob('w', 'j');
      const unassigned = await action('j', a, 'unassign');
      expect(unassigned.status).toBe('200');
      expect(unassigned.body).toEqual({ jobId: 'j', unassignmentCount: round });
    }
    const a = await acceptJob('w', 'j');
    expectConflict(await action('j', a, 'unassign'), '3 times');
    await ctx.router.engine.idle();
    const job = await getJob('j');
    expect(job.status).toBe('assigned');
    expect(Object.keys(job.assignments)).toEqual([a]);
    expect((await getWorker('w')).assignedJobs).toEqual([expect.objectContaining({ assignmentId: a, jobId: 'j' })]);
    expect(await ofType('RouterJobUnassigned')).toHaveLength(3);
  });

  it('may unassign a completed job', async () => {
    const a = await assigned();
    expect((await action('j', a, 'complete')).status).toBe('200');
    expect((await action('j', a, 'unassign')).body).toEqual({ jobId: 'j', unassignmentCount: 1 });
    expect((await getJob('j')).status).toBe('queued');
  });

  it('with suspendMatching parks the job (waitingForActivation, suspend) without an offer until matchingMode queueAndMatch', async () => {
    const a = await assigned();
    const unassigned = await action('j', a, 'unassign', { suspendMatching: true });
    expect(unassigned.status).toBe('200');
    expect(unassigned.body).toEqual({ jobId: 'j', unassignmentCount: 1 });
    await ctx.router.engine.idle();

    const parked = await getJob('j');
    expect(parked).toMatchObject({ status: 'waitingForActivation', matchingMode: { kind: 'suspend' }, assignments: {} });
    expect(await getWorker('w')).toMatchObject({ offers: [], assignedJobs: [], loadRatio: 0 });
    const recorded = await types();
    expect(recorded.slice(recorded.indexOf('RouterJobUnassigned'))).toEqual(['RouterJobUnassigned']);

    ctx.clock.advance(10_000);
    const resumed = await patch(client(), '/routing/jobs/j', { matchingMode: { kind: 'queueAndMatch' } });
    expect(resumed.status).toBe('200');
    expect(resumed.body).toMatchObject({ status: 'queued', matchingMode: { kind: 'queueAndMatch' } });
    await offerOf('w', 'j');
    const after = await types();
    expect(after.slice(after.indexOf('RouterJobUnassigned'))).toEqual(['RouterJobUnassigned', 'RouterJobQueued', 'RouterWorkerOfferIssued']);
  });

  it('an unknown assignment answers 404', async () => {
    await assigned();
    expectNotFound(await action('j', 'made-up', 'unassign'));
    expect((await getJob('j')).status).toBe('assigned');
  });
});

describe('cancel', () => {
  it('a queued job with an offer: cancelled, default disposition Cancelled, note, offer revoked', async () => {
    await createWorker('w');
    await createJob('j');
    const offerId = await offerOf('w', 'j');
    ctx.clock.advance(2_000);
    const cancelled = await post('/routing/jobs/j:cancel', { note: 'caller hung up' });
    expect(cancelled.status).toBe('200');
    expect(cancelled.body).toEqual({});

    const job = await getJob('j');
    expect(job).toMatchObject({ status: 'cancelled', dispositionCode: 'Cancelled', enqueuedAt: wire(T0) });
    expect(job.notes).toEqual([{ message: 'caller hung up', addedAt: wire(at(2_000)) }]);
    expect(await getWorker('w')).toMatchObject({ offers: [], loadRatio: 0 });
    expectNotFound(await post(`/routing/workers/w/offers/${offerId}:accept`));

    const recorded = await events();
    const cancelledEvent = recorded.find((e) => e.type === 'RouterJobCancelled');
    expect(cancelledEvent?.data).toMatchObject({ jobId: 'j', dispositionCode: 'Cancelled', note: 'caller hung up' });
    const revoked = recorded.filter((e) => e.type === 'RouterWorkerOfferRevoked');
    expect(revoked.map((e) => e.data)).toEqual([expect.objectContaining({ offerId, workerId: 'w', jobId: 'j' })]);
  });

  it('keeps a given dispositionCode', async () => {
    await createJob('j');
    expect((await post('/routing/jobs/j:cancel', { dispositionCode: 'Abandoned' })).status).toBe('200');
    expect(await getJob('j')).toMatchObject({ status: 'cancelled', dispositionCode: 'Abandoned' });
  });

  it('an assigned job: the worker capacity is released', async () => {
    await assigned();
    expect((await getWorker('w')).loadRatio).toBe(1);
    expect((await post('/routing/jobs/j:cancel')).status).toBe('200');
    expect((await getJob('j')).status).toBe('cancelled');
    expect(await getWorker('w')).toMatchObject({ assignedJobs: [], offers: [], loadRatio: 0, state: 'active' });
  });

  it('a second cancel answers 409 naming the status', async () => {
    await createJob('j');
    expect((await post('/routing/jobs/j:cancel')).status).toBe('200');
    expectConflict(await post('/routing/jobs/j:cancel', { note: 'again' }), "'j' is cancelled");
    expect((await getJob('j')).notes).toEqual([]);
    expect(await ofType('RouterJobCancelled')).toHaveLength(1);
  });

  it('an unknown job answers 404', async () => {
    expectNotFound(await post('/routing/jobs/nope:cancel'));
  });
});

describe('DELETE job', () => {
  it('with an open offer: 204, the offer revoked, RouterJobDeleted', async () => {
    await createWorker('w');
    await createJob('j');
    const offerId = await offerOf('w', 'j');
    const deleted = await client().pathUnchecked('/routing/jobs/j').delete();
    expect(deleted.status).toBe('204');
    expectNotFound(await get('/routing/jobs/j'));
    expect(await getWorker('w')).toMatchObject({ offers: [], loadRatio: 0 });
    expectNotFound(await post(`/routing/workers/w/offers/${offerId}:accept`));

    const recorded = await events();
    expect(recorded.find((e) => e.type === 'RouterJobDeleted')?.data).toMatchObject({ jobId: 'j', queueId: 'q' });
    expect(recorded.filter((e) => e.type === 'RouterWorkerOfferRevoked').map((e) => e.data)).toEqual([expect.objectContaining({ offerId, workerId: 'w', jobId: 'j' })]);
  });

  it('of an assigned job releases the worker capacity', async () => {
    await assigned();
    expect((await client().pathUnchecked('/routing/jobs/j').delete()).status).toBe('204');
    expect(await getWorker('w')).toMatchObject({ assignedJobs: [], loadRatio: 0 });
    expect(await types()).toContain('RouterJobDeleted');
  });
});

describe('worker', () => {
  it('availableForOffers drives state active/inactive; the Id label is added', async () => {
    const created = await patch(client(), '/routing/workers/w', { capacity: 1, queues: ['q'], channels: [{ channelId: 'voice', capacityCostPerJob: 1 }], labels: { skill: 'sales' }, availableForOffers: false });
    expect(created.status).toBe('201');
    expect(created.body).toMatchObject({ id: 'w', state: 'inactive', labels: { Id: 'w', skill: 'sales' }, offers: [], assignedJobs: [], loadRatio: 0, availableForOffers: false });

    const on = await patch(client(), '/routing/workers/w', { availableForOffers: true });
    expect(on.status).toBe('200');
    expect(on.body).toMatchObject({ state: 'active', availableForOffers: true, labels: { Id: 'w', skill: 'sales' } });

    const off = await patch(client(), '/routing/workers/w', { availableForOffers: false });
    expect(off.body).toMatchObject({ state: 'inactive', availableForOffers: false });
    expect(await types()).toEqual(['RouterWorkerRegistered', 'RouterWorkerDeregistered']);
  });

  it('the Id label lets a job target one worker', async () => {
    await createWorker('w1');
    await createWorker('w2');
    await createJob('j', { requestedWorkerSelectors: [{ key: 'Id', labelOperator: 'equal', value: 'w2' }] });
    await offerOf('w2', 'j');
    expect((await getWorker('w1')).offers).toEqual([]);
  });

  it('deregistering while holding an assignment drains; closing the job makes it inactive', async () => {
    const a = await assigned();
    const off = await patch(client(), '/routing/workers/w', { availableForOffers: false });
    expect(off.status).toBe('200');
    expect(off.body).toMatchObject({ state: 'draining', availableForOffers: false, assignedJobs: [expect.objectContaining({ assignmentId: a })] });
    expect(await types()).toContain('RouterWorkerDeregistered');

    expect((await action('j', a, 'complete')).status).toBe('200');
    expect((await getWorker('w')).state).toBe('draining');
    expect((await action('j', a, 'close')).status).toBe('200');
    expect(await getWorker('w')).toMatchObject({ state: 'inactive', assignedJobs: [], loadRatio: 0 });
  });

  it('DELETE of a worker with an open offer offers the job to another worker; RouterWorkerDeleted', async () => {
    await createWorker('w1');
    await createJob('j');
    const offerId = await offerOf('w1', 'j');
    await createWorker('w2');
    await ctx.router.engine.idle();
    expect((await getWorker('w2')).offers).toEqual([]);

    const deleted = await client().pathUnchecked('/routing/workers/w1').delete();
    expect(deleted.status).toBe('204');
    expectNotFound(await get('/routing/workers/w1'));
    const next = await offerOf('w2', 'j');
    expect(next).not.toBe(offerId);

    const recorded = await events();
    const from = recorded.findIndex((e) => e.type === 'RouterWorkerDeleted');
    expect(recorded[from]?.data).toMatchObject({ workerId: 'w1' });
    expect(recorded.slice(from).map((e) => e.type)).toEqual(['RouterWorkerDeleted', 'RouterWorkerOfferRevoked', 'RouterWorkerOfferIssued']);
    expect(recorded[from + 1]?.data).toMatchObject({ offerId, workerId: 'w1', jobId: 'j' });
    expect(recorded[from + 2]?.data).toMatchObject({ offerId: next, workerId: 'w2', jobId: 'j' });
  });

  it('a label change records RouterWorkerUpdated with updatedWorkerProperties', async () => {
    await createWorker('w', { labels: { skill: 'sales' } });
    const updated = await patch(client(), '/routing/workers/w', { labels: { skill: 'support' } });
    expect(updated.status).toBe('200');
    expect(updated.body.labels).toEqual({ Id: 'w', skill: 'support' });
    const [event] = await ofType('RouterWorkerUpdated');
    expect(event?.data).toMatchObject({ workerId: 'w', updatedWorkerProperties: ['Labels'], labels: { Id: 'w', skill: 'support' }, totalCapacity: 1 });
    expect(event?.subject).toBe('worker/w');

    // Sending the same labels again records nothing new.
    await patch(client(), '/routing/workers/w', { labels: { skill: 'support' } });
    expect(await ofType('RouterWorkerUpdated')).toHaveLength(1);
  });
});

describe('illegal transitions', () => {
  it('answer 409 with a communicationError message naming the status', async () => {
    // A job closed straight from assigned: no completedAt, so the status is what forbids completing it.
    const a = await assigned('closed-job', 'w1');
    expect((await action('closed-job', a, 'close')).status).toBe('200');
    expectConflict(await action('closed-job', a, 'complete'), "'closed-job' is closed");
    expectConflict(await action('closed-job', a, 'unassign'), "'closed-job' is closed");
    expectConflict(await post('/routing/jobs/closed-job:cancel'), "'closed-job' is closed");

    expect((await patch(client(), '/routing/workers/w1', { availableForOffers: false })).status).toBe('200');
    const b = await assigned('cancelled-job', 'w2');
    expect((await post('/routing/jobs/cancelled-job:cancel')).status).toBe('200');
    const conflict = await action('cancelled-job', b, 'close');
    expectConflict(conflict, "'cancelled-job' is cancelled");
    expect(conflict.body.communicationError.target).toBe(`/routing/jobs/cancelled-job/assignments/${b}:close`);
    expectConflict(await action('cancelled-job', b, 'complete'), "'cancelled-job' is cancelled");
    expectConflict(await action('cancelled-job', b, 'unassign'), "'cancelled-job' is cancelled");

    expect((await getJob('closed-job')).status).toBe('closed');
    expect((await getJob('cancelled-job')).status).toBe('cancelled');
  });
});

describe('notes', () => {
  it('keep their order and each carries addedAt', async () => {
    await createWorker('w');
    await createJob('j', { notes: [{ message: 'created' }, { message: 'given time', addedAt: at(-60_000) }] });
    ctx.clock.advance(1_000);
    const a = await acceptJob('w', 'j');
    ctx.clock.advance(1_000);
    expect((await action('j', a, 'complete', { note: 'completed' })).status).toBe('200');
    ctx.clock.advance(1_000);
    expect((await action('j', a, 'close', { note: 'closed' })).status).toBe('200');
    expect((await getJob('j')).notes).toEqual([
      { message: 'created', addedAt: wire(T0) },
      { message: 'given time', addedAt: wire(at(-60_000)) },
      { message: 'completed', addedAt: wire(at(2_000)) },
      { message: 'closed', addedAt: wire(at(3_000)) },
    ]);
  });
});

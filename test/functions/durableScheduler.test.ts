import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { durableClientInput } from '../../functions/durableClientInput';
import { MAX_ROUNDS, NEXT_ROUND_AFTER_MS, routerTimerNames, type DeadLetterRequest, type RouterTimerOutcome } from '../../functions/orchestrators/routerTimer';
import { DurableScheduler, timerIdOfInstance, timerInstanceId } from '../../shared/adapters/azure/DurableScheduler';
import type { FireOutcome } from '../../shared/adapters/azure/routerTimerNames';
import { timerFor } from '../../shared/app/timers/timerKinds';
import type { Timer } from '../../shared/ports/Scheduler';
import { DurableTestRuntime } from '../support/durableTestRuntime';
import { TestClock } from '../support/testClock';

/*
 * The Durable Task extension runs inside the Functions host, which cannot be installed here, so these
 * tests run the scheduler against DurableTestRuntime: it plays the extension's part (task hub, history,
 * timers, activity retries) around the real routerTimer orchestrator, replayed by the durable-functions
 * library. The activity is a recording stand-in for fireTimer, so each test sees exactly what fired when.
 */

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const DAY = 24 * 60 * MINUTE;

describe('DurableScheduler (one routerTimer orchestration per timer)', () => {
  let clock: TestClock;
  let runtime: DurableTestRuntime;
  let scheduler: DurableScheduler;
  let fired: { id: string; dueAt: string; at: string }[];
  let deadLetters: DeadLetterRequest[];
  /** What the activity does besides recording (throw to fail the attempt). */
  let onFire: (timer: Timer) => Promise<FireOutcome | void>;

  beforeEach(() => {
    clock = new TestClock('2026-01-05T09:00:00.000Z');
    fired = [];
    deadLetters = [];
    onFire = async () => {};
    runtime = new DurableTestRuntime({
      clock,
      activities: {
        fireRouterTimer: async (input) => {
          const timer = input as Timer;
          fired.push({ id: timer.id, dueAt: timer.dueAt, at: clock.now().toISOString() });
          return await onFire(timer);
        },
        [routerTimerNames.deadLetter]: (input) => void deadLetters.push(input as DeadLetterRequest),
      },
    });
    scheduler = new DurableScheduler(runtime.client);
  });

  const after = (ms: number) => new Date(clock.now().getTime() + ms);
  const offerTimer = (offerId: string, dueInMs: number): Timer => timerFor('offerExpiry', { offerId, jobId: 'job-1', workerId: 'worker-1' }, after(dueInMs));
  const statusOf = async (timerId: string) => (await runtime.client.getStatus(timerInstanceId(timerId))) as { runtimeStatus: string; output: RouterTimerOutcome | null; input: Timer };

  it('fires a timer once, after its due time, with the timer as the activity input', async () => {
    const timer = offerTimer('o1', 30 * SECOND);
    await scheduler.schedule(timer);
    expect(await runtime.runDue()).toBe(0);
    expect((await statusOf(timer.id)).runtimeStatus).toBe('Running');

    await runtime.advance(after(30 * SECOND - 1));
    expect(fired).toEqual([]);
    await runtime.advance(after(1));
    expect(fired).toEqual([{ id: timer.id, dueAt: timer.dueAt, at: timer.dueAt }]);
    expect(await statusOf(timer.id)).toMatchObject({ runtimeStatus: 'Completed', output: { timerId: timer.id, outcome: 'fired' } });

    await runtime.advance(after(DAY));
    expect(fired).toHaveLength(1);
  });

  it('re-scheduling replaces the timer: it fires once, at the new time, later or earlier', async () => {
    const later = offerTimer('o1', 60 * SECOND);
    await scheduler.schedule(later);
    await runtime.runDue();
    const replacement = { ...later, dueAt: after(120 * SECOND).toISOString() };
    await scheduler.schedule(replacement);
    await runtime.advance(after(119 * SECOND));
    expect(fired).toEqual([]);
    await runtime.advance(after(1 * SECOND));
    expect(fired).toEqual([{ id: later.id, dueAt: replacement.dueAt, at: replacement.dueAt }]);

    const sooner = offerTimer('o2', 10 * MINUTE);
    await scheduler.schedule(sooner);
    await runtime.runDue();
    const earlier = { ...sooner, dueAt: after(5 * SECOND).toISOString() };
    await scheduler.schedule(earlier);
    await runtime.advance(after(20 * MINUTE));
    expect(fired.filter((f) => f.id === sooner.id)).toEqual([{ id: sooner.id, dueAt: earlier.dueAt, at: earlier.dueAt }]);
  });

  it('a cancelled timer never fires; cancelling an unknown or finished timer is a no-op', async () => {
    const timer = offerTimer('o1', 30 * SECOND);
    await scheduler.schedule(timer);
    await runtime.runDue();
    await scheduler.cancel(timer.id);
    await runtime.advance(after(DAY));
    expect(fired).toEqual([]);
    expect(await statusOf(timer.id)).toMatchObject({ runtimeStatus: 'Completed', output: { outcome: 'cancelled' } });

    await expect(scheduler.cancel('offerExpiry:never-scheduled')).resolves.toBeUndefined();
    await expect(runtime.client.getStatus(timerInstanceId('offerExpiry:never-scheduled'))).rejects.toThrow(/404/);
    await expect(scheduler.cancel(timer.id)).resolves.toBeUndefined();
  });

  it('a cancel that arrives before the instance first ran still wins', async () => {
    const timer = offerTimer('o1', 0);
    await scheduler.schedule(timer);
    await scheduler.cancel(timer.id);
    await runtime.advance(after(MINUTE));
    expect(fired).toEqual([]);
  });

  it('scheduling the same id twice at once starts one instance and fires once, at the time of the call that came last', async () => {
    const first = offerTimer('o1', 30 * SECOND);
    const second = { ...first, dueAt: after(45 * SECOND).toISOString() };
    await Promise.all([scheduler.schedule(first), scheduler.schedule(second)]);
    await runtime.advance(after(DAY));
    expect(fired).toEqual([{ id: first.id, dueAt: second.dueAt, at: second.dueAt }]);
  });

  it('a timer scheduled again after it fired starts a new instance and fires again', async () => {
    const timer = offerTimer('o1', 10 * SECOND);
    await scheduler.schedule(timer);
    await runtime.advance(after(10 * SECOND));
    const again = { ...timer, dueAt: after(10 * SECOND).toISOString() };
    await scheduler.schedule(again);
    await runtime.advance(after(10 * SECOND));
    expect(fired.map((f) => f.dueAt)).toEqual([timer.dueAt, again.dueAt]);
  });

  it('a replacement whose instance finishes before the event reaches it starts a new instance', async () => {
    const timer = offerTimer('o1', 0);
    await scheduler.schedule(timer);
    // Between the refused start and the event, the instance runs to its end (the event is then dropped).
    const racing = new DurableScheduler({
      ...runtime.client,
      raiseEvent: async (...args) => {
        await runtime.runDue();
        return runtime.client.raiseEvent(...args);
      },
    });
    const replacement = { ...timer, dueAt: after(MINUTE).toISOString() };
    await racing.schedule(replacement);
    await runtime.advance(after(DAY));
    expect(fired.map((f) => f.dueAt)).toEqual([timer.dueAt, replacement.dueAt]);
  });

  it('gives up with the start error when no instance can be started', async () => {
    const unreachable = new DurableScheduler({ ...runtime.client, startNew: () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:17071')) });
    await expect(unreachable.schedule(offerTimer('o1', 0))).rejects.toThrow(
      `Could not schedule timer offerExpiry:o1 (Durable instance offerExpiry:o1) in 5 attempts; the last start failed with: connect ECONNREFUSED 127.0.0.1:17071`,
    );
  });

  it('a failing handler is retried 5 s later, then backing off, until it succeeds', async () => {
    let failures = 2;
    onFire = () => (failures-- > 0 ? Promise.reject(new Error('store unavailable')) : Promise.resolve());
    const timer = offerTimer('o1', 30 * SECOND);
    await scheduler.schedule(timer);
    await runtime.advance(after(DAY));
    const due = Date.parse(timer.dueAt);
    expect(fired.map((f) => Date.parse(f.at) - due)).toEqual([0, 5 * SECOND, 15 * SECOND]);
    expect(await statusOf(timer.id)).toMatchObject({ runtimeStatus: 'Completed', output: { outcome: 'fired' } });
  });

  it('a handler that fails a whole round is not dropped: the error is logged and another round starts 15 minutes later', async () => {
    let failing = true;
    onFire = () => (failing ? Promise.reject(new Error('store unavailable')) : Promise.resolve());
    const timer = offerTimer('o1', 0);
    await scheduler.schedule(timer);
    await runtime.advance(after(10 * MINUTE));
    expect(fired).toHaveLength(8);
    const lastWait = 2 * MINUTE;
    const roundEnd = Date.parse(fired[7]!.at) + lastWait;
    expect(runtime.logs).toEqual([
      expect.objectContaining({ level: 'error', message: expect.stringMatching(/^timer offerExpiry:o1 \(offerExpiry\) failed 8 attempts; trying again at .*store unavailable/) }),
    ]);
    const waiting = await statusOf(timer.id);
    expect(waiting.runtimeStatus).toBe('Running');
    expect(waiting.input.dueAt).toBe(new Date(roundEnd + NEXT_ROUND_AFTER_MS).toISOString());

    failing = false;
    await runtime.advance(new Date(roundEnd + NEXT_ROUND_AFTER_MS));
    expect(fired).toHaveLength(9);
    expect(fired[8]!.at).toBe(waiting.input.dueAt);
    expect(await statusOf(timer.id)).toMatchObject({ runtimeStatus: 'Completed', output: { outcome: 'fired' } });
  });

  it(`a handler that fails ${MAX_ROUNDS} whole rounds is dead-lettered in the store, and the instance ends`, async () => {
    onFire = () => Promise.reject(new Error('store unavailable'));
    const timer = offerTimer('o1', 0);
    await scheduler.schedule(timer);
    await runtime.advance(after(DAY));
    expect(fired).toHaveLength(8 * MAX_ROUNDS);
    expect(deadLetters).toEqual([{ timer: { ...timer, attempts: 8 * (MAX_ROUNDS - 1), dueAt: expect.any(String) }, reason: "the handler failed: Activity function 'fireRouterTimer' failed: store unavailable ", attempts: 8 * MAX_ROUNDS, at: expect.any(String) }]);
    expect(await statusOf(timer.id)).toMatchObject({ runtimeStatus: 'Completed', output: { outcome: 'deadLettered' } });
    expect(runtime.logs.at(-1)?.message).toMatch(/dead-lettered/);
    // A re-drive is a new schedule of the same timer: a new instance fires it.
    onFire = async () => {};
    await scheduler.schedule({ ...timer, dueAt: clock.now().toISOString() });
    await runtime.runDue();
    expect(fired).toHaveLength(8 * MAX_ROUNDS + 1);
  });

  it('a timer the activity answers as unfireable is dead-lettered at once, without retries, and the instance ends', async () => {
    const why = 'timer offerExpiry:o1 has a payload that does not fit kind offerExpiry (workerId: required)';
    onFire = () => Promise.resolve({ unfireable: why });
    const timer = offerTimer('o1', 0);
    await scheduler.schedule(timer);
    await runtime.advance(after(DAY));
    expect(fired).toHaveLength(1);
    expect(deadLetters).toEqual([{ timer, reason: why, attempts: 1, at: fired[0]!.at }]);
    expect(await statusOf(timer.id)).toMatchObject({ runtimeStatus: 'Completed', output: { outcome: 'deadLettered' } });
    expect(runtime.logs.map((l) => l.message)).toEqual([`timer offerExpiry:o1 (offerExpiry) is dead-lettered after 1 attempts in all (GET /routing/timers/deadLetters). Last error: ${why}`]);
  });

  it('a handler that re-arms its own timer while it fires gets it: the instance continues and fires again', async () => {
    const timer = timerFor('settleAssignment', { jobId: 'job-1', assignmentId: 'a-1', workerId: 'w' }, after(MINUTE));
    const rearmed = { ...timer, dueAt: after(2 * MINUTE).toISOString() };
    onFire = async (firing) => {
      // As settleAssignment does for a close that is not due yet; a settled one cancels its own timer.
      if (firing.dueAt === timer.dueAt) await scheduler.schedule(rearmed);
      else await scheduler.cancel(firing.id);
    };
    await scheduler.schedule(timer);
    await runtime.advance(after(DAY));
    expect(fired.map((f) => f.at)).toEqual([timer.dueAt, rearmed.dueAt]);
    expect(await statusOf(timer.id)).toMatchObject({ runtimeStatus: 'Completed', output: { outcome: 'fired' } });
  });

  it('a timer days away fires once at its time, through the 3-day steps of a long durable timer', async () => {
    const timer = offerTimer('o1', 10 * DAY + 5 * SECOND);
    await scheduler.schedule(timer);
    await runtime.runDue();
    expect(runtime.nextDue()?.toISOString()).toBe(after(3 * DAY).toISOString());
    await runtime.advance(new Date(Date.parse(timer.dueAt) - 1));
    expect(fired).toEqual([]);
    await runtime.advance(new Date(timer.dueAt));
    expect(fired).toEqual([{ id: timer.id, dueAt: timer.dueAt, at: timer.dueAt }]);
  });

  it('refuses a timer whose dueAt is not an instant, saying which timer', async () => {
    await expect(scheduler.schedule({ ...offerTimer('o1', 0), dueAt: 'tomorrow' })).rejects.toThrow('Timer offerExpiry:o1 has dueAt "tomorrow", which is not an ISO-8601 instant.');
  });

  it('timers with ids Durable does not accept as instance ids still fire and cancel by their own id', async () => {
    const ids = ['offerExpiry:a/b', 'offerExpiry:a\\b', 'offerExpiry:#1?x=2', 'settle:a b:a%2Fb', `retryOffer:${'j'.repeat(200)}:${'w'.repeat(200)}`];
    for (const [i, id] of ids.entries()) await scheduler.schedule({ ...offerTimer('x', (i + 1) * SECOND), id });
    await scheduler.cancel(ids[4]!);
    await runtime.advance(after(MINUTE));
    expect(fired.map((f) => f.id)).toEqual(ids.slice(0, 4));
  });
});

describe('timer instance ids', () => {
  const tricky = [
    'offerExpiry:3f2a9c1e-0b7d-4e5f-9a8b-1c2d3e4f5a6b',
    'settle:12345:a.b',
    'retryOffer:a b:a%2Fb',
    'offerExpiry:a/b\\c#d?e',
    'offerExpiry:\u0000\u001f\u007f\u0085',
    '@entity@key',
    'offerExpiry:~0041',
    'offerExpiry:A',
    'settle:ジョブ:😀',
    'offerExpiry:\ud800',
  ];
  // Durable's rules for instance ids: 1–100 characters, no `/ \ # ?`, no control characters, not starting with `@`.
  // eslint-disable-next-line no-control-regex
  const DURABLE_RULES = { maxLength: 100, forbidden: /[/\\#?\u0000-\u001f\u007f-\u009f]/ };

  it.each(tricky)('%j becomes a valid instance id that decodes back to it', (timerId) => {
    const instanceId = timerInstanceId(timerId);
    expect(instanceId.length).toBeLessThanOrEqual(DURABLE_RULES.maxLength);
    expect(instanceId).not.toMatch(DURABLE_RULES.forbidden);
    expect(instanceId.startsWith('@')).toBe(false);
    // Only characters a URL path keeps as they are, and no period (the host may mis-route a final segment with one).
    expect(instanceId).toMatch(/^[A-Za-z0-9_:~-]+$/);
    expect(timerIdOfInstance(instanceId)).toBe(timerId);
  });

  it('keeps ids that need no escaping readable', () => {
    expect(timerInstanceId('offerExpiry:3f2a9c1e-0b7d-4e5f-9a8b-1c2d3e4f5a6b')).toBe('offerExpiry:3f2a9c1e-0b7d-4e5f-9a8b-1c2d3e4f5a6b');
    expect(timerInstanceId('settle:12345:a.b')).toBe('settle:12345:a~002eb');
  });

  it('gives distinct ids to distinct timers, also when they are cut to 100 characters', () => {
    const long = (suffix: string) => `retryOffer:${'j'.repeat(255)}:${suffix}`;
    const ids = [...tricky, long('w1'), long('w2'), long('w1 '), `${long('w1')}x`];
    const instanceIds = ids.map(timerInstanceId);
    expect(new Set(instanceIds).size).toBe(ids.length);
    for (const instanceId of instanceIds.slice(tricky.length)) {
      expect(instanceId).toHaveLength(100);
      expect(instanceId.startsWith('retryOffer:jjj')).toBe(true);
      expect(timerIdOfInstance(instanceId)).toBeUndefined();
    }
  });

  it('survive the real durable-functions client, which puts them into request URLs unescaped', async () => {
    const seen: string[] = [];
    const server = http.createServer((request, response) => {
      seen.push(`${request.method} ${request.url}`);
      const created = request.url?.startsWith('/durabletask/orchestrators/');
      response.writeHead(202, { 'content-type': 'application/json' }).end(created ? JSON.stringify({ id: 'started' }) : '');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      // The binding data the Functions host would hand the function, pointing at this test server.
      const context = new InvocationContext({ functionName: 'test', options: { trigger: { type: 'httpTrigger', name: 'request' }, extraInputs: [durableClientInput], extraOutputs: [] } });
      const rpcBaseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/durabletask/`;
      context.extraInputs.set(durableClientInput, { taskHubName: 'hub', creationUrls: {}, managementUrls: {}, rpcBaseUrl });
      const scheduler = new DurableScheduler(df.getClient(context));

      const timerId = 'offerExpiry:a/b#c?d e%2F';
      await scheduler.schedule(timerFor('offerExpiry', { offerId: 'a/b#c?d e%2F', jobId: 'j', workerId: 'w' }, '2026-01-05T09:00:00.000Z'));
      await scheduler.cancel(timerId);

      const instanceId = timerInstanceId(timerId);
      expect(seen).toEqual([`POST /durabletask/orchestrators/routerTimer/${instanceId}`, `POST /durabletask/instances/${instanceId}/raiseEvent/cancel`]);
      expect(timerIdOfInstance(decodeURIComponent(instanceId))).toBe(timerId);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

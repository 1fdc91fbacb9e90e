import { NEXT_ROUND_AFTER_MS, routerTimer } from '../../functions/orchestrators/routerTimer';
import type { StoredTimer as Timer } from '../../shared/ports/Scheduler';
import { ActionType, historyEvent as h, replayOrchestrator, type Action, type HistoryEvent } from '../support/durableTestRuntime';

/*
 * The real orchestrator, replayed by the durable-functions library over hand-built histories, as the
 * Durable Task extension would hand them over (the extension itself cannot run here). Task ids are
 * the sequence numbers the extension gives the orchestrator's timers and activity calls in the order
 * it creates them. Several events in one episode stand for messages the host delivered together.
 */

const t0 = new Date('2026-01-05T09:00:00.000Z');
const at = (seconds: number) => new Date(t0.getTime() + seconds * 1_000);
const timer: Timer = { id: 'offerExpiry:o1', kind: 'offerExpiry', dueAt: at(30).toISOString(), payload: { offerId: 'o1', jobId: 'j1', workerId: 'w1' } };
const due = new Date(timer.dueAt);
const moved = (seconds: number): Timer => ({ ...timer, dueAt: at(seconds).toISOString() });

const replay = (history: HistoryEvent[], logs: string[] = []) =>
  replayOrchestrator(routerTimer, { instanceId: timer.id, input: timer, history, log: (level, message) => logs.push(`${level}: ${message}`) });

const timerAction = (fireAt: Date, isCanceled = false) => ({ actionType: ActionType.CreateTimer, fireAt: fireAt.toISOString(), isCanceled });
const waitFor = (name: string) => expect.objectContaining({ actionType: ActionType.WaitForExternalEvent, externalEventName: name });
const any = (...compoundActions: unknown[]) => ({ actionType: ActionType.WhenAny, compoundActions });
const continueAsNew = (input: Timer) => ({ actionType: ActionType.ContinueAsNew, input });
const fireCall = { actionType: ActionType.CallActivityWithRetry, functionName: 'fireRouterTimer', input: timer, retryOptions: { firstRetryIntervalInMilliseconds: 5_000, maxNumberOfAttempts: 8, backoffCoefficient: 2, maxRetryIntervalInMilliseconds: 120_000 } };
const calls = (actions: Action[]) => actions.filter((a) => a.actionType === ActionType.CallActivity || a.actionType === ActionType.CallActivityWithRetry);

/** An episode: what the host appends when it runs the orchestrator at `time` for `events`. */
const episode = (time: Date, ...events: HistoryEvent[]) => [h.orchestratorStarted(time), ...events];
const done = (time: Date, ...scheduled: HistoryEvent[]) => [...scheduled, h.orchestratorCompleted(time)];

const started = episode(t0, h.executionStarted(t0, 'routerTimer', timer));
/** First episode done: the durable timer (task 0) is created. */
const waiting = [...started, ...done(t0, h.timerCreated(t0, 0, due))];
/** The timer fired and the activity (task 1) was scheduled. */
const firing = [...waiting, ...episode(due, h.timerFired(due, 0, due)), ...done(due, h.taskScheduled(due, 1, 'fireRouterTimer', timer))];

describe('routerTimer orchestrator, replayed by durable-functions', () => {
  it('first run: a durable timer at dueAt, raced against the reschedule and cancel events', async () => {
    const result = await replay(started);
    expect(result).toEqual({ isDone: false, output: undefined, actions: [any(timerAction(due), waitFor('reschedule'), waitFor('cancel'))] });
  });

  it('when the timer fires it calls fireRouterTimer with the timer, with a retry policy', async () => {
    const result = await replay([...waiting, ...episode(due, h.timerFired(due, 0, due))]);
    expect(result.isDone).toBe(false);
    expect(result.actions).toEqual([any(timerAction(due), waitFor('reschedule'), waitFor('cancel')), fireCall]);
  });

  it('after the activity it takes what else arrived (nothing) and completes: fired', async () => {
    const completed = [...firing, ...episode(at(31), h.taskCompleted(at(31), 1, null))];
    const draining = await replay(completed);
    expect(draining.isDone).toBe(false);
    expect(draining.actions.slice(2)).toEqual([any(timerAction(at(31)))]);

    const result = await replay([...completed, ...done(at(31), h.timerCreated(at(31), 2, at(31))), ...episode(at(31), h.timerFired(at(31), 2, at(31)))]);
    expect(result.isDone).toBe(true);
    expect(result.output).toEqual({ timerId: timer.id, outcome: 'fired' });
    expect(result.actions.filter((a) => a.actionType === ActionType.ContinueAsNew)).toEqual([]);
  });

  it('a reschedule cancels the pending timer and continues as new with the new timer, never firing the old one', async () => {
    const rescheduled = [...waiting, ...episode(at(10), h.eventRaised(at(10), 'reschedule', moved(90)))];
    const draining = await replay(rescheduled);
    expect(draining.isDone).toBe(false);
    expect(draining.actions).toEqual([any(timerAction(due, true), waitFor('reschedule'), waitFor('cancel')), any(waitFor('reschedule'), timerAction(at(10)))]);

    const result = await replay([...rescheduled, ...done(at(10), h.timerCreated(at(10), 1, at(10))), ...episode(at(10), h.timerFired(at(10), 1, at(10)))]);
    expect(result.isDone).toBe(true);
    expect(result.output).toEqual({ timerId: timer.id, outcome: 'rescheduled' });
    expect(result.actions.at(-1)).toEqual(continueAsNew(moved(90)));
    expect(calls(result.actions)).toEqual([]);
  });

  it('a cancel cancels the pending timer and completes without calling the activity', async () => {
    const cancelled = [...waiting, ...episode(at(10), h.eventRaised(at(10), 'cancel', null))];
    const result = await replay([...cancelled, ...done(at(10), h.timerCreated(at(10), 1, at(10))), ...episode(at(10), h.timerFired(at(10), 1, at(10)))]);
    expect(result.isDone).toBe(true);
    expect(result.output).toEqual({ timerId: timer.id, outcome: 'cancelled' });
    expect(result.actions[0]).toEqual(any(timerAction(due, true), waitFor('reschedule'), waitFor('cancel')));
    expect(calls(result.actions)).toEqual([]);
    expect(result.actions.filter((a) => a.actionType === ActionType.ContinueAsNew)).toEqual([]);
  });

  it('of several reschedules delivered together, the last one is kept (none is dropped by deciding on the first)', async () => {
    const burst = [...waiting, ...episode(at(10), h.eventRaised(at(10), 'reschedule', moved(60)), h.eventRaised(at(10), 'reschedule', moved(120)))];
    const draining = await replay(burst);
    expect(draining.isDone).toBe(false);
    const quiet = [h.timerCreated(at(10), 1, at(10)), h.timerCreated(at(10), 2, at(10))];
    const result = await replay([...burst, ...done(at(10), ...quiet), ...episode(at(10), h.timerFired(at(10), 1, at(10)), h.timerFired(at(10), 2, at(10)))]);
    expect(result.isDone).toBe(true);
    expect(result.actions.at(-1)).toEqual(continueAsNew(moved(120)));
  });

  it('a cancel after a reschedule wins; a reschedule and a cancel delivered together keep the timer', async () => {
    const rescheduled = [...waiting, ...episode(at(10), h.eventRaised(at(10), 'reschedule', moved(60))), ...done(at(10), h.timerCreated(at(10), 1, at(10)))];
    const thenCancelled = await replay([
      ...rescheduled,
      ...episode(at(10), h.eventRaised(at(10), 'cancel', null)),
      ...done(at(10), h.timerCreated(at(10), 2, at(10))),
      ...episode(at(10), h.timerFired(at(10), 1, at(10)), h.timerFired(at(10), 2, at(10))),
    ]);
    expect(thenCancelled).toMatchObject({ isDone: true, output: { outcome: 'cancelled' } });

    const together = await replay([
      ...waiting,
      ...episode(at(10), h.eventRaised(at(10), 'cancel', null), h.eventRaised(at(10), 'reschedule', moved(60))),
      ...done(at(10), h.timerCreated(at(10), 1, at(10)), h.timerCreated(at(10), 2, at(10))),
      ...episode(at(10), h.timerFired(at(10), 1, at(10)), h.timerFired(at(10), 2, at(10))),
    ]);
    expect(together).toMatchObject({ isDone: true, output: { outcome: 'rescheduled' } });
    expect(together.actions.at(-1)).toEqual(continueAsNew(moved(60)));
  });

  it('a reschedule raised while the activity runs is kept once the activity completes', async () => {
    const raisedMeanwhile = [...firing, ...episode(at(31), h.eventRaised(at(31), 'reschedule', moved(300)))];
    const meanwhile = await replay(raisedMeanwhile);
    expect(meanwhile.isDone).toBe(false);
    expect(meanwhile.actions).toHaveLength(2);

    const completed = [...raisedMeanwhile, ...done(at(31)), ...episode(at(32), h.taskCompleted(at(32), 1, null))];
    const result = await replay([...completed, ...done(at(32), h.timerCreated(at(32), 2, at(32))), ...episode(at(32), h.timerFired(at(32), 2, at(32)))]);
    expect(result).toMatchObject({ isDone: true, output: { outcome: 'rescheduled' } });
    expect(result.actions.at(-1)).toEqual(continueAsNew(moved(300)));
  });

  it('replay is deterministic: the same history gives the same actions, and a longer one extends them', async () => {
    const history = [...firing, ...episode(at(31), h.taskCompleted(at(31), 1, null))];
    const first = await replay(history);
    expect(await replay(history)).toEqual(first);
    const earlier = await replay(firing);
    expect(first.actions.slice(0, earlier.actions.length)).toEqual(earlier.actions);
  });

  it('a timer more than 6 days away waits through the extension\'s 3-day steps and fires only at its time', async () => {
    const far = at(10 * 86_400);
    const input: Timer = { ...timer, dueAt: far.toISOString() };
    const run = (history: HistoryEvent[]) => replayOrchestrator(routerTimer, { instanceId: timer.id, input, history });
    const step = (days: number) => at(days * 86_400);
    const begun = [...episode(t0, h.executionStarted(t0, 'routerTimer', input)), ...done(t0, h.timerCreated(t0, 0, step(3)))];
    // The action names the final time; the extension creates the steps (tasks 0, 1, 2).
    expect((await run(begun.slice(0, 2))).actions).toEqual([any(timerAction(far), waitFor('reschedule'), waitFor('cancel'))]);

    const afterSteps = [
      ...begun,
      ...episode(step(3), h.timerFired(step(3), 0, step(3))),
      ...done(step(3), h.timerCreated(step(3), 1, step(6))),
      ...episode(step(6), h.timerFired(step(6), 1, step(6))),
    ];
    const stillWaiting = await run(afterSteps);
    expect(stillWaiting.isDone).toBe(false);
    expect(calls(stillWaiting.actions)).toEqual([]);

    const fired = await run([...afterSteps, ...done(step(6), h.timerCreated(step(6), 2, far)), ...episode(far, h.timerFired(far, 2, far))]);
    expect(calls(fired.actions)).toEqual([{ ...fireCall, input }]);
  });

  it('when every attempt of a round failed it logs the error and continues as new with the timer due 15 minutes later and its attempts counted', async () => {
    // The extension retries: after each failed attempt a timer, then the next attempt (task ids go on counting).
    const history = [...waiting, ...episode(due, h.timerFired(due, 0, due))];
    let now = due;
    let taskId = 1;
    for (let attempt = 1; attempt <= 8; attempt++) {
      history.push(...done(now, h.taskScheduled(now, taskId, 'fireRouterTimer', timer)));
      history.push(...episode(now, h.taskFailed(now, taskId, "Activity function 'fireRouterTimer' failed: store unavailable", '')));
      const retryAt = new Date(now.getTime() + Math.min(5_000 * 2 ** (attempt - 1), 120_000));
      history.push(...done(now, h.timerCreated(now, taskId + 1, retryAt)), ...episode(retryAt, h.timerFired(retryAt, taskId + 1, retryAt)));
      now = retryAt;
      taskId += 2;
    }
    const logs: string[] = [];
    const draining = await replay(history, logs);
    expect(draining.isDone).toBe(false);
    expect(logs).toEqual([]);

    const result = await replay([...history, ...done(now, h.timerCreated(now, taskId, now)), ...episode(now, h.timerFired(now, taskId, now))], logs);
    const nextRound = { ...timer, attempts: 8, dueAt: new Date(now.getTime() + NEXT_ROUND_AFTER_MS).toISOString() };
    expect(result).toMatchObject({ isDone: true, output: { outcome: 'retrying' } });
    expect(result.actions.at(-1)).toEqual(continueAsNew(nextRound));
    expect(calls(result.actions)).toEqual([fireCall]);
    expect(logs).toEqual([expect.stringMatching(new RegExp(`^error: timer offerExpiry:o1 \\(offerExpiry\\) failed 8 attempts; trying again at ${nextRound.dueAt}\\. Last error: .*store unavailable`))]);
  });
});

// The Functions host's core module is not installable here: a stand-in records what the library registers.
const mockRegistered: { name: string; bindings: Record<string, Record<string, unknown>> }[] = [];
jest.mock(
  '@azure/functions-core',
  () => ({
    setProgrammingModel: () => undefined,
    registerFunction: (metadata: (typeof mockRegistered)[number]) => {
      mockRegistered.push(metadata);
      return { dispose: () => undefined };
    },
  }),
  { virtual: true },
);

describe('functions/timers.ts registrations', () => {
  beforeAll(() => {
    jest.isolateModules(() => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- a module instance that registers with the stand-in above
      (require('../../functions/timers') as typeof import('../../functions/timers')).registerTimers();
    });
  });

  const bindingsOf = (name: string) => Object.values(mockRegistered.find((r) => r.name === name)?.bindings ?? {});

  it('registers the routerTimer orchestration', () => {
    expect(bindingsOf('routerTimer')).toEqual([expect.objectContaining({ type: 'orchestrationTrigger', direction: 'in' })]);
  });

  it('registers the fireRouterTimer activity with the Durable client input, so a fired timer can schedule', () => {
    const bindings = bindingsOf('fireRouterTimer');
    expect(bindings).toContainEqual(expect.objectContaining({ type: 'activityTrigger', direction: 'in' }));
    expect(bindings).toContainEqual(expect.objectContaining({ type: 'durableClient', direction: 'in' }));
  });
});

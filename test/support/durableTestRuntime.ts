/**
 * A stand-in for the Durable Task extension, for tests.
 *
 * The extension runs inside the Azure Functions host, and that host cannot be installed on these
 * machines (its installer downloads a binary), so this keeps a task hub in memory and plays the
 * extension's part around the REAL orchestrator function: it keeps each instance's history, appends
 * what happened (ExecutionStarted, EventRaised, TimerFired, TaskCompleted, TaskFailed), replays the
 * orchestrator over it with the durable-functions library's own replay (the `createOrchestrator`
 * that `df.app.orchestration` registers), turns the actions it returns into history (TimerCreated,
 * TaskScheduled, continue-as-new), runs the activities and fires the durable timers whose time a
 * test clock has passed. Nothing sleeps: tests move the clock and call `runDue()` or `advance(to)`.
 *
 * Of the extension it models exactly what the router's timers rely on, as the extension does it:
 * - the client: `startNew` refuses an id whose instance is live (the default
 *   overridableExistingInstanceStates) and replaces a finished one; `raiseEvent` rejects for an
 *   unknown id and drops the event of a finished instance; `getStatus` rejects for an unknown id;
 * - messages to a finished instance, and timers and results of an earlier execution, are dropped;
 * - continue-as-new starts the next execution at once, with an empty history;
 * - callActivityWithRetry: after every failed attempt a timer (first interval × backoff^(attempt−1),
 *   capped), then the next attempt while attempts remain;
 * - timers longer than 6 days are run as 3-day steps (the Azure Storage provider's limits).
 * Each message gets its own orchestrator episode; the real host may batch several into one, which the
 * replay tests in test/functions/routerTimer.test.ts cover with hand-built histories.
 */
import { InvocationContext } from '@azure/functions';
import { DummyOrchestrationContext, OrchestrationRuntimeStatus, type OrchestrationHandler } from 'durable-functions';
import type { DurableTimerClient } from '../../shared/adapters/azure/DurableScheduler';
import { routerTimer, routerTimerNames } from '../../functions/orchestrators/routerTimer';

/* eslint-disable @typescript-eslint/no-require-imports -- the library's replay entry point, action types and
   history event classes are internal modules without typings; its own test suite uses them the same way */
const { createOrchestrator } = require('durable-functions/lib/src/util/testingUtils') as {
  createOrchestrator(handler: OrchestrationHandler): (trigger: unknown, context: InvocationContext) => Promise<unknown>;
};
/** The library's action type numbers (CreateTimer = 5, …), as they appear in an orchestrator's actions. */
export const ActionType = (require('durable-functions/lib/src/actions/ActionType') as { ActionType: Record<ActionName, number> & Record<number, string> }).ActionType;
type HistoryEventClass = new (options: Record<string, unknown>) => HistoryEvent;
const eventClass = (name: string): HistoryEventClass => (require(`durable-functions/lib/src/history/${name}`) as Record<string, HistoryEventClass>)[name]!;
/* eslint-enable @typescript-eslint/no-require-imports */

type ActionName = 'CallActivity' | 'CallActivityWithRetry' | 'ContinueAsNew' | 'CreateTimer' | 'WaitForExternalEvent' | 'WhenAny' | 'WhenAll';

/** One history event as the library's classes build it (EventType, EventId, Timestamp, IsPlayed, …). */
export type HistoryEvent = { EventType: number; EventId: number; Timestamp: Date } & Record<string, unknown>;

/** History events, built with the library's own classes; `id` is the task's sequence number. */
export const historyEvent = {
  orchestratorStarted: (at: Date) => new (eventClass('OrchestratorStartedEvent'))({ eventId: -1, timestamp: at }),
  orchestratorCompleted: (at: Date) => new (eventClass('OrchestratorCompletedEvent'))({ eventId: -1, timestamp: at }),
  executionStarted: (at: Date, name: string, input: unknown) => new (eventClass('ExecutionStartedEvent'))({ eventId: -1, timestamp: at, name, input: JSON.stringify(input) }),
  timerCreated: (at: Date, id: number, fireAt: Date) => new (eventClass('TimerCreatedEvent'))({ eventId: id, timestamp: at, fireAt: fireAt.toISOString() }),
  timerFired: (at: Date, id: number, fireAt: Date) => new (eventClass('TimerFiredEvent'))({ eventId: -1, timestamp: at, timerId: id, fireAt: fireAt.toISOString() }),
  eventRaised: (at: Date, name: string, data: unknown) => new (eventClass('EventRaisedEvent'))({ eventId: -1, timestamp: at, name, input: JSON.stringify(data) }),
  taskScheduled: (at: Date, id: number, name: string, input: unknown) => new (eventClass('TaskScheduledEvent'))({ eventId: id, timestamp: at, name, input: JSON.stringify(input) }),
  taskCompleted: (at: Date, id: number, result: unknown) => new (eventClass('TaskCompletedEvent'))({ eventId: -1, timestamp: at, taskScheduledId: id, result: JSON.stringify(result ?? null) }),
  taskFailed: (at: Date, id: number, reason: string, details: string) => new (eventClass('TaskFailedEvent'))({ eventId: -1, timestamp: at, taskScheduledId: id, reason, details }),
};

/** An action as the host receives it (JSON): `actionType` and the action's fields. */
export type Action = { actionType: number } & Record<string, unknown>;

export interface Replay {
  isDone: boolean;
  /** The actions of the whole execution so far, in order (a Task.any is one WhenAny action). */
  actions: Action[];
  output: unknown;
  /** Set when the orchestrator threw: the instance fails. */
  error?: string;
}

/** What the Azure Storage provider passes: timers longer than this are split into steps. */
const MAX_SHORT_TIMER = '6.00:00:00';
const LONG_TIMER_STEP = '3.00:00:00';
const DAY_MS = 86_400_000;
const MAX_SHORT_TIMER_MS = 6 * DAY_MS;
const LONG_TIMER_STEP_MS = 3 * DAY_MS;
/** Replay schema V3: one flat action list, long timers split on both sides. */
const REPLAY_SCHEMA_V3 = 2;
const FAILURE_DATA_LABEL = '\n\n$OutOfProcData$:';

const json = <T>(value: T): T => (value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T));

/**
 * Runs one orchestrator episode over `history` the way the host does: the trigger is the JSON the
 * extension sends, the result the JSON it receives.
 */
export async function replayOrchestrator(
  handler: OrchestrationHandler,
  run: { instanceId: string; input: unknown; history: readonly HistoryEvent[]; log?: (level: string, message: string) => void },
): Promise<Replay> {
  const trigger = json({
    history: run.history,
    input: run.input,
    instanceId: run.instanceId,
    isReplaying: false,
    upperSchemaVersion: REPLAY_SCHEMA_V3,
    maximumShortTimerDuration: MAX_SHORT_TIMER,
    longRunningTimerIntervalDuration: LONG_TIMER_STEP,
    defaultHttpAsyncRequestSleepTimeMillseconds: 30_000,
  });
  const context = new DummyOrchestrationContext('orchestrator', run.instanceId, (level, ...args) => run.log?.(level, args.map(String).join(' ')));
  try {
    const state = json((await createOrchestrator(handler)(trigger, context)) as { isDone: boolean; actions: Action[][]; output: unknown });
    return { isDone: state.isDone, actions: state.actions[0] ?? [], output: state.output };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { isDone: false, actions: [], output: undefined, error: message.split(FAILURE_DATA_LABEL)[0] };
  }
}

/** The actions in the order the extension schedules them: compound actions replaced by their parts. */
export function flattenActions(actions: readonly Action[]): Action[] {
  return actions.flatMap((action) => (Array.isArray(action['compoundActions']) ? flattenActions(action['compoundActions'] as Action[]) : [action]));
}

type Activity = (input: unknown, context: InvocationContext) => unknown;

interface RetryPolicy {
  firstRetryIntervalInMilliseconds: number;
  maxNumberOfAttempts: number;
  backoffCoefficient?: number;
  maxRetryIntervalInMilliseconds?: number;
}

interface ActivityCall {
  kind: 'activity';
  name: string;
  input: unknown;
  retry?: RetryPolicy;
  attempt: number;
}

/** What a task id of an execution stands for. */
type Scheduled = { kind: 'timer'; longUntil?: Date } | ActivityCall | { kind: 'retryWait'; call: ActivityCall };

interface Execution {
  id: number;
  input: unknown;
  history: HistoryEvent[];
  /** How many of the orchestrator's (flattened) actions are already in the history. */
  actionsSeen: number;
  nextTaskId: number;
  tasks: Map<number, Scheduled>;
}

interface Instance {
  instanceId: string;
  name: string;
  status: OrchestrationRuntimeStatus;
  createdTime: Date;
  lastUpdatedTime: Date;
  output: unknown;
  execution: Execution;
}

type Message =
  | { kind: 'start' }
  | { kind: 'event'; name: string; data: unknown }
  | { kind: 'timerFired'; executionId: number; taskId: number; fireAt: Date }
  | { kind: 'taskCompleted'; executionId: number; taskId: number; result: unknown }
  | { kind: 'taskFailed'; executionId: number; taskId: number; error: unknown };

type Work = { kind: 'message'; instanceId: string; message: Message } | { kind: 'activity'; instanceId: string; executionId: number; taskId: number; name: string; input: unknown };

interface DurableTimer {
  instanceId: string;
  executionId: number;
  taskId: number;
  fireAt: Date;
}

const LIVE: ReadonlySet<string> = new Set([OrchestrationRuntimeStatus.Pending, OrchestrationRuntimeStatus.Running, OrchestrationRuntimeStatus.ContinuedAsNew, OrchestrationRuntimeStatus.Suspended]);
/** runDue gives up after this many steps: an orchestrator that keeps creating work due at once is a bug. */
const MAX_STEPS = 10_000;

/** `new Promise(...)` turns a throw into a rejection, as the client's HTTP errors are. */
const promised = <T>(fn: () => T): Promise<T> => new Promise((resolve) => resolve(fn()));

export interface DurableTestRuntimeOptions {
  /** The clock the durable timers follow (the engine's TestClock). */
  clock: { now(): Date; advance(ms: number): void };
  /** Activity functions by name, e.g. `{ fireRouterTimer: (timer) => fireTimer(ports, timer as Timer) }`. */
  activities: Record<string, Activity>;
  /** Orchestrator functions by name; the router's timer orchestration by default. */
  orchestrations?: Record<string, OrchestrationHandler>;
}

export class DurableTestRuntime {
  /** What `df.getClient(context)` gives a function: hand it to `new DurableScheduler(...)`. */
  readonly client: DurableTimerClient;
  /** What orchestrators logged (`context.error(...)`, …), in order. */
  readonly logs: { instanceId: string; level: string; message: string }[] = [];

  private readonly clock: DurableTestRuntimeOptions['clock'];
  private readonly activities: Record<string, Activity>;
  private readonly orchestrations: Record<string, OrchestrationHandler>;
  private readonly instances = new Map<string, Instance>();
  private readonly queue: Work[] = [];
  private timers: DurableTimer[] = [];
  private executions = 0;
  private invocations = 0;

  constructor(options: DurableTestRuntimeOptions) {
    this.clock = options.clock;
    this.activities = options.activities;
    this.orchestrations = options.orchestrations ?? { [routerTimerNames.orchestration]: routerTimer };
    this.client = {
      startNew: (name, start) => promised(() => this.startNew(name, start.instanceId, start.input)),
      raiseEvent: (instanceId, eventName, eventData) => promised(() => this.raiseEvent(instanceId, eventName, eventData)),
      getStatus: (instanceId) => promised(() => this.status(instanceId)),
    };
  }

  /**
   * Runs everything that is due at the clock's time: messages, activities, and the durable timers the
   * clock has passed, until nothing is left. Returns how many activity executions ran.
   */
  async runDue(): Promise<number> {
    let activities = 0;
    for (let step = 0; step < MAX_STEPS; step++) {
      const work = this.queue.shift() ?? this.dueTimer();
      if (!work) return activities;
      if (work.kind === 'activity') {
        activities++;
        await this.runActivity(work);
      } else {
        await this.deliver(work.instanceId, work.message);
      }
    }
    throw new Error(`DurableTestRuntime.runDue did not settle in ${MAX_STEPS} steps: an orchestration keeps creating work that is due at once`);
  }

  /** Moves the clock to `to`, stopping at every durable timer on the way (in time order) to run what is due. */
  async advance(to: Date): Promise<number> {
    let activities = await this.runDue();
    for (let next = this.nextDue(); next && next <= to; next = this.nextDue()) {
      this.clock.advance(Math.max(0, next.getTime() - this.clock.now().getTime()));
      activities += await this.runDue();
    }
    const rest = to.getTime() - this.clock.now().getTime();
    if (rest > 0) this.clock.advance(rest);
    return activities + (await this.runDue());
  }

  /** When the next durable timer of a live execution fires (a long timer's next step), if any. */
  nextDue(): Date | undefined {
    const live = this.timers.filter((timer) => this.isCurrent(timer.instanceId, timer.executionId));
    return live.length === 0 ? undefined : new Date(Math.min(...live.map((timer) => timer.fireAt.getTime())));
  }

  private startNew(name: string, instanceId: string, input: unknown): string {
    if (!this.orchestrations[name]) throw new Error(`The orchestrator function '${name}' does not exist.`);
    const existing = this.instances.get(instanceId);
    if (existing && LIVE.has(existing.status)) throw new Error(`An orchestration instance with ID '${instanceId}' already exists and is ${existing.status}.`);
    const now = this.clock.now();
    this.instances.set(instanceId, { instanceId, name, status: OrchestrationRuntimeStatus.Pending, createdTime: now, lastUpdatedTime: now, output: null, execution: this.newExecution(json(input)) });
    this.queue.push({ kind: 'message', instanceId, message: { kind: 'start' } });
    return instanceId;
  }

  private raiseEvent(instanceId: string, name: string, data: unknown): void {
    const instance = this.instances.get(instanceId);
    if (!instance) throw new Error(`No instance with ID '${instanceId}' found.`);
    // A finished instance takes no events: the extension answers 410 and the client resolves.
    if (LIVE.has(instance.status)) this.queue.push({ kind: 'message', instanceId, message: { kind: 'event', name, data: json(data) } });
  }

  private status(instanceId: string) {
    const instance = this.instances.get(instanceId);
    if (!instance) throw new Error(`DurableClient error: Durable Functions extension replied with HTTP 404 response. No instance ${instanceId}.`);
    const { name, createdTime, lastUpdatedTime, output, status } = instance;
    return { name, instanceId, createdTime, lastUpdatedTime, input: instance.execution.input, output, runtimeStatus: status };
  }

  private newExecution(input: unknown): Execution {
    return { id: ++this.executions, input, history: [], actionsSeen: 0, nextTaskId: 0, tasks: new Map() };
  }

  private isCurrent(instanceId: string, executionId: number): boolean {
    const instance = this.instances.get(instanceId);
    return instance !== undefined && LIVE.has(instance.status) && instance.execution.id === executionId;
  }

  private dueTimer(): Work | undefined {
    const now = this.clock.now();
    const due = this.timers.filter((timer) => timer.fireAt <= now).sort((a, b) => a.fireAt.getTime() - b.fireAt.getTime())[0];
    if (!due) return undefined;
    this.timers = this.timers.filter((timer) => timer !== due);
    return { kind: 'message', instanceId: due.instanceId, message: { kind: 'timerFired', executionId: due.executionId, taskId: due.taskId, fireAt: due.fireAt } };
  }

  /** One orchestrator episode: the message joins the history, the orchestrator replays, its new actions are scheduled. */
  private async deliver(instanceId: string, message: Message): Promise<void> {
    const instance = this.instances.get(instanceId);
    if (!instance || !LIVE.has(instance.status)) return;
    const execution = instance.execution;
    if ('executionId' in message && message.executionId !== execution.id) return;
    const now = this.clock.now();
    // What this episode schedules; follow-ups of the message take their task ids first, as in the library.
    const scheduled: HistoryEvent[] = [];
    execution.history.push(historyEvent.orchestratorStarted(now));
    switch (message.kind) {
      case 'start':
        instance.status = OrchestrationRuntimeStatus.Running;
        execution.history.push(historyEvent.executionStarted(now, instance.name, execution.input));
        break;
      case 'event':
        execution.history.push(historyEvent.eventRaised(now, message.name, message.data));
        break;
      case 'timerFired':
        execution.history.push(historyEvent.timerFired(now, message.taskId, message.fireAt));
        this.afterTimer(instance, message.taskId, now, scheduled);
        break;
      case 'taskCompleted':
        execution.history.push(historyEvent.taskCompleted(now, message.taskId, message.result));
        break;
      case 'taskFailed': {
        const error = message.error instanceof Error ? message.error : new Error(String(message.error));
        const name = (execution.tasks.get(message.taskId) as ActivityCall | undefined)?.name;
        execution.history.push(historyEvent.taskFailed(now, message.taskId, `Activity function '${name}' failed: ${error.message}`, error.stack ?? ''));
        this.afterFailure(instance, message.taskId, now, scheduled);
        break;
      }
    }

    const replay = await replayOrchestrator(this.orchestrations[instance.name]!, {
      instanceId,
      input: execution.input,
      history: execution.history,
      log: (level, text) => this.logs.push({ instanceId, level, message: text }),
    });
    instance.lastUpdatedTime = now;
    if (replay.error !== undefined) {
      instance.status = OrchestrationRuntimeStatus.Failed;
      instance.output = replay.error;
      return;
    }
    const actions = flattenActions(replay.actions);
    for (const action of actions.slice(execution.actionsSeen)) this.schedule(instance, action, now, scheduled);
    execution.actionsSeen = actions.length;
    execution.history.push(...scheduled, historyEvent.orchestratorCompleted(now));
    if (!replay.isDone) return;

    const continued = actions.find((action) => action.actionType === ActionType.ContinueAsNew);
    if (continued) {
      instance.execution = this.newExecution(json(continued['input']));
      return this.deliver(instanceId, { kind: 'start' });
    }
    instance.status = OrchestrationRuntimeStatus.Completed;
    instance.output = replay.output;
  }

  private schedule(instance: Instance, action: Action, now: Date, scheduled: HistoryEvent[]): void {
    switch (action.actionType) {
      case ActionType.CreateTimer: {
        const fireAt = new Date(action['fireAt'] as string);
        this.createTimer(instance, fireAt.getTime() - now.getTime() > MAX_SHORT_TIMER_MS ? fireAt : undefined, fireAt, now, scheduled);
        return;
      }
      case ActionType.CallActivity:
      case ActionType.CallActivityWithRetry: {
        const retry = action['retryOptions'] as RetryPolicy | undefined;
        this.scheduleActivity(instance, { kind: 'activity', name: action['functionName'] as string, input: action['input'], retry, attempt: 1 }, now, scheduled);
        return;
      }
      case ActionType.WaitForExternalEvent:
      case ActionType.ContinueAsNew:
        return;
      default:
        throw new Error(`DurableTestRuntime does not model ${ActionType[action.actionType]} actions; model it before an orchestrator uses it`);
    }
  }

  /** A durable timer; a long one (`longUntil`) fires in steps until that time. */
  private createTimer(instance: Instance, longUntil: Date | undefined, fireAt: Date, now: Date, scheduled: HistoryEvent[]): void {
    const execution = instance.execution;
    const step = longUntil && longUntil.getTime() - now.getTime() > MAX_SHORT_TIMER_MS ? new Date(now.getTime() + LONG_TIMER_STEP_MS) : fireAt;
    const taskId = execution.nextTaskId++;
    execution.tasks.set(taskId, { kind: 'timer', longUntil });
    scheduled.push(historyEvent.timerCreated(now, taskId, step));
    this.timers.push({ instanceId: instance.instanceId, executionId: execution.id, taskId, fireAt: step });
  }

  private scheduleActivity(instance: Instance, call: ActivityCall, now: Date, scheduled: HistoryEvent[]): void {
    const execution = instance.execution;
    const taskId = execution.nextTaskId++;
    execution.tasks.set(taskId, call);
    scheduled.push(historyEvent.taskScheduled(now, taskId, call.name, call.input));
    this.queue.push({ kind: 'activity', instanceId: instance.instanceId, executionId: execution.id, taskId, name: call.name, input: call.input });
  }

  /** A long timer's next step; after a retry's wait, the next attempt while attempts remain. */
  private afterTimer(instance: Instance, taskId: number, now: Date, scheduled: HistoryEvent[]): void {
    const task = instance.execution.tasks.get(taskId);
    if (task?.kind === 'timer' && task.longUntil && task.longUntil > now) this.createTimer(instance, task.longUntil, task.longUntil, now, scheduled);
    if (task?.kind === 'retryWait' && task.call.retry && task.call.attempt < task.call.retry.maxNumberOfAttempts) {
      this.scheduleActivity(instance, { ...task.call, attempt: task.call.attempt + 1 }, now, scheduled);
    }
  }

  /** After a failed attempt of a call with retries: the wait before the next one (also after the last, as the extension does). */
  private afterFailure(instance: Instance, taskId: number, now: Date, scheduled: HistoryEvent[]): void {
    const call = instance.execution.tasks.get(taskId);
    if (call?.kind !== 'activity' || !call.retry) return;
    const { firstRetryIntervalInMilliseconds: first, backoffCoefficient = 1, maxRetryIntervalInMilliseconds = Infinity } = call.retry;
    const delay = Math.min(first * backoffCoefficient ** (call.attempt - 1), maxRetryIntervalInMilliseconds);
    const execution = instance.execution;
    const waitId = execution.nextTaskId++;
    execution.tasks.set(waitId, { kind: 'retryWait', call });
    const fireAt = new Date(now.getTime() + delay);
    scheduled.push(historyEvent.timerCreated(now, waitId, fireAt));
    this.timers.push({ instanceId: instance.instanceId, executionId: execution.id, taskId: waitId, fireAt });
  }

  private async runActivity(work: Extract<Work, { kind: 'activity' }>): Promise<void> {
    const { instanceId, executionId, taskId } = work;
    let message: Message;
    try {
      const activity = this.activities[work.name];
      if (!activity) throw new Error(`The activity function '${work.name}' does not exist.`);
      const context = new InvocationContext({ functionName: work.name, invocationId: `activity-${++this.invocations}`, logHandler: () => undefined });
      message = { kind: 'taskCompleted', executionId, taskId, result: json(await activity(json(work.input), context)) };
    } catch (error) {
      message = { kind: 'taskFailed', executionId, taskId, error };
    }
    this.queue.push({ kind: 'message', instanceId, message });
  }
}

import { VirtualClock } from '../adapters/VirtualClock';
import { openMemoryStore } from '../adapters/embedded/MemoryStore';
import { acceptOffer } from '../app/acceptOffer';
import { AppError } from '../app/AppError';
import { cancelJob } from '../app/cancelJob';
import { closeJob } from '../app/closeJob';
import { completeJob } from '../app/completeJob';
import { declineOffer } from '../app/declineOffer';
import { fireTimer } from '../app/fireTimer';
import { runMatching } from '../app/runMatching';
import { upsertJob } from '../app/upsertJob';
import { upsertResource } from '../app/upsertResource';
import { upsertWorker } from '../app/upsertWorker';
import { classificationPolicyResource, distributionPolicyResource, exceptionPolicyResource, queueResource } from '../domain/resources';
import { createEmbeddedEngine, type EmbeddedEngine } from '../hosting/createEmbeddedEngine';
import type { RouterEvent } from '../ports/EventPublisher';
import { silentLogger } from '../ports/Logger';
import type { RouterPorts } from '../ports/RouterPorts';
import type { Store } from '../ports/Store';
import { nextArrival, rateProfileOf } from './arrivalTimes';
import { ClockScheduler } from './clockScheduler';
import { LiveOnlyEvents } from './liveOnlyEvents';
import { RunningActs } from './runningActs';
import { ScenarioError, type Arrival, type Scenario, type WorkerGroup } from './scenario';
import { drawPatience, drawSeconds, seededStreams, type Uniform } from './seededRandom';

/** One simulated job, times in seconds from the start of the day. */
export interface JobRecord {
  id: string;
  /** The queue it waited in: the arrival's, or the one classification chose. */
  queueId: string | undefined;
  channelId: string;
  arrivedAt: number;
  assignedAt?: number;
  closedAt?: number;
  /** The customer hung up while the job waited (it was cancelled). */
  abandonedAt?: number;
  /** The router cancelled it (an exception rule), or classification failed. */
  endedByRouterAt?: number;
  /** Capacity the assignment held from assignedAt to closedAt. */
  capacityCost?: number;
}

/** A job as the simulation follows it: its record, and what was drawn for its customer. */
interface SimulatedJob extends JobRecord {
  patience: number;
  handle: number;
  wrapUp: number;
  /** An accept is in flight: the customer is being answered, not hanging up. */
  accepting: boolean;
  /** Cancels the customer's hang-up (once answered). */
  hangUp?: () => void;
  /** The customer's cancel is in flight: its RouterJobCancelled is theirs, not the router's. */
  hangingUp?: boolean;
  /** Answered and closed, abandoned or ended: no longer keeps the run going. */
  resolved?: boolean;
}

/** One worker's time on shift, in seconds from the start of the day, with the capacity it brought. */
export interface ShiftRecord {
  workerId: string;
  from: number;
  to: number;
  capacity: number;
}

export interface SimulationRun {
  scenario: Scenario;
  jobs: JobRecord[];
  shifts: ShiftRecord[];
  /** Offers answered: accepted, declined, left to expire (as the workers decided). */
  offers: { issued: number; accepted: number; declined: number; ignored: number };
  /** Seconds simulated, including the drain after the last arrival. */
  simulatedSeconds: number;
  wallMilliseconds: number;
  /** Router timers fired (offer expiries, settles, classification, exceptions). */
  routerTimersFired: number;
  /** Every timer the virtual clock fired: the simulation's acts (arrivals, answers, ends, hang-ups, shifts) and the router's timers. */
  clockTimersFired: number;
}

export interface RunOptions {
  /** An empty store to run on (the SQLite store, to compare); a fresh MemoryStore when absent. It is closed at the end. */
  store?: Store;
  /**
   * Whether the fresh MemoryStore freezes what it keeps (the default), so that router code changing a
   * body it shares throws instead of quietly changing the run. The command line runs unfrozen, about a
   * tenth faster: the tests run the same paths frozen and check that both give the same run.
   */
  freezeStore?: boolean;
  /** Hears every router event of the run as it is recorded (to keep the run's event history). */
  onEvent?: (event: RouterEvent) => void;
  /** Hears how far the run got, every simulated hour (a long run on a terminal shows it). */
  onProgress?: (progress: RunProgress) => void;
}

export interface RunProgress {
  simulatedSeconds: number;
  durationSeconds: number;
  jobs: number;
  wallMilliseconds: number;
}

/** How often a run tells how far it got, in simulated seconds. */
const PROGRESS_EVERY_SECONDS = 3600;

/** How long after the day the run keeps going so that the last arrivals are answered or abandon. */
const MAX_DRAIN_SECONDS = 24 * 3600;
const DAY_START = Date.parse('2026-01-05T00:00:00.000Z');

/** How workers answer when their group does not say: they accept every offer at once. */
const ANSWER_AT_ONCE = { acceptAfterSeconds: { kind: 'fixed' as const, value: 0 }, declineProbability: 0, expireProbability: 0 };

/** Errors a worker or customer meets in normal traffic: the offer went, the job was taken or ended. */
const isExpectedRefusal = (error: unknown) => error instanceof AppError && (error.reason === 'conflict' || error.reason === 'notFound');

interface GroupPlan {
  group: WorkerGroup;
  name: string;
  workerIds: string[];
  costOf: Map<string, number>;
  answers: Uniform;
}

/**
 * Runs the router's own engine (its use cases, policies, rules, exception handling and distribution
 * modes, with the embedded scheduler and match queue) through a simulated day on an in-memory store
 * and a virtual clock. Customers, workers and shifts are the only things simulated: they act
 * through the same use cases the HTTP routes call. Deterministic for the scenario's seed.
 */
export async function runScenario(scenario: Scenario, options: RunOptions = {}): Promise<SimulationRun> {
  const wallStart = performance.now();
  const clock = new VirtualClock(DAY_START);
  const stream = seededStreams(scenario.seed);
  let idCount = 0;
  const store = options.store ?? openMemoryStore({ freeze: options.freezeStore ?? true });
  // Matching drains wait for the instant's work to settle (see settle) rather than for a turn of the event loop.
  const drains: (() => void)[] = [];
  const engine = createEmbeddedEngine({
    store,
    logger: silentLogger,
    clock,
    newId: () => `id-${(++idCount).toString(36)}`,
    random: stream('router'),
    deferMatching: (drain) => drains.push(drain),
  });
  const events = new LiveOnlyEvents();
  // The router's timers fire as the simulation's acts do: the loop waits for what they start.
  const scheduler = new ClockScheduler(clock, (timer) => act(() => fireTimer(ports, timer)));
  const ports: RouterPorts = { ...engine.ports, scheduler, events };
  const secondsNow = () => (clock.now().getTime() - DAY_START) / 1000;
  const end = scenario.durationSeconds;

  const acts = new RunningActs();
  /** Starts work at the present instant; the loop waits for it before moving time. */
  const act = (work: () => Promise<void>) => acts.start(work);
  // Simulated instants are whole milliseconds, the clock's (and the router's wire times') resolution.
  const at = (seconds: number, work: () => Promise<void>) => clock.setTimer(Math.round(seconds * 1000) - (clock.now().getTime() - DAY_START), () => act(work));

  const jobs = new Map<string, SimulatedJob>();
  const offers = { issued: 0, accepted: 0, declined: 0, ignored: 0 };
  let open = 0;
  const resolve = (record: SimulatedJob) => {
    if (record.resolved) return;
    record.resolved = true;
    record.hangUp = undefined;
    open--;
  };

  try {
    // From the start: the history includes the workers' registrations.
    if (options.onEvent) events.subscribe(options.onEvent);
    await configureRouter(ports, scenario);
    const groups = await staffGroups(ports, scenario, stream);
    const groupOfWorker = new Map<string, GroupPlan>();
    for (const plan of groups) for (const id of plan.workerIds) groupOfWorker.set(id, plan);
    const shifts = planShifts(groups, end, at, ports);

    const abandon = async (record: SimulatedJob) => {
      if (record.assignedAt !== undefined || record.accepting || record.abandonedAt !== undefined || record.endedByRouterAt !== undefined) return;
      record.hangingUp = true;
      try {
        await cancelJob(ports, record.id, { dispositionCode: 'Abandoned' });
        record.abandonedAt = secondsNow();
        resolve(record);
      } catch (error) {
        if (!isExpectedRefusal(error)) throw error;
      } finally {
        record.hangingUp = false;
      }
    };

    const answer = (event: RouterEvent) => {
      const workerId = String(event.data['workerId']);
      const jobId = String(event.data['jobId']);
      const offerId = String(event.data['offerId']);
      const plan = groupOfWorker.get(workerId);
      const record = jobs.get(jobId);
      if (!plan || !record) return;
      offers.issued++;
      const how = plan.group.answer ?? ANSWER_AT_ONCE;
      const draw = plan.answers();
      const delay = drawSeconds(plan.answers, how.acceptAfterSeconds);
      if (draw < how.expireProbability) {
        offers.ignored++;
        return;
      }
      if (draw < how.expireProbability + how.declineProbability) {
        at(secondsNow() + delay, async () => {
          try {
            await declineOffer(ports, workerId, offerId, {});
            offers.declined++;
          } catch (error) {
            if (!isExpectedRefusal(error)) throw error;
          }
        });
        return;
      }
      at(secondsNow() + delay, async () => {
        if (record.assignedAt !== undefined || record.abandonedAt !== undefined || record.endedByRouterAt !== undefined) return;
        record.accepting = true;
        let assignmentId: string;
        try {
          ({ assignmentId } = await acceptOffer(ports, workerId, offerId));
        } catch (error) {
          record.accepting = false;
          if (!isExpectedRefusal(error)) throw error;
          if (secondsNow() >= record.arrivedAt + record.patience) await abandon(record);
          return;
        }
        offers.accepted++;
        record.accepting = false;
        record.assignedAt = secondsNow();
        // An answered customer no longer hangs up: one instant fewer for the loop to visit.
        record.hangUp?.();
        // Nor is the cancelled timer kept alive with the record, for the whole run.
        record.hangUp = undefined;
        record.capacityCost = plan.costOf.get(record.channelId) ?? 1;
        const completeAt = record.assignedAt + record.handle;
        // The router may end an assigned job meanwhile (an exception rule's cancel): then the worker's
        // complete or close is refused, and the job is over.
        const ended = (error: unknown) => {
          if (!isExpectedRefusal(error)) throw error;
          record.closedAt ??= secondsNow();
          resolve(record);
        };
        at(completeAt, async () => {
          try {
            await completeJob(ports, jobId, assignmentId, {});
          } catch (error) {
            ended(error);
            return;
          }
          at(completeAt + record.wrapUp, async () => {
            try {
              await closeJob(ports, jobId, assignmentId, {});
            } catch (error) {
              ended(error);
              return;
            }
            record.closedAt = secondsNow();
            resolve(record);
          });
        });
      });
    };

    const listen = (event: RouterEvent) => {
      const record = jobs.get(String(event.data['jobId']));
      switch (event.type) {
        case 'RouterWorkerOfferIssued':
          answer(event);
          return;
        case 'RouterJobQueued':
          if (record) record.queueId = String(event.data['queueId']);
          return;
        case 'RouterJobCancelled':
        case 'RouterJobClassificationFailed':
          if (record && !record.hangingUp && !record.resolved && record.assignedAt === undefined) {
            record.endedByRouterAt = secondsNow();
            resolve(record);
          }
          return;
        default:
          return;
      }
    };
    events.subscribe(listen);

    scenario.arrivals.forEach((arrival, index) => scheduleArrivals(arrival, index));
    const { onProgress } = options;
    if (onProgress) {
      const report = () => onProgress({ simulatedSeconds: secondsNow(), durationSeconds: end, jobs: jobs.size, wallMilliseconds: performance.now() - wallStart });
      // A clock timer like any act: it moves with simulated time and stops with the arrivals.
      const every = (t: number) =>
        at(t, () => {
          report();
          if (t + PROGRESS_EVERY_SECONDS < end) every(t + PROGRESS_EVERY_SECONDS);
          return Promise.resolve();
        });
      if (PROGRESS_EVERY_SECONDS < end) every(PROGRESS_EVERY_SECONDS);
    }

    function scheduleArrivals(arrival: Arrival, index: number) {
      const profile = rateProfileOf(arrival);
      const gaps = stream(`arrivals:${index}`);
      const draws = stream(`customers:${index}`);
      const next = (after: number) => {
        const t = nextArrival(profile, after, end, gaps);
        if (t === undefined) return;
        at(t, async () => {
          next(t);
          const id = `job-${(jobs.size + 1).toString().padStart(7, '0')}`;
          const record: SimulatedJob = {
            id,
            queueId: arrival.queueId,
            channelId: arrival.channelId,
            arrivedAt: secondsNow(),
            patience: drawPatience(draws, arrival.patienceSeconds),
            handle: drawSeconds(draws, arrival.handleSeconds),
            wrapUp: arrival.wrapUpSeconds ? drawSeconds(draws, arrival.wrapUpSeconds) : 0,
            accepting: false,
          };
          jobs.set(id, record);
          open++;
          if (Number.isFinite(record.patience)) record.hangUp = at(record.arrivedAt + record.patience, () => abandon(record));
          await upsertJob(ports, id, jobBody(arrival), {});
        });
      };
      next(0);
    }

    const clockTimersFired = await runLoop(engine, ports, clock, acts, events.failures, drains, () => secondsNow() >= end && open === 0, DAY_START + (end + MAX_DRAIN_SECONDS) * 1000);
    for (const shift of shifts) shift.to = Math.min(shift.to, Math.max(end, secondsNow()));
    return {
      scenario,
      jobs: [...jobs.values()].map(({ patience: _p, handle: _h, wrapUp: _w, accepting: _a, hangUp: _u, hangingUp: _c, resolved: _r, ...job }) => job),
      shifts,
      offers,
      simulatedSeconds: secondsNow(),
      wallMilliseconds: performance.now() - wallStart,
      routerTimersFired: scheduler.fired,
      clockTimersFired,
    };
  } finally {
    await engine.matchQueue.stop();
    await store.close();
  }
}

/** Moves time from event to event until `done`, letting the router settle at each instant; answers the timers fired. */
async function runLoop(
  engine: EmbeddedEngine,
  ports: RouterPorts,
  clock: VirtualClock,
  acts: RunningActs,
  /** What the run's event listeners threw: the run ends with the first, as with a failed act. */
  heard: readonly unknown[],
  drains: (() => void)[],
  done: () => boolean,
  hardStop: number,
): Promise<number> {
  engine.matchQueue.start((request) => runMatching(ports, request));
  let fired = 0;
  for (;;) {
    await settle(engine, acts, drains);
    if (acts.failures.length > 0) throw acts.failures[0];
    if (heard.length > 0) throw heard[0];
    if (done()) return fired;
    const next = clock.nextDue();
    if (next === undefined || next > hardStop) return fired;
    fired += clock.advanceTo(Math.max(next, clock.now().getTime()));
  }
}

/**
 * Runs everything the present instant started: the simulation's acts and the router's timers, then the
 * matching they asked for (as on a host, after the work that asked has gone as far as it can), and again
 * until nothing is left.
 */
async function settle(engine: EmbeddedEngine, acts: RunningActs, drains: (() => void)[]): Promise<void> {
  for (;;) {
    await acts.settled();
    const drain = drains.shift();
    if (!drain) return;
    drain();
    // Not engine.idle(): the engine was never started, so there is no relay look to wait for.
    await engine.matchQueue.idle();
  }
}

/** The job as the API takes it from the arrival stream. */
function jobBody(arrival: Arrival): Record<string, unknown> {
  const body: Record<string, unknown> = { channelId: arrival.channelId };
  if (arrival.queueId !== undefined) body['queueId'] = arrival.queueId;
  if (arrival.classificationPolicyId !== undefined) body['classificationPolicyId'] = arrival.classificationPolicyId;
  if (arrival.priority !== undefined) body['priority'] = arrival.priority;
  if (arrival.labels !== undefined) body['labels'] = arrival.labels;
  if (arrival.requestedWorkerSelectors !== undefined) body['requestedWorkerSelectors'] = arrival.requestedWorkerSelectors;
  return body;
}

/** Writes the scenario's router resources through the router's own upsert, in reference order. */
async function configureRouter(ports: RouterPorts, scenario: Scenario): Promise<void> {
  const steps = [
    ['distributionPolicies', distributionPolicyResource, scenario.distributionPolicies],
    ['exceptionPolicies', exceptionPolicyResource, scenario.exceptionPolicies],
    ['queues', queueResource, scenario.queues],
    ['classificationPolicies', classificationPolicyResource, scenario.classificationPolicies],
  ] as const;
  for (const [name, definition, resources] of steps) {
    for (const [index, { id, ...body }] of resources.entries()) {
      try {
        await upsertResource(ports, definition as Parameters<typeof upsertResource>[1], id, body, {});
      } catch (error) {
        if (error instanceof AppError) throw new ScenarioError(`${name}.${index} (${id}): ${error.message}`);
        throw error;
      }
    }
  }
}

/** Registers every worker of every group (off shift where the group's first shift starts later). */
async function staffGroups(ports: RouterPorts, scenario: Scenario, stream: (name: string) => Uniform): Promise<GroupPlan[]> {
  const plans: GroupPlan[] = [];
  for (const [index, group] of scenario.workerGroups.entries()) {
    const name = group.name ?? `group${index + 1}`;
    const width = String(group.count).length;
    const workerIds = Array.from({ length: group.count }, (_, n) => `${name}-${String(n + 1).padStart(width, '0')}`);
    const onAtStart = onShiftAt(group, 0);
    for (const id of workerIds) {
      const body = { capacity: group.capacity, queues: group.queues, channels: group.channels, labels: group.labels ?? {}, availableForOffers: onAtStart };
      try {
        await upsertWorker(ports, id, body, {});
      } catch (error) {
        if (error instanceof AppError) throw new ScenarioError(`workerGroups.${index} (${name}): ${error.message}`);
        throw error;
      }
    }
    plans.push({ group, name, workerIds, costOf: new Map(group.channels.map((c) => [c.channelId, c.capacityCostPerJob])), answers: stream(`answers:${name}`) });
  }
  return plans;
}

const shiftsOf = (group: WorkerGroup, end: number) => group.shifts ?? [{ startSeconds: 0, endSeconds: end + MAX_DRAIN_SECONDS }];
const onShiftAt = (group: WorkerGroup, t: number) => shiftsOf(group, Infinity).some((s) => s.startSeconds <= t && t < s.endSeconds);

/** Sets each group's workers available at their shifts' starts and unavailable at their ends; answers the shift records. */
function planShifts(groups: readonly GroupPlan[], end: number, at: (seconds: number, work: () => Promise<void>) => void, ports: RouterPorts): ShiftRecord[] {
  const records: ShiftRecord[] = [];
  for (const { group, workerIds } of groups) {
    for (const shift of shiftsOf(group, end)) {
      for (const workerId of workerIds) records.push({ workerId, from: shift.startSeconds, to: shift.endSeconds, capacity: group.capacity });
      // Back-to-back shifts: the group stays on at a boundary where another of its shifts starts.
      const setAvailability = (t: number) => async () => {
        const available = onShiftAt(group, t);
        for (const workerId of workerIds) await upsertWorker(ports, workerId, { availableForOffers: available }, {});
      };
      if (shift.startSeconds > 0) at(shift.startSeconds, setAvailability(shift.startSeconds));
      if (shift.endSeconds < end + MAX_DRAIN_SECONDS) at(shift.endSeconds, setAvailability(shift.endSeconds));
    }
  }
  return records;
}

import { randomUUID } from 'node:crypto';
import { InProcessMatchQueue } from '../adapters/embedded/InProcessMatchQueue';
import { RouterRuleEvaluator } from '../adapters/http/RouterRuleEvaluator';
import { StoreScheduler } from '../adapters/embedded/StoreScheduler';
import { ConfigurationCache } from '../app/configurationCache';
import { EventRelay, type RelayOptions } from '../app/EventRelay';
import { fireTimer } from '../app/fireTimer';
import { recoverMatching } from '../app/recoverMatching';
import { runMatching } from '../app/runMatching';
import { statisticsFor } from '../app/statistics/statisticsFor';
import type { StoreStatistics } from '../app/statistics/StoreStatistics';
import { every, systemClock, type Clock } from '../ports/Clock';
import type { EventChannel } from '../ports/EventChannel';
import type { Logger } from '../ports/Logger';
import type { RouterPorts } from '../ports/RouterPorts';
import type { Store } from '../ports/Store';

export interface EmbeddedEngineParts {
  store: Store;
  logger: Logger;
  clock?: Clock;
  newId?: () => string;
  /** Draws of weighted allocations (a seeded source in tests); Math.random when absent. */
  random?: () => number;
  /** Where recorded events are delivered (webhooks); recorded in the history only when absent. */
  channels?: readonly EventChannel[];
  /** Retry and dead-letter settings of event delivery. */
  delivery?: Pick<RelayOptions, 'maxAttempts' | 'firstRetryMs' | 'maxRetryMs' | 'retentionDays'>;
  /** Days the statistics aggregates are kept. */
  statisticsRetentionDays?: number;
  /** How often the projector runs in the background (0: only when statistics are read; the bench compares). */
  statisticsEveryMs?: number;
  /** When matching runs after the request that asked for it: the next turn of the event loop when absent (see InProcessMatchQueue). */
  deferMatching?: (drain: () => void) => void;
}

/**
 * How often the relay looks after itself: a sweep when this process failed to record events (a crash's
 * are swept at start), otherwise it notes that everything so far was recorded, and applies the
 * history's retention once an hour.
 */
const CHECK_EVERY_MS = 30_000;
const PRUNE_EVERY_MS = 60 * 60_000;
/**
 * How often the statistics projector folds new events into the aggregates (reads catch up as well).
 * Each pass writes every aggregate it touches once, so fewer, larger passes cost the routing less.
 */
const PROJECT_EVERY_MS = 5000;

export interface EmbeddedEngine {
  ports: RouterPorts;
  scheduler: StoreScheduler;
  matchQueue: InProcessMatchQueue;
  /** Records and delivers router events; the live feed of the event stream. */
  relay: EventRelay;
  /** Real-time and cumulative statistics, projected from the event history in the background. */
  statistics: StoreStatistics;
  /** Starts the timer loop and the matcher, and asks for one matching pass over every queue. */
  start(): Promise<void>;
  /** Stops taking work and waits for what is running; the store stays open. */
  stop(): Promise<void>;
  /** Resolves when matching has nothing left to do and the relay's periodic look, if one runs, has ended (tests). */
  idle(): Promise<void>;
}

/** The in-process engine around a store: timers in the store, matching on the event loop, events recorded. */
export function createEmbeddedEngine(parts: EmbeddedEngineParts): EmbeddedEngine {
  const clock = parts.clock ?? systemClock;
  const scheduler = new StoreScheduler(parts.store, clock, parts.logger);
  const matchQueue = new InProcessMatchQueue(parts.logger, parts.deferMatching);
  const relay = new EventRelay({ store: parts.store, clock, logger: parts.logger, channels: parts.channels ?? [], ...parts.delivery });
  // The only writer of its store: it knows whether it left events unrecorded, which the statistics wait for.
  const statistics = statisticsFor(parts.store, clock, { retentionDays: parts.statisticsRetentionDays, recordedThrough: () => relay.recordedThrough('process') });
  /** Stop the repeated looks and projections of the current start. */
  let stopRepeating: (() => void)[] = [];
  let lastPrune = 0;
  let lastLook: Promise<void> = Promise.resolve();
  const now = () => clock.now().getTime();
  const look = async () => {
    if (relay.sweepNeeded) {
      await relay.sweep();
      lastPrune = now();
      return;
    }
    await relay.markCaughtUp();
    if (now() - lastPrune < PRUNE_EVERY_MS) return;
    await relay.prune();
    lastPrune = now();
  };
  const lookAfterRelay = () => (lastLook = look().catch((error: unknown) => parts.logger.error({ err: error }, 'event relay sweep failed; it runs again shortly')));
  const project = () => statistics.catchUp().catch((error: unknown) => parts.logger.error({ err: error }, 'statistics projection failed; it runs again shortly'));
  const ports: RouterPorts = {
    store: parts.store,
    clock,
    newId: parts.newId ?? randomUUID,
    scheduler,
    matchQueue,
    events: relay,
    rules: new RouterRuleEvaluator({ clock }),
    logger: parts.logger,
    random: parts.random,
    // This process is the only writer of its store (the data folder lock), and every write of a queue or
    // policy goes through it and drops the copy: copies need no expiry.
    configuration: new ConfigurationCache({ clock }),
  };
  return {
    ports,
    scheduler,
    matchQueue,
    relay,
    statistics,
    start: async () => {
      await relay.sweep();
      lastPrune = now();
      // On the engine's clock, each next run armed once the last one ended: runs never overlap, and a
      // simulation on a virtual clock runs them as its time passes.
      stopRepeating = [every(clock, CHECK_EVERY_MS, lookAfterRelay)];
      const projectEveryMs = parts.statisticsEveryMs ?? PROJECT_EVERY_MS;
      if (projectEveryMs > 0) stopRepeating.push(every(clock, projectEveryMs, project));
      matchQueue.start((request) => runMatching(ports, request));
      scheduler.start((timer) => fireTimer(ports, timer));
      await recoverMatching(ports);
    },
    stop: async () => {
      for (const stop of stopRepeating) stop();
      await statistics.projector.idle();
      await scheduler.stop();
      await matchQueue.stop();
      await relay.stop();
    },
    idle: async () => {
      await matchQueue.idle();
      await lastLook;
    },
  };
}

import { randomUUID } from 'node:crypto';
import { InProcessMatchQueue } from '../adapters/embedded/InProcessMatchQueue';
import { RouterRuleEvaluator } from '../adapters/http/RouterRuleEvaluator';
import { StoreEventLog } from '../adapters/embedded/StoreEventLog';
import { StoreScheduler } from '../adapters/embedded/StoreScheduler';
import { fireTimer } from '../app/fireTimer';
import { recoverMatching } from '../app/recoverMatching';
import { runMatching } from '../app/runMatching';
import { systemClock, type Clock } from '../ports/Clock';
import type { EventPublisher } from '../ports/EventPublisher';
import type { Logger } from '../ports/Logger';
import type { RouterPorts } from '../ports/RouterPorts';
import type { Store } from '../ports/Store';
import { RecordThenDeliver } from './recordThenDeliver';

export interface EmbeddedEngineParts {
  store: Store;
  logger: Logger;
  clock?: Clock;
  newId?: () => string;
  /** Where recorded events are delivered (Event Grid, webhooks); recorded only when absent. */
  deliverEvents?: EventPublisher;
}

export interface EmbeddedEngine {
  ports: RouterPorts;
  scheduler: StoreScheduler;
  matchQueue: InProcessMatchQueue;
  /** Starts the timer loop and the matcher, and asks for one matching pass over every queue. */
  start(): Promise<void>;
  /** Stops taking work and waits for what is running; the store stays open. */
  stop(): Promise<void>;
  /** Resolves when matching has nothing left to do (tests). */
  idle(): Promise<void>;
}

/** The in-process engine around a store: timers in the store, matching on the event loop, events recorded. */
export function createEmbeddedEngine(parts: EmbeddedEngineParts): EmbeddedEngine {
  const clock = parts.clock ?? systemClock;
  const scheduler = new StoreScheduler(parts.store, clock, parts.logger);
  const matchQueue = new InProcessMatchQueue(parts.logger);
  const ports: RouterPorts = {
    store: parts.store,
    clock,
    newId: parts.newId ?? randomUUID,
    scheduler,
    matchQueue,
    events: parts.deliverEvents ? new RecordThenDeliver(new StoreEventLog(parts.store), parts.deliverEvents, parts.logger) : new StoreEventLog(parts.store),
    rules: new RouterRuleEvaluator({ clock }),
    logger: parts.logger,
  };
  return {
    ports,
    scheduler,
    matchQueue,
    start: async () => {
      matchQueue.start((request) => runMatching(ports, request));
      scheduler.start((timer) => fireTimer(ports, timer));
      await recoverMatching(ports);
    },
    stop: async () => {
      await scheduler.stop();
      await matchQueue.stop();
    },
    idle: () => matchQueue.idle(),
  };
}

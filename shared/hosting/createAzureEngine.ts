import { randomUUID } from 'node:crypto';
import { RouterRuleEvaluator } from '../adapters/http/RouterRuleEvaluator';
import { systemClock, type Clock } from '../ports/Clock';
import type { EventPublisher } from '../ports/EventPublisher';
import type { Logger } from '../ports/Logger';
import type { MatchQueue } from '../ports/MatchQueue';
import type { RouterPorts } from '../ports/RouterPorts';
import type { RuleEvaluator } from '../ports/RuleEvaluator';
import type { Scheduler } from '../ports/Scheduler';
import type { Store } from '../ports/Store';

export interface AzureEngineParts {
  store: Store;
  matchQueue: MatchQueue;
  events: EventPublisher;
  logger: Logger;
  clock?: Clock;
  newId?: () => string;
  rules?: RuleEvaluator;
  random?: () => number;
}

export interface AzureEngine {
  /**
   * The ports for one function invocation. Durable timers are reached through the invocation's
   * Durable client binding, so the scheduler is the one part given per invocation.
   */
  portsWith(scheduler: Scheduler): RouterPorts;
  parts: AzureEngineParts;
}

/** The scale-out engine: state in a shared store, matching requested through a queue, timers durable orchestrations. */
export function createAzureEngine(parts: AzureEngineParts): AzureEngine {
  const clock = parts.clock ?? systemClock;
  const base = {
    store: parts.store,
    clock,
    newId: parts.newId ?? randomUUID,
    matchQueue: parts.matchQueue,
    events: parts.events,
    rules: parts.rules ?? new RouterRuleEvaluator({ clock }),
    logger: parts.logger,
    random: parts.random,
  };
  return { parts, portsWith: (scheduler) => ({ ...base, scheduler }) };
}

import { randomUUID } from 'node:crypto';
import { RouterRuleEvaluator } from '../adapters/http/RouterRuleEvaluator';
import { ConfigurationCache } from '../app/configurationCache';
import { systemClock, type Clock } from '../ports/Clock';
import type { EventPublisher } from '../ports/EventPublisher';
import type { Logger } from '../ports/Logger';
import type { MatchQueue } from '../ports/MatchQueue';
import type { RouterPorts } from '../ports/RouterPorts';
import type { RuleEvaluator } from '../ports/RuleEvaluator';
import type { Scheduler } from '../ports/Scheduler';
import type { Store } from '../ports/Store';
import { DEFAULTS } from './config';

export interface AzureEngineParts {
  store: Store;
  matchQueue: MatchQueue;
  events: EventPublisher;
  logger: Logger;
  clock?: Clock;
  newId?: () => string;
  rules?: RuleEvaluator;
  random?: () => number;
  /** JOBROUTER_CONFIG_CACHE_SECONDS: how long this instance uses its copy of a queue or policy (0: no copies). */
  configCacheSeconds?: number;
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
  const cacheSeconds = parts.configCacheSeconds ?? DEFAULTS.configCacheSeconds;
  // Other instances change the same documents without telling this one: its copies expire.
  const configuration = cacheSeconds > 0 ? new ConfigurationCache({ clock, ttlMs: cacheSeconds * 1000 }) : undefined;
  const base = {
    store: parts.store,
    clock,
    newId: parts.newId ?? randomUUID,
    matchQueue: parts.matchQueue,
    events: parts.events,
    rules: parts.rules ?? new RouterRuleEvaluator({ clock }),
    logger: parts.logger,
    random: parts.random,
    configuration,
  };
  return { parts, portsWith: (scheduler) => ({ ...base, scheduler }) };
}

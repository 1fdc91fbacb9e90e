import type { ConfigurationCache } from '../app/configurationCache';
import type { Clock } from './Clock';
import type { EventPublisher } from './EventPublisher';
import type { Logger } from './Logger';
import type { MatchQueue } from './MatchQueue';
import type { RuleEvaluator } from './RuleEvaluator';
import type { Scheduler } from './Scheduler';
import type { Store } from './Store';

/** The ports every use case is given: hosts compose them from their adapters. */
export interface RouterPorts {
  store: Store;
  clock: Clock;
  /** New unique ids (assignment, offer, event and exception action ids). */
  newId: () => string;
  scheduler: Scheduler;
  matchQueue: MatchQueue;
  events: EventPublisher;
  rules: RuleEvaluator;
  logger: Logger;
  /**
   * This process's copies of queues and policies for routing reads; absent: every read goes to the
   * store. Writes and deletes of those documents must `forget` them (upsertResource, deleteResource do).
   */
  configuration?: ConfigurationCache;
  /** Draws of weighted allocations, uniform in [0, 1); Math.random when absent (a seeded source in tests). */
  random?: () => number;
}

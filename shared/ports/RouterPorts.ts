import type { Clock } from './Clock';
import type { EventPublisher } from './EventPublisher';
import type { Logger } from './Logger';
import type { MatchQueue } from './MatchQueue';
import type { RuleEvaluator } from './RuleEvaluator';
import type { Scheduler } from './Scheduler';
import type { Collection, Store, StoredDocument } from './Store';

/**
 * A process's copies of the routing configuration (queues and policies), read instead of the store by
 * routing reads (app/configurationCache.ts keeps them).
 */
export interface ConfigurationCopies {
  /** The document as this process last read it, or from `store` when it keeps no fresh copy. */
  get<B>(store: Store, collection: Collection, id: string): Promise<StoredDocument<B> | undefined>;
  /** Drops the copy of a document this process is writing or deleting. */
  forget(collection: Collection, id: string): void;
}

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
  configuration?: ConfigurationCopies;
  /** Draws of weighted allocations, uniform in [0, 1); Math.random when absent (a seeded source in tests). */
  random?: () => number;
}

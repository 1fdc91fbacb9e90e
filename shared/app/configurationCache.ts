import { LRUCache } from 'lru-cache';
import type { Clock } from '../ports/Clock';
import type { ConfigurationCopies } from '../ports/RouterPorts';
import type { Collection, Store, StoredDocument } from '../ports/Store';

/** The documents an administrator writes now and then and routing reads on every step. */
export type ConfigurationCollection = 'queues' | 'distributionPolicies' | 'classificationPolicies' | 'exceptionPolicies';

const CONFIGURATION: ReadonlySet<Collection> = new Set<Collection>(['queues', 'distributionPolicies', 'classificationPolicies', 'exceptionPolicies']);

export const isConfiguration = (collection: Collection): collection is ConfigurationCollection => CONFIGURATION.has(collection);

/** Bounds of what one process keeps: far more queues and policies than a deployment has, in a few MB. */
export const CONFIGURATION_CACHE_LIMITS = {
  entries: 4096,
  /** Characters of the documents' JSON: a policy with the largest rules allowed is kept too, a flood of them is not. */
  jsonCharacters: 16 * 1024 * 1024,
} as const;

export interface ConfigurationCacheOptions {
  clock: Clock;
  /**
   * How long a copy is used before it is read again, for a host where other processes write the same
   * documents. Absent: until this process writes or deletes the document (it is the only writer).
   */
  ttlMs?: number;
  limits?: Partial<Record<keyof typeof CONFIGURATION_CACHE_LIMITS, number>>;
}

interface Entry {
  document: StoredDocument<unknown>;
  /** When the read that gave it started, on the cache's clock. */
  readAt: number;
}

/**
 * This process's copies of the routing configuration (queues and policies), so that matching, reference
 * checks, classification and exception lookups do not read them from the store on every job.
 *
 * Only what exists is kept: an absent document is read again each time, so a queue created by another
 * process is never refused for a copy of its absence. Every write and delete through this process
 * forgets its copy (`forget`), and a read that began before such a write keeps nothing, so the next
 * request sees the write. Copies are frozen: every reader gets the same object.
 *
 * Writes never read through this: a conditional write needs the store's current etag.
 */
export class ConfigurationCache implements ConfigurationCopies {
  private readonly clock: Clock;
  private readonly ttlMs: number | undefined;
  private readonly entries: LRUCache<string, Entry>;
  /** Reads in flight, shared by callers that miss the same document at once. */
  private readonly reading = new Map<string, Promise<StoredDocument<unknown> | undefined>>();
  /** Moves on every `forget`: a read that began before it keeps nothing. */
  private generation = 0;

  constructor(options: ConfigurationCacheOptions) {
    this.clock = options.clock;
    this.ttlMs = options.ttlMs;
    const limits = { ...CONFIGURATION_CACHE_LIMITS, ...options.limits };
    this.entries = new LRUCache<string, Entry>({ max: limits.entries, maxSize: limits.jsonCharacters, sizeCalculation: (entry) => Math.max(1, JSON.stringify(entry.document.body).length) });
  }

  /** The document as this process last read it, or from `store` when it keeps no copy (or the copy is too old). */
  async get<B>(store: Store, collection: ConfigurationCollection, id: string): Promise<StoredDocument<B> | undefined> {
    const key = keyOf(collection, id);
    const entry = this.entries.get(key);
    if (entry && this.fresh(entry)) return entry.document as StoredDocument<B>;
    const pending = this.reading.get(key);
    if (pending) return (await pending) as StoredDocument<B> | undefined;
    const read = this.read(store, collection, id, key);
    this.reading.set(key, read);
    try {
      return (await read) as StoredDocument<B> | undefined;
    } finally {
      if (this.reading.get(key) === read) this.reading.delete(key);
    }
  }

  /** Drops the copy of a document this process is writing or deleting, and any read of it in flight. */
  forget(collection: Collection, id: string): void {
    if (!isConfiguration(collection)) return;
    const key = keyOf(collection, id);
    this.generation++;
    this.entries.delete(key);
    this.reading.delete(key);
  }

  /** How many copies are kept (tests). */
  get size(): number {
    return this.entries.size;
  }

  private fresh(entry: Entry): boolean {
    return this.ttlMs === undefined || this.clock.now().getTime() - entry.readAt < this.ttlMs;
  }

  private async read(store: Store, collection: Collection, id: string, key: string): Promise<StoredDocument<unknown> | undefined> {
    const generation = this.generation;
    const readAt = this.clock.now().getTime();
    const document = await store.get<unknown>(collection, id);
    if (document) deepFreeze(document);
    if (generation !== this.generation) return document;
    if (document) this.entries.set(key, { document, readAt });
    else this.entries.delete(key);
    return document;
  }
}

const keyOf = (collection: Collection, id: string) => `${collection}\u0000${id}`;

/** Freezes a document read from the store all the way down: it is handed to every reader as it is. */
function deepFreeze(value: unknown): void {
  if (typeof value !== 'object' || value === null) return;
  for (const member of Object.values(value)) deepFreeze(member);
  Object.freeze(value);
}

/** A configuration document through the process's copies when the ports keep them, else from the store. */
export function readConfiguration<B>(
  ports: { store: Store; configuration?: ConfigurationCopies },
  collection: ConfigurationCollection,
  id: string,
): Promise<StoredDocument<B> | undefined> {
  return ports.configuration ? ports.configuration.get<B>(ports.store, collection, id) : ports.store.get<B>(collection, id);
}

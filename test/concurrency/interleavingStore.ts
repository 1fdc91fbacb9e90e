import type { Collection, Condition, ListQuery, NewDocument, Page, RangeQuery, Store, StoredDocument } from '../../shared/ports/Store';

/**
 * A Store that, before every call, yields to other promises for a pseudo-random while: a few
 * microtask turns, now and then a whole event-loop turn (which lets the embedded match queue run in
 * between). The SQLite store does its work synchronously, so without this the interleaving of
 * concurrent use cases would always be the same lock-step one. Driven by a seeded PRNG and with no
 * timers, the interleaving is reproducible from the seed.
 */
export class InterleavingStore implements Store {
  constructor(
    private readonly inner: Store,
    private readonly random: () => number,
  ) {}

  private async pause(): Promise<void> {
    const r = this.random();
    if (r < 0.03) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      return;
    }
    const turns = Math.floor(r * 5);
    for (let i = 0; i < turns; i++) await Promise.resolve();
  }

  async get<B = Record<string, unknown>>(collection: Collection, id: string): Promise<StoredDocument<B> | undefined> {
    await this.pause();
    return this.inner.get<B>(collection, id);
  }

  async create<B>(doc: NewDocument<B>): Promise<StoredDocument<B>> {
    await this.pause();
    return this.inner.create(doc);
  }

  async replace<B>(doc: NewDocument<B>, ifMatch: string): Promise<StoredDocument<B>> {
    await this.pause();
    return this.inner.replace(doc, ifMatch);
  }

  async delete(collection: Collection, id: string, ifMatch?: string): Promise<boolean> {
    await this.pause();
    return this.inner.delete(collection, id, ifMatch);
  }

  async list<B = Record<string, unknown>>(collection: Collection, query: ListQuery): Promise<Page<B>> {
    await this.pause();
    return this.inner.list<B>(collection, query);
  }

  async exists(collection: Collection, where: readonly Condition[]): Promise<boolean> {
    await this.pause();
    return this.inner.exists(collection, where);
  }

  async range<B = Record<string, unknown>>(collection: Collection, query: RangeQuery): Promise<StoredDocument<B>[]> {
    await this.pause();
    return this.inner.range<B>(collection, query);
  }

  async count(collection: Collection, query: Omit<RangeQuery, 'limit'>): Promise<number> {
    await this.pause();
    return this.inner.count(collection, query);
  }

  durable(): Promise<void> {
    return this.inner.durable();
  }

  async close(): Promise<void> {
    return this.inner.close();
  }
}

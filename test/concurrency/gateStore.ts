import type { Collection, Condition, ListQuery, NewDocument, Page, RangeQuery, Store, StoredDocument } from '../../shared/ports/Store';

export type StoreCall =
  | { method: 'get'; collection: Collection; id: string; result: StoredDocument<unknown> | undefined }
  | { method: 'create' | 'replace'; collection: Collection; id: string; doc: NewDocument<unknown> }
  | { method: 'delete'; collection: Collection; id: string };

export interface Gate {
  /** Resolves when a matching call has run (the caller is then held until release). */
  reached: Promise<void>;
  release(): void;
}

interface Pending {
  match: (call: StoreCall) => boolean;
  reached: () => void;
  released: Promise<void>;
}

/**
 * A Store that can hold one use case right after a given store call, so that a test can run another
 * use case in that gap and then let the first continue: a deterministic way to reproduce an
 * interleaving that the randomized test found. Each gate catches the first matching call only.
 */
export class GateStore implements Store {
  private readonly gates: Pending[] = [];

  constructor(private readonly inner: Store) {}

  /** Holds the first call that matches, after it ran, until `release()`. */
  gate(match: (call: StoreCall) => boolean): Gate {
    let reached!: () => void;
    let release!: () => void;
    const reachedPromise = new Promise<void>((resolve) => (reached = resolve));
    const released = new Promise<void>((resolve) => (release = resolve));
    this.gates.push({ match, reached, released });
    return { reached: reachedPromise, release };
  }

  private async after(call: StoreCall): Promise<void> {
    const index = this.gates.findIndex((g) => g.match(call));
    if (index < 0) return;
    const [gate] = this.gates.splice(index, 1);
    if (!gate) return;
    gate.reached();
    await gate.released;
  }

  async get<B = Record<string, unknown>>(collection: Collection, id: string): Promise<StoredDocument<B> | undefined> {
    const result = await this.inner.get<B>(collection, id);
    await this.after({ method: 'get', collection, id, result: result as StoredDocument<unknown> | undefined });
    return result;
  }

  async create<B>(doc: NewDocument<B>): Promise<StoredDocument<B>> {
    const result = await this.inner.create(doc);
    await this.after({ method: 'create', collection: doc.collection, id: doc.id, doc });
    return result;
  }

  async replace<B>(doc: NewDocument<B>, ifMatch: string): Promise<StoredDocument<B>> {
    const result = await this.inner.replace(doc, ifMatch);
    await this.after({ method: 'replace', collection: doc.collection, id: doc.id, doc });
    return result;
  }

  async delete(collection: Collection, id: string, ifMatch?: string): Promise<boolean> {
    const result = await this.inner.delete(collection, id, ifMatch);
    await this.after({ method: 'delete', collection, id });
    return result;
  }

  list<B = Record<string, unknown>>(collection: Collection, query: ListQuery): Promise<Page<B>> {
    return this.inner.list<B>(collection, query);
  }

  exists(collection: Collection, where: readonly Condition[]): Promise<boolean> {
    return this.inner.exists(collection, where);
  }

  range<B = Record<string, unknown>>(collection: Collection, query: RangeQuery): Promise<StoredDocument<B>[]> {
    return this.inner.range<B>(collection, query);
  }

  count(collection: Collection, query: Omit<RangeQuery, 'limit'>): Promise<number> {
    return this.inner.count(collection, query);
  }

  durable(): Promise<void> {
    return this.inner.durable();
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

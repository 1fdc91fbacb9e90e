import fc from 'fast-check';
import { openSqliteStore } from '../../shared/adapters/embedded/SqliteStore';
import { ConfigurationCache } from '../../shared/app/configurationCache';
import { StoreConflictError, type Store } from '../../shared/ports/Store';
import { GateStore } from '../concurrency/gateStore';
import { callListingStore } from '../support/callListingStore';
import { TestClock } from '../support/testClock';

interface Version {
  id: string;
  version: number;
  labels: Record<string, string>;
}

const queue = (id: string, version: number) => ({ collection: 'queues' as const, id, lastModified: new Date(0).toISOString(), body: { id, version, labels: { tier: 'gold' } }, keys: {} });

/** Writes the queue as `version` over whatever is stored. */
async function write(store: Store, id: string, version: number): Promise<void> {
  const current = await store.get('queues', id);
  if (current) await store.replace(queue(id, version), current.etag);
  else await store.create(queue(id, version));
}

/** Writes the queue's next version, conditionally as the router does (again after a lost race); answers the version. */
async function writeNext(store: Store, id: string): Promise<number> {
  for (;;) {
    const current = await store.get<Version>('queues', id);
    const version = (current?.body.version ?? 0) + 1;
    try {
      if (current) await store.replace(queue(id, version), current.etag);
      else await store.create(queue(id, version));
      return version;
    } catch (error) {
      if (!(error instanceof StoreConflictError)) throw error;
    }
  }
}

/**
 * The process's copies of queues and policies on the SQLite store (which answers fresh, unfrozen
 * objects, so the freezing is the cache's own).
 */
describe('ConfigurationCache', () => {
  let inner: Store;
  let clock: TestClock;
  beforeEach(() => {
    inner = openSqliteStore({ path: ':memory:' });
    clock = new TestClock();
  });
  afterEach(async () => {
    await inner.close();
  });

  it('reads a document once, and hands every reader the same frozen copy', async () => {
    await write(inner, 'q', 1);
    const { store, calls } = callListingStore(inner);
    const cache = new ConfigurationCache({ clock });
    const first = await cache.get<Version>(store, 'queues', 'q');
    const second = await cache.get<Version>(store, 'queues', 'q');
    expect(calls).toEqual(['get']);
    expect(second).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    expect(() => {
      (first?.body.labels as Record<string, string>)['tier'] = 'bronze';
    }).toThrow(TypeError);
    expect(() => {
      (first as { etag: string }).etag = '"other"';
    }).toThrow(TypeError);
    expect((await cache.get<Version>(store, 'queues', 'q'))?.body.labels).toEqual({ tier: 'gold' });
  });

  it('keeps no copy of an absent document: one created a moment later is found', async () => {
    const { store, calls } = callListingStore(inner);
    const cache = new ConfigurationCache({ clock });
    expect(await cache.get(store, 'queues', 'q')).toBeUndefined();
    await write(inner, 'q', 1);
    expect((await cache.get<Version>(store, 'queues', 'q'))?.body.version).toBe(1);
    expect(calls.filter((c) => c === 'get')).toHaveLength(2);
    expect(cache.size).toBe(1);
  });

  it('reads again after `forget`, and only the document forgotten', async () => {
    await write(inner, 'q', 1);
    await write(inner, 'r', 1);
    const { store, calls } = callListingStore(inner);
    const cache = new ConfigurationCache({ clock });
    await cache.get(store, 'queues', 'q');
    await cache.get(store, 'queues', 'r');
    await write(inner, 'q', 2);
    cache.forget('queues', 'q');
    calls.length = 0;
    expect((await cache.get<Version>(store, 'queues', 'q'))?.body.version).toBe(2);
    expect((await cache.get<Version>(store, 'queues', 'r'))?.body.version).toBe(1);
    expect(calls).toEqual(['get']);
  });

  it('with a time limit, uses a copy until it is that old on the clock, then reads again', async () => {
    await write(inner, 'q', 1);
    const { store, calls } = callListingStore(inner);
    const cache = new ConfigurationCache({ clock, ttlMs: 10_000 });
    await cache.get(store, 'queues', 'q');
    // Another process changes it: this one does not know.
    await write(inner, 'q', 2);
    clock.advance(9_999);
    expect((await cache.get<Version>(store, 'queues', 'q'))?.body.version).toBe(1);
    clock.advance(1);
    expect((await cache.get<Version>(store, 'queues', 'q'))?.body.version).toBe(2);
    expect(calls).toEqual(['get', 'get']);
  });

  it('a copy that expired and whose document was deleted elsewhere is dropped', async () => {
    await write(inner, 'q', 1);
    const cache = new ConfigurationCache({ clock, ttlMs: 1_000 });
    await cache.get(inner, 'queues', 'q');
    await inner.delete('queues', 'q');
    clock.advance(1_000);
    expect(await cache.get(inner, 'queues', 'q')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('a read that began before a write keeps nothing: the next reader sees the write', async () => {
    await write(inner, 'q', 1);
    const gated = new GateStore(inner);
    const cache = new ConfigurationCache({ clock });
    const gate = gated.gate((call) => call.method === 'get' && call.id === 'q');
    const early = cache.get<Version>(gated, 'queues', 'q');
    await gate.reached;
    await write(inner, 'q', 2);
    cache.forget('queues', 'q');
    // A reader after the write does not share the read in flight.
    expect((await cache.get<Version>(gated, 'queues', 'q'))?.body.version).toBe(2);
    gate.release();
    expect((await early)?.body.version).toBe(1);
    expect((await cache.get<Version>(gated, 'queues', 'q'))?.body.version).toBe(2);
  });

  it('readers that miss the same document at once share one read', async () => {
    await write(inner, 'q', 1);
    const { store, calls } = callListingStore(inner);
    const cache = new ConfigurationCache({ clock });
    const all = await Promise.all([cache.get(store, 'queues', 'q'), cache.get(store, 'queues', 'q'), cache.get(store, 'queues', 'q')]);
    expect(calls).toEqual(['get']);
    expect(new Set(all).size).toBe(1);
  });

  it('keeps at most its entry limit, the least recently used going first', async () => {
    for (const id of ['a', 'b', 'c']) await write(inner, id, 1);
    const { store, calls } = callListingStore(inner);
    const cache = new ConfigurationCache({ clock, limits: { entries: 2 } });
    await cache.get(store, 'queues', 'a');
    await cache.get(store, 'queues', 'b');
    await cache.get(store, 'queues', 'a');
    await cache.get(store, 'queues', 'c');
    expect(cache.size).toBe(2);
    calls.length = 0;
    await cache.get(store, 'queues', 'a');
    await cache.get(store, 'queues', 'b');
    expect(calls).toEqual(['get']);
  });

  it('keeps no document larger than its size limit', async () => {
    await write(inner, 'q', 1);
    const cache = new ConfigurationCache({ clock, limits: { jsonCharacters: 10 } });
    expect((await cache.get<Version>(inner, 'queues', 'q'))?.body.version).toBe(1);
    expect(cache.size).toBe(0);
  });

  /**
   * Any interleaving of writes (each followed by `forget`, as upsertResource does) and reads whose
   * store read and answer arrive at any later moment: a read never answers a version older than the
   * last one acknowledged before it began, and once everything settled every document reads as its
   * last write. This is what "a change takes effect on the very next request" rests on.
   */
  it('never answers older than what was acknowledged before the read began (any interleaving)', async () => {
    const operation = fc.record({ kind: fc.constantFrom('read', 'write'), id: fc.constantFrom('q', 'r') });
    await fc.assert(
      fc.asyncProperty(fc.scheduler(), fc.array(operation, { minLength: 1, maxLength: 24 }), async (s, operations) => {
        const store = openSqliteStore({ path: ':memory:' });
        try {
          const delayed: Store = Object.create(store) as Store;
          // The read runs at some later moment, and its answer arrives at another one.
          delayed.get = <B>(collection: Parameters<Store['get']>[0], id: string) =>
            s.schedule(Promise.resolve(), `read ${id}`).then(async () => s.schedule(Promise.resolve(await store.get<B>(collection, id)), `answer ${id}`));
          const cache = new ConfigurationCache({ clock });
          const acknowledged = new Map<string, number>();
          const written = new Map<string, number>();
          const problems: string[] = [];
          const run = async (op: { kind: string; id: string }) => {
            if (op.kind === 'write') {
              await s.schedule(Promise.resolve(), `write ${op.id}`);
              const version = await writeNext(store, op.id);
              written.set(op.id, Math.max(written.get(op.id) ?? 0, version));
              cache.forget('queues', op.id);
              acknowledged.set(op.id, Math.max(acknowledged.get(op.id) ?? 0, version));
              return;
            }
            const floor = acknowledged.get(op.id) ?? 0;
            const read = (await cache.get<Version>(delayed, 'queues', op.id));
            const seen = read?.body.version ?? 0;
            if (seen < floor) problems.push(`read of ${op.id} began after v${floor} was acknowledged and answered v${seen}`);
          };
          const started = operations.map((op) => s.schedule(Promise.resolve(), `start ${op.kind} ${op.id}`).then(() => run(op)));
          await s.waitFor(Promise.all(started));
          expect(problems).toEqual([]);
          for (const [id, version] of written) {
            const settled = await s.waitFor(cache.get<Version>(delayed, 'queues', id));
            expect(settled?.body.version).toBe(version);
          }
        } finally {
          await store.close();
        }
      }),
      { numRuns: 200 },
    );
  });
});

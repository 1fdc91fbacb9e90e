import fc from 'fast-check';
import { openSqliteStore } from '../../../shared/adapters/embedded/SqliteStore';
import { AppError } from '../../../shared/app/AppError';
import { conditionalWrite, putDocument, type WriteStep } from '../../../shared/app/conditionalWrite';
import type { NewDocument, Store, StoredDocument } from '../../../shared/ports/Store';
import { callListingStore } from '../../support/callListingStore';

type Counter = { id: string; n: number };
const doc = (n: number): NewDocument<Counter> => ({ collection: 'routingState', id: 'c', lastModified: '2026-01-01T00:00:00.000Z', body: { id: 'c', n }, keys: {} });

/**
 * Below `limit` the counter is incremented; at `limit` nothing is written; above it the write is
 * refused. Each decision depends on what the document holds, so one made on a stale copy would show.
 */
const capped =
  (limit: number) =>
  (current: StoredDocument<Counter> | undefined): WriteStep<Counter, string> => {
    const n = current?.body.n ?? 0;
    if (n > limit) throw new AppError('conflict', `over the limit at ${n}`);
    if (n === limit) return { done: `kept ${n}` };
    return { put: doc(n + 1), answer: (written) => `wrote ${written.body.n}` };
  };

async function outcome(run: () => Promise<string>): Promise<string> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof AppError) return `refused: ${error.message}`;
    throw error;
  }
}

describe('conditionalWrite from a document the caller already read', () => {
  let inner: Store;
  beforeEach(() => {
    inner = openSqliteStore({ path: ':memory:' });
  });
  afterEach(() => inner.close());

  it('writes on the known etag without reading when the document is still as read', async () => {
    const known = await putDocument(inner, doc(1));
    const { store, calls } = callListingStore(inner);
    expect(await conditionalWrite(store, 'routingState', 'c', capped(10), { known })).toBe('wrote 2');
    expect(calls).toEqual(['replace']);
  });

  it('a stale known document costs one lost race: the write is decided again on a fresh read', async () => {
    const known = await putDocument(inner, doc(1));
    await putDocument(inner, doc(5));
    const { store, calls } = callListingStore(inner);
    expect(await conditionalWrite(store, 'routingState', 'c', capped(10), { known })).toBe('wrote 6');
    expect(calls).toEqual(['replace', 'get', 'replace']);
  });

  it('nothing to do on the known document is confirmed on a fresh read, which may well write', async () => {
    const known = await putDocument(inner, doc(3));
    await putDocument(inner, doc(2));
    const { store, calls } = callListingStore(inner);
    expect(await conditionalWrite(store, 'routingState', 'c', capped(3), { known })).toBe('wrote 3');
    expect(calls).toEqual(['get', 'replace']);
  });

  it('a refusal on the known document is confirmed on a fresh read, and reaches the caller when it holds', async () => {
    const stale = await putDocument(inner, doc(9));
    await putDocument(inner, doc(1));
    expect(await conditionalWrite(inner, 'routingState', 'c', capped(5), { known: stale })).toBe('wrote 2');
    const current = await putDocument(inner, doc(9));
    const { store, calls } = callListingStore(inner);
    await expect(conditionalWrite(store, 'routingState', 'c', capped(5), { known: current })).rejects.toMatchObject({ reason: 'conflict', message: 'over the limit at 9' });
    expect(calls).toEqual(['get']);
  });

  it('an error that is not a refusal reaches the caller at once, and a document of another id is not used', async () => {
    const known = await putDocument(inner, doc(1));
    await expect(conditionalWrite<Counter, string>(inner, 'routingState', 'c', () => Promise.reject(new Error('broken')), { known })).rejects.toThrow('broken');
    const other = { ...known, id: 'other' };
    const { store, calls } = callListingStore(inner);
    expect(await conditionalWrite(store, 'routingState', 'c', capped(10), { known: other })).toBe('wrote 2');
    expect(calls).toEqual(['get', 'replace']);
  });

  it('answers and stores what the same write without a known document would, whatever version the caller holds', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 0, max: 8 }), { minLength: 1, maxLength: 6 }), fc.nat(), fc.integer({ min: 0, max: 8 }), async (history, pick, limit) => {
        const run = async (useKnown: boolean) => {
          const store = openSqliteStore({ path: ':memory:' });
          try {
            const versions: StoredDocument<Counter>[] = [];
            for (const n of history) versions.push(await putDocument(store, doc(n)));
            const known = versions[pick % versions.length];
            const answer = await outcome(() => conditionalWrite(store, 'routingState', 'c', capped(limit), useKnown ? { known } : {}));
            return { answer, stored: (await store.get<Counter>('routingState', 'c'))?.body.n };
          } finally {
            await store.close();
          }
        };
        expect(await run(true)).toEqual(await run(false));
      }),
      { numRuns: 150 },
    );
  });
});

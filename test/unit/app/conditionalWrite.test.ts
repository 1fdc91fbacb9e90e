import { openSqliteStore } from '../../../shared/adapters/embedded/SqliteStore';
import { conditionalWrite, putDocument, WRITE_ATTEMPTS, WriteContentionError } from '../../../shared/app/conditionalWrite';
import type { NewDocument, Store } from '../../../shared/ports/Store';
import { callListingStore } from '../../support/callListingStore';

type Counter = { id: string; n: number };
const doc = (n: number): NewDocument<Counter> => ({ collection: 'routingState', id: 'c', lastModified: '2026-01-01T00:00:00.000Z', body: { id: 'c', n }, keys: {} });

/** Increments the counter, but before `losses` of its writes another writer changes the document first. */
async function incrementAgainstRivals(store: Store, losses: number, onLost?: () => Promise<void>) {
  let attempts = 0;
  const answer = await conditionalWrite<Counter, number>(
    store,
    'routingState',
    'c',
    async (current, attempt) => {
      attempts = attempt;
      const n = current?.body.n ?? 0;
      if (attempt <= losses) await putDocument(store, doc(n + 100));
      return { put: doc(n + 1), answer: (written) => written.body.n };
    },
    onLost ? { onLost } : {},
  );
  return { answer, attempts };
}

describe('conditionalWrite: one read–decide–write with one retry policy', () => {
  let store: Store;
  beforeEach(() => {
    store = openSqliteStore({ path: ':memory:' });
  });
  afterEach(() => store.close());

  it('creates when absent and replaces on the etag read', async () => {
    expect(await incrementAgainstRivals(store, 0)).toEqual({ answer: 1, attempts: 1 });
    expect(await incrementAgainstRivals(store, 0)).toEqual({ answer: 2, attempts: 1 });
  });

  it('decides again on what the winner wrote after each lost race, and undoes what the loser prepared', async () => {
    let undone = 0;
    const { answer, attempts } = await incrementAgainstRivals(store, 3, () => Promise.resolve(void undone++));
    // Three rivals each added 100 on top of what the previous attempt read; the fourth attempt won.
    expect(answer).toBe(301);
    expect(attempts).toBe(4);
    expect(undone).toBe(3);
    expect((await store.get<Counter>('routingState', 'c'))?.body.n).toBe(301);
  });

  it('gives up after WRITE_ATTEMPTS lost races with a conflict that names the document', async () => {
    const attempt = incrementAgainstRivals(store, WRITE_ATTEMPTS);
    await expect(attempt).rejects.toBeInstanceOf(WriteContentionError);
    await expect(incrementAgainstRivals(store, WRITE_ATTEMPTS)).rejects.toMatchObject({ reason: 'conflict', message: 'routingState/c is being changed by other requests; retry.' });
  });

  it('writes nothing for done, and a removal of a document another writer removed first is decided again', async () => {
    await putDocument(store, doc(5));
    const before = await store.get('routingState', 'c');
    expect(await conditionalWrite(store, 'routingState', 'c', () => ({ done: 'kept' }))).toBe('kept');
    expect((await store.get('routingState', 'c'))?.etag).toBe(before?.etag);

    const seen: (number | undefined)[] = [];
    const removed = await conditionalWrite<Counter, string>(store, 'routingState', 'c', async (current) => {
      seen.push(current?.body.n);
      if (!current) return { done: 'already gone' };
      await store.delete('routingState', 'c');
      return { remove: true, answer: () => 'removed' };
    });
    expect(removed).toBe('already gone');
    expect(seen).toEqual([5, undefined]);
  });

  it('lets an error thrown while deciding reach the caller, writing nothing', async () => {
    await expect(conditionalWrite<Counter, string>(store, 'routingState', 'c', () => Promise.reject(new Error('refused')))).rejects.toThrow('refused');
    expect(await store.get('routingState', 'c')).toBeUndefined();
  });
});

describe('putDocument', () => {
  it('creates without a read when the id is likely new, and still replaces what is in place', async () => {
    const store = openSqliteStore({ path: ':memory:' });
    const { store: counted, calls } = callListingStore(store);
    await putDocument(counted, doc(1), { likelyNew: true });
    expect(calls).toEqual(['create']);
    calls.length = 0;
    const written = await putDocument(counted, doc(2), { likelyNew: true });
    expect(calls).toEqual(['create', 'get', 'replace']);
    expect(written.body.n).toBe(2);
    calls.length = 0;
    await putDocument(counted, doc(3));
    expect(calls).toEqual(['get', 'replace']);
    await store.close();
  });
});

import fc from 'fast-check';
import { openMemoryStore } from '../../shared/adapters/embedded/MemoryStore';
import { describeStoreContract } from './storeContract';

describeStoreContract('MemoryStore', () => Promise.resolve({ store: openMemoryStore() }), { durable: false, reads: 'frozen' });
describeStoreContract('MemoryStore, unfrozen', () => Promise.resolve({ store: openMemoryStore({ freeze: false }) }), { durable: false, reads: 'shared' });

describe('MemoryStore keeps what JSON keeps', () => {
  // Values a use case may write that are not JSON data: absent members, dates, non-finite numbers.
  const member = fc.oneof(fc.jsonValue(), fc.constant(undefined), fc.date({ noInvalidDate: true }), fc.constantFrom(Number.NaN, Infinity));
  const body = fc.dictionary(fc.string({ maxLength: 8 }), fc.oneof(member, fc.array(member, { maxLength: 4 }), fc.dictionary(fc.string({ maxLength: 4 }), member, { maxKeys: 4 })), { maxKeys: 6 });

  it('reads back exactly what a JSON round trip of the written body gives, frozen, whatever was written', async () => {
    await fc.assert(
      fc.asyncProperty(body, async (written) => {
        const expected: unknown = JSON.parse(JSON.stringify(written));
        const store = openMemoryStore();
        await store.create({ collection: 'jobs', id: 'j1', lastModified: '2026-01-05T09:00:00.000Z', body: written, keys: {} });
        const read = await store.get('jobs', 'j1');
        expect(read?.body).toStrictEqual(expected);
        expect(Object.isFrozen(read?.body)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});

describe('MemoryStore range indexes follow every write', () => {
  type Op = { kind: 'put'; id: string; order: string[] } | { kind: 'delete'; id: string };
  const value = fc.constantFrom('a', 'b', 'c', 'd');
  const op: fc.Arbitrary<Op> = fc.oneof(
    fc.record({ kind: fc.constant('put' as const), id: fc.constantFrom('j1', 'j2', 'j3'), order: fc.array(value, { maxLength: 3 }) }),
    fc.record({ kind: fc.constant('delete' as const), id: fc.constantFrom('j1', 'j2', 'j3') }),
  );

  it.each([true, false])('answers ranges as a scan of the documents would, after any creates, replaces and deletes (frozen: %s)', async (freeze) => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 25 }), async (ops) => {
        const store = openMemoryStore({ freeze });
        const held = new Map<string, string[]>();
        // Ranged before any write: the index exists from the start and every write below must move it.
        expect(await store.range('jobs', { key: 'order', from: 'a', to: 'z', limit: 100 })).toEqual([]);
        for (const step of ops) {
          const current = await store.get('jobs', step.id);
          if (step.kind === 'delete') {
            await store.delete('jobs', step.id);
            held.delete(step.id);
            continue;
          }
          const doc = { collection: 'jobs' as const, id: step.id, lastModified: '2026-01-05T09:00:00.000Z', body: {}, keys: { order: step.order } };
          if (current) await store.replace(doc, current.etag);
          else await store.create(doc);
          held.set(step.id, step.order);
        }
        const expected = [...held]
          .flatMap(([id, values]) => [...new Set(values)].map((v) => [v, id] as const))
          .sort(([va, ia], [vb, ib]) => (va === vb ? (ia < ib ? -1 : 1) : va < vb ? -1 : 1))
          .map(([, id]) => id);
        const ranged = (await store.range('jobs', { key: 'order', from: 'a', to: 'z', limit: 100 })).map((d) => d.id);
        expect(ranged).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });
});

describe('MemoryStore lists follow every write', () => {
  // The ordered ids are built at the first list and then kept by every write: lists at any point must agree.
  type Op = { kind: 'create' | 'delete' | 'list'; id: string };
  const op: fc.Arbitrary<Op> = fc.record({ kind: fc.constantFrom('create' as const, 'delete' as const, 'list' as const), id: fc.constantFrom('j1', 'j2', 'j10', 'é', 'z') });

  it.each([true, false])('lists the ids in binary order, whenever it is first asked (frozen: %s)', async (freeze) => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 30 }), async (ops) => {
        const store = openMemoryStore({ freeze });
        const held = new Set<string>();
        const listed = async () => (await store.list('jobs', { pageSize: 100 })).items.map((d) => d.id);
        for (const step of ops) {
          if (step.kind === 'list') {
            expect(await listed()).toEqual([...held].sort());
          } else if (step.kind === 'delete') {
            await store.delete('jobs', step.id);
            held.delete(step.id);
          } else if (!held.has(step.id)) {
            await store.create({ collection: 'jobs', id: step.id, lastModified: '2026-01-05T09:00:00.000Z', body: {}, keys: {} });
            held.add(step.id);
          }
        }
        expect(await listed()).toEqual([...held].sort());
      }),
      { numRuns: 300 },
    );
  });
});

import fc from 'fast-check';
import { openMemoryStore } from '../../shared/adapters/embedded/MemoryStore';
import { describeStoreContract } from './storeContract';

describeStoreContract('MemoryStore', () => Promise.resolve({ store: openMemoryStore() }), { durable: false, reads: 'frozen' });

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

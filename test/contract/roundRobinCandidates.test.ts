import fc from 'fast-check';
import { openMemoryStore } from '../../shared/adapters/embedded/MemoryStore';
import { selectCandidates } from '../../shared/app/selectCandidates';
import { upsertResource } from '../../shared/app/upsertResource';
import { upsertWorker } from '../../shared/app/upsertWorker';
import type { DistributionMode } from '../../shared/domain/model';
import { distributionPolicyResource, queueResource } from '../../shared/domain/resources';
import type { EngineJob } from '../../shared/domain/routing/routingState';
import { createEmbeddedEngine } from '../../shared/hosting/createEmbeddedEngine';
import { silentLogger } from '../../shared/ports/Logger';
import { TestClock } from '../support/testClock';
import { countingReads } from '../support/countingReads';

const MODE: DistributionMode = { kind: 'roundRobin', maxConcurrentOffers: 1 };
const JOB = { id: 'j', queueId: 'q', channelId: 'voice', status: 'queued', labels: {}, requestedWorkerSelectors: [], attachedWorkerSelectors: [] } as unknown as EngineJob;
const idOf = (n: number) => `w${String(n).padStart(2, '0')}`;

/** The rotation docs/behaviour.md#round-robin describes: ids after the last one offered, then from the start. */
function expected(free: readonly string[], cursor: string | undefined, wanted: number): string[] {
  const sorted = [...free].sort();
  const after = cursor === undefined ? sorted : [...sorted.filter((id) => id > cursor), ...sorted.filter((id) => id <= cursor)];
  return after.slice(0, wanted);
}

/**
 * Round robin's candidates on the in-memory store, whatever the number of free workers (fewer or more
 * than the first page it reads) and wherever its cursor stands; and no cursor read when nobody is free.
 */
describe('round robin candidates', () => {
  async function router(free: readonly string[]) {
    const { store, reads } = countingReads(openMemoryStore());
    const engine = createEmbeddedEngine({ store, logger: silentLogger, clock: new TestClock() });
    const ports = engine.ports;
    await upsertResource(ports, distributionPolicyResource, 'dp', { offerExpiresAfterSeconds: 60, mode: MODE });
    await upsertResource(ports, queueResource, 'q', { distributionPolicyId: 'dp' });
    for (const id of free) await upsertWorker(ports, id, { capacity: 1, queues: ['q'], channels: [{ channelId: 'voice', capacityCostPerJob: 1 }], availableForOffers: true }, {});
    reads();
    return { ports, reads, close: () => store.close() };
  }

  it('reads no cursor when no worker is free', async () => {
    const { ports, reads, close } = await router([]);
    expect(await selectCandidates(ports, JOB, MODE, 1)).toEqual([]);
    expect(reads()).toEqual({});
    await close();
  });

  it('offers in id order after the last worker chosen, wrapping around, for any population', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(fc.integer({ min: 0, max: 30 }), { minLength: 1, maxLength: 25 }), fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 12 }), async (numbers, rounds) => {
        const free = numbers.map(idOf);
        const { ports, close } = await router(free);
        try {
          let cursor: string | undefined;
          for (const wanted of rounds) {
            const chosen = (await selectCandidates(ports, JOB, MODE, wanted)).map((w) => w.id);
            expect(chosen).toEqual(expected(free, cursor, wanted));
            cursor = chosen[chosen.length - 1] ?? cursor;
          }
        } finally {
          await close();
        }
      }),
      { numRuns: 60 },
    );
  });
});

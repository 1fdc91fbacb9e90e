import { EventRelay } from '../../shared/app/EventRelay';
import { StoreStatistics } from '../../shared/app/statistics/StoreStatistics';
import { openEmbeddedStore } from '../../shared/hosting/openEmbeddedStore';
import { silentLogger } from '../../shared/ports/Logger';
import { historyDocument, routerEvent, seedHistory } from '../support/historyDocuments';
import { TestClock } from '../support/testClock';

/**
 * A deployment upgraded to the recording horizon keeps its cursor, aggregates and history as they are:
 * the cursor's format did not change. The first runs after the upgrade may find the horizon (the last
 * sweep) behind where the cursor already is; they wait there without counting anything twice or
 * moving anything back, and go on once a sweep has moved the horizon past the cursor.
 */

const T0 = Date.parse('2026-03-02T09:00:00.000Z');
const MINUTE = 60_000;
const iso = (ms: number) => new Date(ms).toISOString();

test('an existing cursor and history go on after the upgrade, each event counted once', async () => {
  const store = openEmbeddedStore(':memory:');
  // Ten jobs, one a minute, recorded as the history held them before (no document changes with the upgrade).
  await seedHistory(
    store,
    Array.from({ length: 10 }, (_, i) => historyDocument(routerEvent(`e${i}`, 'RouterJobReceived', iso(T0 + i * MINUTE), { jobId: `j${i}`, queueId: 'q', channelId: 'voice' }))),
  );
  const clock = new TestClock(T0 + 4 * MINUTE + 30_000);
  const received = async (statistics: StoreStatistics) =>
    (await statistics.cumulative({ scope: { kind: 'router' }, fromMs: T0 - 5 * MINUTE, toMs: T0 + 60 * MINUTE, serviceLevelThresholdSeconds: 20 })).total.jobs.received;

  // The version before: the settling delay alone.
  const before = new StoreStatistics({ store, clock });
  await before.catchUp();
  expect(await received(before)).toBe(5);
  const cursor = await before.projector.cursor();

  // After the upgrade, the last sweep's horizon lies more than two minutes behind the cursor's place.
  const relay = new EventRelay({ store, clock: new TestClock(T0 + 2 * MINUTE), logger: silentLogger, channels: [] });
  await relay.sweep();
  clock.advance(5 * MINUTE);
  const after = new StoreStatistics({ store, clock, recordedThrough: () => relay.recordedThrough('deployment') });
  await after.catchUp();
  expect(await after.projector.cursor()).toEqual(cursor);
  expect(await received(after)).toBe(5);

  // A sweep now: the horizon passes the cursor, and the rest is counted.
  clock.advance(MINUTE);
  const sweeping = new EventRelay({ store, clock, logger: silentLogger, channels: [] });
  await sweeping.sweep();
  await after.catchUp();
  expect(await received(after)).toBe(10);
  await store.close();
});

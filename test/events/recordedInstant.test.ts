import { openMemoryStore } from '../../shared/adapters/embedded/MemoryStore';
import { EventHistoryRecorder } from '../../shared/app/EventHistoryRecorder';
import { upsertWorker } from '../../shared/app/upsertWorker';
import { historyPosition, RECORDED_KEY, type RecordedEventBody } from '../../shared/domain/routing/eventHistory';
import { createEmbeddedEngine } from '../../shared/hosting/createEmbeddedEngine';
import type { EventChannel } from '../../shared/ports/EventChannel';
import type { RouterEvent } from '../../shared/ports/EventPublisher';
import { silentLogger } from '../../shared/ports/Logger';
import type { Store } from '../../shared/ports/Store';
import { historyDocument } from '../support/historyDocuments';
import { sqliteAndCosmosStores } from '../support/sqliteAndCosmosStores';
import { TestClock } from '../support/testClock';

/**
 * Every history document carries the instant it became visible (`recorded`), apart from the time the
 * event happened: an event a crash left in an outbox and the restart's sweep recorded ten minutes later
 * is found by a window of recording instants that a reader opens after it passed the event's time.
 * Delete events get theirs when the delete is confirmed; documents written before the key existed have
 * none and are left out of such windows (they are still listed by position).
 */

/** A channel inside the process that takes everything. */
class CollectingChannel implements EventChannel {
  readonly maxBatch = 10;
  readonly received: RouterEvent[] = [];
  readonly name = 'desk';
  accepts(): boolean {
    return true;
  }
  deliver(events: readonly RouterEvent[]): Promise<void> {
    this.received.push(...events);
    return Promise.resolve();
  }
}

/** The store refuses to record events: the process died right after each commit. */
const crashingAfterCommit = (store: Store): Store =>
  Object.assign(Object.create(store) as Store, {
    create: (doc: Parameters<Store['create']>[0]) => (doc.collection === 'events' ? Promise.reject(new Error('the process died here')) : store.create(doc)),
  });

/** Events that became visible in (after, through] ('' = from the start): the query a reader of recording instants makes. */
async function visibleIn(store: Store, after: string, through: string): Promise<RecordedEventBody[]> {
  // Instants have whole milliseconds, so "after" is "from the next millisecond on".
  const from = after === '' ? '' : new Date(Date.parse(after) + 1).toISOString();
  const page = await store.list<RecordedEventBody>('events', {
    where: [
      { key: RECORDED_KEY, op: 'gte', value: from },
      { key: RECORDED_KEY, op: 'lte', value: through },
    ],
    pageSize: 50,
  });
  return page.items.map((doc) => doc.body);
}

const T0 = Date.parse('2026-03-02T09:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();

describe.each([['memory', () => Promise.resolve<Store>(openMemoryStore())] as [string, () => Promise<Store>], ...sqliteAndCosmosStores('recorded')])('recording instants on %s', (_, open) => {
  let store: Store;
  beforeEach(async () => {
    store = await open();
  });
  afterEach(async () => {
    await store.close();
  });

  it('an event the restart sweep records late carries the instant of the sweep, kept through its delivery', async () => {
    const clock = new TestClock(T0);
    const crashed = createEmbeddedEngine({ store: crashingAfterCommit(store), logger: silentLogger, clock, channels: [] });
    await upsertWorker(crashed.ports, 'w1', { capacity: 1, availableForOffers: true }, {});
    // A reader passed the event's time meanwhile: it has read every recording instant up to T0 + 5 s.
    clock.advance(10 * 60_000);
    const desk = new CollectingChannel();
    const engine = createEmbeddedEngine({ store, logger: silentLogger, clock, channels: [desk] });
    await engine.start();
    try {
      await engine.relay.idle();
      expect(desk.received.map((e) => e.type)).toEqual(['RouterWorkerRegistered']);
      const [doc] = (await store.list<RecordedEventBody>('events', { pageSize: 10 })).items;
      expect(doc?.body.time).toBe(iso(T0));
      expect(doc?.body._recorded).toBe(iso(T0 + 10 * 60_000));
      // Delivered (its document rewritten): the key is derived from the body, so it stays.
      expect(doc?.keys['pendingFor']).toBeUndefined();
      expect(doc?.keys[RECORDED_KEY]).toBe(iso(T0 + 10 * 60_000));
      expect(await visibleIn(store, iso(T0 - 60_000), iso(T0 + 5000))).toEqual([]);
      expect((await visibleIn(store, iso(T0 + 5000), iso(T0 + 10 * 60_000))).map((e) => e.type)).toEqual(['RouterWorkerRegistered']);
      // The private member never reaches a channel.
      expect(Object.keys(desk.received[0]!)).toEqual(['id', 'type', 'subject', 'time', 'data']);
    } finally {
      await engine.stop();
    }
  });

  it("a delete's event becomes visible when the delete is confirmed, not when it was prepared", async () => {
    const clock = new TestClock(T0);
    const recorder = new EventHistoryRecorder({ store, clock, channels: [], onRecorded: () => undefined });
    const entry = { position: historyPosition(iso(T0), 1), event: { id: 'e1', type: 'RouterWorkerDeleted' as const, subject: 'w1', time: iso(T0), data: { workerId: 'w1' } } };
    await recorder.prepare([entry], { collection: 'workers', id: 'w1', etag: '"1"' });
    const [prepared] = (await store.list<RecordedEventBody>('events', { pageSize: 10 })).items;
    expect(prepared?.keys[RECORDED_KEY]).toBeUndefined();
    expect(await visibleIn(store, '', iso(T0 + 60_000))).toEqual([]);
    clock.advance(45_000);
    await recorder.confirm([entry]);
    const [confirmed] = (await store.list<RecordedEventBody>('events', { pageSize: 10 })).items;
    expect(confirmed?.keys[RECORDED_KEY]).toBe(iso(T0 + 45_000));
    expect((await visibleIn(store, iso(T0 + 2000), iso(T0 + 45_000))).map((e) => e.id)).toEqual(['e1']);
  });

  it('a document recorded before the key existed is listed by position but in no window of recording instants', async () => {
    const legacy = historyDocument({ id: 'old', type: 'RouterJobReceived', subject: 'j1', time: iso(T0), data: { jobId: 'j1' } });
    expect(legacy.keys[RECORDED_KEY]).toBeUndefined();
    await store.create(legacy);
    const recorder = new EventHistoryRecorder({ store, clock: new TestClock(T0 + 1000), channels: [], onRecorded: () => undefined });
    await recorder.record([{ position: historyPosition(iso(T0), 2), event: { id: 'new', type: 'RouterJobQueued', subject: 'j1', time: iso(T0), data: { jobId: 'j1' } } }]);
    expect((await store.list<RecordedEventBody>('events', { pageSize: 10 })).items.map((d) => d.body.id).sort()).toEqual(['new', 'old']);
    expect((await visibleIn(store, '', iso(T0 + 1000))).map((e) => e.id)).toEqual(['new']);
  });
});

import { openMemoryStore } from '../../shared/adapters/embedded/MemoryStore';
import { EventHistoryRecorder } from '../../shared/app/EventHistoryRecorder';
import { upsertWorker } from '../../shared/app/upsertWorker';
import { historyPosition, RECORDED_LATE_KEY, RECORDED_ON_TIME_MS, type RecordedEventBody } from '../../shared/domain/routing/eventHistory';
import { createEmbeddedEngine } from '../../shared/hosting/createEmbeddedEngine';
import type { EventChannel } from '../../shared/ports/EventChannel';
import type { RouterEvent } from '../../shared/ports/EventPublisher';
import { silentLogger } from '../../shared/ports/Logger';
import type { Store } from '../../shared/ports/Store';
import { historyDocument } from '../support/historyDocuments';
import { sqliteAndCosmosStores } from '../support/sqliteAndCosmosStores';
import { TestClock } from '../support/testClock';

/**
 * A history document that became visible late carries that instant (`recordedLate`), apart from the
 * time the event happened: an event a crash left in an outbox and the restart's sweep recorded ten
 * minutes later is found by a window of those instants, which a reader opens after it passed the event's
 * time. A delete's event is judged when the delete is confirmed. Events recorded on time, and documents
 * written before the key existed, have none and are in no such window (they are listed by position).
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

/** Events recorded late in (after, through] ('' = from the start): the query a reader of late events makes. */
async function visibleIn(store: Store, after: string, through: string): Promise<RecordedEventBody[]> {
  // Instants have whole milliseconds, so "after" is "from the next millisecond on".
  const from = after === '' ? '' : new Date(Date.parse(after) + 1).toISOString();
  const page = await store.list<RecordedEventBody>('events', {
    where: [
      { key: RECORDED_LATE_KEY, op: 'gte', value: from },
      { key: RECORDED_LATE_KEY, op: 'lte', value: through },
    ],
    pageSize: 50,
  });
  return page.items.map((doc) => doc.body);
}

const T0 = Date.parse('2026-03-02T09:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();

describe.each([['memory', () => Promise.resolve<Store>(openMemoryStore())] as [string, () => Promise<Store>], ...sqliteAndCosmosStores('recorded')])('late recordings on %s', (_, open) => {
  let store: Store;
  beforeEach(async () => {
    store = await open();
  });
  afterEach(async () => {
    await store.close();
  });

  it('an event the restart sweep records late carries the instant of the sweep, kept through its delivery; one recorded on time none', async () => {
    const clock = new TestClock(T0);
    const crashed = createEmbeddedEngine({ store: crashingAfterCommit(store), logger: silentLogger, clock, channels: [] });
    await upsertWorker(crashed.ports, 'w1', { capacity: 1, availableForOffers: true }, {});
    // A reader passed the event's time meanwhile: it has read every late recording up to T0 + 5 s.
    clock.advance(10 * 60_000);
    const desk = new CollectingChannel();
    const engine = createEmbeddedEngine({ store, logger: silentLogger, clock, channels: [desk] });
    await engine.start();
    try {
      await engine.relay.idle();
      await upsertWorker(engine.ports, 'w2', { capacity: 1, availableForOffers: true }, {});
      await engine.relay.idle();
      expect(desk.received.map((e) => e.type)).toEqual(['RouterWorkerRegistered', 'RouterWorkerRegistered']);
      const docs = (await store.list<RecordedEventBody>('events', { pageSize: 10 })).items;
      const late = docs.find((doc) => doc.body.data['workerId'] === 'w1');
      const onTime = docs.find((doc) => doc.body.data['workerId'] === 'w2');
      expect(late?.body.time).toBe(iso(T0));
      expect(late?.body._recordedLate).toBe(iso(T0 + 10 * 60_000));
      // Delivered (its document rewritten): the key is derived from the body, so it stays.
      expect(late?.keys['pendingFor']).toBeUndefined();
      expect(late?.keys[RECORDED_LATE_KEY]).toBe(iso(T0 + 10 * 60_000));
      expect(onTime?.body._recordedLate).toBeUndefined();
      expect(onTime?.keys[RECORDED_LATE_KEY]).toBeUndefined();
      expect(await visibleIn(store, iso(T0 - 60_000), iso(T0 + 5000))).toEqual([]);
      expect((await visibleIn(store, iso(T0 + 5000), iso(T0 + 10 * 60_000))).map((e) => e.data['workerId'])).toEqual(['w1']);
      // The private member never reaches a channel.
      expect(desk.received.map((e) => Object.keys(e))).toEqual([
        ['id', 'type', 'subject', 'time', 'data'],
        ['id', 'type', 'subject', 'time', 'data'],
      ]);
    } finally {
      await engine.stop();
    }
  });

  it("a delete's event is judged when the delete is confirmed: late when confirmed late, on time when confirmed at once", async () => {
    const clock = new TestClock(T0);
    const recorder = new EventHistoryRecorder({ store, clock, channels: [], onRecorded: () => undefined });
    const deleted = (id: string, n: number) => ({ position: historyPosition(iso(T0), n), event: { id, type: 'RouterWorkerDeleted' as const, subject: id, time: iso(T0), data: { workerId: id } } });
    const slow = deleted('slow', 1);
    const prompt = deleted('prompt', 2);
    await recorder.prepare([slow, prompt], { collection: 'workers', id: 'w1', etag: '"1"' });
    const prepared = (await store.list<RecordedEventBody>('events', { pageSize: 10 })).items;
    expect(prepared.map((doc) => doc.keys[RECORDED_LATE_KEY])).toEqual([undefined, undefined]);
    clock.advance(RECORDED_ON_TIME_MS);
    await recorder.confirm([prompt]);
    clock.advance(45_000);
    await recorder.confirm([slow]);
    const confirmed = (await store.list<RecordedEventBody>('events', { pageSize: 10 })).items;
    expect(Object.fromEntries(confirmed.map((doc) => [doc.body.id, doc.keys[RECORDED_LATE_KEY]]))).toEqual({ slow: iso(T0 + RECORDED_ON_TIME_MS + 45_000), prompt: undefined });
    expect((await visibleIn(store, '', iso(T0 + 60_000))).map((e) => e.id)).toEqual(['slow']);
  });

  it('a document recorded before the key existed is listed by position but in no window of late recordings', async () => {
    const legacy = historyDocument({ id: 'old', type: 'RouterJobReceived', subject: 'j1', time: iso(T0), data: { jobId: 'j1' } });
    expect(legacy.keys[RECORDED_LATE_KEY]).toBeUndefined();
    await store.create(legacy);
    const recorder = new EventHistoryRecorder({ store, clock: new TestClock(T0 + 60_000), channels: [], onRecorded: () => undefined });
    await recorder.record([{ position: historyPosition(iso(T0), 2), event: { id: 'new', type: 'RouterJobQueued', subject: 'j1', time: iso(T0), data: { jobId: 'j1' } } }]);
    expect((await store.list<RecordedEventBody>('events', { pageSize: 10 })).items.map((d) => d.body.id).sort()).toEqual(['new', 'old']);
    expect((await visibleIn(store, '', iso(T0 + 60_000))).map((e) => e.id)).toEqual(['new']);
  });
});

import { deleteWorker } from '../../shared/app/deleteWorker';
import { upsertWorker } from '../../shared/app/upsertWorker';
import type { RecordedEventBody } from '../../shared/domain/routing/eventHistory';
import { createEmbeddedEngine } from '../../shared/hosting/createEmbeddedEngine';
import { DeliveryFailure, type EventChannel } from '../../shared/ports/EventChannel';
import type { RouterEvent } from '../../shared/ports/EventPublisher';
import { silentLogger } from '../../shared/ports/Logger';
import type { Store } from '../../shared/ports/Store';
import { sqliteAndCosmosStores } from '../support/sqliteAndCosmosStores';
import { TestClock } from '../support/testClock';

const DAY = 24 * 60 * 60_000;

/** A channel inside the process: takes what the relay hands it, or refuses while `down` says so. */
class CollectingChannel implements EventChannel {
  readonly maxBatch = 2;
  readonly received: RouterEvent[] = [];
  down: 'no' | 'transient' | 'permanent' = 'no';
  constructor(readonly name: string) {}
  accepts(): boolean {
    return true;
  }
  deliver(events: readonly RouterEvent[]): Promise<void> {
    if (this.down !== 'no') return Promise.reject(new DeliveryFailure(`${this.name} is down`, this.down === 'permanent'));
    this.received.push(...events);
    return Promise.resolve();
  }
}

/** The store refuses to record events, as if the process died right after each commit (test double of a crash instant). */
const crashingAfterCommit = (store: Store): Store =>
  Object.assign(Object.create(store) as Store, {
    create: (doc: Parameters<Store['create']>[0]) => (doc.collection === 'events' ? Promise.reject(new Error('the process died here')) : store.create(doc)),
  });

const stores = sqliteAndCosmosStores('outbox');

describe.each(stores)('the event outbox on %s', (_, open) => {
  let store: Store;
  beforeEach(async () => {
    store = await open();
  });
  afterEach(async () => {
    await store.close();
  });

  const engineOn = (on: Store, channels: EventChannel[], clock?: TestClock) =>
    createEmbeddedEngine({ store: on, logger: silentLogger, clock, channels, delivery: { firstRetryMs: 5, maxRetryMs: 20, maxAttempts: 3, retentionDays: 7 } });

  it('keeps the events of a change in the changed document until they are recorded, and the next start records and delivers them', async () => {
    const crashed = engineOn(crashingAfterCommit(store), []);
    expect(crashed.relay.sweepNeeded).toBe(false);
    await upsertWorker(crashed.ports, 'w1', { capacity: 1, availableForOffers: true }, {});
    await upsertWorker(crashed.ports, 'w1', { labels: { tier: 'gold' } }, {});
    // The process knows it missed them: its next periodic check sweeps, and a sweep that fails leaves that so.
    expect(crashed.relay.sweepNeeded).toBe(true);
    await expect(crashed.relay.sweep()).rejects.toThrow('the process died here');
    expect(crashed.relay.sweepNeeded).toBe(true);
    const written = await store.get<{ _outbox?: { pending: { event: RouterEvent }[] } }>('workers', 'w1');
    expect(written?.body._outbox?.pending.map((p) => p.event.type)).toEqual(['RouterWorkerRegistered', 'RouterWorkerUpdated']);
    expect(written?.keys['outboxAt']).toEqual(expect.any(String));
    expect((await store.list('events', { pageSize: 10 })).items).toEqual([]);

    const desk = new CollectingChannel('desk');
    const engine = engineOn(store, [desk]);
    await engine.start();
    try {
      await engine.relay.idle();
      expect(desk.received.map((e) => e.type)).toEqual(['RouterWorkerRegistered', 'RouterWorkerUpdated']);
      const history = (await store.list<RecordedEventBody>('events', { pageSize: 10 })).items;
      expect(history.map((d) => d.body.id)).toEqual(desk.received.map((e) => e.id));
      expect(history.every((d) => d.body._delivery?.['desk']?.deliveredAt && d.keys['pendingFor'] === undefined)).toBe(true);
      // A second sweep finds them recorded: nothing is recorded or delivered twice.
      await engine.relay.sweep();
      await engine.relay.idle();
      expect((await store.list('events', { pageSize: 10 })).items).toHaveLength(2);
      expect(desk.received).toHaveLength(2);
    } finally {
      await engine.stop();
    }
  });

  it('lists pending and dead-lettered events per channel by their index keys', async () => {
    const up = new CollectingChannel('up');
    const refusing = new CollectingChannel('refusing');
    refusing.down = 'permanent';
    const flaky = new CollectingChannel('flaky');
    flaky.down = 'transient';
    const clock = new TestClock();
    const engine = engineOn(store, [up, refusing, flaky], clock);
    await engine.start();
    try {
      await upsertWorker(engine.ports, 'w1', { capacity: 1, availableForOffers: true }, {});
      await engine.relay.idle();
      const byKey = async (key: string, value: string) => (await store.list('events', { where: [{ key, op: 'eq', value }], pageSize: 10 })).items.length;
      expect(up.received).toHaveLength(1);
      expect(await byKey('deadFor', 'refusing')).toBe(1);
      expect(await byKey('pendingFor', 'flaky')).toBe(1);
      expect(await byKey('pendingFor', 'up')).toBe(0);
      flaky.down = 'no';
      // The first retry is due 5 ms (firstRetryMs) after the failure, on the relay's clock.
      clock.advance(5);
      await engine.relay.idle();
      expect(flaky.received.map((e) => e.id)).toEqual(up.received.map((e) => e.id));
      expect(await byKey('pendingFor', 'flaky')).toBe(0);
    } finally {
      await engine.stop();
    }
  });

  it('a deleted worker reports RouterWorkerDeleted once the delete happened, with the events its outbox still held', async () => {
    const crashed = engineOn(crashingAfterCommit(store), []);
    await upsertWorker(crashed.ports, 'w1', { capacity: 1, availableForOffers: true }, {});
    const desk = new CollectingChannel('desk');
    const engine = engineOn(store, [desk]);
    await deleteWorker(engine.ports, 'w1');
    await engine.relay.idle();
    expect(desk.received.map((e) => e.type)).toEqual(['RouterWorkerRegistered', 'RouterWorkerDeleted']);
    expect(await store.get('workers', 'w1')).toBeUndefined();
    expect((await store.list('events', { where: [{ key: 'awaiting', op: 'eq', value: true }], pageSize: 10 })).items).toEqual([]);
    await engine.stop();
  });

  it('the sweep removes delivered events past the retention and keeps pending and dead-lettered ones', async () => {
    const clock = new TestClock();
    const up = new CollectingChannel('up');
    const refusing = new CollectingChannel('refusing');
    refusing.down = 'permanent';
    const engine = engineOn(store, [up, refusing], clock);
    await engine.start();
    try {
      await upsertWorker(engine.ports, 'w1', { capacity: 1, availableForOffers: true }, {});
      await engine.relay.idle();
      refusing.down = 'no';
      clock.advance(DAY);
      await upsertWorker(engine.ports, 'w1', { labels: { tier: 'gold' } }, {});
      // Its dead letter left the refusing channel free at once: it takes Updated with the other.
      await engine.relay.idle();
      expect(refusing.received.map((e) => e.type)).toEqual(['RouterWorkerUpdated']);
      const types = async () => (await store.list<RecordedEventBody>('events', { pageSize: 10 })).items.map((d) => d.body.type);
      expect(await types()).toEqual(['RouterWorkerRegistered', 'RouterWorkerUpdated']);

      // Registered is 8 days old but dead-lettered for one channel: it stays. Updated is 1 ms short of 7 days.
      clock.advance(7 * DAY - 1);
      expect(await engine.relay.prune()).toBe(0);
      clock.advance(1);
      expect(await engine.relay.prune()).toBe(1);
      expect(await types()).toEqual(['RouterWorkerRegistered']);
    } finally {
      await engine.stop();
    }
  });

  it('a write drops outbox entries older than a day without looking for them in the history (which may be pruned)', async () => {
    const clock = new TestClock();
    const crashed = engineOn(crashingAfterCommit(store), [], clock);
    await upsertWorker(crashed.ports, 'w1', { capacity: 1, availableForOffers: true }, {});
    clock.advance(DAY - 1);
    await upsertWorker(crashed.ports, 'w1', { labels: { tier: 'gold' } }, {});
    const pendingTypes = async () => ((await store.get<{ _outbox?: { pending: { event: RouterEvent }[] } }>('workers', 'w1'))?.body._outbox?.pending ?? []).map((p) => p.event.type);
    expect(await pendingTypes()).toEqual(['RouterWorkerRegistered', 'RouterWorkerUpdated']);
    clock.advance(2);
    await upsertWorker(crashed.ports, 'w1', { labels: { tier: 'silver' } }, {});
    expect(await pendingTypes()).toEqual(['RouterWorkerUpdated', 'RouterWorkerUpdated']);
  });

  it('the sweep starts where this process last had everything recorded, and not past what a failed recording left', async () => {
    const clock = new TestClock();
    const sweptThrough = async () => (await store.get<{ sweptThrough: string }>('routingState', 'eventRelay'))?.body.sweptThrough;
    const healthy = engineOn(store, [], clock);
    await healthy.start();
    await upsertWorker(healthy.ports, 'w1', { capacity: 1, availableForOffers: true }, {});
    clock.advance(60_000);
    // Moving the clock ran the relay's own look at +30 s: let it end before the look this test makes.
    await healthy.idle();
    await healthy.relay.markCaughtUp();
    expect(await sweptThrough()).toBe(clock.now().toISOString());
    await healthy.stop();

    const crashed = engineOn(crashingAfterCommit(store), [], clock);
    const before = await sweptThrough();
    clock.advance(60_000);
    await upsertWorker(crashed.ports, 'w2', { capacity: 1, availableForOffers: true }, {});
    clock.advance(60_000);
    await crashed.relay.markCaughtUp();
    expect(await sweptThrough()).toBe(before);
    // The next start sweeps from there and finds w2's event.
    const next = engineOn(store, [], clock);
    await next.start();
    expect((await store.list<RecordedEventBody>('events', { where: [{ key: 'workerId', op: 'eq', value: 'w2' }], pageSize: 10 })).items.map((d) => d.body.type)).toEqual(['RouterWorkerRegistered']);
    await next.stop();
  });
});

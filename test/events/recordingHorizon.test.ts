import { openMemoryStore } from '../../shared/adapters/embedded/MemoryStore';
import { EventRelay } from '../../shared/app/EventRelay';
import { OUTBOX_KEY } from '../../shared/app/outbox';
import { historyPosition } from '../../shared/domain/routing/eventHistory';
import type { OutboxEntry } from '../../shared/ports/EventPublisher';
import { silentLogger } from '../../shared/ports/Logger';
import type { Store } from '../../shared/ports/Store';
import { sqliteAndCosmosStores } from '../support/sqliteAndCosmosStores';
import { TestClock } from '../support/testClock';

/**
 * The relay's recording horizon (EventRelay.recordedThrough), which the statistics read no further than:
 * every event whose time lies before it is in the history. For a deployment, the sweep's margin for
 * slow commits (30 s) before the start of the last complete sweep, or the time of the oldest delete
 * event still awaiting its confirmation; for a process that is the only writer, now — unless a
 * recording of it failed or a sweep is catching up.
 */

/** The sweep looks again at writes whose events carry a time up to this long before its last start. */
const MARGIN = 30_000;

const T0 = Date.parse('2026-03-02T09:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();

const entry = (id: string, ms: number, n: number): OutboxEntry => ({
  position: historyPosition(iso(ms), n),
  event: { id, type: 'RouterWorkerDeleted', subject: `worker/${id}`, time: iso(ms), data: { workerId: id } },
});

/** The store, refusing to record events while `refusing` says so (a store error, or a process about to die). */
function refusingWhile(store: Store, refusing: () => boolean): Store {
  return Object.assign(Object.create(store) as Store, {
    create: (doc: Parameters<Store['create']>[0]) => (doc.collection === 'events' && refusing() ? Promise.reject(new Error('the event was not recorded')) : store.create(doc)),
  });
}

describe.each([['memory', () => Promise.resolve<Store>(openMemoryStore())] as [string, () => Promise<Store>], ...sqliteAndCosmosStores('horizon')])('the recording horizon on %s', (_, open) => {
  let store: Store;
  beforeEach(async () => {
    store = await open();
  });
  afterEach(async () => {
    await store.close();
  });

  it("a deployment's is unknown before the first sweep, then the start of the last sweep, held back by a delete event awaiting its confirmation", async () => {
    const clock = new TestClock(T0);
    const relay = new EventRelay({ store, clock, logger: silentLogger, channels: [] });
    expect(await relay.recordedThrough('deployment')).toBeUndefined();
    await relay.sweep();
    expect(await relay.recordedThrough('deployment')).toBe(iso(T0 - MARGIN));

    clock.advance(60_000);
    const deleted = entry('w1', T0 + 60_000, 1);
    // The worker is still there: the delete has not happened (or its process died before confirming it).
    await store.create({ collection: 'workers', id: 'w1', lastModified: iso(T0), body: {}, keys: {} });
    const worker = await store.get('workers', 'w1');
    await relay.prepare([deleted], { collection: 'workers', id: 'w1', etag: worker!.etag });
    clock.advance(50_000);
    await relay.sweep();
    expect(await relay.recordedThrough('deployment')).toBe(iso(T0 + 60_000));

    // The delete happened: the next sweep confirms its event, and the horizon moves on.
    await store.delete('workers', 'w1');
    clock.advance(5000);
    await relay.sweep();
    expect(await relay.recordedThrough('deployment')).toBe(iso(T0 + 115_000 - MARGIN));
    await relay.stop();
  });

  it("a single process's is now until a recording fails, then the last sweep's start until a sweep has caught up", async () => {
    const clock = new TestClock(T0);
    let refusing = false;
    const relay = new EventRelay({ store: refusingWhile(store, () => refusing), clock, logger: silentLogger, channels: [] });
    await relay.sweep();
    clock.advance(60_000);
    expect(await relay.recordedThrough('process')).toBe(iso(T0 + 60_000));

    // A change committed with its event in the document's outbox, whose recording then fails.
    refusing = true;
    const registered = entry('w2', T0 + 60_000, 2);
    await store.create({ collection: 'workers', id: 'w2', lastModified: registered.event.time, body: { _outbox: { pending: [registered] } }, keys: { [OUTBOX_KEY]: registered.event.time } });
    await expect(relay.record([registered])).rejects.toThrow('the event was not recorded');
    clock.advance(60_000);
    expect(await relay.recordedThrough('process')).toBe(iso(T0 - MARGIN));
    // A sweep that fails too leaves it there.
    await expect(relay.sweep()).rejects.toThrow();
    expect(await relay.recordedThrough('process')).toBe(iso(T0 - MARGIN));

    refusing = false;
    await relay.sweep();
    expect(await relay.recordedThrough('process')).toBe(iso(T0 + 120_000));
    expect((await store.list('events', { pageSize: 10 })).items.map((doc) => doc.id)).toEqual([`${registered.position}-w2`]);
    await relay.stop();
  });

  it("while a sweep runs, a single process's horizon stays where the last one left it", async () => {
    const clock = new TestClock(T0);
    const relay = new EventRelay({ store, clock, logger: silentLogger, channels: [] });
    await relay.sweep();
    clock.advance(60_000);
    const sweeping = relay.sweep();
    expect(await relay.recordedThrough('process')).toBe(iso(T0 - MARGIN));
    await sweeping;
    expect(await relay.recordedThrough('process')).toBe(iso(T0 + 60_000));
    await relay.stop();
  });
});

import fc from 'fast-check';
import { openSqliteStore } from '../../shared/adapters/embedded/SqliteStore';
import { deleteWorker } from '../../shared/app/deleteWorker';
import { EventHistoryRecorder } from '../../shared/app/EventHistoryRecorder';
import { EventRelay } from '../../shared/app/EventRelay';
import { eventsAfter } from '../../shared/app/eventsAfter';
import { nextHistoryPosition } from '../../shared/app/outbox';
import { upsertWorker } from '../../shared/app/upsertWorker';
import { historyId, type RecordedEventBody } from '../../shared/domain/routing/eventHistory';
import { redeliverDeadLetters } from '../../shared/http/redeliverDeadLetters';
import { createEmbeddedEngine } from '../../shared/hosting/createEmbeddedEngine';
import { DeliveryFailure, type EventChannel } from '../../shared/ports/EventChannel';
import type { OutboxEntry, RouterEvent } from '../../shared/ports/EventPublisher';
import { silentLogger } from '../../shared/ports/Logger';
import type { Collection, Store } from '../../shared/ports/Store';
import { sqliteAndCosmosStores } from '../support/sqliteAndCosmosStores';
import { routerEvent } from '../support/historyDocuments';
import { TestClock } from '../support/testClock';

/** A channel inside the process: takes what it is handed, refuses while `down` says so, or never answers while `hang`. */
class ScriptedChannel implements EventChannel {
  readonly maxBatch = 10;
  readonly received: RouterEvent[] = [];
  down: 'no' | 'transient' | 'permanent' = 'no';
  hang = false;
  attempts = 0;
  constructor(readonly name: string) {}
  accepts(): boolean {
    return true;
  }
  deliver(events: readonly RouterEvent[]): Promise<void> {
    this.attempts++;
    if (this.hang) return new Promise<void>(() => {});
    if (this.down !== 'no') return Promise.reject(new DeliveryFailure(`${this.name} is down`, this.down === 'permanent'));
    this.received.push(...events);
    return Promise.resolve();
  }
}

type Call = `${string} ${Collection}`;

/** The store as it is, with every call written down as `<method> <collection>` (the figures this file is about). */
function recordingCalls(inner: Store): { store: Store; calls: Call[] } {
  const calls: Call[] = [];
  const store = new Proxy(inner, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function' || !['get', 'create', 'replace', 'delete', 'list', 'exists', 'range', 'count'].includes(String(property))) return value;
      return (...args: unknown[]) => {
        const first = args[0] as Collection | { collection: Collection };
        calls.push(`${String(property)} ${typeof first === 'string' ? first : first.collection}`);
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { store, calls };
}

const taken = (calls: Call[]) => calls.splice(0);
const onEvents = (calls: readonly Call[]) => calls.filter((call) => call.endsWith(' events'));

const stores = sqliteAndCosmosStores('outboxcalls');

describe.each(stores)('store calls of the event path on %s', (_, open) => {
  let inner: Store;
  beforeEach(async () => {
    inner = await open();
  });
  afterEach(async () => {
    await inner.close();
  });

  const engineOn = (store: Store, channels: EventChannel[], clock = new TestClock()) =>
    createEmbeddedEngine({ store, logger: silentLogger, clock, channels, delivery: { firstRetryMs: 1000, maxRetryMs: 4000, maxAttempts: 3, retentionDays: 7 } });

  it('a write drops the entries its relay recorded without reading the history; a relay that does not know them reads each once', async () => {
    const { store, calls } = recordingCalls(inner);
    const engine = engineOn(store, []);
    await upsertWorker(engine.ports, 'w1', { capacity: 1, availableForOffers: true }, {});
    expect(onEvents(taken(calls))).toEqual(['create events']);

    await upsertWorker(engine.ports, 'w1', { labels: { tier: 'gold' } }, {});
    // The carried Registered is dropped from memory; only Updated is recorded.
    expect(onEvents(taken(calls))).toEqual(['create events']);
    const pending = async () => ((await inner.get<{ _outbox?: { pending: OutboxEntry[] } }>('workers', 'w1'))?.body._outbox?.pending ?? []).map((p) => p.event.type);
    expect(await pending()).toEqual(['RouterWorkerUpdated']);

    // After a restart (or on another instance) the relay does not know Updated: one point read finds it recorded.
    const restarted = engineOn(store, []);
    await upsertWorker(restarted.ports, 'w1', { labels: { tier: 'silver' } }, {});
    expect(onEvents(taken(calls))).toEqual(['get events', 'create events']);
    expect(await pending()).toEqual(['RouterWorkerUpdated']);
    expect((await inner.list<RecordedEventBody>('events', { pageSize: 10 })).items.map((d) => d.body.type)).toEqual(['RouterWorkerRegistered', 'RouterWorkerUpdated', 'RouterWorkerUpdated']);
  });

  it('a delete or a sweep does not record again what the relay recorded, and a delete confirms its events without reading them', async () => {
    const { store, calls } = recordingCalls(inner);
    const engine = engineOn(store, []);
    await upsertWorker(engine.ports, 'w1', { capacity: 1, availableForOffers: true }, {});
    await upsertWorker(engine.ports, 'w2', { capacity: 1, availableForOffers: true }, {});
    taken(calls);
    await engine.relay.sweep();
    expect(onEvents(taken(calls)).filter((call) => call !== 'list events')).toEqual([]);
    await deleteWorker(engine.ports, 'w1');
    // The delete's own event: created awaiting the delete, then confirmed on the etag it was created with.
    expect(onEvents(taken(calls))).toEqual(['create events', 'replace events']);
    const history = (await inner.list<RecordedEventBody>('events', { pageSize: 10 })).items;
    expect(history.map((d) => [d.body.type, d.keys['awaiting'] ?? false])).toEqual([
      ['RouterWorkerRegistered', false],
      ['RouterWorkerRegistered', false],
      ['RouterWorkerDeleted', false],
    ]);
  });

  it('forgets the oldest recorded entries past its bound: those cost a read again, never a wrong answer', async () => {
    const recorder = new EventHistoryRecorder({ store: inner, clock: new TestClock(), channels: [], onRecorded: () => {}, remember: 2 });
    const entries = ['a', 'b', 'c'].map((id) => {
      const event = routerEvent(id, 'RouterWorkerUpdated', '2026-01-05T09:00:00.000Z', { workerId: 'w1' });
      return { position: nextHistoryPosition(event.time), event };
    });
    expect(await recorder.record(entries)).toBe(3);
    expect(entries.map((entry) => recorder.holds(entry))).toEqual([false, true, true]);
    // Recording the forgotten one again meets it in the history: nothing changes, and it is known again.
    expect(await recorder.record(entries.slice(0, 1))).toBe(0);
    expect(entries.map((entry) => recorder.holds(entry))).toEqual([true, false, true]);
    expect((await inner.list('events', { pageSize: 10 })).items).toHaveLength(3);
  });

  it('marks each delivered event with one write and no read', async () => {
    const { store, calls } = recordingCalls(inner);
    const desk = new ScriptedChannel('desk');
    const engine = engineOn(store, [desk]);
    await upsertWorker(engine.ports, 'w1', { capacity: 1, availableForOffers: true }, {});
    await upsertWorker(engine.ports, 'w1', { labels: { tier: 'gold' } }, {});
    await engine.relay.idle();
    expect(desk.received.map((e) => e.type)).toEqual(['RouterWorkerRegistered', 'RouterWorkerUpdated']);
    const events = onEvents(taken(calls));
    // Two recordings and one write per delivered event; the lists are per batch (and one that finds none left).
    expect(events.filter((call) => call !== 'list events').sort()).toEqual(['create events', 'create events', 'replace events', 'replace events']);
    expect(events.filter((call) => call === 'list events').length).toBeLessThanOrEqual(4);
    const history = (await inner.list<RecordedEventBody>('events', { pageSize: 10 })).items;
    expect(history.every((d) => d.body._delivery?.['desk']?.deliveredAt && d.keys['pendingFor'] === undefined)).toBe(true);
  });

  it('two channels marking the same events meanwhile both get their delivery written (a lost race reads again)', async () => {
    const { store, calls } = recordingCalls(inner);
    const desk = new ScriptedChannel('desk');
    const audit = new ScriptedChannel('audit');
    const engine = engineOn(store, [desk, audit]);
    await upsertWorker(engine.ports, 'w1', { capacity: 1, availableForOffers: true }, {});
    await upsertWorker(engine.ports, 'w1', { labels: { tier: 'gold' } }, {});
    await engine.relay.idle();
    expect(audit.received.map((e) => e.id)).toEqual(desk.received.map((e) => e.id));
    const events = onEvents(taken(calls));
    // At most one lost race per event and channel pair: a read and a second write.
    const gets = events.filter((call) => call === 'get events').length;
    expect(gets).toBeLessThanOrEqual(4);
    expect(events.filter((call) => call === 'replace events')).toHaveLength(4 + gets);
    const history = (await inner.list<RecordedEventBody>('events', { pageSize: 10 })).items;
    expect(history.every((d) => d.body._delivery?.['desk']?.deliveredAt && d.body._delivery['audit']?.deliveredAt && d.keys['pendingFor'] === undefined)).toBe(true);
  });

  it('retries a failed delivery after doubling waits on the relay clock, dead-letters it after the last attempt, and redelivers it on request', async () => {
    const clock = new TestClock();
    const flaky = new ScriptedChannel('flaky');
    flaky.down = 'transient';
    const engine = engineOn(inner, [flaky], clock);
    await upsertWorker(engine.ports, 'w1', { capacity: 1, availableForOffers: true }, {});
    await engine.relay.idle();
    const delivery = async () => (await inner.list<RecordedEventBody>('events', { pageSize: 1 })).items[0]!;
    expect((await delivery()).body._delivery?.['flaky']).toMatchObject({ attempts: 1, lastAttemptAt: clock.now().toISOString(), lastError: 'flaky is down' });

    // First retry after 1 s, the next after 2 s: not a moment before.
    clock.advance(999);
    await engine.relay.idle();
    expect(flaky.attempts).toBe(1);
    clock.advance(1);
    await engine.relay.idle();
    expect(flaky.attempts).toBe(2);
    clock.advance(1999);
    await engine.relay.idle();
    expect(flaky.attempts).toBe(2);
    clock.advance(1);
    await engine.relay.idle();
    expect(flaky.attempts).toBe(3);
    const dead = await delivery();
    expect(dead.body._delivery?.['flaky']).toMatchObject({ attempts: 3, deadLetteredAt: clock.now().toISOString() });
    expect(dead.keys['deadFor']).toEqual(['flaky']);
    // Dead letters free the way at once: no retry is left waiting.
    expect(clock.nextDue()).toBeUndefined();

    flaky.down = 'no';
    expect(await redeliverDeadLetters(inner, 'flaky', clock.now())).toBe(1);
    engine.relay.kick();
    await engine.relay.idle();
    expect(flaky.received.map((e) => e.type)).toEqual(['RouterWorkerRegistered']);
    expect((await delivery()).body._delivery?.['flaky']).toMatchObject({ attempts: 1, deliveredAt: clock.now().toISOString() });
    await engine.stop();
  });

  it('a delivery still in flight holds stop for its grace on the relay clock, then is left pending', async () => {
    const clock = new TestClock();
    const stuck = new ScriptedChannel('stuck');
    stuck.hang = true;
    const engine = engineOn(inner, [stuck], clock);
    await upsertWorker(engine.ports, 'w1', { capacity: 1, availableForOffers: true }, {});
    for (let turn = 0; stuck.attempts === 0 && turn < 1000; turn++) await new Promise((resolve) => setImmediate(resolve));
    expect(stuck.attempts).toBe(1);
    let stopped = false;
    const stopping = engine.relay.stop(1000).then(() => (stopped = true));
    await clock.tick(999);
    expect(stopped).toBe(false);
    await clock.tick(1);
    await stopping;
    expect(stopped).toBe(true);
    expect((await inner.list('events', { where: [{ key: 'pendingFor', op: 'eq', value: 'stuck' }], pageSize: 10 })).items).toHaveLength(1);
  });
});

describe('reading the event history after a position', () => {
  it('answers the events after any position in the order they happened, and paging through it answers each once', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 12 }),
        fc.integer({ min: 1, max: 5 }),
        async (gaps, limit) => {
          const store = openSqliteStore({ path: ':memory:' });
          try {
            const relay = new EventRelay({ store, clock: new TestClock(), logger: silentLogger, channels: [] });
            // Events of the same millisecond (gap 0) are ordered by the writer's sequence.
            let ms = Date.parse('2026-01-05T09:00:00.000Z');
            const entries = gaps.map((gap, i) => {
              ms += gap;
              const event = routerEvent(`e${i}`, 'RouterWorkerUpdated', new Date(ms).toISOString(), { workerId: 'w1' });
              return { position: nextHistoryPosition(event.time), event };
            });
            // Recorded in any order (as concurrent writers do): the history still reads in position order.
            await relay.record([...entries].reverse());
            const ids = entries.map((entry) => entry.event.id);
            for (const [i, entry] of entries.entries()) {
              const page = await eventsAfter(store, { afterPosition: entry.position, limit: entries.length });
              expect(page.events.map((doc) => doc.body.id)).toEqual(ids.slice(i + 1));
              const read = await eventsAfter(store, { afterId: historyId(entry.position, entry.event.id), limit: entries.length });
              expect(read.events.map((doc) => doc.body.id)).toEqual(ids.slice(i + 1));
            }
            const seen: string[] = [];
            let afterId: string | undefined;
            for (;;) {
              const page = await eventsAfter(store, { afterId, limit });
              seen.push(...page.events.map((doc) => doc.body.id));
              if (!page.hasMore) break;
              afterId = page.next;
            }
            expect(seen).toEqual(ids);
          } finally {
            await store.close();
          }
        },
      ),
      { numRuns: 40 },
    );
  });
});

describe('one channel under any run of failures (on a test clock)', () => {
  type Step = { record: number } | { down: ScriptedChannel['down'] } | { advanceMs: number };
  const step: fc.Arbitrary<Step> = fc.oneof(
    fc.integer({ min: 1, max: 3 }).map((record) => ({ record })),
    fc.constantFrom<ScriptedChannel['down']>('no', 'transient', 'permanent').map((down) => ({ down })),
    fc.integer({ min: 0, max: 500 }).map((advanceMs) => ({ advanceMs })),
  );

  it('delivers in history order, never twice, and after redelivery every event reached the channel', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 25 }), async (steps) => {
        const store = openSqliteStore({ path: ':memory:' });
        const clock = new TestClock();
        const channel = new ScriptedChannel('desk');
        const relay = new EventRelay({ store, clock, logger: silentLogger, channels: [channel], maxAttempts: 3, firstRetryMs: 100, maxRetryMs: 400 });
        try {
          const recorded: string[] = [];
          for (const next of steps) {
            if ('record' in next) {
              clock.advance(1);
              const entries = Array.from({ length: next.record }, () => {
                const event = routerEvent(`e${recorded.length}`, 'RouterWorkerUpdated', clock.now().toISOString(), { workerId: 'w1' });
                recorded.push(event.id);
                return { position: nextHistoryPosition(event.time), event };
              });
              await relay.record(entries);
            } else if ('down' in next) {
              channel.down = next.down;
            } else {
              clock.advance(next.advanceMs);
            }
            await relay.idle();
          }
          const firstPass = channel.received.map((event) => event.id);
          // Events recorded in order are taken in that order; a dead letter is skipped, never taken later in this pass.
          expect(firstPass).toEqual(recorded.filter((id) => firstPass.includes(id)));

          channel.down = 'no';
          for (let round = 0; round < 5; round++) {
            await redeliverDeadLetters(store, 'desk', clock.now());
            relay.kick();
            clock.advance(400);
            await relay.idle();
          }
          const taken = channel.received.map((event) => event.id);
          expect([...taken].sort()).toEqual([...recorded].sort());
          expect(new Set(taken).size).toBe(taken.length);
          const left = await store.list('events', { where: [{ key: 'pendingFor', op: 'eq', value: 'desk' }], pageSize: 1 });
          expect(left.items).toHaveLength(0);
        } finally {
          await relay.stop(0);
          await store.close();
        }
      }),
      { numRuns: 60 },
    );
  });
});

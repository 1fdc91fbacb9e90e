import { openSqliteStore, type SqliteStore } from '../../../shared/adapters/embedded/SqliteStore';
import { StoreScheduler } from '../../../shared/adapters/embedded/StoreScheduler';
import { countDeadLetters, isDeadLetter, type DeadLetteredTimer } from '../../../shared/app/timerDeadLetters';
import { storedTimerAgain, timerFor } from '../../../shared/app/timers/timerKinds';
import { createEmbeddedEngine, type EmbeddedEngine } from '../../../shared/hosting/createEmbeddedEngine';
import { silentLogger } from '../../../shared/ports/Logger';
import type { StoredTimer } from '../../../shared/ports/Scheduler';
import { TestClock } from '../../support/testClock';

/*
 * The embedded timer loop on a test clock and a real SQLite store (in memory): it sleeps on the clock,
 * so moving the clock fires what falls due, with no runDue and no real waiting.
 */

describe('the timer loop on a virtual clock', () => {
  let store: SqliteStore;
  let clock: TestClock;
  let scheduler: StoreScheduler;
  let fired: { id: string; at: number }[];
  let onFire: (timer: StoredTimer) => Promise<void>;

  beforeEach(async () => {
    store = openSqliteStore({ path: ':memory:' });
    clock = new TestClock();
    fired = [];
    onFire = async () => {};
    scheduler = new StoreScheduler(store, clock, silentLogger);
    scheduler.start((timer) => {
      fired.push({ id: timer.id, at: clock.now().getTime() });
      return onFire(timer);
    });
    await clock.tick(0);
  });
  afterEach(async () => {
    await scheduler.stop();
    await store.close();
  });

  const retry = (workerId: string, dueInMs: number) => timerFor('retryOffer', { jobId: 'j', workerId }, clock.now().getTime() + dueInMs);

  it('fires a timer when the clock is ticked to its due time, and not a millisecond before', async () => {
    const start = clock.now().getTime();
    await scheduler.schedule(retry('w1', 30_000));
    await clock.tick(29_999);
    expect(fired).toEqual([]);
    await clock.tick(1);
    expect(fired).toEqual([{ id: 'retryOffer:j:w1', at: start + 30_000 }]);
    expect(await store.get('timers', 'retryOffer:j:w1')).toBeUndefined();
    // Once only, however much later the clock goes.
    await clock.tick(3600_000);
    expect(fired).toHaveLength(1);
  });

  it('fires the timers one tick passes in due order, each at its own instant, a timer set on the way included', async () => {
    const start = clock.now().getTime();
    await scheduler.schedule(retry('late', 50_000));
    await scheduler.schedule(retry('early', 10_000));
    // The first fire sets a timer 5 s after it, inside the same tick.
    onFire = async (timer) => {
      if (timer.id === 'retryOffer:j:early') await scheduler.schedule(retry('chained', 5_000));
    };
    await clock.tick(60_000);
    expect(fired).toEqual([
      { id: 'retryOffer:j:early', at: start + 10_000 },
      { id: 'retryOffer:j:chained', at: start + 15_000 },
      { id: 'retryOffer:j:late', at: start + 50_000 },
    ]);
  });

  it('a timer moved later before it is due fires at its new time only', async () => {
    const start = clock.now().getTime();
    await scheduler.schedule(retry('w1', 10_000));
    await clock.tick(5_000);
    await scheduler.schedule(retry('w1', 20_000));
    await clock.tick(10_000);
    expect(fired).toEqual([]);
    await clock.tick(10_000);
    expect(fired).toEqual([{ id: 'retryOffer:j:w1', at: start + 25_000 }]);
  });

  it('retries a failing handler at its backoff times as the clock passes them', async () => {
    const start = clock.now().getTime();
    onFire = () => Promise.reject(new Error('store unavailable'));
    await scheduler.schedule(retry('w1', 0));
    await clock.tick(5_000 + 10_000);
    expect(fired.map((f) => f.at - start)).toEqual([0, 5_000, 15_000]);
  });
});

describe('timers that can never fire, on the embedded engine', () => {
  let store: SqliteStore;
  let clock: TestClock;
  let engine: EmbeddedEngine;

  beforeEach(async () => {
    store = openSqliteStore({ path: ':memory:' });
    clock = new TestClock();
    engine = createEmbeddedEngine({ store, clock, logger: silentLogger });
    await engine.start();
  });
  afterEach(async () => {
    await engine.stop();
    await store.close();
  });

  const deadLetters = async () => (await store.list<DeadLetteredTimer>('timers', { where: [isDeadLetter], pageSize: 10 })).items.map((doc) => doc.body);

  it('dead-letters a timer of an unknown kind at its first fire, saying why, and never fires it again', async () => {
    await engine.scheduler.schedule(storedTimerAgain({ id: 'mystery:1', kind: 'mystery', dueAt: clock.now().toISOString(), payload: { jobId: 'j' } }));
    await clock.tick(0, 20);
    expect(await deadLetters()).toEqual([
      expect.objectContaining({ id: 'mystery:1', kind: 'mystery', deadLetter: expect.objectContaining({ attempts: 1, reason: 'timer mystery:1 is of kind "mystery", which this version of the router does not know' }) }),
    ]);
    await clock.tick(24 * 3600_000);
    expect(await countDeadLetters(store)).toBe(1);
    expect(engine.scheduler.deadLettered).toBe(1);
  });

  it('dead-letters a timer whose payload does not fit its kind at its first fire, naming the fields', async () => {
    await engine.scheduler.schedule(storedTimerAgain({ id: 'offerExpiry:o1', kind: 'offerExpiry', dueAt: clock.now().toISOString(), payload: { offerId: 'o1', jobId: '' } }));
    await clock.tick(0, 20);
    const [dead] = await deadLetters();
    expect(dead?.deadLetter.attempts).toBe(1);
    expect(dead?.deadLetter.reason).toMatch(/^timer offerExpiry:o1 has a payload that does not fit kind offerExpiry \(jobId: .+; workerId: .+\)$/);
  });

  it('fires a well-formed timer through its handler and removes it', async () => {
    // The job is gone, so the handler has nothing to do; the timer is done all the same.
    await engine.scheduler.schedule(timerFor('retryOffer', { jobId: 'gone', workerId: 'w' }, clock.now().getTime() + 1000));
    await clock.tick(999, 20);
    expect(await store.get('timers', 'retryOffer:gone:w')).toBeDefined();
    await clock.tick(1, 20);
    expect(await store.get('timers', 'retryOffer:gone:w')).toBeUndefined();
    expect(await countDeadLetters(store)).toBe(0);
  });
});

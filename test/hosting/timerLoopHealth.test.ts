import { openSqliteStore } from '../../shared/adapters/embedded/SqliteStore';
import { STUCK_AFTER_MS, StoreScheduler } from '../../shared/adapters/embedded/StoreScheduler';
import { systemClock } from '../../shared/ports/Clock';
import { silentLogger } from '../../shared/ports/Logger';
import type { Timer } from '../../shared/ports/Scheduler';

const dueNow = (id: string): Timer => ({ id, kind: 'offerExpiry', dueAt: new Date(Date.now() - 1000).toISOString(), payload: {} });

/**
 * The timer loop's health as GET /ready reads it. Instead of waiting minutes, the checks look at a
 * moment ahead with `health(now)`: what matters is whether the loop made progress since.
 */
describe('the embedded timer loop reports whether it runs', () => {
  it('is stopped before start and after stop, running in between', async () => {
    const store = openSqliteStore({ path: ':memory:' });
    const scheduler = new StoreScheduler(store, systemClock, silentLogger);
    expect(scheduler.health()).toBe('stopped');
    scheduler.start(() => Promise.resolve());
    expect(scheduler.health()).toBe('running');
    await scheduler.stop();
    expect(scheduler.health()).toBe('stopped');
    await store.close();
  });

  it('is stuck once a handler hangs for longer than STUCK_AFTER_MS, though woken again meanwhile', async () => {
    const store = openSqliteStore({ path: ':memory:' });
    const scheduler = new StoreScheduler(store, systemClock, silentLogger);
    let hang = true;
    let release: () => void = () => undefined;
    const entered = new Promise<void>((resolve) => {
      scheduler.start(() => {
        resolve();
        return hang ? new Promise<void>((done) => (release = done)) : Promise.resolve();
      });
    });
    await scheduler.schedule(dueNow('t1'));
    await entered;
    // A second timer wakes the loop, but the pass in progress never ends, so nothing moves.
    await scheduler.schedule(dueNow('t2'));
    const since = Date.now();
    expect(scheduler.health(since)).toBe('running');
    expect(scheduler.health(since + STUCK_AFTER_MS + 1000)).toBe('stuck');
    hang = false;
    release();
    await scheduler.stop();
    await store.close();
  });

  it('a loop that fires its timers makes progress: it is not stuck relative to its last pass', async () => {
    const store = openSqliteStore({ path: ':memory:' });
    const scheduler = new StoreScheduler(store, systemClock, silentLogger);
    const fired: string[] = [];
    scheduler.start((timer) => {
      fired.push(timer.id);
      return Promise.resolve();
    });
    const started = Date.now();
    // At most a millisecond, so that progress from here on is later than the start.
    while (Date.now() <= started) continue;
    await scheduler.schedule(dueNow('t1'));
    // runDue fires what is due now, in this test's turn, as the loop does.
    await scheduler.runDue();
    expect(fired).toContain('t1');
    // Measured from the start alone the loop would be stuck by then; its progress since keeps it running.
    expect(scheduler.health(started + STUCK_AFTER_MS + 1)).toBe('running');
    await scheduler.stop();
    await store.close();
  });
});

import { openSqliteStore } from '../../shared/adapters/embedded/SqliteStore';
import { STUCK_AFTER_MS, StoreScheduler } from '../../shared/adapters/embedded/StoreScheduler';
import { storedTimerAgain } from '../../shared/app/timers/timerKinds';
import { silentLogger } from '../../shared/ports/Logger';
import type { Timer } from '../../shared/ports/Scheduler';
import { TestClock } from '../support/testClock';

/**
 * The timer loop's health as GET /ready reads it, on a test clock: the loop sleeps on that clock and
 * measures its progress in it, so minutes pass in a tick and nothing here waits in real time.
 */
describe('the embedded timer loop reports whether it runs', () => {
  const dueNow = (clock: TestClock, id: string): Timer => storedTimerAgain({ id, kind: 'retryOffer', dueAt: clock.now().toISOString(), payload: { jobId: 'j', workerId: 'w' } });

  it('is stopped before start and after stop, running in between', async () => {
    const store = openSqliteStore({ path: ':memory:' });
    const scheduler = new StoreScheduler(store, new TestClock(), silentLogger);
    expect(scheduler.health()).toBe('stopped');
    scheduler.start(() => Promise.resolve());
    expect(scheduler.health()).toBe('running');
    await scheduler.stop();
    expect(scheduler.health()).toBe('stopped');
    await store.close();
  });

  it('is stuck once a handler hangs for longer than STUCK_AFTER_MS of its clock, though woken again meanwhile', async () => {
    const store = openSqliteStore({ path: ':memory:' });
    const clock = new TestClock();
    const scheduler = new StoreScheduler(store, clock, silentLogger);
    let hang = true;
    let release: () => void = () => undefined;
    const entered = new Promise<void>((resolve) => {
      scheduler.start(() => {
        resolve();
        return hang ? new Promise<void>((done) => (release = done)) : Promise.resolve();
      });
    });
    await scheduler.schedule(dueNow(clock, 't1'));
    await entered;
    // A second timer wakes the loop, but the pass in progress never ends, so nothing moves.
    await scheduler.schedule(dueNow(clock, 't2'));
    await clock.tick(STUCK_AFTER_MS - 1000);
    expect(scheduler.health()).toBe('running');
    await clock.tick(2000);
    expect(scheduler.health()).toBe('stuck');
    hang = false;
    release();
    // Once the handler answers, the loop goes on (t2 fires) and is running again.
    await clock.tick(0, 20);
    expect(scheduler.health()).toBe('running');
    await scheduler.stop();
    await store.close();
  });

  it('an idle loop is not stuck however far its clock moves, once the work the move started has settled', async () => {
    const store = openSqliteStore({ path: ':memory:' });
    const clock = new TestClock();
    const scheduler = new StoreScheduler(store, clock, silentLogger);
    scheduler.start(() => Promise.resolve());
    await clock.tick(0);
    // One jump, without letting the loop run between its wake-ups: each wake-up begins a pass at its own
    // instant, and the pass that ends after the jump stamps the time it finished.
    clock.advance(10 * STUCK_AFTER_MS);
    await clock.tick(0, 20);
    expect(scheduler.health()).toBe('running');
    // Ticked through a simulated day, the loop wakes at least every minute and stays running.
    await clock.tick(24 * 3600_000);
    expect(scheduler.health()).toBe('running');
    await scheduler.stop();
    await store.close();
  });
});

import fc from 'fast-check';
import { MAX_FIRE_ATTEMPTS, StoreScheduler, dueKey, retryDelayMs } from '../../../shared/adapters/embedded/StoreScheduler';
import { openSqliteStore, type SqliteStore } from '../../../shared/adapters/embedded/SqliteStore';
import { countDeadLetters, isDeadLetter, redriveDeadLetters, type DeadLetteredTimer } from '../../../shared/app/timerDeadLetters';
import { LATEST_INSTANT, LATEST_INSTANT_MS, representableMs } from '../../../shared/domain/dueTime';
import type { Logger } from '../../../shared/ports/Logger';
import { storedTimerAgain } from '../../../shared/app/timers/timerKinds';
import type { StoredTimer, Timer } from '../../../shared/ports/Scheduler';
import { TestClock } from '../../support/testClock';

/*
 * The embedded scheduler on a real SQLite store (in memory) and a test clock. The handlers are
 * stand-ins for fireTimer so that each test decides exactly how a fire goes.
 */

/** The range a JS Date can hold, in ms. */
const DATE_LIMIT_MS = 8.64e15;

describe('due keys', () => {
  it('sort in due-time order for every time a Date can hold (times past year 9999 at its end)', () => {
    fc.assert(
      fc.property(fc.integer({ min: -DATE_LIMIT_MS, max: DATE_LIMIT_MS }), fc.integer({ min: -DATE_LIMIT_MS, max: DATE_LIMIT_MS }), (a, b) => {
        const ka = dueKey({ id: 'x', dueAt: new Date(a).toISOString() });
        const kb = dueKey({ id: 'x', dueAt: new Date(b).toISOString() });
        const [ra, rb] = [representableMs(a), representableMs(b)];
        const order = ka < kb ? -1 : ka > kb ? 1 : 0; // binary order, as the stores compare keys
        expect(order).toBe(Math.sign(ra - rb));
      }),
      { seed: 20260105, numRuns: 2000 },
    );
  });

  it('keep every representable time exactly', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('0001-01-01T00:00:00Z'), max: new Date(LATEST_INSTANT), noInvalidDate: true }), (d) => {
        expect(dueKey({ id: 't', dueAt: d.toISOString() })).toBe(`${d.toISOString()}\u001ft`);
      }),
      { seed: 7, numRuns: 1000 },
    );
  });

  it('put a time that overflowed (NaN) at the end, never at the start', () => {
    expect(dueKey({ id: 't', dueAt: new Date(Number.NaN).getTime() as unknown as string })).toBe(`${LATEST_INSTANT}\u001ft`);
    expect(dueKey({ id: 't', dueAt: '+011533-01-01T00:00:00.000Z' })).toBe(`${LATEST_INSTANT}\u001ft`);
  });
});

describe('StoreScheduler', () => {
  let store: SqliteStore;
  let clock: TestClock;
  let scheduler: StoreScheduler;
  let logged: { level: string; message: string; fields: Record<string, unknown> }[];
  let handler: (timer: StoredTimer) => Promise<void>;
  const fires: string[] = [];

  const logger: Logger = {
    info: (fields, message) => logged.push({ level: 'info', message, fields }),
    warn: (fields, message) => logged.push({ level: 'warn', message, fields }),
    error: (fields, message) => logged.push({ level: 'error', message, fields }),
  };

  beforeEach(async () => {
    store = openSqliteStore({ path: ':memory:' });
    clock = new TestClock();
    logged = [];
    fires.length = 0;
    handler = async () => {};
    scheduler = new StoreScheduler(store, clock, logger);
    scheduler.start((timer) => {
      fires.push(timer.id);
      return handler(timer);
    });
    // Timers fire only when the test says (runDue).
    await scheduler.stop();
  });
  afterEach(() => store.close());

  // The scheduler stores and hands back whatever it is given; these timers keep short ids for the tests.
  const timer = (id: string, dueInMs = 0): Timer =>
    storedTimerAgain({ id, kind: 'retryOffer', dueAt: new Date(clock.now().getTime() + dueInMs).toISOString(), payload: { jobId: 'j', workerId: 'w' } });

  it('retries a failing timer with backoff and dead-letters it after the last attempt, keeping it for a re-drive', async () => {
    handler = () => Promise.reject(new Error('store unavailable'));
    await scheduler.schedule(timer('t1'));
    const firedAt: number[] = [];
    for (let attempt = 1; attempt <= MAX_FIRE_ATTEMPTS; attempt++) {
      expect(await scheduler.runDue()).toBe(1);
      firedAt.push(clock.now().getTime());
      if (attempt < MAX_FIRE_ATTEMPTS) {
        const next = await scheduler.nextDue();
        expect(next?.getTime()).toBe(clock.now().getTime() + retryDelayMs(attempt));
        clock.advance(retryDelayMs(attempt) - 1);
        expect(await scheduler.runDue()).toBe(0);
        clock.advance(1);
      }
    }
    expect(firedAt.slice(1).map((t, i) => t - (firedAt[i] ?? 0))).toEqual([5, 10, 20, 40, 80, 160, 320, 600, 600].map((s) => s * 1000));
    expect(await scheduler.nextDue()).toBeUndefined();
    expect(await countDeadLetters(store)).toBe(1);
    expect(scheduler.deadLettered).toBe(1);
    const [dead] = (await store.list<DeadLetteredTimer>('timers', { where: [isDeadLetter], pageSize: 10 })).items;
    expect(dead?.body).toMatchObject({ id: 't1', kind: 'retryOffer', payload: { jobId: 'j' }, deadLetter: { attempts: MAX_FIRE_ATTEMPTS, reason: 'the handler failed: store unavailable' } });
    expect(logged.filter((l) => l.message.startsWith('timer dead-lettered'))).toHaveLength(1);

    // Nothing fires it any more, however much time passes...
    clock.advance(365 * 24 * 3600 * 1000);
    expect(await scheduler.runDue()).toBe(0);
    // ...until an operator re-drives it: due now, attempts counted afresh.
    handler = async () => {};
    expect(await redriveDeadLetters(store, scheduler, clock)).toBe(1);
    expect(await countDeadLetters(store)).toBe(0);
    expect(await scheduler.runDue()).toBe(1);
    expect(await store.get('timers', 't1')).toBeUndefined();
  });

  it('fires a handler that keeps re-arming its own timer as due at most once per pass, then backs it off and dead-letters it', async () => {
    handler = (t) => (t.id === 'loop' ? scheduler.schedule(storedTimerAgain({ ...t, dueAt: clock.now().toISOString() })) : Promise.resolve());
    await scheduler.schedule(timer('loop'));
    await scheduler.schedule(timer('other'));
    let passes = 0;
    while ((await countDeadLetters(store)) === 0) {
      const fired = await scheduler.runDue();
      const next = await scheduler.nextDue();
      if (next && next > clock.now()) clock.advance(next.getTime() - clock.now().getTime());
      expect(fired).toBeLessThanOrEqual(passes === 0 ? 2 : 1);
      passes++;
      expect(passes).toBeLessThan(50);
    }
    expect(fires.filter((id) => id === 'other')).toHaveLength(1);
    const [dead] = (await store.list<DeadLetteredTimer>('timers', { where: [isDeadLetter], pageSize: 10 })).items;
    expect(dead?.body.deadLetter.reason).toMatch(/re-armed itself as due \d+ times in a row/);
  });

  it('keeps a timer its handler re-armed for later, and removes one that succeeded', async () => {
    handler = (t) => (t.id === 'later' && !t.payload['again'] ? scheduler.schedule(storedTimerAgain({ ...t, payload: { again: 'yes' }, dueAt: new Date(clock.now().getTime() + 60_000).toISOString() })) : Promise.resolve());
    await scheduler.schedule(timer('later'));
    await scheduler.schedule(timer('once'));
    expect(await scheduler.runDue()).toBe(2);
    expect(await store.get('timers', 'once')).toBeUndefined();
    expect((await scheduler.nextDue())?.getTime()).toBe(clock.now().getTime() + 60_000);
  });

  it('keeps far-future and overflowed due times after every ordinary one', async () => {
    await scheduler.schedule({ ...timer('far'), dueAt: new Date(clock.now().getTime() + 3e11 * 1000).toISOString() });
    await scheduler.schedule(timer('soon', 1000));
    expect(await scheduler.runDue()).toBe(0);
    expect((await scheduler.nextDue())?.toISOString()).toBe(new Date(clock.now().getTime() + 1000).toISOString());
    clock.advance(1000);
    expect(await scheduler.runDue()).toBe(1);
    expect((await scheduler.nextDue())?.getTime()).toBe(LATEST_INSTANT_MS);
  });

  it('repairs keys that an older version wrote past year 9999 before its first pass', async () => {
    const far = new Date(clock.now().getTime() + 3e11 * 1000);
    const body = { ...timer('old'), dueAt: far.toISOString() };
    await store.create({ collection: 'timers', id: 'old', lastModified: clock.now().toISOString(), body, keys: { due: `${far.toISOString()}\u001fold` } });
    expect(await scheduler.runDue()).toBe(0);
    expect(fires).toEqual([]);
    expect((await store.get('timers', 'old'))?.keys['due']).toBe(`${LATEST_INSTANT}\u001fold`);
  });
});

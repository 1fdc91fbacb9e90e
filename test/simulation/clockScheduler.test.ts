import { VirtualClock } from '../../shared/adapters/VirtualClock';
import { timerFor } from '../../shared/app/timers/timerKinds';
import type { StoredTimer } from '../../shared/ports/Scheduler';
import { ClockScheduler } from '../../shared/simulation/clockScheduler';

const T0 = Date.parse('2026-01-05T09:00:00.000Z');
const at = (ms: number) => new Date(T0 + ms).toISOString();

describe('ClockScheduler: the router timers of a simulation, on its virtual clock', () => {
  let clock: VirtualClock;
  let fired: { id: string; at: number }[];
  let scheduler: ClockScheduler;
  beforeEach(() => {
    clock = new VirtualClock(T0);
    fired = [];
    scheduler = new ClockScheduler(clock, (timer: StoredTimer) => fired.push({ id: timer.id, at: clock.now().getTime() - T0 }));
  });

  it('fires each timer at its own instant, in due order, and one that is due already at once', async () => {
    await scheduler.schedule(timerFor('offerExpiry', { jobId: 'j1', workerId: 'w1', offerId: 'o1' }, at(3000)));
    await scheduler.schedule(timerFor('offerExpiry', { jobId: 'j2', workerId: 'w1', offerId: 'o2' }, at(1000)));
    await scheduler.schedule(timerFor('offerExpiry', { jobId: 'j3', workerId: 'w1', offerId: 'o3' }, at(-5000)));
    clock.advance(10_000);
    expect(fired.map((f) => f.at)).toEqual([0, 1000, 3000]);
    expect(scheduler.fired).toBe(3);
  });

  it('replaces a timer scheduled again under its id, and forgets a cancelled one', async () => {
    const first = timerFor('offerExpiry', { jobId: 'j1', workerId: 'w1', offerId: 'o1' }, at(1000));
    await scheduler.schedule(first);
    await scheduler.schedule(timerFor('offerExpiry', { jobId: 'j1', workerId: 'w1', offerId: 'o1' }, at(2000)));
    await scheduler.schedule(timerFor('offerExpiry', { jobId: 'j2', workerId: 'w1', offerId: 'o2' }, at(1500)));
    await scheduler.cancel(timerFor('offerExpiry', { jobId: 'j2', workerId: 'w1', offerId: 'o2' }, at(1500)).id);
    await scheduler.cancel('no-such-timer');
    clock.advance(10_000);
    expect(fired).toEqual([{ id: first.id, at: 2000 }]);
  });
});

import fc from 'fast-check';
import { VirtualClock } from '../../../shared/adapters/VirtualClock';
import { sleep } from '../../../shared/ports/Clock';

describe('VirtualClock', () => {
  it('fires each timer it passes at its own instant, in due order then order of setting, and skips cancelled ones', () => {
    const clock = new VirtualClock(0);
    const fired: string[] = [];
    const at = (name: string) => () => fired.push(`${name}@${clock.now().getTime()}`);
    clock.setTimer(30, at('c'));
    clock.setTimer(10, at('a'));
    const cancel = clock.setTimer(20, at('cancelled'));
    clock.setTimer(10, at('b'));
    clock.setTimer(-5, at('now'));
    cancel();
    expect(clock.advance(25)).toBe(3);
    expect(fired).toEqual(['now@0', 'a@10', 'b@10']);
    expect(clock.now().getTime()).toBe(25);
    expect(clock.nextDue()).toBe(30);
    clock.advance(5);
    expect(fired.at(-1)).toBe('c@30');
    expect(clock.nextDue()).toBeUndefined();
  });

  it('fires timers in non-decreasing due order whatever order they are set in (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 1000 }), { maxLength: 200 }), (delays) => {
        const clock = new VirtualClock(0);
        const times: number[] = [];
        for (const d of delays) clock.setTimer(d, () => times.push(clock.now().getTime()));
        clock.advance(1000);
        expect(times).toEqual([...delays].sort((a, b) => a - b));
      }),
    );
  });

  it('tick lets work started by a timer set further timers that fire within the same window', async () => {
    const clock = new VirtualClock(0);
    const woke: number[] = [];
    const loop = async () => {
      for (let i = 0; i < 3; i++) {
        await sleep(clock, 100);
        woke.push(clock.now().getTime());
      }
    };
    const running = loop();
    await clock.tick(250);
    expect(woke).toEqual([100, 200]);
    await clock.tick(50);
    await running;
    expect(woke).toEqual([100, 200, 300]);
  });
});

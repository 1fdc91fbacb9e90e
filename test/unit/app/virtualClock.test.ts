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

  it('fires in (due, order of setting) order through cancellations and timers set while firing (property)', () => {
    const plan = fc.array(fc.record({ delay: fc.integer({ min: 0, max: 50 }), cancel: fc.boolean(), chained: fc.option(fc.integer({ min: 0, max: 20 }), { nil: undefined }) }), { maxLength: 300 });
    fc.assert(
      fc.property(plan, (timers) => {
        const clock = new VirtualClock(0);
        const fired: number[] = [];
        // What a sorted list of the armed timers says should fire: [due, order of setting, name].
        const expected: [number, number, number][] = [];
        let order = 0;
        const set = (name: number, delay: number, chained: number | undefined) => {
          const due = clock.now().getTime() + delay;
          const entry: [number, number, number] = [due, order++, name];
          expected.push(entry);
          return clock.setTimer(delay, () => {
            fired.push(name);
            if (chained !== undefined) set(name + 1000, chained, undefined);
          });
        };
        timers.forEach(({ delay, cancel, chained }, name) => {
          const disarm = set(name, delay, chained);
          if (cancel) {
            disarm();
            expected.splice(expected.findIndex((e) => e[2] === name), 1);
          }
        });
        clock.advance(100);
        expected.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
        expect(fired).toEqual(expected.map((e) => e[2]));
        expect(clock.nextDue()).toBeUndefined();
      }),
    );
  });

  it('answers the same Date for one instant and a new one once time moves', () => {
    const clock = new VirtualClock(0);
    const first = clock.now();
    expect(clock.now()).toBe(first);
    clock.advance(1);
    expect(clock.now().getTime()).toBe(1);
    expect(first.getTime()).toBe(0);
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

import { RunningActs } from '../../shared/simulation/runningActs';

describe('RunningActs: the acts of a simulated instant', () => {
  it('settles once every act has ended, including the acts started by acts meanwhile', async () => {
    const acts = new RunningActs();
    const ended: string[] = [];
    const later = async (name: string, then?: () => void) => {
      await Promise.resolve();
      await Promise.resolve();
      then?.();
      ended.push(name);
    };
    acts.start(() => later('a', () => acts.start(() => later('c', () => acts.start(() => later('d'))))));
    acts.start(() => later('b'));
    await acts.settled();
    expect(ended.sort()).toEqual(['a', 'b', 'c', 'd']);
    expect(acts.failures).toEqual([]);
  });

  it('settles at once when nothing runs, and can be waited on again for the next instant', async () => {
    const acts = new RunningActs();
    await acts.settled();
    let done = false;
    acts.start(async () => {
      await new Promise((resolve) => setImmediate(resolve));
      done = true;
    });
    await acts.settled();
    expect(done).toBe(true);
  });

  it('keeps the failures of acts, in order, and still settles', async () => {
    const acts = new RunningActs();
    acts.start(() => Promise.reject(new Error('first')));
    acts.start(async () => {
      await Promise.resolve();
      throw new Error('second');
    });
    acts.start(() => Promise.resolve());
    await acts.settled();
    expect(acts.failures.map((error) => (error as Error).message)).toEqual(['first', 'second']);
  });
});

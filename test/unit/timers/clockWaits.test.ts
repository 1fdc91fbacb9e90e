import { setImmediate as nextTurn } from 'node:timers/promises';
import { RouterRuleEvaluator } from '../../../shared/adapters/http/RouterRuleEvaluator';
import { READINESS_TIMEOUT_MS, checkReadiness } from '../../../shared/http/readiness';
import { silentLogger } from '../../../shared/ports/Logger';
import { TestClock } from '../../support/testClock';
import { TestEndpoints } from '../../support/testEndpoints';

/*
 * Waits that belong to the router's clock, not to the machine: a readiness check's timeout and the
 * backoff between attempts of a function rule. On a test clock they end when the clock is moved, and
 * not before, however long the test really takes.
 */

/** Lets started work run until `done()` holds (bounded: real I/O on a loaded machine may need many turns). */
async function until(done: () => boolean): Promise<void> {
  for (let turn = 0; turn < 10_000 && !done(); turn++) await nextTurn();
  expect(done()).toBe(true);
}

describe('a readiness check that never answers', () => {
  it('fails once its timeout has passed on the clock, and not before', async () => {
    const clock = new TestClock();
    let settled: unknown;
    void checkReadiness({ store: () => new Promise<boolean>(() => undefined), fine: () => Promise.resolve(true) }, silentLogger, READINESS_TIMEOUT_MS, clock).then((r) => (settled = r));
    await clock.tick(READINESS_TIMEOUT_MS - 1);
    expect(settled).toBeUndefined();
    await clock.tick(1);
    expect(settled).toEqual({ ready: false, checks: { store: 'unavailable', fine: 'ok' } });
  });
});

describe('the backoff between attempts of a function rule', () => {
  let endpoints: TestEndpoints;
  beforeAll(async () => {
    endpoints = await TestEndpoints.start();
  });
  afterAll(() => endpoints.close());

  it('waits on the clock: the second attempt goes out when the clock passes the backoff', async () => {
    endpoints.reply('/api/score', { status: 503, text: 'busy' }, { status: 200, json: 7 });
    const clock = new TestClock();
    const rules = new RouterRuleEvaluator({ clock, retry: { attempts: 2, firstDelayMs: 200, maxDelayMs: 200 } });
    let value: unknown;
    void rules.evaluate({ kind: 'function', functionUri: endpoints.url('/api/score') }, { job: {} }).then((v) => (value = v));
    // The first answer arrives in real time; the backoff then waits on the clock.
    await until(() => clock.nextDue() !== undefined);
    expect(endpoints.to('/api/score')).toHaveLength(1);
    await clock.tick(199);
    expect(endpoints.to('/api/score')).toHaveLength(1);
    clock.advance(1);
    await until(() => value !== undefined);
    expect(value).toBe(7);
    expect(endpoints.to('/api/score')).toHaveLength(2);
  });
});

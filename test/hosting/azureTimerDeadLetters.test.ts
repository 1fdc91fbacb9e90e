import { InvocationContext } from '@azure/functions';
import { routerTimerNames } from '../../functions/orchestrators/routerTimer';
import { deadLetterRouterTimer, fireRouterTimer } from '../../functions/timers';
import type { StoredTimer } from '../../shared/ports/Scheduler';
import { startAzureTestRouter } from '../support/azureTestRouter';
import type { RouterUnderTest } from '../support/routerUnderTest';

/**
 * Timer dead letters on the Azure host's composition: the real deadLetterRouterTimer activity writes
 * to the Cosmos store (local server), the operator endpoints read it through the Functions HTTP
 * handler, and a re-drive starts a routerTimer orchestration in the Durable stand-in.
 */
describe('timer dead letters on the Azure host', () => {
  let router: RouterUnderTest;
  beforeAll(async () => {
    router = await startAzureTestRouter();
  });
  afterAll(() => router.close());

  it('the orchestration\'s dead letter is listed, counted and re-driven', async () => {
    const timer: StoredTimer = { id: 'retryOffer:gone:w', kind: 'retryOffer', dueAt: new Date().toISOString(), payload: { jobId: 'gone', workerId: 'w' }, attempts: 16 };
    const at = new Date().toISOString();
    await deadLetterRouterTimer({ timer, reason: 'the handler failed: store unavailable', attempts: 24, at }, new InvocationContext({ functionName: routerTimerNames.deadLetter, logHandler: () => undefined }));

    expect((await router.client.pathUnchecked('/routing/timers').get()).body).toEqual({ deadLettered: 1 });
    const list = await router.client.pathUnchecked('/routing/timers/deadLetters').get();
    expect(list.status).toBe('200');
    expect(list.body).toEqual({ value: [{ timerId: timer.id, kind: 'retryOffer', dueAt: timer.dueAt, payload: { jobId: 'gone', workerId: 'w' }, attempts: 24, reason: 'the handler failed: store unavailable', deadLetteredAt: at }] });

    const redriven = await router.client.pathUnchecked('/routing/timers/deadLetters:redrive').post();
    expect(redriven.body).toEqual({ redriven: 1 });
    // The re-driven timer runs as a new orchestration (its job is gone, so it does nothing and ends).
    expect(await router.engine.scheduler.runDue()).toBeGreaterThan(0);
    expect((await router.client.pathUnchecked('/routing/timers').get()).body).toEqual({ deadLettered: 0 });
  });

  it('the fire activity answers a timer that can never fire as unfireable (the orchestration then dead-letters it at once)', async () => {
    const context = () => new InvocationContext({ functionName: routerTimerNames.activity, logHandler: () => undefined });
    const mystery: StoredTimer = { id: 'mystery:1', kind: 'mystery', dueAt: new Date().toISOString(), payload: { jobId: 'j' } };
    expect(await fireRouterTimer(mystery, context())).toEqual({ unfireable: 'timer mystery:1 is of kind "mystery", which this version of the router does not know' });
    const damaged: StoredTimer = { id: 'classify:', kind: 'classifyJob', dueAt: new Date().toISOString(), payload: { jobId: '' } };
    expect(await fireRouterTimer(damaged, context())).toEqual({ unfireable: expect.stringMatching(/^timer classify: has a payload that does not fit kind classifyJob \(jobId: /) });
    // A well-formed timer runs its handler (its job is gone: nothing to do).
    expect(await fireRouterTimer({ id: 'classify:gone', kind: 'classifyJob', dueAt: new Date().toISOString(), payload: { jobId: 'gone' } }, context())).toBeNull();
  });
});

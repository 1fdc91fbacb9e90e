import { InvocationContext } from '@azure/functions';
import { routerTimerNames } from '../../functions/orchestrators/routerTimer';
import { deadLetterRouterTimer } from '../../functions/timers';
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
});

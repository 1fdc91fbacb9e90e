import { MAX_BODY_DEPTH, MAX_DURATION_SECONDS } from '../../shared/domain/model/limits';
import { storedTimerAgain } from '../../shared/app/timers/timerKinds';
import type { Timer } from '../../shared/ports/Scheduler';
import { startTestRouter, type TestRouter } from '../support/embeddedRouter';
import { rawSignedFetch, withApiVersion } from '../support/rawSignedFetch';
import { patch } from '../support/signedClient';
import { snapshotStore } from '../support/snapshotStore';
import { TestClock } from '../support/testClock';

/*
 * Bounds of the API on the wire, and what the router does with documents stored before there were
 * bounds (seeded straight into the store, as an older version would have left them).
 */

const LATEST = '9999-12-31T23:59:59.999+00:00';

describe('bounds on the wire', () => {
  let router: TestRouter;
  beforeAll(async () => {
    router = await startTestRouter();
    expect((await patch(router.client, '/routing/distributionPolicies/dp', { offerExpiresAfterSeconds: 60, mode: { kind: 'longestIdle' } })).status).toBe('201');
    expect((await patch(router.client, '/routing/queues/q', { distributionPolicyId: 'dp' })).status).toBe('201');
  });
  afterAll(() => router.close());

  const expect400 = async (path: string, body: unknown, field: string, range: string) => {
    const before = await snapshotStore(router.store);
    const response = await patch(router.client, path, body);
    expect(response.status).toBe('400');
    expect(response.body.communicationError.message).toContain(field);
    expect(response.body.communicationError.message).toContain(range);
    expect(await snapshotStore(router.store)).toBe(before);
  };

  describe('a far-future duration is refused with the field and its range, and changes nothing', () => {
    it.each([3e11, 1e308, 9007199254740992, MAX_DURATION_SECONDS + 1])('%p seconds', async (seconds) => {
      const range = `at most ${MAX_DURATION_SECONDS}`;
      await expect400('/routing/classificationPolicies/cp', { fallbackQueueId: 'q', workerSelectorAttachments: [{ kind: 'passThrough', key: 'skill', labelOperator: 'equal', expiresAfterSeconds: seconds }] }, 'workerSelectorAttachments[0].expiresAfterSeconds', range);
      await expect400('/routing/jobs/j', { channelId: 'voice', queueId: 'q', requestedWorkerSelectors: [{ key: 'skill', labelOperator: 'equal', value: 1, expiresAfterSeconds: seconds }] }, 'requestedWorkerSelectors[0].expiresAfterSeconds', range);
      await expect400('/routing/exceptionPolicies/ep', { exceptionRules: [{ id: 'r', trigger: { kind: 'waitTime', thresholdSeconds: seconds }, actions: [{ kind: 'cancel' }] }] }, 'exceptionRules[0].trigger.thresholdSeconds', range);
      await expect400('/routing/distributionPolicies/dp2', { offerExpiresAfterSeconds: seconds, mode: { kind: 'longestIdle' } }, 'offerExpiresAfterSeconds', range);
    });

    it('accepts the longest one', async () => {
      const response = await patch(router.client, '/routing/classificationPolicies/cp-max', { fallbackQueueId: 'q', workerSelectorAttachments: [{ kind: 'passThrough', key: 'skill', labelOperator: 'equal', expiresAfterSeconds: MAX_DURATION_SECONDS }] });
      expect(response.status).toBe('201');
    });
  });

  it.each([
    ['scheduleAt in year 0', { channelId: 'voice', queueId: 'q', matchingMode: { kind: 'scheduleAndSuspend', scheduleAt: '0000-06-01T00:00:00Z' } }, 'matchingMode.scheduleAt'],
    ['scheduleAt in year 10000 once its offset is applied', { channelId: 'voice', queueId: 'q', matchingMode: { kind: 'scheduleAndSuspend', scheduleAt: '9999-12-31T23:00:00-05:00' } }, 'matchingMode.scheduleAt'],
    ['a note added in year 10000', { channelId: 'voice', queueId: 'q', notes: [{ message: 'x', addedAt: '9999-12-31T22:00:00-03:00' }] }, 'notes[0].addedAt'],
  ])('refuses %s', async (_label, body, field) => {
    await expect400('/routing/jobs/dated', body, field, 'between 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z');
  });

  it('refuses more than 100 labels, and a label text of more than 1024 characters', async () => {
    const labels = Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`k${i}`, i]));
    await expect400('/routing/workers/w-many', { capacity: 1, labels }, 'labels', 'at most 100 members, got 101');
    await expect400('/routing/workers/w-long', { capacity: 1, tags: { note: 'x'.repeat(1025) } }, 'tags.note', 'at most 1024 characters');
  });

  it(`refuses a body nested 5,000 levels deep, and one of ${MAX_BODY_DEPTH + 1} levels, before anything recurses`, async () => {
    for (const depth of [5000, MAX_BODY_DEPTH + 1]) {
      const body = `{"labels":${'{"a":'.repeat(depth - 1)}1${'}'.repeat(depth - 1)}}`;
      const response = await rawSignedFetch(router.url, router.accessKey, { method: 'PATCH', path: withApiVersion('/routing/jobs/deep'), body, headers: { 'content-type': 'application/merge-patch+json' } });
      expect(response.status).toBe(400);
      expect(response.json.communicationError.message).toContain(`more than ${MAX_BODY_DEPTH} levels deep`);
    }
    expect((await router.client.pathUnchecked('/routing/jobs/deep').get()).status).toBe('404');
  });

  it('stores labels and tags named __proto__, constructor and prototype as sent', async () => {
    const labels = JSON.parse('{"__proto__":"p","constructor":"c","prototype":1,"a":true}') as Record<string, unknown>;
    const created = await patch(router.client, '/routing/workers/w-proto', { capacity: 1, labels, tags: labels });
    expect(created.status).toBe('201');
    const read = await router.client.pathUnchecked('/routing/workers/w-proto').get();
    for (const body of [created.body, read.body]) {
      // Workers also carry their id as the `Id` label, as the service's did.
      expect(Object.keys(body.labels)).toEqual(['__proto__', 'constructor', 'prototype', 'a', 'Id']);
      expect(Object.getOwnPropertyDescriptor(body.labels, '__proto__')?.value).toBe('p');
      expect(Object.getOwnPropertyDescriptor(body.tags, '__proto__')?.value).toBe('p');
    }
    // Removing it is an ordinary merge-patch removal.
    const removed = await patch(router.client, '/routing/workers/w-proto', { labels: JSON.parse('{"__proto__":null}') });
    expect(Object.keys(removed.body.labels)).toEqual(['constructor', 'prototype', 'a', 'Id']);
  });
});

describe('documents stored before durations were bounded', () => {
  let router: TestRouter;
  beforeEach(async () => {
    router = await startTestRouter();
  });
  afterEach(() => router.close());

  /** Rewrites a stored document's body as an older version could have stored it. */
  const rewrite = async (collection: 'distributionPolicies' | 'classificationPolicies' | 'exceptionPolicies', id: string, change: (body: Record<string, unknown>) => Record<string, unknown>) => {
    const doc = await router.store.get(collection, id);
    if (!doc) throw new Error(`${collection}/${id} should exist`);
    await router.store.replace({ ...doc, body: change(doc.body) }, doc.etag);
  };

  it('an offer under a policy with offerExpiresAfterSeconds 1e308 expires at the latest representable time, and every request answers', async () => {
    expect((await patch(router.client, '/routing/distributionPolicies/dp', { offerExpiresAfterSeconds: 60, mode: { kind: 'longestIdle' } })).status).toBe('201');
    await rewrite('distributionPolicies', 'dp', (body) => ({ ...body, offerExpiresAfterSeconds: 1e308 }));
    expect((await patch(router.client, '/routing/queues/q', { distributionPolicyId: 'dp' })).status).toBe('201');
    expect((await patch(router.client, '/routing/workers/w', { capacity: 1, queues: ['q'], channels: [{ channelId: 'voice', capacityCostPerJob: 1 }], availableForOffers: true })).status).toBe('201');
    expect((await patch(router.client, '/routing/jobs/j', { channelId: 'voice', queueId: 'q' })).status).toBe('201');
    await router.engine.idle();
    const worker = await router.client.pathUnchecked('/routing/workers/w').get();
    expect(worker.status).toBe('200');
    expect(worker.body.offers).toEqual([expect.objectContaining({ jobId: 'j', expiresAt: LATEST })]);
    expect((await router.client.pathUnchecked('/routing/jobs/j').get()).status).toBe('200');
  });

  it('a passThrough attachment with expiresAfterSeconds 1e308 gives the job a selector that expires at the latest representable time', async () => {
    expect((await patch(router.client, '/routing/distributionPolicies/dp', { offerExpiresAfterSeconds: 60, mode: { kind: 'longestIdle' } })).status).toBe('201');
    expect((await patch(router.client, '/routing/queues/q', { distributionPolicyId: 'dp' })).status).toBe('201');
    expect((await patch(router.client, '/routing/classificationPolicies/cp', { fallbackQueueId: 'q', workerSelectorAttachments: [{ kind: 'passThrough', key: 'skill', labelOperator: 'equal', expiresAfterSeconds: 60 }] })).status).toBe('201');
    await rewrite('classificationPolicies', 'cp', (body) => ({ ...body, workerSelectorAttachments: [{ kind: 'passThrough', key: 'skill', labelOperator: 'equal', expiresAfterSeconds: 1e308 }] }));
    expect((await patch(router.client, '/routing/jobs/jc', { channelId: 'voice', classificationPolicyId: 'cp', labels: { skill: 1 } })).status).toBe('201');
    await router.engine.idle();
    await router.engine.scheduler.runDue();
    const job = await router.client.pathUnchecked('/routing/jobs/jc').get();
    expect(job.status).toBe('200');
    expect(job.body.status).toBe('queued');
    expect(job.body.attachedWorkerSelectors).toEqual([expect.objectContaining({ key: 'skill', status: 'active', expiresAt: LATEST })]);
    expect((await router.store.get<Timer>('timers', 'selectorExpiry:jc'))?.body.dueAt).toBe('9999-12-31T23:59:59.999Z');
  });

  it('a waitTime rule with thresholdSeconds 1e308 arms its timer at the latest representable time', async () => {
    expect((await patch(router.client, '/routing/distributionPolicies/dp', { offerExpiresAfterSeconds: 60, mode: { kind: 'longestIdle' } })).status).toBe('201');
    expect((await patch(router.client, '/routing/exceptionPolicies/ep', { exceptionRules: [{ id: 'r', trigger: { kind: 'waitTime', thresholdSeconds: 60 }, actions: [{ kind: 'cancel' }] }] })).status).toBe('201');
    await rewrite('exceptionPolicies', 'ep', (body) => ({ ...body, exceptionRules: [{ id: 'r', trigger: { kind: 'waitTime', thresholdSeconds: 1e308 }, actions: [{ kind: 'cancel', id: 'a' }] }] }));
    expect((await patch(router.client, '/routing/queues/q', { distributionPolicyId: 'dp', exceptionPolicyId: 'ep' })).status).toBe('201');
    expect((await patch(router.client, '/routing/jobs/j', { channelId: 'voice', queueId: 'q' })).status).toBe('201');
    await router.engine.idle();
    expect((await router.client.pathUnchecked('/routing/jobs/j').get()).body.status).toBe('queued');
    expect((await router.store.get<Timer>('timers', 'exception:j:ep:r'))?.body.dueAt).toBe('9999-12-31T23:59:59.999Z');
  });
});

describe('timer dead letters on the operator endpoints', () => {
  let router: TestRouter;
  // Requests are signed with the real time and the router checks them against its clock.
  const clock = new TestClock(new Date(Math.floor(Date.now() / 1000) * 1000));
  beforeAll(async () => {
    router = await startTestRouter({ clock });
    await router.engine.scheduler.stop();
  });
  afterAll(() => router.close());

  it('lists a timer that can never fire, counts it, and re-drives it', async () => {
    // A timer without the ids its kind needs, as a document damaged on disk would be: it is dead-lettered
    // at its first fire, since no retry could make it fit (the registry's builders cannot make one).
    const broken = storedTimerAgain({ id: 'retryOffer:broken', kind: 'retryOffer', dueAt: clock.now().toISOString(), payload: {} });
    await router.engine.scheduler.schedule(broken);
    expect(await router.engine.scheduler.runDue()).toBe(1);
    const summary = await router.client.pathUnchecked('/routing/timers').get();
    expect(summary.body).toEqual({ deadLettered: 1 });
    const list = await router.client.pathUnchecked('/routing/timers/deadLetters').get();
    expect(list.status).toBe('200');
    expect(list.body.value).toEqual([
      {
        timerId: broken.id,
        kind: 'retryOffer',
        dueAt: expect.any(String),
        payload: {},
        attempts: 1,
        reason: expect.stringMatching(/^timer retryOffer:broken has a payload that does not fit kind retryOffer \(jobId: .*; workerId: .*\)$/),
        deadLetteredAt: expect.any(String),
      },
    ]);

    const unsigned = await fetch(new URL(withApiVersion('/routing/timers/deadLetters:redrive'), router.url), { method: 'POST' });
    expect(unsigned.status).toBe(401);
    const redriven = await router.client.pathUnchecked('/routing/timers/deadLetters:redrive').post({ body: {} });
    expect(redriven.status).toBe('200');
    expect(redriven.body).toEqual({ redriven: 1 });
    expect((await router.client.pathUnchecked('/routing/timers').get()).body).toEqual({ deadLettered: 0 });
    expect((await router.store.get<Timer>('timers', broken.id))?.body).toMatchObject({ id: broken.id, dueAt: clock.now().toISOString() });
    const refused = await router.client.pathUnchecked('/routing/timers/deadLetters:redrive').post({ body: { all: true } });
    expect(refused.status).toBe('400');
  });
});

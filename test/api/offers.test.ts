import { MINUTE, QUEUE, SECOND, voiceJob, voiceWorker } from '../support/routingFixtures';
import { RoutingHarness, type Json, type Offer } from '../support/routingHarness';

/**
 * Offers through the wire: their timing and the capacity they hold, accept, decline (with and
 * without retryOfferAt), expiry and every documented reason for revocation (docs/behaviour.md#offers, #capacity,
 * #late-answers). Every test runs its own router on a TestClock and an in-memory store whose
 * recorded events it reads.
 */

class Harness extends RoutingHarness {
  /** Distribution policy `dp` and queue `q`. */
  async setup(policy: Record<string, unknown> = {}): Promise<void> {
    await this.upsert('/routing/distributionPolicies/dp', { offerExpiresAfterSeconds: 86_400, mode: { kind: 'longestIdle' }, ...policy });
    await this.upsert(`/routing/queues/${QUEUE}`, { distributionPolicyId: 'dp' });
  }

  /** Registers workers one second apart, so that (longest idle) the first is offered first. */
  async workers(ids: readonly string[], body: Record<string, unknown> = voiceWorker()): Promise<void> {
    for (const id of ids) {
      await this.upsert(`/routing/workers/${id}`, body);
      this.clock.advance(SECOND);
    }
    await this.settle();
  }

  async job(id: string, body: Record<string, unknown> = voiceJob()): Promise<Json> {
    const created = await this.upsert(`/routing/jobs/${id}`, body);
    await this.settle();
    return created;
  }

  worker(id: string): Promise<Json> {
    return this.get(`/routing/workers/${id}`);
  }

  accept(workerId: string, offerId: string) {
    return this.client.pathUnchecked(`/routing/workers/${workerId}/offers/${offerId}:accept`).post();
  }

  decline(workerId: string, offerId: string, body?: Record<string, unknown>) {
    const path = this.client.pathUnchecked(`/routing/workers/${workerId}/offers/${offerId}:decline`);
    return body === undefined ? path.post() : path.post({ body, contentType: 'application/json' });
  }

  /** `{workerId, offerId}` of each recorded event of this type (offer events). */
  async offerEvents(type: Parameters<RoutingHarness['events']>[0]): Promise<{ workerId: unknown; offerId: unknown }[]> {
    return (await this.events(type)).map((e) => ({ workerId: e.data['workerId'], offerId: e.data['offerId'] }));
  }
}

let h: Harness;
beforeEach(async () => {
  h = await Harness.start();
});
afterEach(async () => {
  await h.close();
});

describe('offer timing and capacity', () => {
  it('an offer is stamped offeredAt = now and expiresAt = offeredAt + offerExpiresAfterSeconds', async () => {
    await h.setup({ offerExpiresAfterSeconds: 90 });
    await h.workers(['a']);
    h.clock.advance(1234);
    const issuedAt = h.clock.now().getTime();
    await h.job('j');

    const offer = await h.offerTo('a', 'j');
    expect(offer).toEqual({ offerId: expect.any(String), jobId: 'j', capacityCost: 1, offeredAt: expect.any(String), expiresAt: expect.any(String) });
    expect(Date.parse(offer.offeredAt)).toBe(issuedAt);
    expect(Date.parse(offer.expiresAt)).toBe(issuedAt + 90 * SECOND);
    const [issued] = await h.events('RouterWorkerOfferIssued');
    expect(issued?.data).toMatchObject({ workerId: 'a', jobId: 'j', offerId: offer.offerId, queueId: QUEUE });
    expect(Date.parse(String(issued?.data['offeredOn']))).toBe(issuedAt);
    expect(Date.parse(String(issued?.data['expiresOn']))).toBe(issuedAt + 90 * SECOND);
  });

  it('a pending offer holds its channel cost of the capacity; declining it frees the cost for the next job', async () => {
    await h.setup();
    await h.workers(['a'], voiceWorker({ capacity: 10, channels: [{ channelId: 'voice', capacityCostPerJob: 4 }] }));
    await h.job('j1');
    await h.job('j2');
    await h.job('j3');

    const worker = await h.worker('a');
    expect(worker.offers.map((o: Offer) => [o.jobId, o.capacityCost])).toEqual([
      ['j1', 4],
      ['j2', 4],
    ]);
    expect(worker.loadRatio).toBe(0.8);

    const first = worker.offers[0] as Offer;
    expect((await h.decline('a', first.offerId)).status).toBe('200');
    await h.settle();
    const after = await h.worker('a');
    expect(after.offers.map((o: Offer) => o.jobId).sort()).toEqual(['j2', 'j3']);
    expect(after.loadRatio).toBe(0.8);
  });

  it('an accepted offer keeps its capacity as an assignment until the job is closed', async () => {
    await h.setup();
    await h.workers(['a'], voiceWorker({ capacity: 4, channels: [{ channelId: 'voice', capacityCostPerJob: 3 }] }));
    await h.job('j1');
    await h.job('j2');
    const offer = await h.offerTo('a', 'j1');
    expect((await h.worker('a')).loadRatio).toBe(0.75);

    const accepted = await h.accept('a', offer.offerId);
    expect(accepted.status).toBe('200');
    const assignmentId = accepted.body.assignmentId as string;
    await h.settle();
    const busy = await h.worker('a');
    expect(busy).toMatchObject({ offers: [], assignedJobs: [{ assignmentId, jobId: 'j1', capacityCost: 3, assignedAt: expect.any(String) }], loadRatio: 0.75 });

    const complete = await h.client.pathUnchecked(`/routing/jobs/j1/assignments/${assignmentId}:complete`).post();
    expect(complete.status).toBe('200');
    await h.settle();
    expect(await h.worker('a')).toMatchObject({ offers: [], loadRatio: 0.75 });

    const close = await h.client.pathUnchecked(`/routing/jobs/j1/assignments/${assignmentId}:close`).post();
    expect(close.status).toBe('200');
    await h.settle();
    const freed = await h.worker('a');
    expect(freed.assignedJobs).toEqual([]);
    expect(freed.offers).toEqual([expect.objectContaining({ jobId: 'j2', capacityCost: 3 })]);
  });
});

describe('accept', () => {
  /** Three workers, each offered job `j` (maxConcurrentOffers 3). */
  async function offeredToThree(): Promise<Record<string, Offer>> {
    await h.setup({ mode: { kind: 'longestIdle', maxConcurrentOffers: 3 } });
    await h.workers(['a', 'b', 'c']);
    await h.job('j');
    return { a: await h.offerTo('a', 'j'), b: await h.offerTo('b', 'j'), c: await h.offerTo('c', 'j') };
  }

  it('answers 200 {assignmentId, jobId, workerId}, assigns the job and revokes its other offers', async () => {
    const offers = await offeredToThree();
    const accepted = await h.accept('b', offers['b']?.offerId ?? '');
    expect(accepted.status).toBe('200');
    expect(accepted.body).toEqual({ assignmentId: expect.any(String), jobId: 'j', workerId: 'b' });
    const assignmentId = accepted.body.assignmentId as string;
    await h.settle();

    const job = await h.get('/routing/jobs/j');
    expect(job.status).toBe('assigned');
    expect(job.assignments).toEqual({ [assignmentId]: { assignmentId, workerId: 'b', assignedAt: expect.any(String) } });
    for (const other of ['a', 'c']) expect(await h.worker(other)).toMatchObject({ offers: [], assignedJobs: [], loadRatio: 0 });
    expect((await h.worker('b')).assignedJobs).toEqual([expect.objectContaining({ assignmentId, jobId: 'j' })]);

    const accepts = await h.events('RouterWorkerOfferAccepted');
    expect(accepts.map((e) => e.data)).toEqual([expect.objectContaining({ workerId: 'b', jobId: 'j', offerId: offers['b']?.offerId, assignmentId })]);
    const revoked = await h.offerEvents('RouterWorkerOfferRevoked');
    expect(revoked).toHaveLength(2);
    expect(revoked).toEqual(
      expect.arrayContaining([
        { workerId: 'a', offerId: offers['a']?.offerId },
        { workerId: 'c', offerId: offers['c']?.offerId },
      ]),
    );
  });

  it('a second accept of the same offer is 409 and leaves the one assignment', async () => {
    const offers = await offeredToThree();
    const first = await h.accept('a', offers['a']?.offerId ?? '');
    expect(first.status).toBe('200');
    const again = await h.accept('a', offers['a']?.offerId ?? '');
    expect(again.status).toBe('409');
    expect(again.body.communicationError).toMatchObject({ code: 'Conflict', message: expect.any(String) });
    const job = await h.get('/routing/jobs/j');
    expect(Object.keys(job.assignments)).toEqual([first.body.assignmentId]);
    expect(await h.events('RouterWorkerOfferAccepted')).toHaveLength(1);
  });

  it('a worker whose offer was revoked because another worker accepted gets 409', async () => {
    const offers = await offeredToThree();
    expect((await h.accept('c', offers['c']?.offerId ?? '')).status).toBe('200');
    await h.settle();
    const late = await h.accept('a', offers['a']?.offerId ?? '');
    expect(late.status).toBe('409');
    expect(late.body.communicationError.code).toBe('Conflict');
    expect(Object.values((await h.get('/routing/jobs/j')).assignments)).toEqual([expect.objectContaining({ workerId: 'c' })]);
    expect(await h.worker('a')).toMatchObject({ offers: [], assignedJobs: [] });
  });

  it('an unknown offer is 404 with a communicationError naming the request path', async () => {
    await h.setup();
    await h.workers(['a']);
    const unknown = await h.accept('a', 'no-such-offer');
    expect(unknown.status).toBe('404');
    expect(unknown.body).toEqual({
      communicationError: { code: 'NotFound', message: expect.any(String), target: '/routing/workers/a/offers/no-such-offer:accept' },
    });
    const noWorker = await h.accept('nobody', 'no-such-offer');
    expect(noWorker.status).toBe('404');
    expect(noWorker.body.communicationError.code).toBe('NotFound');
  });
});

describe('decline', () => {
  it('answers 200 {}, frees the capacity and offers the job to the next eligible worker', async () => {
    await h.setup();
    await h.workers(['a', 'b']);
    await h.job('j');
    const offer = await h.offerTo('a', 'j');
    expect(await h.offers('b')).toEqual([]);

    const declined = await h.decline('a', offer.offerId);
    expect(declined.status).toBe('200');
    expect(declined.body).toEqual({});
    await h.settle();

    expect(await h.worker('a')).toMatchObject({ offers: [], loadRatio: 0, state: 'active', availableForOffers: true });
    await h.offerTo('b', 'j');
    expect(await h.offerEvents('RouterWorkerOfferDeclined')).toEqual([{ workerId: 'a', offerId: offer.offerId }]);
    expect((await h.get('/routing/jobs/j')).status).toBe('queued');
  });

  it('a declined job is never offered to the decliner again, whatever else happens', async () => {
    await h.setup();
    await h.workers(['a', 'b']);
    await h.job('j');
    expect((await h.decline('a', (await h.offerTo('a', 'j')).offerId)).status).toBe('200');
    await h.settle();
    expect((await h.decline('b', (await h.offerTo('b', 'j')).offerId)).status).toBe('200');
    await h.settle();

    expect(await h.offers('a')).toEqual([]);
    expect(await h.offers('b')).toEqual([]);
    // Matching runs again for a (new labels) and for the queue (a new job): a still is not offered j.
    await h.upsert('/routing/workers/a', { labels: { mood: 'fresh' } });
    await h.job('k');
    await h.elapse(20 * MINUTE);
    const held = [...(await h.offers('a')), ...(await h.offers('b'))];
    expect(held.map((o) => o.jobId)).toEqual(['k']);
    expect((await h.events('RouterWorkerOfferIssued')).filter((e) => e.data['jobId'] === 'j')).toHaveLength(2);
  });

  it('a worker that deregisters and registers again after declining is eligible again', async () => {
    await h.setup();
    await h.workers(['a']);
    await h.job('j');
    expect((await h.decline('a', (await h.offerTo('a', 'j')).offerId)).status).toBe('200');
    await h.settle();
    expect(await h.offers('a')).toEqual([]);

    h.clock.advance(SECOND);
    await h.upsert('/routing/workers/a', { availableForOffers: false });
    h.clock.advance(SECOND);
    await h.upsert('/routing/workers/a', { availableForOffers: true });
    await h.settle();
    await h.offerTo('a', 'j');
  });

  it('with retryOfferAt the job is offered to the decliner again at that time', async () => {
    await h.setup();
    await h.workers(['a']);
    await h.job('j');
    const first = await h.offerTo('a', 'j');
    const retryOfferAt = new Date(h.clock.now().getTime() + 30 * SECOND).toISOString();
    expect((await h.decline('a', first.offerId, { retryOfferAt })).status).toBe('200');
    await h.settle();
    expect(await h.offers('a')).toEqual([]);

    await h.elapse(29 * SECOND);
    expect(await h.offers('a')).toEqual([]);

    await h.elapse(2 * SECOND);
    const again = await h.offerTo('a', 'j');
    expect(again.offerId).not.toBe(first.offerId);
    expect(Date.parse(again.offeredAt)).toBeGreaterThanOrEqual(Date.parse(retryOfferAt));
  });

  it('the .NET "no value" retryOfferAt (0001-01-01) means no retry, not a retry right away', async () => {
    await h.setup();
    await h.workers(['a']);
    await h.job('j');
    const offer = await h.offerTo('a', 'j');
    const declined = await h.decline('a', offer.offerId, { retryOfferAt: '0001-01-01T00:00:00.0000000Z' });
    expect(declined.status).toBe('200');
    expect(declined.body).toEqual({});
    await h.settle();
    expect(await h.offers('a')).toEqual([]);
    await h.elapse(20 * MINUTE);
    expect(await h.offers('a')).toEqual([]);
    expect((await h.get('/routing/jobs/j')).status).toBe('queued');
  });

  it('declining an offer that was already declined is 404', async () => {
    await h.setup();
    await h.workers(['a', 'b']);
    await h.job('j');
    const offer = await h.offerTo('a', 'j');
    expect((await h.decline('a', offer.offerId)).status).toBe('200');
    await h.settle();
    const again = await h.decline('a', offer.offerId);
    expect(again.status).toBe('404');
    expect(again.body.communicationError.code).toBe('NotFound');
    expect(await h.offerEvents('RouterWorkerOfferDeclined')).toHaveLength(1);
  });
});

describe('expiry', () => {
  it('an unanswered offer expires at expiresAt: OfferExpired, the worker is deregistered, the job goes to another worker', async () => {
    await h.setup({ offerExpiresAfterSeconds: 60 });
    await h.workers(['a', 'b']);
    await h.job('j');
    const offer = await h.offerTo('a', 'j');

    await h.elapse(Date.parse(offer.expiresAt) - h.clock.now().getTime() - 1);
    expect(await h.offers('a')).toEqual([offer]);
    expect(await h.events('RouterWorkerOfferExpired')).toEqual([]);

    await h.elapse(2);
    expect(await h.worker('a')).toMatchObject({ availableForOffers: false, state: 'inactive', offers: [], loadRatio: 0 });
    expect(await h.offerEvents('RouterWorkerOfferExpired')).toEqual([{ workerId: 'a', offerId: offer.offerId }]);
    expect((await h.events('RouterWorkerDeregistered')).map((e) => e.data['workerId'])).toEqual(['a']);
    await h.offerTo('b', 'j');
    expect((await h.get('/routing/jobs/j')).status).toBe('queued');
  });

  it('accepting an expired offer is 404', async () => {
    await h.setup({ offerExpiresAfterSeconds: 60 });
    await h.workers(['a']);
    await h.job('j');
    const offer = await h.offerTo('a', 'j');
    await h.elapse(61 * SECOND);
    const late = await h.accept('a', offer.offerId);
    expect(late.status).toBe('404');
    expect(late.body.communicationError.code).toBe('NotFound');
    expect((await h.get('/routing/jobs/j')).status).toBe('queued');
  });
});

describe('revocation', () => {
  /** Worker a holds an offer for job j (b, when registered, is next in line). */
  async function offeredToA(options: { worker?: Record<string, unknown>; job?: Record<string, unknown>; alsoB?: boolean } = {}): Promise<Offer> {
    await h.setup();
    await h.workers(options.alsoB ? ['a', 'b'] : ['a'], voiceWorker(options.worker));
    await h.job('j', voiceJob(options.job));
    const offer = await h.offerTo('a', 'j');
    expect((await h.worker('a')).loadRatio).toBe(1);
    return offer;
  }

  async function expectRevokedFromA(offer: Offer): Promise<void> {
    expect(await h.worker('a')).toMatchObject({ offers: [], loadRatio: 0 });
    expect(await h.offerEvents('RouterWorkerOfferRevoked')).toEqual([{ workerId: 'a', offerId: offer.offerId }]);
  }

  it('cancelling the job revokes its offers (and the revoked offer can no longer be accepted: 404)', async () => {
    const offer = await offeredToA();
    expect((await h.client.pathUnchecked('/routing/jobs/j:cancel').post()).status).toBe('200');
    await h.settle();
    await expectRevokedFromA(offer);
    expect((await h.get('/routing/jobs/j')).status).toBe('cancelled');
    expect((await h.accept('a', offer.offerId)).status).toBe('404');
  });

  it('deleting the job revokes its offers', async () => {
    const offer = await offeredToA();
    expect((await h.client.pathUnchecked('/routing/jobs/j').delete()).status).toBe('204');
    await h.settle();
    await expectRevokedFromA(offer);
    expect((await h.client.pathUnchecked('/routing/jobs/j').get()).status).toBe('404');
  });

  it('deregistering the worker revokes its offers and the job goes to another worker', async () => {
    const offer = await offeredToA({ alsoB: true });
    const updated = await h.upsert('/routing/workers/a', { availableForOffers: false });
    expect(updated).toMatchObject({ availableForOffers: false, state: 'inactive', offers: [] });
    await h.settle();
    await expectRevokedFromA(offer);
    expect((await h.events('RouterWorkerDeregistered')).map((e) => e.data['workerId'])).toEqual(['a']);
    await h.offerTo('b', 'j');
  });

  it('changing the worker\'s labels revokes its offers', async () => {
    const offer = await offeredToA({
      alsoB: true,
      worker: { labels: { skill: 'sales' } },
      job: { requestedWorkerSelectors: [{ key: 'skill', labelOperator: 'equal', value: 'sales' }] },
    });
    await h.upsert('/routing/workers/a', { labels: { skill: 'support' } });
    await h.settle();
    await expectRevokedFromA(offer);
    await h.offerTo('b', 'j');
  });

  it('an update that changes nothing does not revoke', async () => {
    const offer = await offeredToA();
    await h.upsert('/routing/workers/a', voiceWorker());
    await h.settle();
    expect(await h.offers('a')).toEqual([offer]);
    expect(await h.events('RouterWorkerOfferRevoked')).toEqual([]);
  });

  it('lowering the worker\'s capacity revokes its offers', async () => {
    const offer = await offeredToA({ worker: { capacity: 2, channels: [{ channelId: 'voice', capacityCostPerJob: 2 }] } });
    await h.upsert('/routing/workers/a', { capacity: 1 });
    await h.settle();
    await expectRevokedFromA(offer);
    expect((await h.worker('a')).capacity).toBe(1);
  });

  it('changing the job\'s worker selectors revokes its offers and re-matches it', async () => {
    const offer = await offeredToA({ alsoB: true, worker: { labels: { skill: 'sales' } } });
    await h.upsert('/routing/workers/b', { labels: { skill: 'support' } });
    await h.upsert('/routing/jobs/j', { requestedWorkerSelectors: [{ key: 'skill', labelOperator: 'equal', value: 'support' }] });
    await h.settle();
    await expectRevokedFromA(offer);
    await h.offerTo('b', 'j');
    expect((await h.get('/routing/jobs/j')).status).toBe('queued');
  });

  it('changing the job\'s priority keeps its offers', async () => {
    const offer = await offeredToA({ alsoB: true });
    const updated = await h.upsert('/routing/jobs/j', { priority: 50 });
    expect(updated.priority).toBe(50);
    await h.settle();
    expect(await h.offers('a')).toEqual([offer]);
    expect(await h.offers('b')).toEqual([]);
    expect(await h.events('RouterWorkerOfferRevoked')).toEqual([]);
  });
});

describe('capacity that comes back is used at once', () => {
  it('declining an accepted offer → 404, as the service answered (docs/behaviour.md#late-answers)', async () => {
    await h.setup();
    await h.workers(['a']);
    await h.job('j');
    const offer = await h.offerTo('a', 'j');
    expect((await h.accept('a', offer.offerId)).status).toBe('200');
    for (const body of [undefined, { retryOfferAt: '0001-01-01T00:00:00.0000000Z' }]) {
      const declined = await h.decline('a', offer.offerId, body);
      expect(declined.status).toBe('404');
      expect(declined.body.communicationError.message).toContain('already accepted');
    }
  });

  it('a worker whose offer is revoked because another worker accepted gets the next waiting job', async () => {
    await h.setup({ mode: { kind: 'longestIdle', maxConcurrentOffers: 2 } });
    await h.workers(['a', 'b']);
    await h.job('j');
    await h.job('k');
    const offerB = await h.offerTo('b', 'j');
    expect((await h.offers('a')).map((o) => o.jobId)).toEqual(['j']);
    expect((await h.accept('b', offerB.offerId)).status).toBe('200');
    await h.settle();
    expect((await h.offers('a')).map((o) => o.jobId)).toEqual(['k']);
  });

  it.each([
    ['cancelled', async () => void (await h.client.pathUnchecked('/routing/jobs/j:cancel').post())],
    ['deleted', async () => void (await h.client.pathUnchecked('/routing/jobs/j').delete())],
  ])('a worker whose offer is revoked because the job was %s gets the next waiting job', async (_how, end) => {
    await h.setup();
    await h.workers(['a']);
    await h.job('j');
    await h.job('k');
    expect((await h.offers('a')).map((o) => o.jobId)).toEqual(['j']);
    await end();
    await h.settle();
    expect((await h.offers('a')).map((o) => o.jobId)).toEqual(['k']);
  });
});

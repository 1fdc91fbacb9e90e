import { MINUTE, QUEUE, SECOND, voiceJob, voiceWorker } from '../support/routingFixtures';
import { RoutingHarness, type Client, type Json } from '../support/routingHarness';

/**
 * Who gets offered what, through the wire: eligibility (queue, channel, capacity, channel and worker
 * limits, selectors), the order jobs are served in, the three distribution modes with their
 * tie-breaks, concurrent offers per job, and the queue position and statistics a waiting job has
 * (docs/behaviour.md: capacity, matching, distribution modes, statistics). Every test runs its own router on a TestClock and an
 * in-memory store whose recorded events it reads.
 */


const PREVIEW_API_VERSION = '2024-01-18-preview';

class Harness extends RoutingHarness {
  /** Distribution policy `dp` (offers that do not expire during a test) and queue `q` on it. */
  async setup(mode: Record<string, unknown> = { kind: 'longestIdle' }): Promise<void> {
    await this.upsert('/routing/distributionPolicies/dp', { offerExpiresAfterSeconds: 86_400, mode });
    await this.upsert(`/routing/queues/${QUEUE}`, { distributionPolicyId: 'dp' });
  }

  /** Registers one worker and moves the clock on a second, so workers registered later have been idle for less time. */
  async worker(id: string, body: Record<string, unknown> = voiceWorker(), client: Client = this.client): Promise<Json> {
    const saved = await this.upsert(`/routing/workers/${id}`, body, client);
    this.clock.advance(SECOND);
    await this.settle();
    return saved;
  }

  /** Creates a job and moves the clock on a second, so jobs created later were enqueued later. */
  async job(id: string, body: Record<string, unknown> = voiceJob()): Promise<Json> {
    const created = await this.upsert(`/routing/jobs/${id}`, body);
    this.clock.advance(SECOND);
    await this.settle();
    return created;
  }

  /** Accepts the worker's offer for the job, completes and closes it: the worker is free again. */
  async serve(workerId: string, jobId: string): Promise<void> {
    const assignment = `/routing/jobs/${jobId}/assignments/${await this.acceptJob(workerId, jobId)}`;
    expect((await this.client.pathUnchecked(`${assignment}:complete`).post()).status).toBe('200');
    expect((await this.client.pathUnchecked(`${assignment}:close`).post()).status).toBe('200');
    await this.settle();
  }

  async decline(workerId: string, jobId: string): Promise<void> {
    const offer = (await this.offers(workerId)).find((o) => o.jobId === jobId);
    if (!offer) throw new Error(`${workerId} holds no offer for ${jobId}`);
    expect((await this.client.pathUnchecked(`/routing/workers/${workerId}/offers/${offer.offerId}:decline`).post()).status).toBe('200');
    await this.settle();
  }

  /**
   * Offers the job to one worker after another, each declining, until nobody is offered it; answers
   * the workers in the order they were offered the job (maxConcurrentOffers 1).
   */
  async offerSequence(jobId: string, workerIds: readonly string[]): Promise<string[]> {
    const sequence: string[] = [];
    for (;;) {
      const holders: string[] = [];
      for (const id of workerIds) if ((await this.offers(id)).some((o) => o.jobId === jobId)) holders.push(id);
      expect(holders.length).toBeLessThanOrEqual(1);
      const [holder] = holders;
      if (!holder || sequence.length > workerIds.length) return sequence;
      sequence.push(holder);
      await this.decline(holder, jobId);
    }
  }

  async position(jobId: string) {
    return this.client.pathUnchecked(`/routing/jobs/${jobId}/position`).get();
  }

  async statistics(queueId: string = QUEUE): Promise<Json> {
    return this.get(`/routing/queues/${queueId}/statistics`);
  }
}

let h: Harness;
beforeEach(async () => {
  h = await Harness.start();
});
afterEach(async () => {
  await h.close();
});

describe('eligibility', () => {
  it('only a registered worker that serves the job\'s queue and channel is offered it', async () => {
    await h.setup();
    await h.upsert('/routing/queues/other', { distributionPolicyId: 'dp' });
    await h.worker('other-queue', voiceWorker({ capacity: 5, queues: ['other'] }));
    await h.worker('chat-only', voiceWorker({ capacity: 5, channels: [{ channelId: 'chat', capacityCostPerJob: 1 }] }));
    await h.worker('unregistered', voiceWorker({ capacity: 5, availableForOffers: false }));
    await h.job('j');
    for (const id of ['other-queue', 'chat-only', 'unregistered']) expect(await h.offers(id)).toEqual([]);

    await h.worker('fit', voiceWorker());
    await h.offerTo('fit', 'j');
    expect(await h.events('RouterWorkerOfferIssued')).toHaveLength(1);
  });

  it('a worker needs free capacity for the channel cost, and a pending offer takes it', async () => {
    await h.setup();
    await h.worker('small', voiceWorker({ capacity: 1, channels: [{ channelId: 'voice', capacityCostPerJob: 2 }] }));
    await h.job('v1');
    expect(await h.offers('small')).toEqual([]);

    // docs/behaviour.md#capacity: capacity 100, voice 100, chat 20 → a chat offer leaves no room for voice.
    const channels = [
      { channelId: 'voice', capacityCostPerJob: 100 },
      { channelId: 'chat', capacityCostPerJob: 20 },
    ];
    await h.worker('mixed', voiceWorker({ capacity: 100, channels }));
    await h.offerTo('mixed', 'v1');
    await h.decline('mixed', 'v1');

    await h.job('c1', voiceJob({ channelId: 'chat' }));
    await h.job('v2');
    expect(await h.offeredJobs('mixed')).toEqual(['c1']);
    expect((await h.get('/routing/workers/mixed')).loadRatio).toBe(0.2);
    await h.job('c2', voiceJob({ channelId: 'chat' }));
    expect(await h.offeredJobs('mixed')).toEqual(['c1', 'c2']);
  });

  it('a channel\'s maxNumberOfJobs caps the offers and assignments on that channel', async () => {
    await h.setup();
    await h.worker('w', voiceWorker({ capacity: 10, channels: [{ channelId: 'chat', capacityCostPerJob: 1, maxNumberOfJobs: 2 }] }));
    for (const id of ['c1', 'c2', 'c3']) await h.job(id, voiceJob({ channelId: 'chat' }));
    expect(await h.offeredJobs('w')).toEqual(['c1', 'c2']);

    // An assignment still counts: c3 waits until c1 is closed.
    const offer = (await h.offers('w')).find((o) => o.jobId === 'c1');
    const accepted = await h.client.pathUnchecked(`/routing/workers/w/offers/${offer?.offerId ?? ''}:accept`).post();
    expect(accepted.status).toBe('200');
    await h.settle();
    expect(await h.offeredJobs('w')).toEqual(['c2']);
    const close = await h.client.pathUnchecked(`/routing/jobs/c1/assignments/${String(accepted.body.assignmentId)}:close`).post();
    expect(close.status).toBe('200');
    await h.settle();
    expect(await h.offeredJobs('w')).toEqual(['c2', 'c3']);
  });

  it('a worker\'s maxConcurrentOffers (api-version 2024-01-18-preview) caps its open offers, not its assignments', async () => {
    await h.setup();
    const preview = h.router.clientFor(PREVIEW_API_VERSION);
    const saved = await h.worker('w', voiceWorker({ capacity: 10, maxConcurrentOffers: 2 }), preview);
    expect(saved.maxConcurrentOffers).toBe(2);
    await h.job('assigned');
    await h.acceptJob('w', 'assigned');
    for (const id of ['j1', 'j2', 'j3']) await h.job(id);
    expect(await h.offeredJobs('w')).toEqual(['j1', 'j2']);
    expect((await h.get('/routing/workers/w')).loadRatio).toBe(0.3);
  });

  it('accepting frees an offer slot: the next waiting job in queue order is offered at once', async () => {
    await h.setup();
    await h.worker('w', voiceWorker({ capacity: 10, maxConcurrentOffers: 2 }));
    for (const id of ['j1', 'j2', 'j3']) await h.job(id);
    expect(await h.offeredJobs('w')).toEqual(['j1', 'j2']);
    const first = (await h.offers('w')).find((o) => o.jobId === 'j1');
    expect((await h.client.pathUnchecked(`/routing/workers/w/offers/${String(first?.offerId)}:accept`).post()).status).toBe('200');
    await h.settle();
    expect(await h.offeredJobs('w')).toEqual(['j2', 'j3']);
  });

  it('maxConcurrentOffers is also accepted and applied under api-version 2023-11-01', async () => {
    await h.setup();
    await h.worker('w', voiceWorker({ capacity: 10, maxConcurrentOffers: 1 }));
    for (const id of ['j1', 'j2']) await h.job(id);
    expect(await h.offeredJobs('w')).toEqual(['j1']);
  });
});

describe('worker selectors', () => {
  const OPERATORS = ['equal', 'notEqual', 'lessThan', 'lessThanOrEqual', 'greaterThan', 'greaterThanOrEqual'] as const;

  /**
   * One job per operator, each with one selector `key <operator> value`, offered to up to ten
   * workers at once; answers, per operator, the workers that were offered its job.
   */
  async function matchesPerOperator(key: string, value: unknown, workers: Record<string, Record<string, unknown>>): Promise<Record<string, string[]>> {
    await h.setup({ kind: 'longestIdle', maxConcurrentOffers: 10 });
    for (const [id, labels] of Object.entries(workers)) await h.worker(id, voiceWorker({ capacity: 10, labels }));
    for (const operator of OPERATORS) await h.job(operator, voiceJob({ requestedWorkerSelectors: [{ key, labelOperator: operator, value }] }));
    const matched: Record<string, string[]> = Object.fromEntries(OPERATORS.map((op) => [op, [] as string[]]));
    for (const id of Object.keys(workers)) for (const jobId of await h.offeredJobs(id)) matched[jobId]?.push(id);
    for (const list of Object.values(matched)) list.sort();
    return matched;
  }

  it('compare numbers numerically; a worker without the label matches no operator', async () => {
    const matched = await matchesPerOperator('level', 10, { n5: { level: 5 }, n10: { level: 10 }, n15: { level: 15 }, none: { other: 10 } });
    expect(matched).toEqual({
      equal: ['n10'],
      notEqual: ['n15', 'n5'],
      lessThan: ['n5'],
      lessThanOrEqual: ['n10', 'n5'],
      greaterThan: ['n15'],
      greaterThanOrEqual: ['n10', 'n15'],
    });
  });

  it('compare strings by value and order; a worker without the label matches no operator', async () => {
    const matched = await matchesPerOperator('tier', 'm', { a: { tier: 'a' }, m: { tier: 'm' }, z: { tier: 'z' }, none: { other: 'm' } });
    expect(matched).toEqual({
      equal: ['m'],
      notEqual: ['a', 'z'],
      lessThan: ['a'],
      lessThanOrEqual: ['a', 'm'],
      greaterThan: ['z'],
      greaterThanOrEqual: ['m', 'z'],
    });
  });

  it('compare booleans for equality only; a worker without the label matches no operator', async () => {
    const matched = await matchesPerOperator('vip', true, { yes: { vip: true }, no: { vip: false }, none: { other: true } });
    expect(matched).toEqual({ equal: ['yes'], notEqual: ['no'], lessThan: [], lessThanOrEqual: [], greaterThan: [], greaterThanOrEqual: [] });
  });

  it('bypassSelectors offers the job to a worker that fails its selectors', async () => {
    await h.setup({ kind: 'longestIdle', bypassSelectors: true });
    await h.worker('en', voiceWorker({ labels: { language: 'en' } }));
    await h.job('j', voiceJob({ requestedWorkerSelectors: [{ key: 'language', labelOperator: 'equal', value: 'fr' }] }));
    await h.offerTo('en', 'j');
  });

  it('without bypassSelectors the same worker is not offered the job', async () => {
    await h.setup({ kind: 'longestIdle', bypassSelectors: false });
    await h.worker('en', voiceWorker({ labels: { language: 'en' } }));
    await h.job('j', voiceJob({ requestedWorkerSelectors: [{ key: 'language', labelOperator: 'equal', value: 'fr' }] }));
    expect(await h.offers('en')).toEqual([]);
  });

  it('an expired selector no longer restricts matching', async () => {
    await h.setup();
    const selector = { key: 'language', labelOperator: 'equal', value: 'fr', expiresAfterSeconds: 30 };
    await h.job('j', voiceJob({ requestedWorkerSelectors: [selector] }));
    await h.worker('en', voiceWorker({ labels: { language: 'en' } }));
    expect(await h.offers('en')).toEqual([]);

    // After the selector's 30 s, the next matching pass (a worker registers) ignores it.
    await h.elapse(31 * SECOND);
    await h.worker('de', voiceWorker({ labels: { language: 'de' } }));
    const offered = [...(await h.offers('en')), ...(await h.offers('de'))];
    expect(offered.map((o) => o.jobId)).toEqual(['j']);
  });
});

describe('job order', () => {
  it('serves higher priority first, then earlier enqueued', async () => {
    await h.setup();
    await h.job('low', voiceJob({ priority: 1 }));
    await h.job('high-early', voiceJob({ priority: 5 }));
    await h.job('high-late', voiceJob({ priority: 5 }));
    await h.worker('w');

    await h.serve('w', 'high-early');
    await h.serve('w', 'high-late');
    await h.serve('w', 'low');
    expect((await h.events('RouterWorkerOfferIssued')).map((e) => e.data['jobId'])).toEqual(['high-early', 'high-late', 'low']);
  });

  it('a worker that registers later is offered the waiting job', async () => {
    await h.setup();
    await h.job('j');
    expect(await h.events('RouterWorkerOfferIssued')).toEqual([]);
    await h.worker('w');
    await h.offerTo('w', 'j');
  });

  it('a job created later is offered to an idle worker', async () => {
    await h.setup();
    await h.worker('w');
    expect(await h.offers('w')).toEqual([]);
    await h.job('j');
    await h.offerTo('w', 'j');
  });
});

describe('distribution modes', () => {
  it('roundRobin offers to workers in id order, continuing after the last one offered and wrapping', async () => {
    await h.setup({ kind: 'roundRobin' });
    // Registered out of id order, so that neither registration order nor idle time can explain the sequence.
    for (const id of ['c', 'a', 'b']) await h.worker(id);

    const sequence: string[] = [];
    for (const jobId of ['j1', 'j2', 'j3', 'j4']) {
      await h.job(jobId);
      const holder = (await Promise.all(['a', 'b', 'c'].map(async (id) => ((await h.offers(id)).length > 0 ? id : undefined)))).filter(Boolean);
      expect(holder).toHaveLength(1);
      sequence.push(String(holder[0]));
      await h.serve(String(holder[0]), jobId);
    }
    expect(sequence).toEqual(['a', 'b', 'c', 'a']);
  });

  it('roundRobin moves on after a decline: the next worker by id is offered the job', async () => {
    await h.setup({ kind: 'roundRobin' });
    for (const id of ['c', 'a', 'b']) await h.worker(id);
    await h.job('j');
    expect(await h.offerSequence('j', ['a', 'b', 'c'])).toEqual(['a', 'b', 'c']);
  });

  it('longestIdle offers to the lowest load ratio first, then to the worker idle longest', async () => {
    await h.setup();
    await h.upsert('/routing/queues/side', { distributionPolicyId: 'dp' });
    const body = voiceWorker({ capacity: 2, queues: [QUEUE, 'side'] });
    // b has been idle longest, then c, then a; b is also half loaded by an offer from the side queue.
    for (const id of ['b', 'c', 'a']) await h.worker(id, body);
    await h.job('side-job', { queueId: 'side', channelId: 'voice', requestedWorkerSelectors: [{ key: 'Id', labelOperator: 'equal', value: 'b' }] });
    await h.offerTo('b', 'side-job');
    expect((await h.get('/routing/workers/b')).loadRatio).toBe(0.5);

    await h.job('j');
    expect(await h.offerSequence('j', ['a', 'b', 'c'])).toEqual(['c', 'a', 'b']);
  });

  it('longestIdle: a worker whose job was just closed goes behind workers idle for longer', async () => {
    await h.setup();
    await h.worker('a');
    await h.worker('b');
    await h.job('j1');
    await h.serve('a', 'j1');
    await h.job('j2');
    await h.offerTo('b', 'j2');
    expect(await h.offers('a')).toEqual([]);
  });

  it('bestWorker default scoring ranks by selectors (docs/behaviour.md#best-worker: H 0.707 > I 0.675 > G 0.667)', async () => {
    await h.setup({ kind: 'bestWorker' });
    // Registered G, I, H: by idle time H would be last.
    await h.worker('g', voiceWorker({ labels: { language: 'french', sales: 10, cost: 10 } }));
    await h.worker('i', voiceWorker({ labels: { language: 'french', sales: 10, cost: 9 } }));
    await h.worker('h', voiceWorker({ labels: { language: 'french', sales: 15, cost: 10 } }));
    await h.job(
      'j',
      voiceJob({
        requestedWorkerSelectors: [
          { key: 'language', labelOperator: 'equal', value: 'french' },
          { key: 'sales', labelOperator: 'greaterThanOrEqual', value: 10 },
          { key: 'cost', labelOperator: 'lessThanOrEqual', value: 10 },
        ],
      }),
    );
    expect(await h.offerSequence('j', ['g', 'h', 'i'])).toEqual(['h', 'i', 'g']);
  });

  it('bestWorker default scoring without selectors ranks by shared labels, ties to the longest idle', async () => {
    await h.setup({ kind: 'bestWorker' });
    // C before B before A: A (score 1) is the newest; B and C both score 0.5, C has been idle longer.
    await h.worker('c', voiceWorker({ labels: { language: 'english', department: 'support' } }));
    await h.worker('b', voiceWorker({ labels: { language: 'english' } }));
    await h.worker('a', voiceWorker({ labels: { language: 'english', department: 'sales' } }));
    await h.job('j', voiceJob({ labels: { language: 'english', department: 'sales' } }));
    expect(await h.offerSequence('j', ['a', 'b', 'c'])).toEqual(['a', 'c', 'b']);
  });

  it('bestWorker with a static scoringRule scores all workers equal: the longest idle goes first', async () => {
    await h.setup({ kind: 'bestWorker', scoringRule: { kind: 'static', value: 1 } });
    for (const id of ['c', 'a', 'b']) await h.worker(id, voiceWorker({ labels: { language: id === 'a' ? 'english' : 'french' } }));
    await h.job('j', voiceJob({ labels: { language: 'english' } }));
    expect(await h.offerSequence('j', ['a', 'b', 'c'])).toEqual(['c', 'a', 'b']);
  });

  it('maxConcurrentOffers 2 with three eligible workers issues exactly two offers, topped up after a decline', async () => {
    await h.setup({ kind: 'longestIdle', minConcurrentOffers: 1, maxConcurrentOffers: 2 });
    for (const id of ['a', 'b', 'c']) await h.worker(id);
    await h.job('j');
    expect(await h.offeredJobs('a')).toEqual(['j']);
    expect(await h.offeredJobs('b')).toEqual(['j']);
    expect(await h.offers('c')).toEqual([]);
    expect(await h.events('RouterWorkerOfferIssued')).toHaveLength(2);

    await h.decline('a', 'j');
    expect(await h.offeredJobs('c')).toEqual(['j']);
    expect(await h.offeredJobs('b')).toEqual(['j']);
    expect(await h.events('RouterWorkerOfferIssued')).toHaveLength(3);
  });
});

describe('position and statistics', () => {
  /** Two assignments in the queue's last hour, then a worker that is full: later jobs wait. */
  async function withAssignmentHistory(): Promise<void> {
    await h.worker('w', voiceWorker({ capacity: 2 }));
    await h.job('h1');
    await h.acceptJob('w', 'h1');
    await h.job('h2');
    await h.acceptJob('w', 'h2');
    expect((await h.get('/routing/workers/w')).loadRatio).toBe(1);
  }

  it('position follows priority, then enqueue order; no estimate without assignment history', async () => {
    await h.setup();
    await h.job('p1-first', voiceJob({ priority: 1 }));
    await h.job('p5-first', voiceJob({ priority: 5 }));
    await h.job('p5-second', voiceJob({ priority: 5 }));
    await h.job('p1-second', voiceJob({ priority: 1 }));

    const expected = ['p5-first', 'p5-second', 'p1-first', 'p1-second'];
    for (const [index, jobId] of expected.entries()) {
      const response = await h.position(jobId);
      expect(response.status).toBe('200');
      expect(response.body).toEqual({ jobId, position: index + 1, queueId: QUEUE, queueLength: 4 });
    }
  });

  it('with assignments in the last hour the estimate is a whole number of minutes that grows with position', async () => {
    await h.setup();
    await withAssignmentHistory();
    for (const id of ['a', 'b', 'c']) await h.job(id);

    const estimates: number[] = [];
    for (const [index, jobId] of ['a', 'b', 'c'].entries()) {
      const { body } = await h.position(jobId);
      expect(body).toMatchObject({ jobId, position: index + 1, queueId: QUEUE, queueLength: 3 });
      expect(Number.isInteger(body.estimatedWaitTimeMinutes)).toBe(true);
      expect(body.estimatedWaitTimeMinutes).toBeGreaterThan(0);
      estimates.push(body.estimatedWaitTimeMinutes as number);
    }
    expect(estimates[0]).toBeLessThan(estimates[1] ?? 0);
    expect(estimates[1]).toBeLessThan(estimates[2] ?? 0);
  });

  it('queue statistics: length, longest wait in minutes, no estimates without history', async () => {
    await h.setup();
    const empty = await h.statistics();
    expect(empty).toMatchObject({ queueId: QUEUE, length: 0 });
    expect(empty.estimatedWaitTimeMinutes).toBeUndefined();

    await h.job('first');
    await h.job('second');
    await h.elapse(3 * MINUTE);
    const statistics = await h.statistics();
    expect(statistics).toMatchObject({ queueId: QUEUE, length: 2 });
    // `first` was enqueued 3 minutes and 2 seconds ago (the harness moves the clock a second per job).
    expect(statistics.longestJobWaitTimeMinutes).toBeCloseTo(3 + 2 / 60, 2);
    expect(statistics.estimatedWaitTimeMinutes).toBeUndefined();
  });

  it('queue statistics: estimated wait per priority (keyed by the priority as a string) once there is history', async () => {
    await h.setup();
    await withAssignmentHistory();
    await h.job('p1', voiceJob({ priority: 1 }));
    await h.job('p5-a', voiceJob({ priority: 5 }));
    await h.job('p5-b', voiceJob({ priority: 5 }));

    const statistics = await h.statistics();
    expect(statistics.length).toBe(3);
    const estimates = statistics.estimatedWaitTimeMinutes as Record<string, number>;
    expect(Object.keys(estimates).sort()).toEqual(['1', '5']);
    for (const minutes of Object.values(estimates)) expect(Number.isInteger(minutes)).toBe(true);
    expect(estimates['1']).toBeGreaterThan(estimates['5'] ?? Infinity);
  });

  it('a job that is not queued has no position (409); an unknown job is 404', async () => {
    await h.setup();
    await h.worker('w');
    await h.job('j');
    await h.acceptJob('w', 'j');
    const assigned = await h.position('j');
    expect(assigned.status).toBe('409');
    expect(assigned.body.communicationError.code).toBe('Conflict');
    const unknown = await h.position('nope');
    expect(unknown.status).toBe('404');
    expect(unknown.body.communicationError.code).toBe('NotFound');
  });
});

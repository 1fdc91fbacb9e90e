import { setImmediate as nextTurn } from 'node:timers/promises';
import type { RouterEvent, RouterEventType } from '../../shared/ports/EventPublisher';
import { recordedEvents } from '../support/recordedEvents';
import { MINUTE, SECOND } from '../support/routingFixtures';
import { mulberry32 } from '../support/prng';
import { RoutingHarness, type Json } from '../support/routingHarness';
import { patch } from '../support/signedClient';
import { TestEndpoints } from '../support/testEndpoints';

/**
 * Acceptance of router rules, classification, exception policies and scheduling through the official
 * signing client (docs/behaviour.md, classification to scheduled jobs): the VIP scenario end to end, every attachment kind, the
 * documented examples, and function and webhook rules served by HTTP endpoints on this machine. Each
 * test runs its own router on a test clock; `elapse` fires the timers that are due (classification is
 * one, due at once) and waits for matching.
 */

const wire = (ms: number) => new Date(ms).toISOString().replace(/\.?0*Z$/, '+00:00');
const expression = (text: string) => ({ kind: 'expression', language: 'powerFx', expression: text });

class Harness extends RoutingHarness {
  /** Distribution policy `dp` (offers that outlive a test) and the given queues on it. */
  async queues(queues: Record<string, Record<string, unknown>>): Promise<void> {
    await this.upsert('/routing/distributionPolicies/dp', { offerExpiresAfterSeconds: 86_400, mode: { kind: 'longestIdle' } });
    for (const [id, body] of Object.entries(queues)) await this.upsert(`/routing/queues/${id}`, { distributionPolicyId: 'dp', ...body });
  }

  /** A registered voice worker on the given queues. */
  worker(id: string, queues: string[], labels: Record<string, unknown> = {}, capacity = 1): Promise<Json> {
    return this.upsert(`/routing/workers/${id}`, { capacity, queues, channels: [{ channelId: 'voice', capacityCostPerJob: 1 }], availableForOffers: true, labels });
  }

  /** Creates a voice job (201), then lets classification and matching run. */
  async job(id: string, body: Record<string, unknown>): Promise<Json> {
    const response = await patch(this.client, `/routing/jobs/${id}`, { channelId: 'voice', ...body });
    expect(response.status).toBe('201');
    await this.elapse(0);
    return response.body;
  }

  /**
   * Waits for `work` while moving the clock to each timer that falls due within a second: the router's
   * short waits (the backoff between attempts of a rule call) are on its clock, as a simulation's driver
   * would move it. Between timers the real I/O (the rule endpoint on this machine) runs.
   */
  async whileClockRuns<T>(work: Promise<T>): Promise<T> {
    let done = false;
    const finished = work.finally(() => (done = true));
    while (!done) {
      const next = this.clock.nextDue();
      const now = this.clock.now().getTime();
      if (next !== undefined && next <= now + SECOND) await this.clock.tick(next - now);
      else await nextTurn();
    }
    return finished;
  }

  /**
   * Stops the host's own timer loop: timers then fire only in `elapse`. Tests that count requests to HTTP
   * rules need this, as the loop and the test's `runDue` would otherwise both fire a classification timer
   * due at once, and the policy's rules would be called twice (the second result is discarded).
   */
  async fireTimersOnlyFromTheTest(): Promise<void> {
    const scheduler = this.router.engine.scheduler as Partial<{ stop(): Promise<void> }>;
    if (typeof scheduler.stop !== 'function') throw new Error('this suite runs on the embedded host, whose timer loop can be stopped');
    await scheduler.stop();
  }

  /** Every job, through the paged list. */
  async allJobs(): Promise<Json[]> {
    const jobs: Json[] = [];
    let path: string | undefined = '/routing/jobs?maxpagesize=100';
    while (path !== undefined) {
      const page = await this.get(path);
      jobs.push(...(page.value as Json[]));
      path = page.nextLink as string | undefined;
    }
    return jobs;
  }

  /** The job's events, oldest first; only those of one type when given. */
  async eventsOf(jobId: string, type?: RouterEventType): Promise<RouterEvent[]> {
    return (await recordedEvents(this.store)).filter((e) => e.data['jobId'] === jobId && (type === undefined || e.type === type));
  }

  async eventTypes(jobId: string): Promise<string[]> {
    return (await this.eventsOf(jobId)).map((e) => e.type);
  }
}

let h: Harness;
beforeEach(async () => {
  h = await Harness.start();
});
afterEach(async () => {
  await h.close();
});

describe('VIP routing end to end: a Power Fx condition on a label, the VIP queue, priority 10, a skill selector that expires', () => {
  const isVip = 'job.Customer = "VIP"';
  const vipPolicy = {
    name: 'VIP routing',
    fallbackQueueId: 'general',
    prioritizationRule: expression(`If(${isVip}, 10, 1)`),
    queueSelectorAttachments: [{ kind: 'conditional', condition: expression(isVip), queueSelectors: [{ key: 'Tier', labelOperator: 'equal', value: 'vip' }] }],
    workerSelectorAttachments: [{ kind: 'conditional', condition: expression(isVip), workerSelectors: [{ key: 'VipSkill', labelOperator: 'equal', value: true, expiresAfterSeconds: 2 }] }],
  };

  beforeEach(async () => {
    await h.queues({ general: { labels: { Tier: 'standard' } }, vip: { labels: { Tier: 'vip' } } });
    await h.upsert('/routing/classificationPolicies/vip-routing', vipPolicy);
  });

  it('the VIP job is classified into the VIP queue with priority 10; after 2 s its skill selector expires and a worker without the skill is offered it and accepts', async () => {
    await h.worker('generalist', ['general', 'vip']);
    const created = await patch(h.client, '/routing/jobs/vip-call', { channelId: 'voice', classificationPolicyId: 'vip-routing', labels: { Customer: 'VIP' } });
    expect(created.status).toBe('201');
    expect(created.body).toMatchObject({ status: 'pendingClassification', priority: 1, attachedWorkerSelectors: [] });
    const classifiedAt = h.clock.now().getTime();
    await h.elapse(0);

    const job = await h.get('/routing/jobs/vip-call');
    expect(job).toMatchObject({ status: 'queued', queueId: 'vip', priority: 10, enqueuedAt: wire(classifiedAt) });
    expect(job.attachedWorkerSelectors).toEqual([
      { expedite: false, status: 'active', key: 'VipSkill', labelOperator: 'equal', value: true, expiresAfterSeconds: 2, expiresAt: wire(classifiedAt + 2 * SECOND) },
    ]);
    const [classified] = await h.eventsOf('vip-call', 'RouterJobClassified');
    expect(classified?.data).toMatchObject({ classificationPolicyId: 'vip-routing', priority: 10, queueDetails: { id: 'vip' } });
    expect(await h.offers('generalist')).toEqual([]);

    await h.elapse(2 * SECOND - 1);
    expect((await h.get('/routing/jobs/vip-call')).attachedWorkerSelectors[0].status).toBe('active');
    expect(await h.offers('generalist')).toEqual([]);

    await h.elapse(1);
    expect((await h.get('/routing/jobs/vip-call')).attachedWorkerSelectors[0].status).toBe('expired');
    const assignmentId = await h.acceptJob('generalist', 'vip-call');
    expect(await h.get('/routing/jobs/vip-call')).toMatchObject({ status: 'assigned', assignments: { [assignmentId]: { workerId: 'generalist' } } });
    expect(await h.eventTypes('vip-call')).toEqual([
      'RouterJobReceived',
      'RouterJobClassified',
      'RouterJobQueued',
      'RouterJobWorkerSelectorsExpired',
      'RouterWorkerOfferIssued',
      'RouterWorkerOfferAccepted',
    ]);
  });

  it('a worker with the skill is offered the VIP job at once, before it expires', async () => {
    await h.worker('specialist', ['vip'], { VipSkill: true });
    await h.job('vip-call', { classificationPolicyId: 'vip-routing', labels: { Customer: 'VIP' } });
    expect(await h.offeredJobs('specialist')).toEqual(['vip-call']);
  });

  it('a regular job, and one without the label (Blank), fall back to the general queue with priority 1 and no selector', async () => {
    await h.job('regular', { classificationPolicyId: 'vip-routing', labels: { Customer: 'Regular' } });
    await h.job('unlabelled', { classificationPolicyId: 'vip-routing' });
    // Label names are case-sensitive: `customer` is another label, so the condition reads Blank.
    await h.job('lowercase', { classificationPolicyId: 'vip-routing', labels: { customer: 'VIP' } });
    for (const id of ['regular', 'unlabelled', 'lowercase']) {
      expect(await h.get(`/routing/jobs/${id}`)).toMatchObject({ status: 'queued', queueId: 'general', priority: 1, attachedWorkerSelectors: [] });
    }
  });

  it('a typo in the VIP condition is refused with a 400 naming the field and the position; the stored policy keeps routing', async () => {
    const broken = { ...vipPolicy, queueSelectorAttachments: [{ ...vipPolicy.queueSelectorAttachments[0], condition: expression('job.Customer = "VIP') }] };
    const response = await patch(h.client, '/routing/classificationPolicies/vip-routing', broken);
    expect(response.status).toBe('400');
    expect(response.body.communicationError).toMatchObject({
      code: 'BadRequest',
      target: '/routing/classificationPolicies/vip-routing',
      details: [{ code: 'InvalidValue', target: 'queueSelectorAttachments[0].condition.expression', message: `is not valid Power Fx: the text opened at 1:16 is not closed with '"' at 1:20 (offset 19)` }],
    });
    expect((await h.get('/routing/classificationPolicies/vip-routing')).queueSelectorAttachments[0].condition.expression).toBe(isVip);
    await h.job('still-vip', { classificationPolicyId: 'vip-routing', labels: { Customer: 'VIP' } });
    expect(await h.get('/routing/jobs/still-vip')).toMatchObject({ status: 'queued', queueId: 'vip', priority: 10 });
  });
});

describe('attachments of every kind, through the API (docs/behaviour.md#attachments)', () => {
  const selectorsOf = async (jobId: string) => ((await h.get(`/routing/jobs/${jobId}`)).attachedWorkerSelectors as Json[]).map(({ key, labelOperator, value }) => ({ key, labelOperator, value }));

  beforeEach(async () => {
    await h.queues({ 'na-queue': { labels: { Region: 'NA' } }, 'eu-queue': { labels: { Region: 'EU' } }, XBOX_NA_QUEUE: { labels: { Product: 'Xbox' } }, fallback: {} });
  });

  it('queue selectors, passThrough: the queue whose label equals the job label; a job without the label falls back', async () => {
    await h.upsert('/routing/classificationPolicies/by-region', { fallbackQueueId: 'fallback', queueSelectorAttachments: [{ kind: 'passThrough', key: 'Region', labelOperator: 'equal' }] });
    await h.job('eu', { classificationPolicyId: 'by-region', labels: { Region: 'EU' } });
    await h.job('na', { classificationPolicyId: 'by-region', labels: { Region: 'NA' } });
    await h.job('nowhere', { classificationPolicyId: 'by-region' });
    expect((await h.get('/routing/jobs/eu')).queueId).toBe('eu-queue');
    expect((await h.get('/routing/jobs/na')).queueId).toBe('na-queue');
    expect((await h.get('/routing/jobs/nowhere')).queueId).toBe('fallback');
  });

  it('queue selectors, ruleEngine: a Power Fx record, or directMap, stands for equal selectors; the implicit Id label selects a queue', async () => {
    await h.upsert('/routing/classificationPolicies/by-rule', {
      fallbackQueueId: 'fallback',
      queueSelectorAttachments: [{ kind: 'ruleEngine', rule: expression('If(job.Product = "Xbox" And job.Region = "NA", {Id: "XBOX_NA_QUEUE"}, {Region: job.Region})') }],
    });
    await h.upsert('/routing/classificationPolicies/direct', { queueSelectorAttachments: [{ kind: 'ruleEngine', rule: { kind: 'directMap' } }] });
    await h.job('xbox', { classificationPolicyId: 'by-rule', labels: { Product: 'Xbox', Region: 'NA' } });
    await h.job('surface', { classificationPolicyId: 'by-rule', labels: { Product: 'Surface', Region: 'EU' } });
    await h.job('mapped', { classificationPolicyId: 'direct', labels: { Region: 'NA' } });
    expect((await h.get('/routing/jobs/xbox')).queueId).toBe('XBOX_NA_QUEUE');
    expect((await h.get('/routing/jobs/surface')).queueId).toBe('eu-queue');
    expect((await h.get('/routing/jobs/mapped')).queueId).toBe('na-queue');
  });

  it('worker selectors: static, passThrough and ruleEngine attach in policy order, and matching needs all of them', async () => {
    await h.upsert('/routing/classificationPolicies/skills', {
      fallbackQueueId: 'fallback',
      workerSelectorAttachments: [
        { kind: 'static', workerSelector: { key: 'Voice', labelOperator: 'equal', value: true } },
        { kind: 'passThrough', key: 'Language', labelOperator: 'equal', expiresAfterSeconds: 600 },
        { kind: 'ruleEngine', rule: expression('[{key: "Level", labelOperator: "greaterThanOrEqual", value: job.Level}]') },
      ],
    });
    await h.worker('french-3', ['fallback'], { Voice: true, Language: 'fr', Level: 3 });
    await h.worker('french-1', ['fallback'], { Voice: true, Language: 'fr', Level: 1 });
    await h.worker('german-5', ['fallback'], { Voice: true, Language: 'de', Level: 5 });
    await h.job('j', { classificationPolicyId: 'skills', labels: { Language: 'fr', Level: 2 } });
    expect(await selectorsOf('j')).toEqual([
      { key: 'Voice', labelOperator: 'equal', value: true },
      { key: 'Language', labelOperator: 'equal', value: 'fr' },
      { key: 'Level', labelOperator: 'greaterThanOrEqual', value: 2 },
    ]);
    expect((await h.get('/routing/jobs/j')).attachedWorkerSelectors[1]).toMatchObject({ expiresAfterSeconds: 600, expiresAt: expect.any(String) });
    expect(await h.offeredJobs('french-3')).toEqual(['j']);
    expect(await h.offeredJobs('french-1')).toEqual([]);
    expect(await h.offeredJobs('german-5')).toEqual([]);
  });
});

describe('two conditional attachments (SDK Sample2): each job gets only the set whose condition holds', () => {
  it('a US job gets the US selectors, a Canadian job the Canadian ones, anyone else none', async () => {
    await h.queues({ support: {} });
    const when = (country: string, selectors: Json[]) => ({ kind: 'conditional', condition: expression(`If(job.Location = "${country}", true, false)`), workerSelectors: selectors });
    await h.upsert('/routing/classificationPolicies/locations', {
      fallbackQueueId: 'support',
      workerSelectorAttachments: [
        when('United States', [{ key: 'Language', labelOperator: 'equal', value: 'en-us' }, { key: 'Region', labelOperator: 'equal', value: 'US' }]),
        when('Canada', [{ key: 'Language', labelOperator: 'equal', value: 'en-ca' }]),
      ],
    });
    await h.job('us', { classificationPolicyId: 'locations', labels: { Location: 'United States' } });
    await h.job('ca', { classificationPolicyId: 'locations', labels: { Location: 'Canada' } });
    await h.job('mx', { classificationPolicyId: 'locations', labels: { Location: 'Mexico' } });
    const keys = async (id: string) => ((await h.get(`/routing/jobs/${id}`)).attachedWorkerSelectors as Json[]).map((s) => `${s.key}=${s.value}`);
    expect(await keys('us')).toEqual(['Language=en-us', 'Region=US']);
    expect(await keys('ca')).toEqual(['Language=en-ca']);
    expect(await keys('mx')).toEqual([]);
  });
});

/**
 * Weighted allocation draws from the router's `random` port, seeded here. The counts can still differ a
 * little between runs (a timer fired by the test and by the host's loop at once classifies a job twice
 * and discards one draw), so the bound is five standard deviations of the binomial count: a correct
 * split fails it about once in two million runs, while an even split, the weights swapped or always the
 * first allocation are far outside it.
 */
describe('weightedAllocation splits jobs by weight (0.3 / 0.7)', () => {
  const JOBS = 500;
  const SEED = 20261123;
  beforeEach(async () => {
    await h.close();
    h = await Harness.start({ random: mulberry32(SEED) });
  });

  it('the same seed gives the same choices, job by job, on another router', async () => {
    const choices = async (harness: Harness) => {
      await harness.queues({ 'queue-a': {}, 'queue-b': {} });
      await harness.upsert('/routing/classificationPolicies/split', {
        queueSelectorAttachments: [
          {
            kind: 'weightedAllocation',
            allocations: [
              { weight: 0.3, queueSelectors: [{ key: 'Id', labelOperator: 'equal', value: 'queue-a' }] },
              { weight: 0.7, queueSelectors: [{ key: 'Id', labelOperator: 'equal', value: 'queue-b' }] },
            ],
          },
        ],
      });
      const queues: string[] = [];
      for (let i = 0; i < 20; i++) {
        await harness.upsert(`/routing/jobs/j${i}`, { channelId: 'voice', classificationPolicyId: 'split' });
        // The host's own timer loop classifies, one job at a time (firing the timer from the test as well
        // could classify a job twice, the loser's draw discarded, and shift the sequence).
        let job = await harness.get(`/routing/jobs/j${i}`);
        for (let turn = 0; job.status === 'pendingClassification' && turn < 500; turn++) {
          await new Promise((resolve) => setTimeout(resolve, 2));
          job = await harness.get(`/routing/jobs/j${i}`);
        }
        queues.push(job.queueId as string);
      }
      return queues;
    };
    const other = await Harness.start({ random: mulberry32(SEED) });
    try {
      const first = await choices(h);
      expect(new Set(first)).toEqual(new Set(['queue-a', 'queue-b']));
      expect(await choices(other)).toEqual(first);
    } finally {
      await other.close();
    }
  });

  const expectAbout30Percent = (count: number) => {
    const mean = JOBS * 0.3;
    const sd = Math.sqrt(JOBS * 0.3 * 0.7);
    expect(Math.abs(count - mean)).toBeLessThan(5 * sd);
  };

  it(`worker selectors: of ${JOBS} jobs about 30 % get team A, the others team B, each exactly one`, async () => {
    await h.queues({ q: {} });
    await h.upsert('/routing/classificationPolicies/split', {
      workerSelectorAttachments: [
        {
          kind: 'weightedAllocation',
          allocations: [
            { weight: 0.3, workerSelectors: [{ key: 'Team', labelOperator: 'equal', value: 'A' }] },
            { weight: 0.7, workerSelectors: [{ key: 'Team', labelOperator: 'equal', value: 'B' }] },
          ],
        },
      ],
    });
    for (let i = 0; i < JOBS; i++) expect((await patch(h.client, `/routing/jobs/j${i}`, { channelId: 'voice', queueId: 'q', classificationPolicyId: 'split' })).status).toBe('201');
    await h.elapse(0);
    const teams = { A: 0, B: 0 };
    for (const job of await h.allJobs()) {
      expect(job).toMatchObject({ status: 'queued', attachedWorkerSelectors: [expect.objectContaining({ key: 'Team' })] });
      expect(job.attachedWorkerSelectors).toHaveLength(1);
      teams[job.attachedWorkerSelectors[0].value as 'A' | 'B']++;
    }
    expect(teams.A + teams.B).toBe(JOBS);
    expectAbout30Percent(teams.A);
  });

  it(`queue selectors: of ${JOBS} jobs about 30 % go to queue A, the others to queue B`, async () => {
    await h.queues({ 'queue-a': {}, 'queue-b': {} });
    await h.upsert('/routing/classificationPolicies/split', {
      queueSelectorAttachments: [
        {
          kind: 'weightedAllocation',
          allocations: [
            { weight: 0.3, queueSelectors: [{ key: 'Id', labelOperator: 'equal', value: 'queue-a' }] },
            { weight: 0.7, queueSelectors: [{ key: 'Id', labelOperator: 'equal', value: 'queue-b' }] },
          ],
        },
      ],
    });
    for (let i = 0; i < JOBS; i++) expect((await patch(h.client, `/routing/jobs/j${i}`, { channelId: 'voice', classificationPolicyId: 'split' })).status).toBe('201');
    await h.elapse(0);
    const queues = { 'queue-a': 0, 'queue-b': 0 };
    for (const job of await h.allJobs()) {
      expect(job.status).toBe('queued');
      queues[job.queueId as 'queue-a' | 'queue-b']++;
    }
    expect(queues['queue-a'] + queues['queue-b']).toBe(JOBS);
    expectAbout30Percent(queues['queue-a']);
  });
});

describe('reclassification (docs/behaviour.md#reclassification)', () => {
  beforeEach(async () => {
    await h.queues({ general: { labels: { Tier: 'standard' } }, vip: { labels: { Tier: 'vip' } } });
    await h.upsert('/routing/classificationPolicies/standard', { fallbackQueueId: 'general' });
    await h.upsert('/routing/classificationPolicies/vip', {
      fallbackQueueId: 'general',
      queueSelectorAttachments: [{ kind: 'conditional', condition: expression('job.VIP = true'), queueSelectors: [{ key: 'Tier', labelOperator: 'equal', value: 'vip' }] }],
      prioritizationRule: expression('If(job.VIP = true, 10, 1)'),
    });
  });

  it('a new classificationPolicyId classifies the job again under the new policy', async () => {
    await h.job('j', { classificationPolicyId: 'standard', labels: { VIP: true } });
    expect(await h.get('/routing/jobs/j')).toMatchObject({ queueId: 'general', priority: 1 });
    const updated = await patch(h.client, '/routing/jobs/j', { classificationPolicyId: 'vip' });
    expect(updated.body.status).toBe('pendingClassification');
    await h.elapse(0);
    expect(await h.get('/routing/jobs/j')).toMatchObject({ status: 'queued', queueId: 'vip', priority: 10 });
    expect((await h.eventsOf('j', 'RouterJobClassified')).map((e) => e.data['classificationPolicyId'])).toEqual(['standard', 'vip']);
  });

  it('new labels on a job holding an offer: the offer is revoked, the job is classified again and queued again (a second RouterJobQueued)', async () => {
    await h.worker('w', ['general']);
    await h.job('j', { classificationPolicyId: 'vip', labels: { VIP: false } });
    const offer = await h.offerTo('w', 'j');

    expect((await patch(h.client, '/routing/jobs/j', { labels: { VIP: true } })).body.status).toBe('pendingClassification');
    await h.elapse(0);
    expect(await h.get('/routing/jobs/j')).toMatchObject({ status: 'queued', queueId: 'vip', priority: 10 });
    expect(await h.offers('w')).toEqual([]);
    expect((await h.eventsOf('j', 'RouterWorkerOfferRevoked')).map((e) => e.data['offerId'])).toEqual([offer.offerId]);
    expect((await h.eventsOf('j', 'RouterJobQueued')).map((e) => e.data['queueId'])).toEqual(['general', 'vip']);
    const accepted = await h.client.pathUnchecked(`/routing/workers/w/offers/${offer.offerId}:accept`).post();
    expect(accepted.status).toBe('404');
  });

  it(':reclassify of a job that failed classification, once its policy is fixed, queues it (the intervention docs/behaviour.md#classification-failure asks for)', async () => {
    await h.upsert('/routing/classificationPolicies/strict', { queueSelectorAttachments: [{ kind: 'static', queueSelector: { key: 'Tier', labelOperator: 'equal', value: 'gold' } }] });
    await h.job('stuck', { classificationPolicyId: 'strict' });
    expect((await h.get('/routing/jobs/stuck')).status).toBe('classificationFailed');

    await h.upsert('/routing/classificationPolicies/strict', { fallbackQueueId: 'general' });
    const response = await h.client.pathUnchecked('/routing/jobs/stuck:reclassify').post();
    expect(response.status).toBe('200');
    expect(response.body).toEqual({});
    await h.elapse(0);
    expect(await h.get('/routing/jobs/stuck')).toMatchObject({ status: 'queued', queueId: 'general' });
    expect(await h.eventTypes('stuck')).toEqual(['RouterJobReceived', 'RouterJobClassificationFailed', 'RouterJobClassified', 'RouterJobQueued']);
  });

  it('the documented prioritization rule If(job.Hardware_VIP = true, 10, 1) gives 1 to a job without the label and 10 to one with it', async () => {
    await h.upsert('/routing/classificationPolicies/hardware', { fallbackQueueId: 'general', prioritizationRule: expression('If(job.Hardware_VIP = true, 10, 1)') });
    await h.job('plain', { classificationPolicyId: 'hardware', labels: { Product: 'Surface' } });
    await h.job('vip', { classificationPolicyId: 'hardware', labels: { Product: 'Surface', Hardware_VIP: true } });
    expect((await h.get('/routing/jobs/plain')).priority).toBe(1);
    expect((await h.get('/routing/jobs/vip')).priority).toBe(10);
  });
});

describe('function and webhook rules in classification, served by HTTP endpoints on this machine', () => {
  let endpoints: TestEndpoints;
  beforeAll(async () => {
    endpoints = await TestEndpoints.start();
  });
  afterAll(async () => {
    await endpoints.close();
  });
  beforeEach(async () => {
    endpoints.reset();
    await h.fireTimersOnlyFromTheTest();
    await h.queues({ general: {}, vip: { labels: { Tier: 'vip' } } });
  });

  it('a function prioritization rule is POSTed {job: labels} with the function key, and its answer is the priority', async () => {
    endpoints.reply('/api/priority', { status: 200, json: 7 });
    await h.upsert('/routing/classificationPolicies/fn', { fallbackQueueId: 'general', prioritizationRule: { kind: 'function', functionUri: endpoints.url('/api/priority'), credential: { functionKey: 'fn-key' } } });
    await h.job('j', { classificationPolicyId: 'fn', labels: { Escalated: true, Region: 'NA' } });
    expect(await h.get('/routing/jobs/j')).toMatchObject({ status: 'queued', queueId: 'general', priority: 7 });
    const [call] = endpoints.to('/api/priority');
    expect(endpoints.received).toHaveLength(1);
    expect(call?.headers['x-functions-key']).toBe('fn-key');
    expect(JSON.parse(call?.body ?? '')).toEqual({ job: { Escalated: true, Region: 'NA' } });
  });

  it('a function rule that keeps answering 503 leaves the job classificationFailed, the endpoint and status in the note and the event; the router keeps classifying', async () => {
    endpoints.reply('/api/down', { status: 503, text: 'host is restarting' });
    await h.upsert('/routing/classificationPolicies/down', { fallbackQueueId: 'general', prioritizationRule: { kind: 'function', functionUri: `${endpoints.url('/api/down')}?code=secret` } });
    await h.upsert('/routing/classificationPolicies/fine', { fallbackQueueId: 'general' });
    // Three attempts, 200 ms and 400 ms apart on the router's clock.
    await h.whileClockRuns(h.job('failed', { classificationPolicyId: 'down' }));
    await h.job('fine', { classificationPolicyId: 'fine' });

    const reason = `prioritizationRule: function rule: ${endpoints.host}/api/down answered 503: "host is restarting" (3 attempts); expected 200 with a JSON body`;
    expect(await h.get('/routing/jobs/failed')).toMatchObject({ status: 'classificationFailed', notes: [{ message: `Classification failed: ${reason}` }] });
    const [failed] = await h.eventsOf('failed', 'RouterJobClassificationFailed');
    expect(failed?.data['errors']).toEqual([{ code: 'ClassificationFailed', message: reason, target: 'down' }]);
    expect(JSON.stringify(await h.get('/routing/jobs/failed'))).not.toContain('secret');
    expect(endpoints.to('/api/down')).toHaveLength(3);
    expect((await h.get('/routing/jobs/fine')).status).toBe('queued');
  });

  it('a webhook condition gets a client-credentials token, sends it as a Bearer token, and reuses it for the next job until it is about to expire', async () => {
    endpoints.reply('/oauth/token', { status: 200, json: { access_token: 'token-1', token_type: 'Bearer', expires_in: 600 } }, { status: 200, json: { access_token: 'token-2', token_type: 'Bearer', expires_in: 600 } });
    endpoints.reply('/hooks/is-vip', { status: 200, json: true });
    const condition = { kind: 'webhook', authorizationServerUri: endpoints.url('/oauth/token'), clientCredential: { clientId: 'router', clientSecret: 's3cret' }, webhookUri: endpoints.url('/hooks/is-vip') };
    await h.upsert('/routing/classificationPolicies/hook', {
      fallbackQueueId: 'general',
      queueSelectorAttachments: [{ kind: 'conditional', condition, queueSelectors: [{ key: 'Tier', labelOperator: 'equal', value: 'vip' }] }],
    });
    await h.job('first', { classificationPolicyId: 'hook', labels: { Account: 'A-1' } });
    await h.job('second', { classificationPolicyId: 'hook', labels: { Account: 'A-2' } });
    expect((await h.get('/routing/jobs/first')).queueId).toBe('vip');
    expect((await h.get('/routing/jobs/second')).queueId).toBe('vip');

    const [tokenRequest] = endpoints.to('/oauth/token');
    expect(endpoints.to('/oauth/token')).toHaveLength(1);
    expect(Object.fromEntries(new URLSearchParams(tokenRequest?.body))).toEqual({ grant_type: 'client_credentials', client_id: 'router', client_secret: 's3cret' });
    const calls = endpoints.to('/hooks/is-vip');
    expect(calls.map((c) => c.headers['authorization'])).toEqual(['Bearer token-1', 'Bearer token-1']);
    expect(calls.map((c) => JSON.parse(c.body))).toEqual([{ job: { Account: 'A-1' } }, { job: { Account: 'A-2' } }]);

    // The engine's clock decides when the cached token is due: a minute before it expires, a new one is asked for.
    await h.elapse(9 * MINUTE - 1);
    await h.job('third', { classificationPolicyId: 'hook' });
    await h.elapse(1);
    await h.job('fourth', { classificationPolicyId: 'hook' });
    expect(endpoints.to('/oauth/token')).toHaveLength(2);
    expect(endpoints.to('/hooks/is-vip').map((c) => c.headers['authorization'])).toEqual(['Bearer token-1', 'Bearer token-1', 'Bearer token-1', 'Bearer token-2']);
  });
});

describe('exception policies: the documented examples (docs/behaviour.md#exception-policies)', () => {
  it('escalation: two wait-time rules fire independently, priority 10 after 1 min and the escalation queue after 5 min, each with its event and a new RouterJobQueued', async () => {
    await h.upsert('/routing/exceptionPolicies/escalation', {
      exceptionRules: [
        { id: 'priority-after-1-min', trigger: { kind: 'waitTime', thresholdSeconds: 60 }, actions: [{ kind: 'manualReclassify', priority: 10 }] },
        { id: 'escalate-after-5-min', trigger: { kind: 'waitTime', thresholdSeconds: 300 }, actions: [{ kind: 'manualReclassify', queueId: 'escalation' }] },
      ],
    });
    await h.queues({ main: { exceptionPolicyId: 'escalation' }, escalation: {} });
    await h.job('j', { queueId: 'main' });

    await h.elapse(MINUTE - 1);
    expect(await h.get('/routing/jobs/j')).toMatchObject({ queueId: 'main', priority: 1 });
    await h.elapse(1);
    expect(await h.get('/routing/jobs/j')).toMatchObject({ status: 'queued', queueId: 'main', priority: 10 });
    await h.elapse(4 * MINUTE - 1);
    expect((await h.get('/routing/jobs/j')).queueId).toBe('main');
    await h.elapse(1);
    expect(await h.get('/routing/jobs/j')).toMatchObject({ status: 'queued', queueId: 'escalation', priority: 10 });

    const relevant = new Set(['RouterJobQueued', 'RouterJobExceptionTriggered']);
    const events = (await h.eventsOf('j')).filter((e) => relevant.has(e.type)).map((e) => `${e.type} ${String(e.data['exceptionRuleId'] ?? e.data['queueId'])}`);
    expect(events).toEqual([
      'RouterJobQueued main',
      'RouterJobExceptionTriggered priority-after-1-min',
      'RouterJobQueued main',
      'RouterJobExceptionTriggered escalate-after-5-min',
      'RouterJobQueued escalation',
    ]);
    await h.elapse(10 * MINUTE);
    expect(await h.eventsOf('j', 'RouterJobExceptionTriggered')).toHaveLength(2);
  });

  it('manualReclassify worker selectors replace the attached ones; a worker with the new skill is then offered the job', async () => {
    await h.upsert('/routing/exceptionPolicies/seniors', {
      exceptionRules: [{ id: 'ask-a-senior', trigger: { kind: 'waitTime', thresholdSeconds: 30 }, actions: [{ kind: 'manualReclassify', workerSelectors: [{ key: 'Senior', labelOperator: 'equal', value: true }] }] }],
    });
    await h.queues({ support: { exceptionPolicyId: 'seniors' } });
    await h.upsert('/routing/classificationPolicies/skills', { workerSelectorAttachments: [{ kind: 'static', workerSelector: { key: 'Skill', labelOperator: 'equal', value: 'billing' } }] });
    await h.worker('senior', ['support'], { Senior: true });
    await h.job('j', { queueId: 'support', classificationPolicyId: 'skills' });
    expect((await h.get('/routing/jobs/j')).attachedWorkerSelectors.map((s: Json) => s.key)).toEqual(['Skill']);
    expect(await h.offers('senior')).toEqual([]);

    await h.elapse(30 * SECOND);
    const job = await h.get('/routing/jobs/j');
    expect(job.attachedWorkerSelectors).toEqual([{ expedite: false, status: 'active', key: 'Senior', labelOperator: 'equal', value: true }]);
    expect(await h.offeredJobs('senior')).toEqual(['j']);
  });

  it('queueLength with manualReclassify: a job joining a queue with more jobs ahead than the threshold goes to the overflow queue', async () => {
    await h.upsert('/routing/exceptionPolicies/spill', {
      exceptionRules: [{ id: 'too-many-waiting', trigger: { kind: 'queueLength', threshold: 2 }, actions: [{ kind: 'manualReclassify', queueId: 'overflow' }] }],
    });
    await h.queues({ main: { exceptionPolicyId: 'spill' }, overflow: {} });
    const ids = ['one', 'two', 'three', 'four'];
    for (const id of ids) await h.job(id, { queueId: 'main' });
    // 'three' joins with 2 jobs ahead (not more than the threshold), 'four' with 3.
    expect(await Promise.all(ids.map(async (id) => (await h.get(`/routing/jobs/${id}`)).queueId))).toEqual(['main', 'main', 'main', 'overflow']);
    const [triggered] = await h.eventsOf('four', 'RouterJobExceptionTriggered');
    expect(triggered?.data).toMatchObject({ ruleKey: 'too-many-waiting', exceptionRuleId: 'too-many-waiting' });
  });

  it(':unassign puts the job back in its queue, and its wait-time rule fires again for it', async () => {
    await h.upsert('/routing/exceptionPolicies/escalate', {
      exceptionRules: [{ id: 'waited-too-long', trigger: { kind: 'waitTime', thresholdSeconds: 60 }, actions: [{ kind: 'manualReclassify', queueId: 'overflow' }] }],
    });
    await h.queues({ main: { exceptionPolicyId: 'escalate' }, overflow: {} });
    await h.worker('w', ['main']);
    await h.job('j', { queueId: 'main' });
    const assignmentId = await h.acceptJob('w', 'j');
    await h.elapse(2 * MINUTE);
    expect(await h.eventsOf('j', 'RouterJobExceptionTriggered')).toEqual([]);

    await h.upsert('/routing/workers/w', { availableForOffers: false });
    expect((await h.client.pathUnchecked(`/routing/jobs/j/assignments/${assignmentId}:unassign`).post()).status).toBe('200');
    expect((await h.get('/routing/jobs/j')).status).toBe('queued');
    // Whether the wait counts from the first enqueue or from the unassignment, the rule is due within a minute.
    await h.elapse(MINUTE);
    expect(await h.get('/routing/jobs/j')).toMatchObject({ status: 'queued', queueId: 'overflow' });
    expect(await h.eventsOf('j', 'RouterJobExceptionTriggered')).toHaveLength(1);
  });
});

describe('expedite and scheduled jobs with a classification policy', () => {
  it('an expedited job is offered before an earlier job of the same priority while its selector is active', async () => {
    await h.queues({ q: {} });
    await h.job('earlier', { queueId: 'q' });
    h.clock.advance(SECOND);
    await h.job('expedited', { queueId: 'q', requestedWorkerSelectors: [{ key: 'Team', labelOperator: 'equal', value: 'red', expedite: true, expiresAfterSeconds: 60 }] });
    await h.worker('red', ['q'], { Team: 'red' });
    await h.settle();
    expect(await h.offeredJobs('red')).toEqual(['expedited']);
  });

  it('after the expedite selector expired the earlier job is served first again', async () => {
    await h.queues({ q: {} });
    await h.job('earlier', { queueId: 'q' });
    h.clock.advance(SECOND);
    await h.job('expedited', { queueId: 'q', requestedWorkerSelectors: [{ key: 'Team', labelOperator: 'equal', value: 'red', expedite: true, expiresAfterSeconds: 60 }] });
    await h.elapse(60 * SECOND);
    expect((await h.get('/routing/jobs/expedited')).requestedWorkerSelectors[0].status).toBe('expired');
    await h.worker('red', ['q'], { Team: 'red' });
    await h.settle();
    expect(await h.offeredJobs('red')).toEqual(['earlier']);
  });

  it('a scheduled job with a classification policy waits, activates, is classified when switched to queueAndMatch, and is assigned', async () => {
    await h.queues({ general: {}, vip: { labels: { Tier: 'vip' } } });
    await h.upsert('/routing/classificationPolicies/vip', {
      fallbackQueueId: 'general',
      queueSelectorAttachments: [{ kind: 'conditional', condition: expression('job.VIP = true'), queueSelectors: [{ key: 'Tier', labelOperator: 'equal', value: 'vip' }] }],
      prioritizationRule: expression('If(job.VIP = true, 10, 1)'),
    });
    await h.worker('w', ['vip']);
    const scheduleAt = h.clock.now().getTime() + 5 * MINUTE;
    const created = await h.job('callback', { classificationPolicyId: 'vip', labels: { VIP: true }, matchingMode: { kind: 'scheduleAndSuspend', scheduleAt: new Date(scheduleAt).toISOString() } });
    expect(created.status).toBe('pendingSchedule');
    expect((await h.get('/routing/jobs/callback')).status).toBe('scheduled');
    expect(await h.eventsOf('callback', 'RouterJobClassified')).toEqual([]);

    await h.elapse(5 * MINUTE);
    expect(await h.get('/routing/jobs/callback')).toMatchObject({ status: 'waitingForActivation', scheduledAt: wire(scheduleAt) });
    expect(await h.offers('w')).toEqual([]);

    expect((await patch(h.client, '/routing/jobs/callback', { matchingMode: { kind: 'queueAndMatch' } })).body.status).toBe('pendingClassification');
    await h.elapse(0);
    expect(await h.get('/routing/jobs/callback')).toMatchObject({ status: 'queued', queueId: 'vip', priority: 10 });
    await h.acceptJob('w', 'callback');
    expect((await h.get('/routing/jobs/callback')).status).toBe('assigned');
    expect(await h.eventTypes('callback')).toEqual([
      'RouterJobReceived',
      'RouterJobWaitingForActivation',
      'RouterJobClassified',
      'RouterJobQueued',
      'RouterWorkerOfferIssued',
      'RouterWorkerOfferAccepted',
    ]);
  });
});

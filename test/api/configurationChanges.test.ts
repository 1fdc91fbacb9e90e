import { patch } from '../support/signedClient';
import { MINUTE, QUEUE, SECOND, voiceJob, voiceWorker } from '../support/routingFixtures';
import { RoutingHarness } from '../support/routingHarness';

/**
 * A change to a queue or policy is used by the very next request, although routing reads them from
 * the process's copies (ADR 37): each write or delete through the router drops the copy. Every test
 * first lets routing read (and keep) the configuration it then changes. Runs on the embedded host,
 * and on the Azure composition (test/azure/onAzureHost/), one instance.
 */
class Harness extends RoutingHarness {
  async setup(policy: Record<string, unknown> = { offerExpiresAfterSeconds: 3600, mode: { kind: 'longestIdle' } }): Promise<void> {
    await this.upsert('/routing/distributionPolicies/dp', policy);
    await this.upsert(`/routing/queues/${QUEUE}`, { distributionPolicyId: 'dp' });
  }

  async job(id: string, body: Record<string, unknown> = voiceJob()): Promise<void> {
    await this.upsert(`/routing/jobs/${id}`, body);
    await this.settle();
  }

  /** Seconds between the offer's creation and its expiry. */
  async offerSeconds(workerId: string, jobId: string): Promise<number> {
    const offer = await this.offerTo(workerId, jobId);
    return (Date.parse(offer.expiresAt) - Date.parse(offer.offeredAt)) / SECOND;
  }

  /** Withdraws the job (so the worker is free again) and waits for matching. */
  async cancel(jobId: string): Promise<void> {
    expect((await this.client.pathUnchecked(`/routing/jobs/${jobId}:cancel`).post()).status).toBe('200');
    await this.settle();
  }
}

let h: Harness;

beforeEach(async () => {
  h = await Harness.start();
});

afterEach(async () => {
  await h.close();
});

describe('a configuration change is used by the next request', () => {
  it("a distribution policy's offer expiry", async () => {
    await h.setup();
    await h.upsert('/routing/workers/w', voiceWorker());
    await h.job('j1');
    expect(await h.offerSeconds('w', 'j1')).toBe(3600);
    await h.cancel('j1');

    await h.upsert('/routing/distributionPolicies/dp', { offerExpiresAfterSeconds: 45 });
    await h.job('j2');
    expect(await h.offerSeconds('w', 'j2')).toBe(45);
  });

  it("a distribution policy's mode (concurrent offers per job)", async () => {
    await h.setup({ offerExpiresAfterSeconds: 3600, mode: { kind: 'longestIdle', maxConcurrentOffers: 1 } });
    for (const id of ['w1', 'w2', 'w3', 'w4']) await h.upsert(`/routing/workers/${id}`, voiceWorker());
    await h.job('j1');
    const offered = async (jobId: string) => {
      let holders = 0;
      for (const id of ['w1', 'w2', 'w3', 'w4']) holders += (await h.offeredJobs(id)).filter((j) => j === jobId).length;
      return holders;
    };
    expect(await offered('j1')).toBe(1);
    await h.cancel('j1');

    await h.upsert('/routing/distributionPolicies/dp', { mode: { kind: 'roundRobin', maxConcurrentOffers: 3 } });
    await h.job('j2');
    expect(await offered('j2')).toBe(3);
  });

  it("the queue's distribution policy", async () => {
    await h.setup();
    await h.upsert('/routing/distributionPolicies/short', { offerExpiresAfterSeconds: 20, mode: { kind: 'longestIdle' } });
    await h.upsert('/routing/workers/w', voiceWorker());
    await h.job('j1');
    expect(await h.offerSeconds('w', 'j1')).toBe(3600);
    await h.cancel('j1');

    await h.upsert(`/routing/queues/${QUEUE}`, { distributionPolicyId: 'short' });
    await h.job('j2');
    expect(await h.offerSeconds('w', 'j2')).toBe(20);
  });

  it('a deleted queue: a job for it is refused at once', async () => {
    await h.setup();
    await h.upsert('/routing/queues/gone', { distributionPolicyId: 'dp' });
    // The worker's registration and its matching pass read the queue; leaving it lets the queue be deleted.
    await h.upsert('/routing/workers/w', voiceWorker({ queues: [QUEUE, 'gone'] }));
    await h.settle();
    await h.upsert('/routing/workers/w', { queues: [QUEUE] });
    expect((await h.client.pathUnchecked('/routing/queues/gone').delete()).status).toBe('204');

    const refused = await patch(h.client, '/routing/jobs/j', voiceJob({ queueId: 'gone' }));
    expect(refused.status).toBe('400');
    expect(refused.body).toMatchObject({ communicationError: { details: [{ code: 'InvalidReference', target: 'queueId' }] } });
    expect((await h.client.pathUnchecked('/routing/jobs/j').get()).status).toBe('404');
  });

  it('a queue created after a job for it was refused: the next job is taken', async () => {
    await h.setup();
    expect((await patch(h.client, '/routing/jobs/early', voiceJob({ queueId: 'later' }))).status).toBe('400');
    await h.upsert('/routing/queues/later', { distributionPolicyId: 'dp' });
    await h.upsert('/routing/workers/w', voiceWorker({ queues: ['later'] }));
    await h.job('j', voiceJob({ queueId: 'later' }));
    expect(await h.offerSeconds('w', 'j')).toBe(3600);
  });

  it("a classification policy's fallback queue", async () => {
    await h.setup();
    await h.upsert('/routing/queues/other', { distributionPolicyId: 'dp' });
    await h.upsert('/routing/classificationPolicies/cp', { fallbackQueueId: QUEUE });
    const classify = async (id: string) => {
      await h.upsert(`/routing/jobs/${id}`, { channelId: 'voice', classificationPolicyId: 'cp' });
      await h.router.engine.scheduler.runDue();
      await h.settle();
      return (await h.get(`/routing/jobs/${id}`)).queueId as string;
    };
    expect(await classify('j1')).toBe(QUEUE);
    await h.upsert('/routing/classificationPolicies/cp', { fallbackQueueId: 'other' });
    expect(await classify('j2')).toBe('other');
  });

  it("an exception policy's wait time, for a job queued before the change", async () => {
    const waitRule = (seconds: number) => ({ exceptionRules: [{ id: 'tooLong', trigger: { kind: 'waitTime', thresholdSeconds: seconds }, actions: [{ kind: 'cancel' }] }] });
    await h.upsert('/routing/exceptionPolicies/ep', waitRule(60));
    await h.setup();
    await h.upsert(`/routing/queues/${QUEUE}`, { exceptionPolicyId: 'ep' });
    await h.job('j');
    await h.upsert('/routing/exceptionPolicies/ep', waitRule(600));

    // The rule was armed at 60 s; when it comes due it applies the policy as it is now: 600 s.
    await h.elapse(MINUTE + SECOND);
    expect((await h.get('/routing/jobs/j')).status).toBe('queued');
    await h.elapse(10 * MINUTE);
    expect((await h.get('/routing/jobs/j')).status).toBe('cancelled');
  });
});

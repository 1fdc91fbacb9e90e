import type { Client } from '@azure-rest/core-client';
import { startTestRouter, type TestRouter } from '../support/embeddedRouter';
import { snapshotStore } from '../support/snapshotStore';
import { QUEUE, SECOND, newSignableTestClock, voiceJob, voiceWorker } from '../support/routingFixtures';
import { patch } from '../support/signedClient';

/**
 * Expression rules are compiled when their policy is created or updated: an expression that can never run
 * (syntax, unknown function, wrong arity, certain type error) is a 400 whose message names the field and
 * the position, and nothing is written. Valid expressions are stored and drive routing.
 */

type Response = Awaited<ReturnType<typeof patch>>;

function expectRefused(response: Response, target: string, field: string, problem: string): void {
  expect(response.status).toBe('400');
  const error = response.body.communicationError;
  expect(error).toEqual(expect.objectContaining({ code: 'BadRequest', target }));
  expect(error.message).toContain(`${field}: is not valid Power Fx: ${problem}`);
  expect(error.details).toEqual([{ code: 'InvalidValue', target: field, message: `is not valid Power Fx: ${problem}` }]);
  expect(response.headers['etag']).toBeUndefined();
}

describe('expression rules are validated at upsert', () => {
  let router: TestRouter;

  beforeAll(async () => {
    router = await startTestRouter();
  });
  afterAll(async () => {
    await router.close();
  });

  it('a distribution policy whose scoring rule does not parse is refused with the position, and not stored', async () => {
    const before = await snapshotStore(router.store);
    const path = '/routing/distributionPolicies/bad-scoring';
    const response = await patch(router.client, path, {
      offerExpiresAfterSeconds: 60,
      mode: { kind: 'bestWorker', scoringRule: { kind: 'expression', language: 'powerFx', expression: 'If(worker.HandleEscalation = true, 100, 1' } },
    });
    expectRefused(response, path, 'mode.scoringRule.expression', "expected ')' to close 'If(' at 1:1 (offset 0)");
    expect((await router.client.pathUnchecked(path).get()).status).toBe('404');
    expect(await snapshotStore(router.store)).toBe(before);
  });

  it('a classification policy whose prioritization rule calls an unknown function is refused with the position, and not stored', async () => {
    const before = await snapshotStore(router.store);
    const path = '/routing/classificationPolicies/bad-priority';
    const response = await patch(router.client, path, { name: 'Priority', prioritizationRule: { kind: 'expression', expression: 'if(job.Escalated = true, 10, 1)' } });
    expectRefused(response, path, 'prioritizationRule.expression', "'if' is an unknown or unsupported function; names are case-sensitive, did you mean 'If'? at 1:1 (offset 0)");
    expect((await router.client.pathUnchecked(path).get()).status).toBe('404');
    expect(await snapshotStore(router.store)).toBe(before);
  });

  it('an update that breaks a stored rule is refused and the stored policy is unchanged', async () => {
    const path = '/routing/classificationPolicies/good-priority';
    const created = await patch(router.client, path, { prioritizationRule: { kind: 'expression', expression: 'If(job.Escalated = true, 10, 1)' } });
    expect(created.status).toBe('201');
    const before = await snapshotStore(router.store);

    const response = await patch(router.client, path, {
      workerSelectorAttachments: [{ kind: 'conditional', condition: { kind: 'expression', expression: 'job.Urgent = true &&' }, workerSelectors: [] }],
    });
    expectRefused(response, path, 'workerSelectorAttachments[0].condition.expression', 'expected an expression, found the end of the expression at 1:21 (offset 20)');
    expect(await snapshotStore(router.store)).toBe(before);
    const stored = await router.client.pathUnchecked(path).get();
    expect(stored.body).toEqual({ ...created.body });
  });

  it('a type error that holds for every job (ordering texts) is refused; one that depends on the labels is accepted', async () => {
    const refused = await patch(router.client, '/routing/classificationPolicies/texts', { prioritizationRule: { kind: 'expression', expression: 'If("16" > "14", 1, 2)' } });
    expectRefused(refused, '/routing/classificationPolicies/texts', 'prioritizationRule.expression', "'>' compares numbers only, but its left operand is a text; use Value(…) to compare texts as numbers at 1:4 (offset 3)");

    const accepted = await patch(router.client, '/routing/classificationPolicies/labels', { prioritizationRule: { kind: 'expression', expression: 'If(job.Tier > 2, 10, 1)' } });
    expect(accepted.status).toBe('201');
    expect(accepted.body.prioritizationRule).toEqual({ kind: 'expression', expression: 'If(job.Tier > 2, 10, 1)' });
  });
});

describe('an expression scoring rule decides the best worker (SDK Sample3)', () => {
  async function upsert(client: Client, path: string, body: unknown): Promise<void> {
    const response = await patch(client, path, body);
    if (response.status !== '200' && response.status !== '201') throw new Error(`PATCH ${path} → ${response.status} ${JSON.stringify(response.body)}`);
  }

  /** w2 (no HandleEscalation label) registers first, so it is idle longest and would win any tie. */
  async function offeredWorkers(scoringRuleOptions: Record<string, unknown>): Promise<string[]> {
    const clock = newSignableTestClock();
    const router = await startTestRouter({ clock });
    try {
      const scoringRule = { kind: 'expression', language: 'powerFx', expression: 'If(worker.HandleEscalation = true, 100, 1)' };
      await upsert(router.client, '/routing/distributionPolicies/dp', { offerExpiresAfterSeconds: 86_400, mode: { kind: 'bestWorker', scoringRule, scoringRuleOptions } });
      await upsert(router.client, `/routing/queues/${QUEUE}`, { distributionPolicyId: 'dp' });
      await upsert(router.client, '/routing/workers/w2', voiceWorker({ labels: { HandleEscalation: false } }));
      clock.advance(SECOND);
      await upsert(router.client, '/routing/workers/w1', voiceWorker({ labels: { HandleEscalation: true } }));
      clock.advance(SECOND);
      await upsert(router.client, '/routing/jobs/j', voiceJob({ labels: { Escalated: true } }));
      await router.engine.idle();
      const offered: string[] = [];
      for (const id of ['w1', 'w2']) {
        const worker = await router.client.pathUnchecked(`/routing/workers/${id}`).get();
        if ((worker.body.offers as unknown[]).length > 0) offered.push(id);
      }
      return offered;
    } finally {
      await router.close();
    }
  }

  it('one worker at a time: the escalation handler gets the offer although the other is idle longer', async () => {
    expect(await offeredWorkers({})).toEqual(['w1']);
  });

  it('in batches: the same', async () => {
    expect(await offeredWorkers({ isBatchScoringEnabled: true, batchSize: 5 })).toEqual(['w1']);
  });

  it('control: ascending order gives the offer to the other worker, so the score really decides', async () => {
    expect(await offeredWorkers({ descendingOrder: false })).toEqual(['w2']);
  });
});

import { MAX_COST, MAX_EXPRESSION_LENGTH, MAX_TEXT_LITERAL_LENGTH } from '../../shared/domain/rules/powerFx';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SCORING_PASS_LIMIT_MS } from '../../shared/app/selectCandidates';
import type { Logger } from '../../shared/ports/Logger';
import { caseChainRule } from '../support/costlyRules';
import { startTestRouter, type TestRouter } from '../support/embeddedRouter';
import { newSignableTestClock, voiceJob, voiceWorker } from '../support/routingFixtures';
import { snapshotStore } from '../support/snapshotStore';
import type { TestClock } from '../support/testClock';
import { patch } from '../support/signedClient';

/**
 * A Power Fx rule that would do more work than one evaluation may (the cost budget) fails where it runs,
 * with a reason, and the router goes on: classification ends in classificationFailed naming the rule, a
 * scoring rule falls back to the default best-worker ranking. Rules too large to be cheap are refused
 * when their policy is saved, with a 400 naming the field and the limit.
 */

let router: TestRouter;
let clock: TestClock;
let warnings: Array<{ fields: Record<string, unknown>; message: string }>;

beforeEach(async () => {
  warnings = [];
  const logger: Logger = { info: () => {}, error: () => {}, warn: (fields, message) => warnings.push({ fields, message }) };
  clock = newSignableTestClock();
  router = await startTestRouter({ clock, logger });
  await ok('/routing/distributionPolicies/dp', { offerExpiresAfterSeconds: 600, mode: { kind: 'longestIdle' } });
  await ok('/routing/queues/general', { distributionPolicyId: 'dp' });
});

afterEach(async () => {
  await router.close();
});

async function ok(path: string, body: unknown): Promise<void> {
  const response = await patch(router.client, path, body);
  if (response.status !== '201' && response.status !== '200') throw new Error(`PATCH ${path} → ${response.status} ${JSON.stringify(response.body)}`);
}

const get = async (path: string) => (await router.client.pathUnchecked(path).get()).body;
const settle = async () => {
  await router.engine.scheduler.runDue();
  await router.engine.idle();
};
const expression = (text: string) => ({ kind: 'expression', language: 'powerFx', expression: text });
const OVER_BUDGET = new RegExp(`the expression failed: Limit: the rule needs more work than one evaluation may do \\(a budget of ${MAX_COST} units`);

describe('a rule over its budget fails where it runs, and the router goes on', () => {
  it.each([
    ['prioritizationRule', { prioritizationRule: expression(caseChainRule()) }],
    ['queueSelectorAttachments[0].condition', { queueSelectorAttachments: [{ kind: 'conditional', condition: expression(caseChainRule()), queueSelectors: [] }] }],
    ['workerSelectorAttachments[0].rule', { workerSelectorAttachments: [{ kind: 'ruleEngine', rule: expression(caseChainRule()) }] }],
  ])('%s: the job ends classificationFailed with the reason, another job is classified', async (where, rules) => {
    await ok('/routing/classificationPolicies/costly', { fallbackQueueId: 'general', ...rules });
    await ok('/routing/classificationPolicies/plain', { fallbackQueueId: 'general', prioritizationRule: expression('If(job.VIP = true, 10, 1)') });
    await ok('/routing/jobs/costly-job', { channelId: 'voice', classificationPolicyId: 'costly' });
    await ok('/routing/jobs/plain-job', { channelId: 'voice', classificationPolicyId: 'plain', labels: { VIP: true } });
    await settle();
    const failed = await get('/routing/jobs/costly-job');
    expect(failed.status).toBe('classificationFailed');
    expect(failed.notes[0].message).toMatch(`Classification failed: ${where}: `);
    expect(failed.notes[0].message).toMatch(OVER_BUDGET);
    expect(await get('/routing/jobs/plain-job')).toMatchObject({ status: 'queued', queueId: 'general', priority: 10 });
  });

  it('a best-worker scoring rule over budget: the job is still offered, ranked by the default scoring', async () => {
    await ok('/routing/distributionPolicies/scored', { offerExpiresAfterSeconds: 600, mode: { kind: 'bestWorker', scoringRule: expression(caseChainRule()) } });
    await ok('/routing/queues/q', { distributionPolicyId: 'scored' });
    await ok('/routing/workers/w1', voiceWorker());
    await ok('/routing/jobs/j1', voiceJob());
    await settle();
    const offers = (await get('/routing/workers/w1')).offers as Array<{ jobId: string }>;
    expect(offers.map((o) => o.jobId)).toEqual(['j1']);
    expect(warnings).toEqual([{ message: 'scoring rule failed; using the default best-worker scoring', fields: { jobId: 'j1', err: expect.stringMatching(OVER_BUDGET) } }]);
  });
});

describe('a slow scoring endpoint cannot hold matching', () => {
  it(`a best-worker pass stops asking its scoring function after ${SCORING_PASS_LIMIT_MS} ms and ranks by the default scoring`, async () => {
    // Each answer takes 6 s of the router's clock (a stand-in for a slow function: the test clock is moved
    // instead of waiting); after the second, the pass is over its limit and asks no more.
    let calls = 0;
    const slowFunction = createServer((request, response) => {
      request.resume();
      request.on('end', () => {
        calls++;
        clock.advance(6_000);
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end('50');
      });
    });
    await new Promise<void>((resolve) => slowFunction.listen(0, '127.0.0.1', resolve));
    try {
      const functionUri = `http://127.0.0.1:${(slowFunction.address() as AddressInfo).port}/api/score`;
      await ok('/routing/distributionPolicies/scored', { offerExpiresAfterSeconds: 600, mode: { kind: 'bestWorker', scoringRule: { kind: 'function', functionUri } } });
      await ok('/routing/queues/q', { distributionPolicyId: 'scored' });
      for (const id of ['w1', 'w2', 'w3']) await ok(`/routing/workers/${id}`, voiceWorker());
      await ok('/routing/jobs/j1', voiceJob());
      await settle();
      expect(calls).toBe(2);
      const offered = [];
      for (const id of ['w1', 'w2', 'w3']) if (((await get(`/routing/workers/${id}`)).offers as unknown[]).length > 0) offered.push(id);
      expect(offered).toHaveLength(1);
      expect(warnings).toEqual([
        { message: 'scoring rule failed; using the default best-worker scoring', fields: { jobId: 'j1', err: `the scoring rule took more than ${SCORING_PASS_LIMIT_MS} ms for this job (2 of 3 workers scored)` } },
      ]);
    } finally {
      slowFunction.closeAllConnections();
      await new Promise<void>((resolve) => slowFunction.close(() => resolve()));
    }
  });
});

describe('rules too large to be cheap are refused when saved', () => {
  it(`a text literal longer than ${MAX_TEXT_LITERAL_LENGTH} characters: 400 naming the field and the limit, nothing stored`, async () => {
    const before = await snapshotStore(router.store);
    const response = await patch(router.client, '/routing/classificationPolicies/wordy', {
      fallbackQueueId: 'general',
      prioritizationRule: expression(`If(job.Note = "${'x'.repeat(MAX_TEXT_LITERAL_LENGTH + 1)}", 10, 1)`),
    });
    expect(response.status).toBe('400');
    const error = response.body.communicationError;
    expect(error.details).toEqual([
      {
        code: 'InvalidValue',
        target: 'prioritizationRule.expression',
        message: `is not valid Power Fx: the text is ${MAX_TEXT_LITERAL_LENGTH + 1} characters long; a text in an expression may have at most ${MAX_TEXT_LITERAL_LENGTH} at 1:15 (offset 14)`,
      },
    ]);
    expect(await snapshotStore(router.store)).toEqual(before);
  });

  it(`an expression longer than ${MAX_EXPRESSION_LENGTH} characters: 400 naming the field and the limit`, async () => {
    const response = await patch(router.client, '/routing/distributionPolicies/long', {
      offerExpiresAfterSeconds: 60,
      mode: { kind: 'bestWorker', scoringRule: expression(`1${' + 1'.repeat(MAX_EXPRESSION_LENGTH / 4)}`) },
    });
    expect(response.status).toBe('400');
    const [detail] = response.body.communicationError.details;
    expect(detail.target).toBe('mode.scoringRule.expression');
    expect(detail.message).toContain(String(MAX_EXPRESSION_LENGTH));
  });
});

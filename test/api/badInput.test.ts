import { routeTable } from '../../shared/http/routeTable';
import type { Operation } from '../../shared/http/Operation';
import { rawSignedFetch, withApiVersion } from '../support/rawSignedFetch';
import { startTestRouter, type TestRouter } from '../support/embeddedRouter';
import { snapshotStore } from '../support/snapshotStore';
import { patch } from '../support/signedClient';

/**
 * The bad-input walker: every PATCH route of the route table gets the same battery of bad requests
 * (bytes that are not a JSON object, wrong media type, oversized bodies, wrong field types, ids that
 * break paths). Each must be a 4xx with a useful communicationError, and after the whole walk the
 * store must be exactly as before.
 *
 * Requests the SDK can express (a JSON object with wrong field types, odd ids) go through the signing
 * client. Bytes it would never produce go through rawSignedFetch, which signs them properly so that
 * they reach body parsing and validation instead of stopping at a 401.
 */

const PATCH_ROUTES: readonly Operation[] = routeTable.filter((operation) => operation.method === 'PATCH');

/** An existing resource of every kind is the target of the update half of the walk. */
const EXISTING = 'bad-existing';
/** A resource that must never come into existence. */
const FRESH = 'bad-fresh';

interface Fixture {
  /** A body that would be accepted (used with the bad ids). */
  valid: Record<string, unknown>;
  /** [label, patch body, field the error message must name]. */
  invalid: Array<[string, Record<string, unknown>, string]>;
}

const LABEL_CASES = (member: 'labels' | 'tags'): Fixture['invalid'] => [
  [`${member} is a string`, { [member]: 'x' }, member],
  [`${member} value is an object`, { [member]: { a: { b: 1 } } }, `${member}.a`],
  [`${member} value is an array`, { [member]: { a: [1] } }, `${member}.a`],
  [`${member} is an array`, { [member]: ['a'] }, member],
];

const FIXTURES: Record<string, Fixture> = {
  '/routing/distributionPolicies/{distributionPolicyId}': {
    valid: { offerExpiresAfterSeconds: 30, mode: { kind: 'longestIdle' } },
    invalid: [
      ['name is a number', { name: 5 }, 'name'],
      ['negative offerExpiresAfterSeconds', { offerExpiresAfterSeconds: -5 }, 'offerExpiresAfterSeconds'],
      ['zero offerExpiresAfterSeconds', { offerExpiresAfterSeconds: 0 }, 'offerExpiresAfterSeconds'],
      ['offerExpiresAfterSeconds is a string', { offerExpiresAfterSeconds: '30' }, 'offerExpiresAfterSeconds'],
      ['unknown mode kind', { mode: { kind: 'fastest' } }, 'mode.kind'],
      // `kind: null` so that the existing policy's kind is removed too (merge patch), not merged back in.
      ['mode without kind', { mode: { kind: null, maxConcurrentOffers: 2 } }, 'mode.kind'],
      ['mode is a string', { mode: 'longestIdle' }, 'mode'],
      ['min above max concurrent offers', { mode: { kind: 'longestIdle', minConcurrentOffers: 3, maxConcurrentOffers: 2 } }, 'minConcurrentOffers'],
      ['maxConcurrentOffers 0', { mode: { kind: 'roundRobin', maxConcurrentOffers: 0 } }, 'maxConcurrentOffers'],
      ['expression rule without expression', { mode: { kind: 'bestWorker', scoringRule: { kind: 'expression' } } }, 'expression'],
    ],
  },
  '/routing/classificationPolicies/{classificationPolicyId}': {
    valid: { name: 'valid' },
    invalid: [
      ['name is a number', { name: 5 }, 'name'],
      ['fallbackQueueId is a number', { fallbackQueueId: 5 }, 'fallbackQueueId'],
      ['unknown queue attachment kind', { queueSelectorAttachments: [{ kind: 'teleport' }] }, 'queueSelectorAttachments[0].kind'],
      ['unknown worker attachment kind', { workerSelectorAttachments: [{ kind: 'nope', key: 'k' }] }, 'workerSelectorAttachments[0].kind'],
      ['static attachment without selector', { workerSelectorAttachments: [{ kind: 'static' }] }, 'workerSelectorAttachments[0].workerSelector'],
      ['attachments is not an array', { queueSelectorAttachments: 'x' }, 'queueSelectorAttachments'],
      ['unknown rule kind', { prioritizationRule: { kind: 'magic' } }, 'prioritizationRule.kind'],
      ['function rule with a bad uri', { prioritizationRule: { kind: 'function', functionUri: 'not a url' } }, 'prioritizationRule.functionUri'],
      [
        'weights that do not add up to 1',
        { queueSelectorAttachments: [{ kind: 'weightedAllocation', allocations: [{ weight: 0.5, queueSelectors: [] }, { weight: 0.2, queueSelectors: [] }] }] },
        'queueSelectorAttachments[0]',
      ],
      ['bad label operator', { queueSelectorAttachments: [{ kind: 'static', queueSelector: { key: 'k', labelOperator: 'like', value: 1 } }] }, 'labelOperator'],
    ],
  },
  '/routing/exceptionPolicies/{exceptionPolicyId}': {
    valid: { name: 'valid' },
    invalid: [
      ['name is a number', { name: 5 }, 'name'],
      ['waitTime trigger without thresholdSeconds', { exceptionRules: [{ id: 'r', trigger: { kind: 'waitTime' }, actions: [] }] }, 'exceptionRules[0].trigger.thresholdSeconds'],
      ['unknown trigger kind', { exceptionRules: [{ id: 'r', trigger: { kind: 'never' }, actions: [] }] }, 'exceptionRules[0].trigger.kind'],
      ['unknown action kind', { exceptionRules: [{ id: 'r', trigger: { kind: 'queueLength', threshold: 1 }, actions: [{ kind: 'explode' }] }] }, 'exceptionRules[0].actions[0].kind'],
      ['rule without id', { exceptionRules: [{ trigger: { kind: 'queueLength', threshold: 1 }, actions: [] }] }, 'exceptionRules[0].id'],
      [
        'duplicate rule ids',
        {
          exceptionRules: [
            { id: 'r', trigger: { kind: 'queueLength', threshold: 1 }, actions: [] },
            { id: 'r', trigger: { kind: 'queueLength', threshold: 2 }, actions: [] },
          ],
        },
        'exceptionRules[1].id',
      ],
      ['rules is an object', { exceptionRules: {} }, 'exceptionRules'],
      ['negative threshold', { exceptionRules: [{ id: 'r', trigger: { kind: 'queueLength', threshold: -1 }, actions: [] }] }, 'exceptionRules[0].trigger.threshold'],
    ],
  },
  '/routing/queues/{queueId}': {
    valid: { distributionPolicyId: EXISTING },
    invalid: [
      ['name is a number', { name: 5 }, 'name'],
      ...LABEL_CASES('labels'),
      ['distributionPolicyId is a number', { distributionPolicyId: 5 }, 'distributionPolicyId'],
      ['exceptionPolicyId is an object', { exceptionPolicyId: {} }, 'exceptionPolicyId'],
      ['distributionPolicyId with a slash', { distributionPolicyId: 'a/b' }, 'distributionPolicyId'],
    ],
  },
  '/routing/jobs/{jobId}': {
    valid: { queueId: EXISTING },
    invalid: [
      ['priority 101', { priority: 101 }, 'priority'],
      ['priority -101', { priority: -101 }, 'priority'],
      ['priority "high"', { priority: 'high' }, 'priority'],
      ['priority 1.5', { priority: 1.5 }, 'priority'],
      ...LABEL_CASES('labels'),
      ...LABEL_CASES('tags'),
      ['scheduleAt "tomorrow"', { matchingMode: { kind: 'scheduleAndSuspend', scheduleAt: 'tomorrow' } }, 'matchingMode.scheduleAt'],
      ['scheduleAt on 30 February', { matchingMode: { kind: 'scheduleAndSuspend', scheduleAt: '2030-02-30T00:00:00Z' } }, 'matchingMode.scheduleAt'],
      ['scheduleAt without offset', { matchingMode: { kind: 'scheduleAndSuspend', scheduleAt: '2030-01-01T00:00:00' } }, 'matchingMode.scheduleAt'],
      ['scheduleAndSuspend without scheduleAt', { matchingMode: { kind: 'scheduleAndSuspend' } }, 'matchingMode.scheduleAt'],
      ['unknown matching mode', { matchingMode: { kind: 'later' } }, 'matchingMode.kind'],
      ['selector with a bad operator', { requestedWorkerSelectors: [{ key: 'k', labelOperator: 'like', value: 1 }] }, 'requestedWorkerSelectors[0].labelOperator'],
      ['selector without key', { requestedWorkerSelectors: [{ labelOperator: 'equal', value: 1 }] }, 'requestedWorkerSelectors[0].key'],
      ['note message is a number', { notes: [{ message: 5 }] }, 'notes[0].message'],
      ['note addedAt "yesterday"', { notes: [{ message: 'm', addedAt: 'yesterday' }] }, 'notes[0].addedAt'],
      ['channelId is a number', { channelId: 5 }, 'channelId'],
      ['queueId with a slash', { queueId: 'a/b' }, 'queueId'],
    ],
  },
  '/routing/workers/{workerId}': {
    valid: { capacity: 1 },
    invalid: [
      ['capacity -1', { capacity: -1 }, 'capacity'],
      ['capacity 1.5', { capacity: 1.5 }, 'capacity'],
      ['capacity "5"', { capacity: '5' }, 'capacity'],
      ...LABEL_CASES('labels'),
      ...LABEL_CASES('tags'),
      ['negative capacityCostPerJob', { channels: [{ channelId: 'c', capacityCostPerJob: -1 }] }, 'channels[0].capacityCostPerJob'],
      ['maxNumberOfJobs 0', { channels: [{ channelId: 'c', capacityCostPerJob: 1, maxNumberOfJobs: 0 }] }, 'channels[0].maxNumberOfJobs'],
      [
        'duplicate channelId',
        {
          channels: [
            { channelId: 'c', capacityCostPerJob: 1 },
            { channelId: 'c', capacityCostPerJob: 2 },
          ],
        },
        'channels[1].channelId',
      ],
      ['availableForOffers "yes"', { availableForOffers: 'yes' }, 'availableForOffers'],
      ['queues is a string', { queues: 'q' }, 'queues'],
      ['queue id is a number', { queues: [5] }, 'queues[0]'],
      ['maxConcurrentOffers 0', { maxConcurrentOffers: 0 }, 'maxConcurrentOffers'],
    ],
  },
};

/** Raw bodies: [label, bytes, content-type (undefined: none), expected status, text the message must contain]. */
const OVERSIZED = `{"name":"${'x'.repeat(300 * 1024)}"}`;
const RAW_CASES: Array<[string, string | Buffer, string | undefined, number, RegExp]> = [
  ['malformed JSON', '{"name": ', 'application/merge-patch+json', 400, /JSON/],
  ['trailing garbage after JSON', '{"name": "x"} extra', 'application/merge-patch+json', 400, /JSON/],
  ['a JSON array', '[{"name": "x"}]', 'application/merge-patch+json', 400, /JSON object/],
  ['a JSON string', '"name"', 'application/merge-patch+json', 400, /JSON object/],
  ['JSON null', 'null', 'application/merge-patch+json', 400, /JSON object/],
  ['a JSON number', '5', 'application/merge-patch+json', 400, /JSON object/],
  ['an empty body', '', 'application/merge-patch+json', 400, /body/],
  ['an empty body without Content-Type', '', undefined, 400, /body/],
  ['bytes that are not UTF-8', Buffer.from([0xff, 0xfe, 0x7b, 0x7d]), 'application/merge-patch+json', 400, /JSON/],
  ['Content-Type: text/plain', '{"name": "x"}', 'text/plain', 415, /Content-Type/],
  ['Content-Type: application/xml', '<name>x</name>', 'application/xml', 415, /Content-Type/],
  ['a body over the 256 KiB limit (~300 KiB)', OVERSIZED, 'application/merge-patch+json', 413, /limit/],
];

/** Ids that cannot name a resource: [label, encoded path segment, expected status, text the message must contain]. */
const BAD_IDS: Array<[string, string, number, RegExp]> = [
  ['a%2Fb (slash)', 'a%2Fb', 400, /"\/"/],
  ['a%3Fb (question mark)', 'a%3Fb', 400, /"\?"/],
  ['a%23b (hash)', 'a%23b', 400, /"#"/],
  ['a%5Cb (backslash)', 'a%5Cb', 400, /"\\"/],
  ['a%01b (control character)', 'a%01b', 400, /control/],
  ['300 characters', 'x'.repeat(300), 400, /at most 255/],
  ['%20%20 (only spaces)', '%20%20', 400, /whitespace/],
  ['a%3Ab (colon: not a route)', 'a%3Ab', 404, /./],
  ['malformed percent-encoding', 'a%ZZb', 400, /percent/],
];

const pathFor = (operation: Operation, encodedId: string) => operation.path.replace(/\{\w+\}/, encodedId);
const idParamOf = (operation: Operation) => /\{(\w+)\}/.exec(operation.path)?.[1] ?? '';

describe('bad input on every PATCH route', () => {
  let router: TestRouter;
  let before = '';

  beforeAll(async () => {
    router = await startTestRouter();
    // One existing resource of each kind, in dependency order.
    for (const operation of PATCH_ROUTES) {
      const fixture = FIXTURES[operation.path];
      if (!fixture) continue;
      const response = await patch(router.client, pathFor(operation, EXISTING), fixture.valid);
      expect(response.status).toBe('201');
    }
    before = await snapshotStore(router.store);
  });
  afterAll(async () => {
    await router.close();
  });

  it('the route table has at least 6 PATCH routes, each with fixtures', () => {
    expect(PATCH_ROUTES.length).toBeGreaterThanOrEqual(6);
    for (const operation of PATCH_ROUTES) expect(Object.keys(FIXTURES)).toContain(operation.path);
    expect(before).toContain(EXISTING);
  });

  describe.each(PATCH_ROUTES.map((operation) => [operation.path, operation] as const))('%s', (_path, operation) => {
    const fixture = FIXTURES[operation.path] ?? { valid: {}, invalid: [] };
    const send = (id: string, body: string | Buffer, contentType: string | undefined) =>
      rawSignedFetch(router.url, router.accessKey, {
        method: 'PATCH',
        path: withApiVersion(pathFor(operation, id)),
        body,
        headers: contentType === undefined ? {} : { 'content-type': contentType },
      });

    it.each(RAW_CASES)('%s', async (_label, body, contentType, status, message) => {
      for (const id of [EXISTING, FRESH]) {
        const response = await send(id, body, contentType);
        expect({ id, status: response.status }).toEqual({ id, status });
        expect(response.json?.communicationError?.target).toBe(pathFor(operation, id));
        expect(response.json.communicationError.message).toMatch(message);
        expect(response.headers.get('etag')).toBeNull();
      }
    });

    it('control: a harmless body signed the same way is accepted (the raw signer reaches the router)', async () => {
      const response = await send(EXISTING, '{}', 'application/merge-patch+json');
      expect(response.status).toBe(200);
      expect(response.json.id).toBe(EXISTING);
    });

    it.each(fixture.invalid.length ? fixture.invalid : [['(no fixtures)', {}, '']])('field: %s', async (_label, body, field) => {
      expect(field).not.toBe('');
      for (const id of [EXISTING, FRESH]) {
        const response = await patch(router.client, pathFor(operation, id), body);
        expect({ id, status: response.status }).toEqual({ id, status: '400' });
        const error = response.body.communicationError;
        expect(error.code).toBe('BadRequest');
        expect(error.target).toBe(pathFor(operation, id));
        expect(error.message).toContain(field);
        expect(error.details).toEqual(expect.arrayContaining([expect.objectContaining({ code: 'InvalidValue', message: expect.stringMatching(/\S/) })]));
      }
    });

    it.each(BAD_IDS)('id: %s', async (_label, encodedId, status, message) => {
      const response = await patch(router.client, pathFor(operation, encodedId), fixture.valid);
      expect(response.status).toBe(String(status));
      const error = response.body.communicationError;
      expect(error.message).toMatch(message);
      if (status === 400 && !encodedId.includes('%ZZ')) expect(error.message).toContain(idParamOf(operation));
      expect(response.request.url).toContain(pathFor(operation, encodedId));
    });
  });

  it('after the walk the store is byte-for-byte unchanged', async () => {
    expect(await snapshotStore(router.store)).toBe(before);
  });
});

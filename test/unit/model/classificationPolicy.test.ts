import { validateClassificationPolicy } from '../../../shared/domain/model';
import { errorsOf, expectError, expectOnlyError, valueOf } from './helpers';

describe('validateClassificationPolicy', () => {
  it('accepts the body the JS SDK sent (recording should_create_a_classification_policy)', () => {
    const body = { name: 'test-c-policy', fallbackQueueId: 'test-a-queue-recorded-d-policies' };
    expect(valueOf(validateClassificationPolicy(body))).toEqual(body);
  });

  it('accepts the Swagger example ClassificationPolicies_CreateClassificationPolicy', () => {
    const body = {
      name: 'Main',
      fallbackQueueId: 'MainQueue',
      queueSelectorAttachments: [
        {
          kind: 'conditional',
          condition: { kind: 'expression', language: 'powerFx', expression: '1 = 1' },
          queueSelectors: [{ key: 'foo', labelOperator: 'equal', value: 'bar' }],
        },
      ],
      prioritizationRule: { kind: 'static', value: '2' },
    };
    expect(valueOf(validateClassificationPolicy(body))).toEqual(body);
  });

  it('accepts every kind of queue and worker selector attachment', () => {
    const body = {
      queueSelectorAttachments: [
        { kind: 'passThrough', key: 'Region', labelOperator: 'equal' },
        { kind: 'ruleEngine', rule: { kind: 'directMap' } },
        { kind: 'static', queueSelector: { key: 'Id', labelOperator: 'equal', value: 'MainQueue' } },
        {
          kind: 'weightedAllocation',
          allocations: [
            { weight: 0.3, queueSelectors: [{ key: 'Vendor', labelOperator: 'equal', value: 'A' }] },
            { weight: 0.7, queueSelectors: [{ key: 'Vendor', labelOperator: 'equal', value: 'B' }] },
          ],
        },
      ],
      workerSelectorAttachments: [
        { kind: 'conditional', condition: { kind: 'static', value: true }, workerSelectors: [{ key: 'Skill', labelOperator: 'greaterThan', value: 5, expedite: true }] },
        { kind: 'passThrough', key: 'Language', labelOperator: 'equal', expiresAfterSeconds: 30 },
        { kind: 'ruleEngine', rule: { kind: 'webhook', webhookUri: 'https://hooks.example/rule', authorizationServerUri: 'https://login.example/token', clientCredential: { clientId: 'id', clientSecret: 's' } } },
        { kind: 'static', workerSelector: { key: 'English', labelOperator: 'greaterThanOrEqual', value: 7, expiresAfterSeconds: 60 } },
        { kind: 'weightedAllocation', allocations: [{ weight: 1, workerSelectors: [{ key: 'Tier', labelOperator: 'notEqual', value: 'basic' }] }] },
      ],
      prioritizationRule: { kind: 'function', functionUri: 'https://fn.example/api/priority', credential: { functionKey: 'k' } },
    };
    expect(valueOf(validateClassificationPolicy(body))).toEqual(body);
  });

  it('normalises preview kinds and label operators', () => {
    const value = valueOf(
      validateClassificationPolicy({
        queueSelectorAttachments: [
          { kind: 'pass-through', key: 'Region', labelOperator: 'lessThanEqual' },
          { kind: 'rule-engine', rule: { kind: 'direct-map-rule' } },
          { kind: 'weighted-allocation-queue-selector', allocations: [{ weight: 1, queueSelectors: [] }] },
          { kind: 'weighted-allocation', allocations: [{ weight: 1, queueSelectors: [] }] },
        ],
        workerSelectorAttachments: [
          { kind: 'weighted-allocation-worker-selector', allocations: [{ weight: 1, workerSelectors: [] }] },
          { kind: 'static', workerSelector: { key: 'k', labelOperator: 'greaterThanEqual', value: 1 } },
        ],
        prioritizationRule: { kind: 'expression-rule', expression: '5' },
      }),
    );
    expect(value.queueSelectorAttachments?.map((a) => a.kind)).toEqual(['passThrough', 'ruleEngine', 'weightedAllocation', 'weightedAllocation']);
    expect(value.queueSelectorAttachments?.[0]).toEqual({ kind: 'passThrough', key: 'Region', labelOperator: 'lessThanOrEqual' });
    expect(value.queueSelectorAttachments?.[1]).toEqual({ kind: 'ruleEngine', rule: { kind: 'directMap' } });
    expect(value.workerSelectorAttachments?.map((a) => a.kind)).toEqual(['weightedAllocation', 'static']);
    expect(value.workerSelectorAttachments?.[1]).toEqual({ kind: 'static', workerSelector: { key: 'k', labelOperator: 'greaterThanOrEqual', value: 1 } });
    expect(value.prioritizationRule).toEqual({ kind: 'expression', expression: '5' });
  });

  it.each([
    ['static-rule', 'static'],
    ['direct-map-rule', 'directMap'],
    ['direct-map', 'directMap'],
    ['webhook-rule', 'webhook'],
  ])('normalises the rule kind %s to %s', (kind, camel) => {
    expect(valueOf(validateClassificationPolicy({ prioritizationRule: { kind } })).prioritizationRule).toEqual({ kind: camel });
  });

  it('does not accept one union\'s preview kind in another union', () => {
    expectOnlyError(
      validateClassificationPolicy({ queueSelectorAttachments: [{ kind: 'weighted-allocation-worker-selector', allocations: [] }] }),
      'queueSelectorAttachments[0].kind',
      'expected one of conditional, passThrough, ruleEngine, static, weightedAllocation',
    );
  });

  it('drops read-only and unknown members, including selector status and expiresAt', () => {
    const value = valueOf(
      validateClassificationPolicy({
        id: 'cp', etag: '"x"', queueSelectors: [],
        workerSelectorAttachments: [{ kind: 'static', note: 'x', workerSelector: { key: 'k', labelOperator: 'equal', value: 1, status: 'active', expiresAt: '2024-01-01T00:00:00Z' } }],
      }),
    );
    expect(value).toEqual({ workerSelectorAttachments: [{ kind: 'static', workerSelector: { key: 'k', labelOperator: 'equal', value: 1 } }] });
  });

  it('treats null optional fields of array items as absent', () => {
    const value = valueOf(
      validateClassificationPolicy({
        queueSelectorAttachments: [{ kind: 'static', queueSelector: { key: 'k', labelOperator: 'equal', value: null } }],
        workerSelectorAttachments: [{ kind: 'passThrough', key: 'k', labelOperator: 'equal', expiresAfterSeconds: null }],
      }),
    );
    expect(value.queueSelectorAttachments).toEqual([{ kind: 'static', queueSelector: { key: 'k', labelOperator: 'equal' } }]);
    expect(value.workerSelectorAttachments).toEqual([{ kind: 'passThrough', key: 'k', labelOperator: 'equal' }]);
  });

  it('refuses null array elements', () => {
    expectOnlyError(validateClassificationPolicy({ queueSelectorAttachments: [null] }), 'queueSelectorAttachments[0]', 'expected an object, got null');
  });

  it('requires the fields of each attachment kind', () => {
    const result = validateClassificationPolicy({
      queueSelectorAttachments: [{ kind: 'conditional' }, { kind: 'passThrough' }, { kind: 'ruleEngine' }, { kind: 'static' }, { kind: 'weightedAllocation' }],
    });
    for (const path of ['[0].condition', '[0].queueSelectors', '[1].key', '[1].labelOperator', '[2].rule', '[3].queueSelector', '[4].allocations']) {
      expectError(result, `queueSelectorAttachments${path}`, 'is required');
    }
  });

  it('requires key and labelOperator on selectors and validates the operator', () => {
    const result = validateClassificationPolicy({
      workerSelectorAttachments: [{ kind: 'static', workerSelector: { value: 1 } }, { kind: 'static', workerSelector: { key: '', labelOperator: 'contains' } }],
    });
    expectError(result, 'workerSelectorAttachments[0].workerSelector.key', 'is required');
    expectError(result, 'workerSelectorAttachments[0].workerSelector.labelOperator', 'is required');
    expectError(result, 'workerSelectorAttachments[1].workerSelector.key', 'must not be empty');
    expectError(result, 'workerSelectorAttachments[1].workerSelector.labelOperator', 'expected one of equal, notEqual, lessThan, lessThanOrEqual, greaterThan, greaterThanOrEqual, got "contains"');
  });

  it('refuses non-primitive selector and static rule values', () => {
    const result = validateClassificationPolicy({
      queueSelectorAttachments: [{ kind: 'static', queueSelector: { key: 'k', labelOperator: 'equal', value: ['a'] } }],
      prioritizationRule: { kind: 'static', value: { n: 1 } },
    });
    expectError(result, 'queueSelectorAttachments[0].queueSelector.value', 'label values must be a string, number or boolean, got an array');
    expectError(result, 'prioritizationRule.value', 'label values must be a string, number or boolean, got an object');
  });

  it('requires weights in (0, 1] that add up to 1 per attachment', () => {
    const result = validateClassificationPolicy({
      queueSelectorAttachments: [
        { kind: 'weightedAllocation', allocations: [{ weight: 0.3, queueSelectors: [] }, { weight: 0.6, queueSelectors: [] }] },
        { kind: 'weightedAllocation', allocations: [{ weight: 0, queueSelectors: [] }, { weight: 1.5, queueSelectors: [] }] },
      ],
      workerSelectorAttachments: [{ kind: 'weightedAllocation', allocations: [] }],
    });
    expectError(result, 'queueSelectorAttachments[0]', 'allocation weights must add up to 1, got 0.9');
    expectError(result, 'queueSelectorAttachments[1].allocations[0].weight', 'expected a number greater than 0 and at most 1, got 0');
    expectError(result, 'queueSelectorAttachments[1].allocations[1].weight', 'got 1.5');
    expectError(result, 'workerSelectorAttachments[0]', 'allocation weights must add up to 1, got 0');
  });

  it('accepts weights that add up to 1 within rounding', () => {
    const allocations = [0.1, 0.2, 0.3, 0.4].map((weight) => ({ weight, workerSelectors: [] }));
    expect(valueOf(validateClassificationPolicy({ workerSelectorAttachments: [{ kind: 'weightedAllocation', allocations }] }))).toBeTruthy();
  });

  it('validates router rules', () => {
    const result = validateClassificationPolicy({
      queueSelectorAttachments: [
        { kind: 'ruleEngine', rule: { kind: 'expression', expression: '' } },
        { kind: 'ruleEngine', rule: { kind: 'expression', language: 'javascript', expression: 'x' } },
        { kind: 'ruleEngine', rule: { kind: 'function' } },
        { kind: 'ruleEngine', rule: { kind: 'function', functionUri: 'not a url' } },
        { kind: 'ruleEngine', rule: { kind: 'webhook', webhookUri: 'ftp://files.example/x' } },
        { kind: 'ruleEngine', rule: { kind: 'lookup' } },
      ],
    });
    expectError(result, 'queueSelectorAttachments[0].rule.expression', 'must not be empty');
    expectError(result, 'queueSelectorAttachments[1].rule.language', 'expected "powerFx", got "javascript"');
    expectError(result, 'queueSelectorAttachments[2].rule.functionUri', 'is required');
    expectError(result, 'queueSelectorAttachments[3].rule.functionUri', 'expected an absolute http(s) URL, got "not a url"');
    expectError(result, 'queueSelectorAttachments[4].rule.webhookUri', 'expected an absolute http(s) URL');
    expectError(result, 'queueSelectorAttachments[5].rule.kind', 'unknown router rule kind "lookup"; expected one of static, directMap, expression, function, webhook');
    expect(errorsOf(result)).toHaveLength(6);
  });

  it('limits expressions to 2000 characters', () => {
    expectOnlyError(validateClassificationPolicy({ prioritizationRule: { kind: 'expression', expression: '1'.repeat(2001) } }), 'prioritizationRule.expression', 'at most 2000 characters');
  });

  it('validates fallbackQueueId as an id', () => {
    expectOnlyError(validateClassificationPolicy({ fallbackQueueId: 'queues/main' }), 'fallbackQueueId', 'must not contain "/"');
    expectOnlyError(validateClassificationPolicy({ fallbackQueueId: '' }), 'fallbackQueueId', 'must not be empty');
  });

  it('validates passThrough expiresAfterSeconds', () => {
    expectOnlyError(
      validateClassificationPolicy({ workerSelectorAttachments: [{ kind: 'passThrough', key: 'k', labelOperator: 'equal', expiresAfterSeconds: 0 }] }),
      'workerSelectorAttachments[0].expiresAfterSeconds',
      'expected a number greater than 0',
    );
  });
});

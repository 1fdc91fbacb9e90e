import { validateExceptionPolicy } from '../../../shared/domain/model';
import { errorsOf, expectError, expectOnlyError, valueOf } from './helpers';

const waitTimeCancel = {
  id: 'MaxWaitTimeExceededCancel',
  actions: [{ kind: 'cancel', note: 'wait time exceeded; cancelling' }],
  trigger: { kind: 'waitTime', thresholdSeconds: 10 },
};

describe('validateExceptionPolicy', () => {
  it('accepts the body the JS SDK sent (recording should_create_a_exception_policy)', () => {
    const body = { name: 'test-e-policy', exceptionRules: [waitTimeCancel] };
    expect(valueOf(validateExceptionPolicy(body))).toEqual(body);
  });

  it('accepts the Swagger example and normalises its kebab-case trigger kind', () => {
    const body = {
      name: 'Main',
      exceptionRules: [
        {
          id: 'MaxWaitTimeExceeded',
          actions: [{ kind: 'reclassify', classificationPolicyId: 'Main', labelsToUpsert: { escalated: true } }],
          trigger: { kind: 'wait-time', thresholdSeconds: 20 },
        },
      ],
    };
    expect(valueOf(validateExceptionPolicy(body))).toEqual({
      name: 'Main',
      exceptionRules: [
        {
          id: 'MaxWaitTimeExceeded',
          trigger: { kind: 'waitTime', thresholdSeconds: 20 },
          actions: [{ kind: 'reclassify', classificationPolicyId: 'Main', labelsToUpsert: { escalated: true } }],
        },
      ],
    });
  });

  it('accepts every trigger and action kind, with or without action ids', () => {
    const body = {
      exceptionRules: [
        {
          id: 'long-queue',
          trigger: { kind: 'queueLength', threshold: 0 },
          actions: [
            { kind: 'manualReclassify', id: 'a1', queueId: 'Overflow', priority: -100, workerSelectors: [{ key: 'Senior', labelOperator: 'equal', value: true }] },
            { kind: 'cancel', dispositionCode: 'QueueFull' },
            { kind: 'reclassify', labelsToUpsert: { tier: 2, vip: false, region: 'eu' } },
          ],
        },
      ],
    };
    expect(valueOf(validateExceptionPolicy(body))).toEqual(body);
  });

  it.each([
    ['queue-length', { threshold: 3 }, 'queueLength'],
    ['wait-time', { thresholdSeconds: 3 }, 'waitTime'],
  ])('normalises the trigger kind %s', (kind, fields, camel) => {
    const value = valueOf(validateExceptionPolicy({ exceptionRules: [{ id: 'r', trigger: { kind, ...fields }, actions: [] }] }));
    expect(value.exceptionRules?.[0]?.trigger).toEqual({ kind: camel, ...fields });
  });

  it('normalises the action kind manual-reclassify', () => {
    const value = valueOf(validateExceptionPolicy({ exceptionRules: [{ id: 'r', trigger: { kind: 'waitTime', thresholdSeconds: 1 }, actions: [{ kind: 'manual-reclassify', queueId: 'q' }] }] }));
    expect(value.exceptionRules?.[0]?.actions).toEqual([{ kind: 'manualReclassify', queueId: 'q' }]);
  });

  it('drops id, etag and unknown members at every level', () => {
    const value = valueOf(
      validateExceptionPolicy({
        id: 'p', etag: '"e"', extra: true,
        exceptionRules: [{ ...waitTimeCancel, name: 'x', trigger: { ...waitTimeCancel.trigger, threshold: 5 }, actions: [{ kind: 'cancel', labelsToUpsert: { a: 1 } }] }],
      }),
    );
    expect(value).toEqual({ exceptionRules: [{ id: waitTimeCancel.id, trigger: { kind: 'waitTime', thresholdSeconds: 10 }, actions: [{ kind: 'cancel' }] }] });
  });

  it('requires id, trigger and actions on each rule', () => {
    const result = validateExceptionPolicy({ exceptionRules: [{}] });
    expectError(result, 'exceptionRules[0].id', 'is required');
    expectError(result, 'exceptionRules[0].trigger', 'is required');
    expectError(result, 'exceptionRules[0].actions', 'is required');
  });

  it('requires rule ids to be unique within the policy', () => {
    expectOnlyError(
      validateExceptionPolicy({ exceptionRules: [waitTimeCancel, { ...waitTimeCancel, trigger: { kind: 'queueLength', threshold: 1 } }] }),
      'exceptionRules[1].id',
      'duplicate exception rule id "MaxWaitTimeExceededCancel"',
    );
  });

  it('reports a duplicate rule id together with errors inside the rules', () => {
    const errors = errorsOf(validateExceptionPolicy({ exceptionRules: [waitTimeCancel, { ...waitTimeCancel, actions: [{ kind: 'cancel', note: 5 }] }] }));
    expect(errors.map((e) => e.path)).toEqual(['exceptionRules[1].actions[0].note', 'exceptionRules[1].id']);
  });

  it('applies the id rule to rule and action ids', () => {
    const result = validateExceptionPolicy({ exceptionRules: [{ id: 'a:b', trigger: { kind: 'waitTime', thresholdSeconds: 1 }, actions: [{ kind: 'cancel', id: '' }] }] });
    expectError(result, 'exceptionRules[0].id', 'must not contain ":"');
    expectError(result, 'exceptionRules[0].actions[0].id', 'must not be empty');
  });

  it('validates trigger thresholds', () => {
    const result = validateExceptionPolicy({
      exceptionRules: [
        { id: 'a', trigger: { kind: 'waitTime' }, actions: [] },
        { id: 'b', trigger: { kind: 'waitTime', thresholdSeconds: 0 }, actions: [] },
        { id: 'c', trigger: { kind: 'queueLength', threshold: -1 }, actions: [] },
        { id: 'd', trigger: { kind: 'queueLength', threshold: 2.5 }, actions: [] },
        { id: 'e', trigger: { kind: 'queueLength', threshold: '3' }, actions: [] },
      ],
    });
    expectError(result, 'exceptionRules[0].trigger.thresholdSeconds', 'is required');
    expectError(result, 'exceptionRules[1].trigger.thresholdSeconds', 'expected a number greater than 0 and at most 315360000, got 0');
    expectError(result, 'exceptionRules[2].trigger.threshold', 'expected an integer between 0 and 2147483647, got -1');
    expectError(result, 'exceptionRules[3].trigger.threshold', 'got 2.5');
    expectError(result, 'exceptionRules[4].trigger.threshold', 'got "3"');
  });

  it('reports unknown trigger and action kinds with the accepted values', () => {
    const result = validateExceptionPolicy({ exceptionRules: [{ id: 'a', trigger: { kind: 'idle' }, actions: [{ kind: 'escalate' }, {}] }] });
    expectError(result, 'exceptionRules[0].trigger.kind', 'unknown exception trigger kind "idle"; expected one of queueLength, waitTime');
    expectError(result, 'exceptionRules[0].actions[0].kind', 'unknown exception action kind "escalate"; expected one of cancel, manualReclassify, reclassify');
    expectError(result, 'exceptionRules[0].actions[1].kind', 'kind is required');
  });

  it('validates action fields', () => {
    const result = validateExceptionPolicy({
      exceptionRules: [
        {
          id: 'a',
          trigger: { kind: 'waitTime', thresholdSeconds: 5 },
          actions: [
            { kind: 'manualReclassify', priority: 101, queueId: 'x/y', workerSelectors: [{ key: 'k' }] },
            { kind: 'reclassify', classificationPolicyId: 3, labelsToUpsert: { nested: { a: 1 } } },
            { kind: 'cancel', note: 'n'.repeat(2001), dispositionCode: 'd'.repeat(501) },
          ],
        },
      ],
    });
    const at = (i: number, field: string) => `exceptionRules[0].actions[${i}].${field}`;
    expectError(result, at(0, 'priority'), 'expected an integer between -100 and 100, got 101');
    expectError(result, at(0, 'queueId'), 'must not contain "/"');
    expectError(result, at(0, 'workerSelectors[0].labelOperator'), 'is required');
    expectError(result, at(1, 'classificationPolicyId'), 'expected a string, got 3');
    expectError(result, `${at(1, 'labelsToUpsert')}.nested`, 'label values must be a string, number or boolean');
    expectError(result, at(2, 'note'), 'at most 2000 characters');
    expectError(result, at(2, 'dispositionCode'), 'at most 500 characters');
  });

  it('refuses a null action and a non-array actions member', () => {
    const result = validateExceptionPolicy({ exceptionRules: [{ id: 'a', trigger: { kind: 'waitTime', thresholdSeconds: 5 }, actions: [null] }, { id: 'b', trigger: { kind: 'waitTime', thresholdSeconds: 5 }, actions: {} }] });
    expectError(result, 'exceptionRules[0].actions[0]', 'expected an object, got null');
    expectError(result, 'exceptionRules[1].actions', 'expected an array, got an object');
  });

  it('treats null optional members of rules and actions as absent', () => {
    const value = valueOf(validateExceptionPolicy({ exceptionRules: [{ ...waitTimeCancel, actions: [{ kind: 'cancel', id: null, note: null }] }] }));
    expect(value.exceptionRules?.[0]?.actions).toEqual([{ kind: 'cancel' }]);
  });
});

import { validateQueue } from '../../../shared/domain/model';
import { errorsOf, expectError, expectOnlyError, valueOf } from './helpers';

describe('validateQueue', () => {
  it('accepts the body the JS SDK sent and drops the id it puts in the body (recording should_create_a_queue)', () => {
    const body = {
      id: 'test-a-queue-recorded-queues',
      name: 'test-a-queue',
      exceptionPolicyId: 'test-e-policy-recorded-queues',
      distributionPolicyId: 'test-d-policy-recorded-queues',
      labels: {},
    };
    const { id: _id, ...expected } = body;
    expect(valueOf(validateQueue(body))).toEqual(expected);
  });

  it('accepts string, integer, float and boolean label values (Python recordings)', () => {
    const labels = { Label_1: 'Value_1', count: 3, ratio: 0.25, vip: true, empty: '' };
    expect(valueOf(validateQueue({ labels })).labels).toEqual(labels);
  });

  it('drops etag and unknown members', () => {
    expect(valueOf(validateQueue({ etag: '"x"', name: 'q', statistics: {} }))).toEqual({ name: 'q' });
  });

  it.each([
    ['an object', { a: 1 }],
    ['an array', [1]],
    ['null', null],
  ])('refuses %s as a label value', (got, value) => {
    expectOnlyError(validateQueue({ labels: { x: value } }), 'labels.x', `label values must be a string, number or boolean, got ${got}`);
  });

  it('refuses non-finite numbers as label values', () => {
    expectOnlyError(validateQueue({ labels: { x: Number.NaN } }), 'labels.x', 'label values must be a string, number or boolean');
  });

  it('quotes label keys that are not identifiers in the error path', () => {
    expectOnlyError(validateQueue({ labels: { 'skill level': {} } }), 'labels["skill level"]', 'label values must be');
  });

  it('refuses empty label keys and non-object labels', () => {
    expectOnlyError(validateQueue({ labels: { '': 'x' } }), 'labels[""]', 'label keys must not be empty');
    expectOnlyError(validateQueue({ labels: ['a'] }), 'labels', 'expected an object, got an array');
  });

  it('validates referenced policy ids', () => {
    const result = validateQueue({ distributionPolicyId: 'a?b', exceptionPolicyId: 'e'.repeat(256) });
    expectError(result, 'distributionPolicyId', 'must not contain "?"');
    expectError(result, 'exceptionPolicyId', 'at most 255 characters');
    expect(errorsOf(result)).toHaveLength(2);
  });
});

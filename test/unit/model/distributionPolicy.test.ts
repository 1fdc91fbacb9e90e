import { validateDistributionPolicy } from '../../../shared/domain/model';
import { errorsOf, expectError, expectOnlyError, valueOf } from './helpers';

describe('validateDistributionPolicy', () => {
  it('accepts the body the JS SDK sent (recording should_create_a_distribution_policy)', () => {
    const body = {
      name: 'test-d-policy',
      offerExpiresAfterSeconds: 60,
      mode: { kind: 'longestIdle', minConcurrentOffers: 1, maxConcurrentOffers: 5, bypassSelectors: false },
    };
    expect(valueOf(validateDistributionPolicy(body))).toEqual(body);
  });

  it('accepts an empty document: nothing is required in CreateOrUpdate', () => {
    expect(valueOf(validateDistributionPolicy({}))).toEqual({});
  });

  it('accepts a best-worker mode with every option', () => {
    const body = {
      mode: {
        kind: 'bestWorker',
        bypassSelectors: true,
        scoringRule: { kind: 'expression', language: 'powerFx', expression: 'If(worker.Skill > 5, 10, 1)' },
        scoringRuleOptions: { batchSize: 10, scoringParameters: ['jobLabels', 'workerSelectors'], isBatchScoringEnabled: true, descendingOrder: false },
      },
      offerExpiresAfterSeconds: 10.5,
    };
    expect(valueOf(validateDistributionPolicy(body))).toEqual(body);
  });

  it.each([
    ['best-worker', 'bestWorker'],
    ['longest-idle', 'longestIdle'],
    ['round-robin', 'roundRobin'],
  ])('normalises the preview kind %s to %s', (kind, camel) => {
    expect(valueOf(validateDistributionPolicy({ mode: { kind } })).mode).toEqual({ kind: camel });
  });

  it('normalises preview rule kinds inside the scoring rule', () => {
    const result = validateDistributionPolicy({ mode: { kind: 'best-worker', scoringRule: { kind: 'azure-function-rule', functionUri: 'https://fn.example/api/score' } } });
    expect(valueOf(result).mode).toEqual({ kind: 'bestWorker', scoringRule: { kind: 'function', functionUri: 'https://fn.example/api/score' } });
  });

  it('drops id, etag and unknown members', () => {
    const result = validateDistributionPolicy({ id: 'p1', etag: '"1"', name: 'n', colour: 'red', mode: { kind: 'roundRobin', extra: 1 } });
    expect(valueOf(result)).toEqual({ name: 'n', mode: { kind: 'roundRobin' } });
  });

  it('reports an unknown mode kind with the accepted values', () => {
    expectOnlyError(
      validateDistributionPolicy({ mode: { kind: 'fastest' } }),
      'mode.kind',
      'unknown distribution mode kind "fastest"; expected one of bestWorker, longestIdle, roundRobin',
    );
  });

  it('requires a kind on the mode', () => {
    expectOnlyError(validateDistributionPolicy({ mode: { maxConcurrentOffers: 2 } }), 'mode.kind', 'kind is required');
  });

  it('refuses a mode that is not an object', () => {
    expectOnlyError(validateDistributionPolicy({ mode: 'longestIdle' }), 'mode', 'expected an object, got "longestIdle"');
  });

  it.each([[0], [-1], [315360000 + 1], [Number.NaN], [Number.POSITIVE_INFINITY], ['60'], [[60]]])('refuses offerExpiresAfterSeconds %p', (value: unknown) => {
    const result = validateDistributionPolicy({ offerExpiresAfterSeconds: value });
    expectOnlyError(result, 'offerExpiresAfterSeconds', 'expected a number greater than 0 and at most 315360000');
  });

  it('accepts offerExpiresAfterSeconds of exactly ten years', () => {
    expect(valueOf(validateDistributionPolicy({ offerExpiresAfterSeconds: 315360000 })).offerExpiresAfterSeconds).toBe(315360000);
  });

  it.each(['minConcurrentOffers', 'maxConcurrentOffers'])('requires %s to be an integer of at least 1', (field) => {
    expectError(validateDistributionPolicy({ mode: { kind: 'longestIdle', [field]: 0 } }), `mode.${field}`, 'expected an integer between 1 and');
    expectError(validateDistributionPolicy({ mode: { kind: 'longestIdle', [field]: 1.5 } }), `mode.${field}`, 'got 1.5');
  });

  it('requires minConcurrentOffers <= maxConcurrentOffers', () => {
    expectOnlyError(
      validateDistributionPolicy({ mode: { kind: 'roundRobin', minConcurrentOffers: 3, maxConcurrentOffers: 2 } }),
      'mode.minConcurrentOffers',
      'must not be greater than maxConcurrentOffers (2)',
    );
    expect(valueOf(validateDistributionPolicy({ mode: { kind: 'roundRobin', minConcurrentOffers: 2, maxConcurrentOffers: 2 } }))).toBeTruthy();
  });

  it('validates the scoring rule options', () => {
    const result = validateDistributionPolicy({
      mode: { kind: 'bestWorker', scoringRuleOptions: { batchSize: 0, scoringParameters: ['jobLabels', 'workerLabels'], isBatchScoringEnabled: 'yes' } },
    });
    expectError(result, 'mode.scoringRuleOptions.batchSize', 'expected an integer between 1 and');
    expectError(result, 'mode.scoringRuleOptions.scoringParameters[1]', 'expected one of jobLabels, workerSelectors, got "workerLabels"');
    expectError(result, 'mode.scoringRuleOptions.isBatchScoringEnabled', 'expected true or false, got "yes"');
  });

  it('validates bypassSelectors and name types', () => {
    const result = validateDistributionPolicy({ name: 42, mode: { kind: 'longestIdle', bypassSelectors: 'false' } });
    expectError(result, 'name', 'expected a string, got 42');
    expectError(result, 'mode.bypassSelectors', 'expected true or false');
  });

  it('limits name to 500 characters', () => {
    expectOnlyError(validateDistributionPolicy({ name: 'x'.repeat(501) }), 'name', 'at most 500 characters');
  });

  it('collects every error, not just the first', () => {
    const errors = errorsOf(validateDistributionPolicy({ name: 1, offerExpiresAfterSeconds: -5, mode: { kind: 'longestIdle', minConcurrentOffers: 4, maxConcurrentOffers: 2, bypassSelectors: 1 } }));
    expect(errors.map((e) => e.path).sort()).toEqual(['mode.bypassSelectors', 'mode.minConcurrentOffers', 'name', 'offerExpiresAfterSeconds']);
  });
});

import {
  formatPath,
  idProblem,
  isDotNetMinDate,
  isRfc3339DateTime,
  isValidId,
  normaliseKind,
  validateClassificationPolicy,
  validateDistributionPolicy,
  validateExceptionPolicy,
  validateJob,
  validateQueue,
  validateWorker,
  type Validation,
} from '../../../shared/domain/model';
import { expectOnlyError, valueOf } from './helpers';

const resourceValidators: Record<string, (body: unknown) => Validation<unknown>> = { validateDistributionPolicy, validateClassificationPolicy, validateExceptionPolicy, validateQueue, validateJob, validateWorker };

describe.each(Object.entries(resourceValidators))('%s', (_name, validate) => {
  it.each([[undefined], [null], ['{}'], [42], [true], [[]], [[{}]]])('refuses the body %p with one error at the root', (body: unknown) => {
    expectOnlyError(validate(body), '', 'the request body must be a JSON object');
  });

  it('accepts an empty object', () => {
    expect(valueOf(validate({}))).toEqual({});
  });

  it('treats top-level nulls as absent (what a merge patch leaves behind)', () => {
    expect(valueOf(validate({ name: null, labels: null, priority: null }))).toEqual({});
  });
});

describe('ids', () => {
  it.each(['MainQueue', 'test-a-queue-recorded-jobs', '0b7f4e36-42b5-4c2e-a5a1-2d7f5f9a1b11', 'a b', 'ünïcode', 'x'.repeat(255), 'a.b_c~d']) (
    'accepts %p',
    (id) => {
      expect(isValidId(id)).toBe(true);
      expect(idProblem(id)).toBeUndefined();
    },
  );

  it.each([
    ['', 'must not be empty'],
    ['x'.repeat(256), 'must be at most 255 characters'],
    ['a/b', 'must not contain "/"'],
    ['a\\b', 'must not contain "\\"'],
    ['a?b', 'must not contain "?"'],
    ['a#b', 'must not contain "#"'],
    ['a:b', 'must not contain ":"'],
    ['a\u0000b', 'must not contain control characters'],
    ['a\tb', 'must not contain control characters'],
    ['a\u007fb', 'must not contain control characters'],
  ])('refuses %p: %s', (id, problem) => {
    expect(isValidId(id)).toBe(false);
    expect(idProblem(id)).toContain(problem);
  });
});

describe('formatPath', () => {
  it.each([
    [[], ''],
    [['priority'], 'priority'],
    [['mode', 'maxConcurrentOffers'], 'mode.maxConcurrentOffers'],
    [['exceptionRules', 0, 'actions', 1, 'kind'], 'exceptionRules[0].actions[1].kind'],
    [['labels', 'skill level'], 'labels["skill level"]'],
    [['labels', ''], 'labels[""]'],
  ])('formats %p as %p', (path, expected) => {
    expect(formatPath(path)).toBe(expected);
  });
});

describe('isRfc3339DateTime', () => {
  it.each([
    '2100-01-01T01:01:01.0000000Z',
    '2023-11-15T00:05:12.7032354+00:00',
    '2024-01-01T00:00:00Z',
    '2024-02-29T23:59:59.999-05:30',
    '2024-01-01t00:00:00z',
    '0001-01-01T00:00:00.0000000Z',
  ])('accepts %p', (s) => {
    expect(isRfc3339DateTime(s)).toBe(true);
  });

  it.each([
    '2024-01-01',
    '2024-01-01T00:00:00',
    '2024-01-01 00:00:00Z',
    '2024-01-01T00:00Z',
    '2024-00-10T00:00:00Z',
    '2024-04-31T00:00:00Z',
    '2100-02-29T00:00:00Z',
    '2024-01-01T00:60:00Z',
    '2024-01-01T00:00:00+24:00',
    '2024-01-01T00:00:00.123456789Z',
    '2024-01-01T00:00:00.Z',
    ' 2024-01-01T00:00:00Z',
  ])('refuses %p', (s) => {
    expect(isRfc3339DateTime(s)).toBe(false);
  });

  it('recognises the .NET "no value" date in its usual spellings only', () => {
    expect(isDotNetMinDate('0001-01-01T00:00:00.0000000Z')).toBe(true);
    expect(isDotNetMinDate('0001-01-01T00:00:00Z')).toBe(true);
    expect(isDotNetMinDate('0001-01-01T00:00:00+00:00')).toBe(true);
    expect(isDotNetMinDate('0001-01-01T00:00:01Z')).toBe(false);
    expect(isDotNetMinDate(undefined)).toBe(false);
  });
});

describe('normaliseKind', () => {
  const kinds = ['bestWorker', 'longestIdle', 'roundRobin'];

  it.each([
    ['bestWorker', 'bestWorker'],
    ['best-worker', 'bestWorker'],
    ['round-robin', 'roundRobin'],
  ])('maps %p to %p', (kind, expected) => {
    expect(normaliseKind(kind, kinds)).toBe(expected);
  });

  it.each(['BestWorker', 'best_worker', 'best-Worker', 'fastest', '-best-worker', ''])('does not guess for %p', (kind) => {
    expect(normaliseKind(kind, kinds)).toBeUndefined();
  });

  it('uses the aliases for preview names that are not mechanical', () => {
    expect(normaliseKind('azure-function-rule', ['function'], { 'azure-function-rule': 'function' })).toBe('function');
  });
});

describe('kind problems', () => {
  it('reports a non-string kind with the accepted values', () => {
    expectOnlyError(validateDistributionPolicy({ mode: { kind: 3 } }), 'mode.kind', 'expected one of bestWorker, longestIdle, roundRobin, got 3');
  });

  it('does not mistake Object.prototype members for kinds or operators', () => {
    expectOnlyError(validateDistributionPolicy({ mode: { kind: 'constructor' } }), 'mode.kind', 'unknown distribution mode kind "constructor"');
    expectOnlyError(validateClassificationPolicy({ prioritizationRule: { kind: 'toString' } }), 'prioritizationRule.kind', 'unknown router rule kind "toString"');
    expectOnlyError(
      validateClassificationPolicy({ queueSelectorAttachments: [{ kind: 'passThrough', key: 'k', labelOperator: 'constructor' }] }),
      'queueSelectorAttachments[0].labelOperator',
      'expected one of equal, notEqual, lessThan, lessThanOrEqual, greaterThan, greaterThanOrEqual, got "constructor"',
    );
  });

  it('reports a null kind as missing', () => {
    expectOnlyError(validateJob({ matchingMode: { kind: null } }), 'matchingMode.kind', 'kind is required');
  });
});

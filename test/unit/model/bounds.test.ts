import fc from 'fast-check';
import {
  INT32_MAX,
  MAX_DURATION_SECONDS,
  PRIORITY_RANGE,
  validateClassificationPolicy,
  validateDistributionPolicy,
  validateExceptionPolicy,
  validateJob,
  validateWorker,
  type Validation,
} from '../../../shared/domain/model';

/**
 * Every number of the API against its documented range (docs/adr/0024 and the README list them):
 * a generated value is accepted exactly when it lies in the range, and a refusal names the field
 * and the range.
 */

interface NumericField {
  path: string;
  validate: (body: unknown) => Validation<unknown>;
  body: (v: number) => Record<string, unknown>;
  /** Inclusive bounds; `above` makes the lower one exclusive (durations are greater than 0). */
  min: number;
  max: number;
  integer: boolean;
  above?: boolean;
}

const selector = (expiresAfterSeconds: number) => ({ key: 'k', labelOperator: 'equal', value: 1, expiresAfterSeconds });
const duration = (path: string, validate: NumericField['validate'], body: NumericField['body']): NumericField => ({ path, validate, body, min: 0, max: MAX_DURATION_SECONDS, integer: false, above: true });
const count = (path: string, validate: NumericField['validate'], body: NumericField['body'], min: number): NumericField => ({ path, validate, body, min, max: INT32_MAX, integer: true });

const FIELDS: NumericField[] = [
  duration('offerExpiresAfterSeconds', validateDistributionPolicy, (v) => ({ offerExpiresAfterSeconds: v })),
  duration('requestedWorkerSelectors[0].expiresAfterSeconds', validateJob, (v) => ({ requestedWorkerSelectors: [selector(v)] })),
  duration('workerSelectorAttachments[0].expiresAfterSeconds', validateClassificationPolicy, (v) => ({ workerSelectorAttachments: [{ kind: 'passThrough', key: 'k', labelOperator: 'equal', expiresAfterSeconds: v }] })),
  duration('workerSelectorAttachments[0].workerSelector.expiresAfterSeconds', validateClassificationPolicy, (v) => ({ workerSelectorAttachments: [{ kind: 'static', workerSelector: selector(v) }] })),
  duration('exceptionRules[0].trigger.thresholdSeconds', validateExceptionPolicy, (v) => ({ exceptionRules: [{ id: 'r', trigger: { kind: 'waitTime', thresholdSeconds: v }, actions: [] }] })),
  duration('exceptionRules[0].actions[0].workerSelectors[0].expiresAfterSeconds', validateExceptionPolicy, (v) => ({
    exceptionRules: [{ id: 'r', trigger: { kind: 'queueLength', threshold: 1 }, actions: [{ kind: 'manualReclassify', workerSelectors: [selector(v)] }] }],
  })),
  { path: 'priority', validate: validateJob, body: (v) => ({ priority: v }), min: PRIORITY_RANGE.min, max: PRIORITY_RANGE.max, integer: true },
  { path: 'exceptionRules[0].actions[0].priority', validate: validateExceptionPolicy, body: (v) => ({ exceptionRules: [{ id: 'r', trigger: { kind: 'queueLength', threshold: 1 }, actions: [{ kind: 'manualReclassify', priority: v }] }] }), min: PRIORITY_RANGE.min, max: PRIORITY_RANGE.max, integer: true },
  count('exceptionRules[0].trigger.threshold', validateExceptionPolicy, (v) => ({ exceptionRules: [{ id: 'r', trigger: { kind: 'queueLength', threshold: v }, actions: [] }] }), 0),
  count('capacity', validateWorker, (v) => ({ capacity: v }), 0),
  count('maxConcurrentOffers', validateWorker, (v) => ({ maxConcurrentOffers: v }), 1),
  count('channels[0].capacityCostPerJob', validateWorker, (v) => ({ channels: [{ channelId: 'c', capacityCostPerJob: v }] }), 0),
  count('channels[0].maxNumberOfJobs', validateWorker, (v) => ({ channels: [{ channelId: 'c', capacityCostPerJob: 1, maxNumberOfJobs: v }] }), 1),
  count('mode.maxConcurrentOffers', validateDistributionPolicy, (v) => ({ mode: { kind: 'longestIdle', minConcurrentOffers: 1, maxConcurrentOffers: v } }), 1),
  count('mode.minConcurrentOffers', validateDistributionPolicy, (v) => ({ mode: { kind: 'longestIdle', minConcurrentOffers: v, maxConcurrentOffers: INT32_MAX } }), 1),
  count('mode.scoringRuleOptions.batchSize', validateDistributionPolicy, (v) => ({ mode: { kind: 'bestWorker', scoringRuleOptions: { batchSize: v } } }), 1),
];

const inRange = (f: NumericField, v: number) => (f.above ? v > f.min : v >= f.min) && v <= f.max && (!f.integer || Number.isInteger(v));

/** Values near the edges, whole numbers around them, and any double (JSON carries no NaN or Infinity). */
const candidates = (f: NumericField) =>
  fc.oneof(
    fc.constantFrom(f.min, f.max, f.min - 1, f.max + 1, f.min + 0.5, f.max - 0.5, 3e11, 1e308, -1e308, 9007199254740992, Number.MIN_VALUE, -0),
    fc.integer({ min: f.min - 10, max: f.min + 10 }),
    fc.integer({ min: Math.max(f.min, f.max - 10), max: f.max + 10 }),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
  );

describe.each(FIELDS.map((f) => [f.path, f] as const))('%s', (_path, field) => {
  it(`is accepted exactly in ${field.above ? '(' : '['}${field.min}, ${field.max}]${field.integer ? ' (whole numbers)' : ''}`, () => {
    fc.assert(
      fc.property(candidates(field), (v) => {
        const result = field.validate(field.body(v));
        if (inRange(field, v)) {
          expect(result).toMatchObject({ ok: true });
        } else {
          expect(result.ok).toBe(false);
          if (!result.ok) expect(result.errors).toContainEqual({ path: field.path, message: expect.stringContaining(`${field.max}`) });
        }
      }),
      { seed: 20260105, numRuns: 300 },
    );
  });
});

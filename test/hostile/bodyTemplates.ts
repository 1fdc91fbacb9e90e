/**
 * A body each write operation accepts (against the seeded fixture, hostileRouter.ts), the starting
 * point that generated mutations break one part of: a mutation deep inside a valid body reaches the
 * validation and the engine behind it, where a random body stops at the first check.
 */
const T = '2030-01-01T00:00:00Z';

export const BODY_TEMPLATES: Readonly<Record<string, unknown>> = {
  UpsertDistributionPolicy: { name: 'dp', offerExpiresAfterSeconds: 60, mode: { kind: 'bestWorker', minConcurrentOffers: 1, maxConcurrentOffers: 2, bypassSelectors: false, scoringRule: { kind: 'static', value: 1 }, scoringRuleOptions: { batchSize: 2, descendingOrder: true, isBatchScoringEnabled: false } } },
  UpsertQueue: { name: 'q', distributionPolicyId: 'dp', exceptionPolicyId: 'ep', labels: { tier: 'gold', level: 3, vip: true } },
  UpsertExceptionPolicy: {
    name: 'ep',
    exceptionRules: [
      { id: 'long', trigger: { kind: 'waitTime', thresholdSeconds: 600 }, actions: [{ kind: 'manualReclassify', queueId: 'q', priority: 2, workerSelectors: [{ key: 'skill', labelOperator: 'greaterThan', value: 5 }] }] },
      { id: 'many', trigger: { kind: 'queueLength', threshold: 100 }, actions: [{ kind: 'cancel', note: 'too many', dispositionCode: 'Full' }] },
    ],
  },
  UpsertClassificationPolicy: {
    name: 'cp',
    fallbackQueueId: 'q',
    queueSelectorAttachments: [{ kind: 'conditional', condition: { kind: 'expression', expression: 'If(job.tier = "gold", true, false)' }, queueSelectors: [{ key: 'tier', labelOperator: 'equal', value: 'gold' }] }],
    prioritizationRule: { kind: 'expression', expression: 'If(job.vip = true, 10, 1)' },
    workerSelectorAttachments: [
      { kind: 'static', workerSelector: { key: 'skill', labelOperator: 'greaterThanOrEqual', value: 1, expiresAfterSeconds: 60 } },
      { kind: 'passThrough', key: 'language', labelOperator: 'equal', expiresAfterSeconds: 30 },
      { kind: 'ruleEngine', rule: { kind: 'directMap' } },
      { kind: 'weightedAllocation', allocations: [{ weight: 0.5, workerSelectors: [{ key: 'a', labelOperator: 'equal', value: 1 }] }, { weight: 0.5, workerSelectors: [{ key: 'b', labelOperator: 'equal', value: 2 }] }] },
    ],
  },
  UpsertJob: {
    channelId: 'voice',
    channelReference: 'call-1',
    queueId: 'q',
    priority: 5,
    labels: { language: 'en', skill: 3 },
    tags: { source: 'test' },
    requestedWorkerSelectors: [{ key: 'skill', labelOperator: 'lessThanOrEqual', value: 10, expiresAfterSeconds: 120, expedite: true }],
    notes: [{ message: 'hello', addedAt: T }],
    matchingMode: { kind: 'queueAndMatch' },
  },
  UpsertWorker: {
    capacity: 10,
    queues: ['q'],
    channels: [{ channelId: 'voice', capacityCostPerJob: 1, maxNumberOfJobs: 5 }],
    labels: { skill: 7, language: 'en' },
    tags: { site: 'a' },
    availableForOffers: true,
  },
  ReclassifyJob: {},
  CancelJob: { note: 'bye', dispositionCode: 'Abandoned' },
  CompleteJob: { note: 'done' },
  CloseJob: { dispositionCode: 'Resolved', closeAt: T, note: 'closed' },
  UnassignJob: { suspendMatching: true },
  AcceptJobOffer: {},
  DeclineJobOffer: { retryOfferAt: T },
  RedeliverDeadLetters: {},
};

/** Other valid shapes of the same fields (other kinds), so mutations reach every branch. */
export const ALTERNATIVE_PARTS: readonly unknown[] = [
  { kind: 'scheduleAndSuspend', scheduleAt: T },
  { kind: 'suspend' },
  { kind: 'longestIdle', minConcurrentOffers: 1, maxConcurrentOffers: 1 },
  { kind: 'roundRobin', minConcurrentOffers: 1, maxConcurrentOffers: 3 },
  { kind: 'static', value: 3 },
  { kind: 'directMap' },
  { kind: 'expression', language: 'powerFx', expression: 'Upper(job.language)' },
  { kind: 'reclassify', classificationPolicyId: 'cp', labelsToUpsert: { a: 1 } },
  { kind: 'queueLength', threshold: 1 },
  { kind: 'waitTime', thresholdSeconds: 1 },
  { key: 'skill', labelOperator: 'notEqual', value: 'x' },
  { channelId: 'chat', capacityCostPerJob: 2 },
];

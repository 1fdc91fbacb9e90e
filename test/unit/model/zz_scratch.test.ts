import * as m from '../../../shared/domain/model';
test('scratch', () => {
  const show = (x: unknown) => console.log(JSON.stringify(x, null, 1));
  show(m.validateDistributionPolicy({ id: 'x', etag: 'y', name: 'n', offerExpiresAfterSeconds: 60, mode: { kind: 'fastest', maxConcurrentOffers: 0 } }));
  show(m.validateDistributionPolicy({ mode: { kind: 'best-worker', minConcurrentOffers: 3, maxConcurrentOffers: 2, scoringRule: { kind: 'azure-function-rule', functionUri: 'ftp://x' }, scoringRuleOptions: { batchSize: '3', scoringParameters: ['jobLabels', 'x'] } } }));
  show(m.validateDistributionPolicy({ mode: {}, offerExpiresAfterSeconds: NaN, name: 5 }));
  show(m.validateJob({ priority: 'high', labels: { x: {}, '': 1, y: null }, notes: [null, { addedAt: 'yesterday' }], matchingMode: { kind: 'schedule-and-suspend' }, queueId: 'a/b' }));
  show(m.validateJob({ matchingMode: { kind: 'schedule-and-suspend', scheduleAt: '2100-01-01T01:01:01.0000000Z' }, requestedWorkerSelectors: [{ key: 'k', labelOperator: 'greaterThanEqual', value: null, status: 'active', expiresAt: null }] }));
  show(m.validateExceptionPolicy({ exceptionRules: [{ id: 'a', trigger: { kind: 'wait-time', thresholdSeconds: 10 }, actions: [{ kind: 'manual-reclassify', priority: 200 }] }, { id: 'a', actions: [{ kind: 'x' }] }] }));
  show(m.validateClassificationPolicy({ queueSelectorAttachments: [{ kind: 'weighted-allocation-queue-selector', allocations: [{ weight: 0.3, queueSelectors: [] }, { weight: 0.6, queueSelectors: [] }] }] }));
  show(m.validateWorker({ queues: ['a', 'b', 'a'], channels: [{ channelId: 'v', capacityCostPerJob: 1 }, { channelId: 'v', capacityCostPerJob: 1.5 }], capacity: -1 }));
  show(m.validateCloseJobOptions({ closeAt: '0001-01-01T00:00:00.0000000Z', note: 'x' }));
  show(m.validateCloseJobOptions(undefined));
  show(m.validateCloseJobOptions([]));
  show(m.validateDeclineJobOfferOptions({ retryOfferAt: '2023-02-29T00:00:00Z' }));
});

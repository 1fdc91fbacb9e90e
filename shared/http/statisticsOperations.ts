import { statisticsFor } from '../app/statistics/statisticsFor';
import type { Operation } from './Operation';
import { realTimeStatisticsSchema, cumulativeStatisticsSchema } from './statisticsAnswers';
import { cumulativeParameters, cumulativeQuery, DEFAULT_SERVICE_LEVEL_SECONDS, queueThreshold } from './statisticsQuery';

const STATISTICS = '/routing/statistics';

/**
 * Router extensions for operations: what holds now, and what happened over any window. Same
 * authentication and api-version as the rest; both hosts answer from the store alone.
 */
export const statisticsOperations: Operation[] = [
  {
    operationId: 'GetRealTimeStatistics',
    method: 'GET',
    path: `${STATISTICS}/realTime`,
    body: 'none',
    answers: { kind: 'json', schema: realTimeStatisticsSchema },
    run: async (_request, ports) => ({ status: 200, json: await statisticsFor(ports.store, ports.clock).realTime() }),
  },
  {
    operationId: 'GetCumulativeStatistics',
    method: 'GET',
    path: `${STATISTICS}/cumulative`,
    body: 'none',
    parameters: cumulativeParameters,
    answers: { kind: 'json', schema: cumulativeStatisticsSchema },
    run: async (request, ports) => {
      const query = cumulativeQuery(request.query, ports.clock.now().getTime());
      let threshold = query.serviceLevelThresholdSeconds;
      if (threshold === undefined && query.scope.kind === 'queue') {
        const queue = await ports.store.get<{ labels?: Record<string, unknown> }>('queues', query.scope.id ?? '');
        threshold = queueThreshold(queue?.body.labels);
      }
      const statistics = statisticsFor(ports.store, ports.clock);
      return { status: 200, json: await statistics.cumulative({ ...query, serviceLevelThresholdSeconds: threshold ?? DEFAULT_SERVICE_LEVEL_SECONDS }) };
    },
  },
];

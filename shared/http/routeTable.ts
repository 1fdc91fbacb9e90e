import {
  classificationPolicyResource,
  distributionPolicyResource,
  exceptionPolicyResource,
  jobResource,
  queueResource,
  workerResource,
} from '../domain/resources';
import { deleteJob } from '../app/deleteJob';
import { deleteWorker } from '../app/deleteWorker';
import { upsertJob } from '../app/upsertJob';
import { upsertWorker } from '../app/upsertWorker';
import { actionOperations } from './actionOperations';
import { eventOperations } from './eventOperations';
import { jobFilters, workerFilters } from './listFilters';
import type { Operation } from './Operation';
import { resourceOperations } from './resourceOperations';
import { statisticsOperations } from './statisticsOperations';
import { timerOperations } from './timerOperations';

/**
 * THE route table: all 33 operations of the Job Router REST API 2023-11-01, with the service's exact
 * paths, then the router's own extensions (the event, timer and statistics operations). Both hosts serve exactly this list.
 */
export const routeTable: readonly Operation[] = [
  ...resourceOperations(classificationPolicyResource, { collectionPath: '/routing/classificationPolicies', idParam: 'classificationPolicyId', singular: 'ClassificationPolicy', plural: 'ClassificationPolicies' }),
  ...resourceOperations(distributionPolicyResource, { collectionPath: '/routing/distributionPolicies', idParam: 'distributionPolicyId', singular: 'DistributionPolicy', plural: 'DistributionPolicies' }),
  ...resourceOperations(exceptionPolicyResource, { collectionPath: '/routing/exceptionPolicies', idParam: 'exceptionPolicyId', singular: 'ExceptionPolicy', plural: 'ExceptionPolicies' }),
  ...resourceOperations(queueResource, { collectionPath: '/routing/queues', idParam: 'queueId', singular: 'Queue', plural: 'Queues' }),
  ...resourceOperations(jobResource, { collectionPath: '/routing/jobs', idParam: 'jobId', singular: 'Job', plural: 'Jobs', filters: jobFilters, upsert: upsertJob, remove: deleteJob }),
  ...resourceOperations(workerResource, { collectionPath: '/routing/workers', idParam: 'workerId', singular: 'Worker', plural: 'Workers', filters: workerFilters, upsert: upsertWorker, remove: deleteWorker }),
  ...actionOperations,
  ...eventOperations,
  ...timerOperations,
  ...statisticsOperations,
];

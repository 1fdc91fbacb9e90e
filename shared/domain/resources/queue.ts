import { queueInputSchema, type Labels, type QueueInput } from '../model';
import type { IndexKeys } from '../../ports/Store';
import { QUEUE_LABEL_KEY, queueLabelPairs } from '../classification/queueSelection';
import { ordered, pick, withIdLabel, type Reference, type ResourceDefinition, validatedBy } from './ResourceDefinition';

export interface RouterQueue {
  id: string;
  name?: string;
  distributionPolicyId?: string;
  labels: Labels;
  exceptionPolicyId?: string;
}

const WRITABLE = ['name', 'distributionPolicyId', 'labels', 'exceptionPolicyId'] as const;

export const queueResource: ResourceDefinition<QueueInput, RouterQueue> = {
  collection: 'queues',
  noun: 'queue',
  wireOrder: ['id', ...WRITABLE],
  ...validatedBy(queueInputSchema),
  writable: (body) => pick(body, WRITABLE),
  build: (input, { id }) =>
    ordered<RouterQueue>(
      { id, name: input.name, distributionPolicyId: input.distributionPolicyId, labels: withIdLabel(input.labels, id), exceptionPolicyId: input.exceptionPolicyId },
      ['id', ...WRITABLE],
    ),
  check: (body) => (body.distributionPolicyId ? undefined : 'distributionPolicyId is required: a queue needs a distribution policy.'),
  references: (body) => {
    const refs: Reference[] = [];
    if (body.distributionPolicyId) refs.push({ collection: 'distributionPolicies', id: body.distributionPolicyId, field: 'distributionPolicyId' });
    if (body.exceptionPolicyId) refs.push({ collection: 'exceptionPolicies', id: body.exceptionPolicyId, field: 'exceptionPolicyId' });
    return refs;
  },
  indexKeys: (body) => {
    const keys: IndexKeys = {};
    if (body.distributionPolicyId) keys['distributionPolicyId'] = body.distributionPolicyId;
    if (body.exceptionPolicyId) keys['exceptionPolicyId'] = body.exceptionPolicyId;
    // Classification finds the queues an `equal` queue selector allows without reading every queue.
    keys[QUEUE_LABEL_KEY] = queueLabelPairs(body.labels);
    return keys;
  },
  deleteBlockers: [
    {
      collection: 'jobs',
      where: (id) => [
        { key: 'queueId', op: 'eq', value: id },
        { key: 'open', op: 'eq', value: true },
      ],
      code: 'ActiveJobWithQueueExist',
      message: 'There is active job with this queue',
    },
    {
      collection: 'classificationPolicies',
      where: (id) => [{ key: 'fallbackQueueId', op: 'eq', value: id }],
      code: 'ClassificationPolicyWithFallbackQueueExist',
      message: 'There is classification policy with this queue as fallback queue',
    },
    {
      collection: 'workers',
      where: (id) => [{ key: 'queueId', op: 'eq', value: id }],
      code: 'WorkerAssignedToQueueExist',
      message: 'There is an assigned worker to this queue',
    },
  ],
  deleteBlockedStatus: 409,
};

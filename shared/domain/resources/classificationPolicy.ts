import {
  classificationPolicyInputSchema,
  type ClassificationPolicyInput,
  type QueueSelectorAttachment,
  type RouterRule,
  type WorkerSelectorAttachment,
} from '../model';
import type { IndexKeys } from '../../ports/Store';
import { ordered, pick, type Reference, type ResourceDefinition, validatedBy } from './ResourceDefinition';

export interface ClassificationPolicy {
  id: string;
  name?: string;
  fallbackQueueId?: string;
  queueSelectorAttachments: QueueSelectorAttachment[];
  prioritizationRule?: RouterRule;
  workerSelectorAttachments: WorkerSelectorAttachment[];
}

const WRITABLE = ['name', 'fallbackQueueId', 'queueSelectorAttachments', 'prioritizationRule', 'workerSelectorAttachments'] as const;

export const classificationPolicyResource: ResourceDefinition<ClassificationPolicyInput, ClassificationPolicy> = {
  collection: 'classificationPolicies',
  noun: 'classification policy',
  wireOrder: ['id', ...WRITABLE],
  ...validatedBy(classificationPolicyInputSchema),
  writable: (body) => pick(body, WRITABLE),
  build: (input, { id }) =>
    ordered<ClassificationPolicy>(
      {
        id,
        name: input.name,
        fallbackQueueId: input.fallbackQueueId,
        queueSelectorAttachments: input.queueSelectorAttachments ?? [],
        prioritizationRule: input.prioritizationRule,
        workerSelectorAttachments: input.workerSelectorAttachments ?? [],
      },
      ['id', ...WRITABLE],
    ),
  references: (body) => {
    const refs: Reference[] = [];
    if (body.fallbackQueueId) refs.push({ collection: 'queues', id: body.fallbackQueueId, field: 'fallbackQueueId' });
    return refs;
  },
  indexKeys: (body): IndexKeys => (body.fallbackQueueId ? { fallbackQueueId: body.fallbackQueueId } : {}),
  deleteBlockers: [
    {
      collection: 'jobs',
      where: (id) => [
        { key: 'classificationPolicyId', op: 'eq', value: id },
        { key: 'open', op: 'eq', value: true },
      ],
      code: 'ActiveJobWithClassificationPolicyExist',
      message: 'There is active job with this classification policy',
    },
  ],
  deleteBlockedStatus: 400,
};

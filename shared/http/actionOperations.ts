import { acceptOffer } from '../app/acceptOffer';
import { invalidFields } from '../app/AppError';
import { cancelJob } from '../app/cancelJob';
import { closeJob } from '../app/closeJob';
import { completeJob } from '../app/completeJob';
import { declineOffer } from '../app/declineOffer';
import { getJobPosition } from '../app/getJobPosition';
import { getQueueStatistics } from '../app/getQueueStatistics';
import { reclassifyJob } from '../app/reclassifyJob';
import { unassignJob } from '../app/unassignJob';
import {
  validateCancelJobOptions,
  validateCloseJobOptions,
  validateCompleteJobOptions,
  validateDeclineJobOfferOptions,
  validateReclassifyJobOptions,
  validateUnassignJobOptions,
  type Validation,
} from '../domain/model';
import type { Operation, OperationRequest } from './Operation';

/** Validates an action body (absent = no options), answering 400 with every problem. */
function options<T>(request: OperationRequest, validate: (body: unknown) => Validation<T>): T {
  const result = validate(request.body);
  if (result.ok) return result.value;
  throw invalidFields('The request body', result.errors);
}

const param = (request: OperationRequest, name: string) => request.params[name] ?? '';

const ASSIGNMENT = '/routing/jobs/{jobId}/assignments/{assignmentId}';
const OFFER = '/routing/workers/{workerId}/offers/{offerId}';

/** The action results the service answers with an empty object (docs/behaviour.md#responses). */
const EMPTY = { status: 200 as const, json: {} };

export const actionOperations: Operation[] = [
  {
    operationId: 'ReclassifyJob',
    method: 'POST',
    path: '/routing/jobs/{jobId}:reclassify',
    body: 'optionalJson',
    run: async (request, ports) => {
      options(request, validateReclassifyJobOptions);
      await reclassifyJob(ports, param(request, 'jobId'));
      return EMPTY;
    },
  },
  {
    operationId: 'CancelJob',
    method: 'POST',
    path: '/routing/jobs/{jobId}:cancel',
    body: 'optionalJson',
    run: async (request, ports) => {
      await cancelJob(ports, param(request, 'jobId'), options(request, validateCancelJobOptions));
      return EMPTY;
    },
  },
  {
    operationId: 'CompleteJob',
    method: 'POST',
    path: `${ASSIGNMENT}:complete`,
    body: 'optionalJson',
    run: async (request, ports) => {
      await completeJob(ports, param(request, 'jobId'), param(request, 'assignmentId'), options(request, validateCompleteJobOptions));
      return EMPTY;
    },
  },
  {
    operationId: 'CloseJob',
    method: 'POST',
    path: `${ASSIGNMENT}:close`,
    body: 'optionalJson',
    run: async (request, ports) => {
      await closeJob(ports, param(request, 'jobId'), param(request, 'assignmentId'), options(request, validateCloseJobOptions));
      return EMPTY;
    },
  },
  {
    operationId: 'UnassignJob',
    method: 'POST',
    path: `${ASSIGNMENT}:unassign`,
    body: 'optionalJson',
    run: async (request, ports) => ({
      status: 200,
      json: await unassignJob(ports, param(request, 'jobId'), param(request, 'assignmentId'), options(request, validateUnassignJobOptions)),
    }),
  },
  {
    operationId: 'GetInQueuePosition',
    method: 'GET',
    path: '/routing/jobs/{jobId}/position',
    body: 'none',
    run: async (request, ports) => ({ status: 200, json: await getJobPosition(ports, param(request, 'jobId')) }),
  },
  {
    operationId: 'GetQueueStatistics',
    method: 'GET',
    path: '/routing/queues/{queueId}/statistics',
    body: 'none',
    run: async (request, ports) => ({ status: 200, json: await getQueueStatistics(ports, param(request, 'queueId')) }),
  },
  {
    operationId: 'AcceptJobOffer',
    method: 'POST',
    path: `${OFFER}:accept`,
    body: 'optionalJson',
    run: async (request, ports) => ({ status: 200, json: await acceptOffer(ports, param(request, 'workerId'), param(request, 'offerId')) }),
  },
  {
    operationId: 'DeclineJobOffer',
    method: 'POST',
    path: `${OFFER}:decline`,
    body: 'optionalJson',
    run: async (request, ports) => {
      await declineOffer(ports, param(request, 'workerId'), param(request, 'offerId'), options(request, validateDeclineJobOfferOptions));
      return EMPTY;
    },
  },
];

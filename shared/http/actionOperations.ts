import { z } from 'zod';
import { acceptJobOfferResultSchema, acceptOffer } from '../app/acceptOffer';
import { invalidFields } from '../app/AppError';
import { cancelJob } from '../app/cancelJob';
import { closeJob } from '../app/closeJob';
import { completeJob } from '../app/completeJob';
import { declineOffer } from '../app/declineOffer';
import { getJobPosition, routerJobPositionDetailsSchema } from '../app/getJobPosition';
import { getQueueStatistics, routerQueueStatisticsSchema } from '../app/getQueueStatistics';
import { reclassifyJob } from '../app/reclassifyJob';
import { unassignJob, unassignJobResultSchema } from '../app/unassignJob';
import {
  cancelJobOptionsSchema,
  closeJobOptionsSchema,
  completeJobOptionsSchema,
  declineJobOfferOptionsSchema,
  reclassifyJobOptionsSchema,
  unassignJobOptionsSchema,
  actionBodyValidator,
} from '../domain/model';
import type { Answer, Operation, OperationRequest } from './Operation';

/**
 * Validates an action body (absent = no options) with the operation's `requestSchema`, answering 400
 * with every problem.
 */
function options<S extends z.ZodType>(request: OperationRequest, schema: S): z.output<S> {
  const result = actionBodyValidator(schema)(request.body);
  if (result.ok) return result.value;
  throw invalidFields('The request body', result.errors);
}

const param = (request: OperationRequest, name: string) => request.params[name] ?? '';

const ASSIGNMENT = '/routing/jobs/{jobId}/assignments/{assignmentId}';
const OFFER = '/routing/workers/{workerId}/offers/{offerId}';

/** The action results the service answers with an empty object (docs/behaviour.md#responses). */
const EMPTY = { status: 200 as const, json: {} };
const ANSWERS_EMPTY: Answer = { kind: 'json', schema: z.strictObject({}) };

export const actionOperations: Operation[] = [
  {
    operationId: 'ReclassifyJob',
    method: 'POST',
    path: '/routing/jobs/{jobId}:reclassify',
    body: 'optionalJson',
    requestSchema: reclassifyJobOptionsSchema,
    answers: ANSWERS_EMPTY,
    run: async (request, ports) => {
      options(request, reclassifyJobOptionsSchema);
      await reclassifyJob(ports, param(request, 'jobId'));
      return EMPTY;
    },
  },
  {
    operationId: 'CancelJob',
    method: 'POST',
    path: '/routing/jobs/{jobId}:cancel',
    body: 'optionalJson',
    requestSchema: cancelJobOptionsSchema,
    answers: ANSWERS_EMPTY,
    run: async (request, ports) => {
      await cancelJob(ports, param(request, 'jobId'), options(request, cancelJobOptionsSchema));
      return EMPTY;
    },
  },
  {
    operationId: 'CompleteJob',
    method: 'POST',
    path: `${ASSIGNMENT}:complete`,
    body: 'optionalJson',
    requestSchema: completeJobOptionsSchema,
    answers: ANSWERS_EMPTY,
    run: async (request, ports) => {
      await completeJob(ports, param(request, 'jobId'), param(request, 'assignmentId'), options(request, completeJobOptionsSchema));
      return EMPTY;
    },
  },
  {
    operationId: 'CloseJob',
    method: 'POST',
    path: `${ASSIGNMENT}:close`,
    body: 'optionalJson',
    requestSchema: closeJobOptionsSchema,
    answers: ANSWERS_EMPTY,
    run: async (request, ports) => {
      await closeJob(ports, param(request, 'jobId'), param(request, 'assignmentId'), options(request, closeJobOptionsSchema));
      return EMPTY;
    },
  },
  {
    operationId: 'UnassignJob',
    method: 'POST',
    path: `${ASSIGNMENT}:unassign`,
    body: 'optionalJson',
    requestSchema: unassignJobOptionsSchema,
    answers: { kind: 'json', schema: unassignJobResultSchema },
    run: async (request, ports) => ({
      status: 200,
      json: await unassignJob(ports, param(request, 'jobId'), param(request, 'assignmentId'), options(request, unassignJobOptionsSchema)),
    }),
  },
  {
    operationId: 'GetInQueuePosition',
    method: 'GET',
    path: '/routing/jobs/{jobId}/position',
    body: 'none',
    answers: { kind: 'json', schema: routerJobPositionDetailsSchema },
    run: async (request, ports) => ({ status: 200, json: await getJobPosition(ports, param(request, 'jobId')) }),
  },
  {
    operationId: 'GetQueueStatistics',
    method: 'GET',
    path: '/routing/queues/{queueId}/statistics',
    body: 'none',
    answers: { kind: 'json', schema: routerQueueStatisticsSchema },
    run: async (request, ports) => ({ status: 200, json: await getQueueStatistics(ports, param(request, 'queueId')) }),
  },
  {
    operationId: 'AcceptJobOffer',
    method: 'POST',
    path: `${OFFER}:accept`,
    body: 'optionalJson',
    answers: { kind: 'json', schema: acceptJobOfferResultSchema },
    run: async (request, ports) => ({ status: 200, json: await acceptOffer(ports, param(request, 'workerId'), param(request, 'offerId')) }),
  },
  {
    operationId: 'DeclineJobOffer',
    method: 'POST',
    path: `${OFFER}:decline`,
    body: 'optionalJson',
    requestSchema: declineJobOfferOptionsSchema,
    answers: ANSWERS_EMPTY,
    run: async (request, ports) => {
      await declineOffer(ports, param(request, 'workerId'), param(request, 'offerId'), options(request, declineJobOfferOptionsSchema));
      return EMPTY;
    },
  },
];

import { AppError, invalidFields } from '../app/AppError';
import { cancelJob } from '../app/cancelJob';
import { getResource } from '../app/getResource';
import {
  validateCancelJobOptions,
  validateCloseJobOptions,
  validateCompleteJobOptions,
  validateDeclineJobOfferOptions,
  validateReclassifyJobOptions,
  validateUnassignJobOptions,
  type Validation,
} from '../domain/model';
import { jobResource, queueResource, workerResource, type RouterJob, type RouterWorker } from '../domain/resources';
import type { RouterPorts } from '../ports/RouterPorts';
import type { Operation, OperationRequest } from './Operation';

/** Validates an action body (absent = no options), answering 400 with every problem. */
function options<T>(request: OperationRequest, validate: (body: unknown) => Validation<T>): T {
  const result = validate(request.body);
  if (result.ok) return result.value;
  throw invalidFields('The request body', result.errors);
}

/** Operations whose engine is not part of this version answer 501 after every check that can fail earlier. */
const notYet = (what: string) =>
  new AppError('notImplemented', `${what} is not available in this version of the router: the routing engine that issues offers and assignments is not enabled yet.`);

async function assignmentOf(ports: RouterPorts, request: OperationRequest) {
  const jobId = request.params['jobId'] ?? '';
  const assignmentId = request.params['assignmentId'] ?? '';
  const job = await getResource<RouterJob>(ports, jobResource, jobId);
  if (!job.body.assignments[assignmentId]) {
    throw new AppError('notFound', `The job '${jobId}' has no assignment '${assignmentId}'. Use the assignmentId returned when the offer was accepted.`);
  }
}

async function offerOf(ports: RouterPorts, request: OperationRequest) {
  const workerId = request.params['workerId'] ?? '';
  const offerId = request.params['offerId'] ?? '';
  const worker = await getResource<RouterWorker>(ports, workerResource, workerId);
  if (!worker.body.offers.some((offer) => offer.offerId === offerId)) {
    throw new AppError('notFound', `Offer not found. OfferId: ${offerId}, WorkerId: ${workerId}. It may have expired, been revoked, or been accepted or declined already.`);
  }
}

const ASSIGNMENT = '/routing/jobs/{jobId}/assignments/{assignmentId}';
const OFFER = '/routing/workers/{workerId}/offers/{offerId}';

export const actionOperations: Operation[] = [
  {
    operationId: 'ReclassifyJob',
    method: 'POST',
    path: '/routing/jobs/{jobId}:reclassify',
    body: 'optionalJson',
    run: async (request, ports) => {
      options(request, validateReclassifyJobOptions);
      await getResource(ports, jobResource, request.params['jobId'] ?? '');
      throw notYet('Reclassification');
    },
  },
  {
    operationId: 'CancelJob',
    method: 'POST',
    path: '/routing/jobs/{jobId}:cancel',
    body: 'optionalJson',
    run: async (request, ports) => {
      await cancelJob(ports, request.params['jobId'] ?? '', options(request, validateCancelJobOptions));
      return { status: 200, json: {} };
    },
  },
  ...(
    [
      ['CompleteJob', 'complete', validateCompleteJobOptions],
      ['CloseJob', 'close', validateCloseJobOptions],
      ['UnassignJob', 'unassign', validateUnassignJobOptions],
    ] as const
  ).map(
    ([operationId, verb, validate]): Operation => ({
      operationId,
      method: 'POST',
      path: `${ASSIGNMENT}:${verb}`,
      body: 'optionalJson',
      run: async (request, ports) => {
        options<unknown>(request, validate);
        await assignmentOf(ports, request);
        throw notYet(`:${verb}`);
      },
    }),
  ),
  {
    operationId: 'GetInQueuePosition',
    method: 'GET',
    path: '/routing/jobs/{jobId}/position',
    body: 'none',
    run: async (request, ports) => {
      await getResource(ports, jobResource, request.params['jobId'] ?? '');
      throw notYet('Queue position');
    },
  },
  {
    operationId: 'GetQueueStatistics',
    method: 'GET',
    path: '/routing/queues/{queueId}/statistics',
    body: 'none',
    run: async (request, ports) => {
      await getResource(ports, queueResource, request.params['queueId'] ?? '');
      throw notYet('Queue statistics');
    },
  },
  ...(
    [
      ['AcceptJobOffer', 'accept', () => ({ ok: true, value: {} }) as const],
      ['DeclineJobOffer', 'decline', validateDeclineJobOfferOptions],
    ] as const
  ).map(
    ([operationId, verb, validate]): Operation => ({
      operationId,
      method: 'POST',
      path: `${OFFER}:${verb}`,
      body: 'optionalJson',
      run: async (request, ports) => {
        options<unknown>(request, validate);
        await offerOf(ports, request);
        throw notYet(`:${verb}`);
      },
    }),
  ),
];

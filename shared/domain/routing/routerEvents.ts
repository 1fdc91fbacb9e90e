import type { RouterEvent, RouterEventType } from '../../ports/EventPublisher';
import { isoString } from '../isoString';
import type { Labels } from '../model';
import type { JobStatus } from '../resources/jobStatus';
import type { RouterJob, StoredWorkerSelector } from '../resources/job';
import type { RouterJobOffer, RouterWorker } from '../resources/worker';

/**
 * Builders for the router events, with the Event Grid schema's field names (docs/behaviour.md#event-data), which
 * differ from the REST names. Label values stay the primitives the caller gave (the schema says
 * string maps; the docs say objects), so a number label reaches subscribers as a number.
 */

export interface QueueDetails {
  id: string;
  name?: string;
  labels: Labels;
}

export interface EventContext {
  newId: () => string;
  now: Date;
}

const pascal = (value: string) => value.charAt(0).toUpperCase() + value.slice(1);

const EVENT_OPERATORS: Record<string, string> = {
  equal: 'Equal',
  notEqual: 'NotEqual',
  greaterThan: 'Greater',
  lessThan: 'Less',
  greaterThanOrEqual: 'GreaterThanOrEqual',
  lessThanOrEqual: 'LessThanOrEqual',
};

function eventSelector(selector: StoredWorkerSelector): Record<string, unknown> {
  return {
    key: selector.key,
    labelOperator: EVENT_OPERATORS[selector.labelOperator] ?? selector.labelOperator,
    value: selector.value,
    ttlSeconds: selector.expiresAfterSeconds,
    state: selector.status,
    expirationTime: selector.expiresAt,
  };
}

export const eventSelectors = (selectors: readonly StoredWorkerSelector[]) => selectors.map(eventSelector);

export function jobStatusName(status: JobStatus): string {
  return pascal(status);
}

/**
 * An event whose data has the members of `parts`, in order. Absent members are left out, as the wire
 * leaves them out: the event is then plain JSON data, which a store can keep as it is. (Copied in one
 * pass from the parts, rather than spread into one object and deleted from: each costs a copy more.)
 */
function event(context: EventContext, type: RouterEventType, subject: string, ...parts: Record<string, unknown>[]): RouterEvent {
  const data: Record<string, unknown> = {};
  for (const part of parts) for (const key in part) if (part[key] !== undefined) data[key] = part[key];
  return { id: context.newId(), type, subject, time: isoString(context.now.getTime()), data };
}

function routerBase(job: Pick<RouterJob, 'id' | 'channelReference' | 'channelId'>) {
  return { jobId: job.id, channelReference: job.channelReference, channelId: job.channelId };
}

function jobBase(job: RouterJob) {
  return { jobId: job.id, channelReference: job.channelReference, channelId: job.channelId, queueId: job.queueId, labels: job.labels, tags: job.tags };
}

/** `job/<id>/channel/<channelId>`, then `/<kind>/<value>` when the event names one (a queue, an assignment…). */
const jobSubject = (job: Pick<RouterJob, 'id' | 'channelId'>, kind?: string, value?: string) =>
  kind === undefined ? `job/${job.id}/channel/${job.channelId ?? ''}` : `job/${job.id}/channel/${job.channelId ?? ''}/${kind}/${value ?? ''}`;

export const jobEvents = {
  received: (c: EventContext, job: RouterJob) =>
    event(c, 'RouterJobReceived', jobSubject(job), jobBase(job), {
      jobStatus: jobStatusName(job.status),
      classificationPolicyId: job.classificationPolicyId,
      priority: job.classificationPolicyId ? undefined : job.priority,
      requestedWorkerSelectors: eventSelectors(job.requestedWorkerSelectors),
      scheduledOn: job.matchingMode.kind === 'scheduleAndSuspend' ? job.matchingMode.scheduleAt : undefined,
      unavailableForMatching: job.matchingMode.kind !== 'queueAndMatch',
    }),
  queued: (c: EventContext, job: RouterJob) =>
    event(c, 'RouterJobQueued', jobSubject(job, 'queue', job.queueId ?? ''), jobBase(job), {
      priority: job.priority,
      attachedWorkerSelectors: eventSelectors(job.attachedWorkerSelectors),
      requestedWorkerSelectors: eventSelectors(job.requestedWorkerSelectors),
    }),
  completed: (c: EventContext, job: RouterJob, assignmentId: string, workerId: string | undefined) =>
    event(c, 'RouterJobCompleted', jobSubject(job, 'assignment', assignmentId), jobBase(job), { assignmentId, workerId }),
  closed: (c: EventContext, job: RouterJob, assignmentId: string, workerId: string | undefined) =>
    event(c, 'RouterJobClosed', jobSubject(job, 'assignment', assignmentId), jobBase(job), {
      assignmentId,
      workerId,
      dispositionCode: job.dispositionCode,
    }),
  cancelled: (c: EventContext, job: RouterJob, note: string | undefined) =>
    event(c, 'RouterJobCancelled', jobSubject(job, 'disposition', job.dispositionCode ?? ''), jobBase(job), {
      note,
      dispositionCode: job.dispositionCode,
    }),
  unassigned: (c: EventContext, job: RouterJob, assignmentId: string, workerId: string | undefined) =>
    event(c, 'RouterJobUnassigned', jobSubject(job, 'assignment', assignmentId), jobBase(job), { assignmentId, workerId }),
  deleted: (c: EventContext, job: RouterJob) => event(c, 'RouterJobDeleted', jobSubject(job), jobBase(job)),
  classified: (c: EventContext, job: RouterJob, queue: QueueDetails) =>
    event(c, 'RouterJobClassified', jobSubject(job, 'queue', job.queueId ?? ''), jobBase(job), {
      queueDetails: queue,
      classificationPolicyId: job.classificationPolicyId,
      priority: job.priority,
      attachedWorkerSelectors: eventSelectors(job.attachedWorkerSelectors),
    }),
  classificationFailed: (c: EventContext, job: RouterJob, reason: string) =>
    event(c, 'RouterJobClassificationFailed', jobSubject(job, 'classificationpolicy', job.classificationPolicyId ?? ''), jobBase(job), {
      classificationPolicyId: job.classificationPolicyId,
      errors: [{ code: 'ClassificationFailed', message: reason, target: job.classificationPolicyId }],
    }),
  exceptionTriggered: (c: EventContext, job: RouterJob, ruleId: string) =>
    event(c, 'RouterJobExceptionTriggered', jobSubject(job, 'exceptionrule', ruleId), jobBase(job), { ruleKey: ruleId, exceptionRuleId: ruleId }),
  workerSelectorsExpired: (c: EventContext, job: RouterJob, requested: readonly StoredWorkerSelector[], attached: readonly StoredWorkerSelector[]) =>
    event(c, 'RouterJobWorkerSelectorsExpired', jobSubject(job, 'queue', job.queueId ?? ''), jobBase(job), {
      expiredRequestedWorkerSelectors: eventSelectors(requested),
      expiredAttachedWorkerSelectors: eventSelectors(attached),
    }),
  waitingForActivation: (c: EventContext, job: RouterJob) =>
    event(c, 'RouterJobWaitingForActivation', jobSubject(job), jobBase(job), {
      priority: job.priority,
      ...expiredSelectorsOf(job),
      scheduledOn: job.scheduledAt,
      unavailableForMatching: job.matchingMode.kind !== 'queueAndMatch',
    }),
  schedulingFailed: (c: EventContext, job: RouterJob, failureReason: string) =>
    event(c, 'RouterJobSchedulingFailed', jobSubject(job), jobBase(job), {
      priority: job.priority,
      ...expiredSelectorsOf(job),
      scheduledOn: job.matchingMode.kind === 'scheduleAndSuspend' ? job.matchingMode.scheduleAt : job.scheduledAt,
      failureReason,
    }),
};

function expiredSelectorsOf(job: RouterJob) {
  const expired = (selectors: readonly StoredWorkerSelector[]) => eventSelectors(selectors.filter((s) => s.status === 'expired'));
  return { expiredAttachedWorkerSelectors: expired(job.attachedWorkerSelectors), expiredRequestedWorkerSelectors: expired(job.requestedWorkerSelectors) };
}

const offerSubject = (workerId: string, jobId: string) => `worker/${workerId}/job/${jobId}`;

export interface OfferRef {
  offerId: string;
  workerId: string;
}

export const offerEvents = {
  issued: (c: EventContext, worker: RouterWorker, job: RouterJob, offer: RouterJobOffer) =>
    event(c, 'RouterWorkerOfferIssued', offerSubject(worker.id, job.id), { workerId: worker.id }, routerBase(job), {
      queueId: job.queueId,
      offerId: offer.offerId,
      jobPriority: job.priority,
      workerLabels: worker.labels,
      offeredOn: offer.offeredAt,
      expiresOn: offer.expiresAt,
      workerTags: worker.tags,
      jobLabels: job.labels,
      jobTags: job.tags,
    }),
  accepted: (c: EventContext, worker: RouterWorker, job: RouterJob, offerId: string, assignmentId: string) =>
    event(c, 'RouterWorkerOfferAccepted', offerSubject(worker.id, job.id), { workerId: worker.id }, routerBase(job), {
      queueId: job.queueId,
      offerId,
      assignmentId,
      jobPriority: job.priority,
      workerLabels: worker.labels,
      workerTags: worker.tags,
      jobLabels: job.labels,
      jobTags: job.tags,
    }),
  ended: (
    c: EventContext,
    type: 'RouterWorkerOfferDeclined' | 'RouterWorkerOfferRevoked' | 'RouterWorkerOfferExpired',
    offer: OfferRef,
    job: Pick<RouterJob, 'id' | 'channelReference' | 'channelId' | 'queueId'>,
  ) =>
    event(c, type, offerSubject(offer.workerId, job.id), { workerId: offer.workerId }, routerBase(job), {
      queueId: job.queueId,
      offerId: offer.offerId,
    }),
};

export type UpdatedWorkerProperty = 'AvailableForOffers' | 'TotalCapacity' | 'QueueAssignments' | 'Labels' | 'Tags' | 'ChannelConfigurations';

const WORKER_PROPERTIES: ReadonlyArray<[keyof RouterWorker, UpdatedWorkerProperty]> = [
  ['availableForOffers', 'AvailableForOffers'],
  ['capacity', 'TotalCapacity'],
  ['queues', 'QueueAssignments'],
  ['labels', 'Labels'],
  ['tags', 'Tags'],
  ['channels', 'ChannelConfigurations'],
];

/** Which of the event's worker properties differ between two versions of a worker. */
export function updatedWorkerProperties(before: RouterWorker, after: RouterWorker): UpdatedWorkerProperty[] {
  return WORKER_PROPERTIES.filter(([field]) => JSON.stringify(before[field]) !== JSON.stringify(after[field])).map(([, name]) => name);
}

function workerDetails(worker: RouterWorker, queues: readonly QueueDetails[]) {
  return {
    workerId: worker.id,
    queueAssignments: queues,
    channelConfigurations: worker.channels.map((c) => ({ channelId: c.channelId, capacityCostPerJob: c.capacityCostPerJob, maxNumberOfJobs: c.maxNumberOfJobs })),
    totalCapacity: worker.capacity,
    labels: worker.labels,
    tags: worker.tags,
  };
}

export const workerEvents = {
  registered: (c: EventContext, worker: RouterWorker, queues: readonly QueueDetails[]) =>
    event(c, 'RouterWorkerRegistered', `worker/${worker.id}`, workerDetails(worker, queues)),
  updated: (c: EventContext, worker: RouterWorker, queues: readonly QueueDetails[], properties: UpdatedWorkerProperty[]) =>
    event(c, 'RouterWorkerUpdated', `worker/${worker.id}`, { ...workerDetails(worker, queues), updatedWorkerProperties: properties }),
  deregistered: (c: EventContext, workerId: string) => event(c, 'RouterWorkerDeregistered', `worker/${workerId}`, { workerId }),
  deleted: (c: EventContext, workerId: string) => event(c, 'RouterWorkerDeleted', `worker/${workerId}`, { workerId }),
};

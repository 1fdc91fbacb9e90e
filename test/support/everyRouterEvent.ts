import { jobEvents, offerEvents, workerEvents, type EventContext, type QueueDetails } from '../../shared/domain/routing/routerEvents';
import type { RouterEvent, RouterEventType } from '../../shared/ports/EventPublisher';
import { makeJob, makeWorker, offer, selector, T0 } from '../unit/routing/helpers';

/**
 * A job and a worker that give the event builders something for every field they can fill: a
 * classification policy, a schedule, selectors that expire and have expired, a disposition, labels
 * and tags (strings only, as the schema's maps are), channel configurations with and without a limit.
 */
export const sampleJob = makeJob({
  id: 'job-1',
  channelReference: 'call-42',
  channelId: 'voice',
  classificationPolicyId: 'policy-1',
  queueId: 'queue-1',
  priority: 5,
  dispositionCode: 'resolved',
  labels: { language: 'english', tier: 'gold' },
  tags: { crm: 'c-9' },
  scheduledAt: '2024-01-01T00:10:00+00:00',
  matchingMode: { kind: 'scheduleAndSuspend', scheduleAt: '2024-01-01T00:10:00+00:00' },
  requestedWorkerSelectors: [selector('skill', 'greaterThan', 2, { expiresAfterSeconds: 30, expiresAt: '2024-01-01T00:00:30+00:00' })],
  attachedWorkerSelectors: [selector('vip', 'equal', true, { status: 'expired', expiresAfterSeconds: 10, expiresAt: '2024-01-01T00:00:10+00:00' })],
});

export const sampleWorker = makeWorker(
  {
    availableForOffers: true,
    capacity: 10,
    queues: ['queue-1'],
    labels: { skill: 'expert' },
    tags: { site: 'lisbon' },
    channels: [
      { channelId: 'voice', capacityCostPerJob: 10, maxNumberOfJobs: 1 },
      { channelId: 'chat', capacityCostPerJob: 2 },
    ],
  },
  'worker-1',
);

export const sampleQueue: QueueDetails = { id: 'queue-1', name: 'Sales', labels: { region: 'emea' } };

/** One event of each of the 22 types, built by the router's own builders, in the reference's order. */
export function everyRouterEvent(): Record<RouterEventType, RouterEvent> {
  let counter = 0;
  const c: EventContext = { newId: () => `00000000-0000-4000-8000-${String(++counter).padStart(12, '0')}`, now: T0 };
  const job = sampleJob;
  const worker = sampleWorker;
  const ref = { offerId: 'offer-1', workerId: worker.id };
  return {
    RouterJobReceived: jobEvents.received(c, job),
    RouterJobClassified: jobEvents.classified(c, job, sampleQueue),
    RouterJobQueued: jobEvents.queued(c, job),
    RouterJobClassificationFailed: jobEvents.classificationFailed(c, job, 'no queue matched the labels'),
    RouterJobCompleted: jobEvents.completed(c, job, 'assignment-1', worker.id),
    RouterJobClosed: jobEvents.closed(c, job, 'assignment-1', worker.id),
    RouterJobCancelled: jobEvents.cancelled(c, job, 'caller hung up'),
    RouterJobExceptionTriggered: jobEvents.exceptionTriggered(c, job, 'rule-1'),
    RouterJobWorkerSelectorsExpired: jobEvents.workerSelectorsExpired(c, job, job.requestedWorkerSelectors, job.attachedWorkerSelectors),
    RouterJobUnassigned: jobEvents.unassigned(c, job, 'assignment-1', worker.id),
    RouterJobWaitingForActivation: jobEvents.waitingForActivation(c, job),
    RouterJobSchedulingFailed: jobEvents.schedulingFailed(c, job, 'the scheduled time has passed'),
    RouterJobDeleted: jobEvents.deleted(c, job),
    RouterWorkerOfferIssued: offerEvents.issued(c, worker, job, offer('offer-1', job.id, 10)),
    RouterWorkerOfferAccepted: offerEvents.accepted(c, worker, job, 'offer-1', 'assignment-1'),
    RouterWorkerOfferDeclined: offerEvents.ended(c, 'RouterWorkerOfferDeclined', ref, job),
    RouterWorkerOfferRevoked: offerEvents.ended(c, 'RouterWorkerOfferRevoked', ref, job),
    RouterWorkerOfferExpired: offerEvents.ended(c, 'RouterWorkerOfferExpired', ref, job),
    RouterWorkerRegistered: workerEvents.registered(c, worker, [sampleQueue]),
    RouterWorkerDeregistered: workerEvents.deregistered(c, worker.id),
    RouterWorkerDeleted: workerEvents.deleted(c, worker.id),
    RouterWorkerUpdated: workerEvents.updated(c, worker, [sampleQueue], ['TotalCapacity', 'Labels']),
  };
}

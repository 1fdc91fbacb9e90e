import type { RouterWorker } from '../../../shared/domain/resources/worker';
import {
  eventSelectors,
  jobEvents,
  jobStatusName,
  offerEvents,
  updatedWorkerProperties,
  workerEvents,
  type EventContext,
} from '../../../shared/domain/routing/routerEvents';
import type { RouterEvent } from '../../../shared/ports/EventPublisher';
import { makeJob, makeWorker, offer, selector, T0 } from './helpers';

let counter = 0;
const context = (): EventContext => ({ newId: () => `evt-${++counter}`, now: T0 });

/** Data as a subscriber receives it: JSON drops undefined members. */
const wire = (event: RouterEvent) => JSON.parse(JSON.stringify(event.data)) as Record<string, unknown>;

const job = makeJob({
  id: 'job-1',
  channelReference: 'call-42',
  channelId: 'voice',
  queueId: 'queue-1',
  priority: 5,
  labels: { language: 'english', level: 3 },
  tags: { crm: 'c-9' },
  requestedWorkerSelectors: [selector('level', 'greaterThan', 2, { expiresAfterSeconds: 30, expiresAt: '2024-01-01T00:00:30+00:00' })],
  attachedWorkerSelectors: [selector('vip', 'equal', true, { status: 'expired' })],
});

const worker = makeWorker(
  {
    availableForOffers: true,
    capacity: 10,
    queues: ['queue-1'],
    labels: { skill: 7 },
    tags: { site: 'lisbon' },
    channels: [
      { channelId: 'voice', capacityCostPerJob: 10, maxNumberOfJobs: 1 },
      { channelId: 'chat', capacityCostPerJob: 2 },
    ],
  },
  'worker-1',
);

describe('event envelope', () => {
  it('has a fresh id, the type, the subject and the time of the context', () => {
    const c = context();
    const first = jobEvents.deleted(c, job);
    const second = jobEvents.deleted(c, job);
    expect(first.id).not.toBe(second.id);
    expect(first.type).toBe('RouterJobDeleted');
    expect(first.time).toBe('2024-01-01T00:00:00.000Z');
    expect(first.subject).toBe('job/job-1/channel/voice');
  });
});

describe('offerEvents', () => {
  const o = offer('offer-1', 'job-1', 10);

  it('issued carries the Event Grid field names and values', () => {
    const event = offerEvents.issued(context(), worker, job, o);
    expect(event.type).toBe('RouterWorkerOfferIssued');
    expect(event.subject).toBe('worker/worker-1/job/job-1');
    expect(Object.keys(event.data).sort()).toEqual(
      ['workerId', 'jobId', 'channelReference', 'channelId', 'queueId', 'offerId', 'jobPriority', 'workerLabels', 'offeredOn', 'expiresOn', 'workerTags', 'jobLabels', 'jobTags'].sort(),
    );
    expect(event.data).toEqual({
      workerId: 'worker-1',
      jobId: 'job-1',
      channelReference: 'call-42',
      channelId: 'voice',
      queueId: 'queue-1',
      offerId: 'offer-1',
      jobPriority: 5,
      workerLabels: { skill: 7, Id: 'worker-1' },
      offeredOn: '2024-01-01T00:00:00+00:00',
      expiresOn: '2024-01-01T00:05:00+00:00',
      workerTags: { site: 'lisbon' },
      jobLabels: { language: 'english', level: 3 },
      jobTags: { crm: 'c-9' },
    });
  });

  it('accepted names the assignment', () => {
    const event = offerEvents.accepted(context(), worker, job, 'offer-1', 'assignment-1');
    expect(event.type).toBe('RouterWorkerOfferAccepted');
    expect(event.subject).toBe('worker/worker-1/job/job-1');
    expect(event.data).toEqual({
      workerId: 'worker-1',
      jobId: 'job-1',
      channelReference: 'call-42',
      channelId: 'voice',
      queueId: 'queue-1',
      offerId: 'offer-1',
      assignmentId: 'assignment-1',
      jobPriority: 5,
      workerLabels: { skill: 7, Id: 'worker-1' },
      workerTags: { site: 'lisbon' },
      jobLabels: { language: 'english', level: 3 },
      jobTags: { crm: 'c-9' },
    });
  });

  it.each(['RouterWorkerOfferDeclined', 'RouterWorkerOfferRevoked', 'RouterWorkerOfferExpired'] as const)('%s names the worker, job and offer', (type) => {
    const event = offerEvents.ended(context(), type, { offerId: 'offer-1', workerId: 'worker-2' }, job);
    expect(event.type).toBe(type);
    expect(event.subject).toBe('worker/worker-2/job/job-1');
    expect(event.data).toEqual({ workerId: 'worker-2', jobId: 'job-1', channelReference: 'call-42', channelId: 'voice', queueId: 'queue-1', offerId: 'offer-1' });
  });
});

describe('jobEvents', () => {
  const base = { jobId: 'job-1', channelReference: 'call-42', channelId: 'voice', queueId: 'queue-1', labels: { language: 'english', level: 3 }, tags: { crm: 'c-9' } };

  it('received: PascalCase status, event selector names, unavailableForMatching false for queueAndMatch', () => {
    const event = jobEvents.received(context(), job);
    expect(event.type).toBe('RouterJobReceived');
    expect(event.subject).toBe('job/job-1/channel/voice');
    expect(wire(event)).toEqual({
      ...base,
      jobStatus: 'Queued',
      priority: 5,
      requestedWorkerSelectors: [{ key: 'level', labelOperator: 'Greater', value: 2, ttlSeconds: 30, state: 'active', expirationTime: '2024-01-01T00:00:30+00:00' }],
      unavailableForMatching: false,
    });
    expect(event.data['unavailableForMatching']).toBe(false);
  });

  it('received: a classified job has no priority yet; its status is PendingClassification', () => {
    const classified = makeJob({ ...job, status: 'pendingClassification', classificationPolicyId: 'policy-1' });
    const data = wire(jobEvents.received(context(), classified));
    expect(data['jobStatus']).toBe('PendingClassification');
    expect(data['classificationPolicyId']).toBe('policy-1');
    expect(data).not.toHaveProperty('priority');
  });

  it('received: a suspended or scheduled job is unavailable for matching; a scheduled one says when', () => {
    const suspended = jobEvents.received(context(), makeJob({ status: 'waitingForActivation', matchingMode: { kind: 'suspend' } }));
    expect(suspended.data['unavailableForMatching']).toBe(true);
    expect(suspended.data['jobStatus']).toBe('WaitingForActivation');
    expect(wire(suspended)).not.toHaveProperty('scheduledOn');
    const scheduled = jobEvents.received(context(), makeJob({ status: 'pendingSchedule', matchingMode: { kind: 'scheduleAndSuspend', scheduleAt: '2024-01-02T09:00:00+00:00' } }));
    expect(scheduled.data['unavailableForMatching']).toBe(true);
    expect(scheduled.data['scheduledOn']).toBe('2024-01-02T09:00:00+00:00');
    expect(scheduled.data['jobStatus']).toBe('PendingSchedule');
  });

  it('queued: subject with the queue, attached and requested selectors', () => {
    const event = jobEvents.queued(context(), job);
    expect(event.type).toBe('RouterJobQueued');
    expect(event.subject).toBe('job/job-1/channel/voice/queue/queue-1');
    expect(wire(event)).toEqual({
      ...base,
      priority: 5,
      attachedWorkerSelectors: [{ key: 'vip', labelOperator: 'Equal', value: true, state: 'expired' }],
      requestedWorkerSelectors: [{ key: 'level', labelOperator: 'Greater', value: 2, ttlSeconds: 30, state: 'active', expirationTime: '2024-01-01T00:00:30+00:00' }],
    });
  });

  it('completed, closed and unassigned: subject with the assignment', () => {
    const closedJob = makeJob({ ...job, status: 'closed', dispositionCode: 'Resolved' });
    const completed = jobEvents.completed(context(), job, 'a-1', 'worker-1');
    const closed = jobEvents.closed(context(), closedJob, 'a-1', 'worker-1');
    const unassigned = jobEvents.unassigned(context(), job, 'a-1', 'worker-1');
    expect([completed.type, closed.type, unassigned.type]).toEqual(['RouterJobCompleted', 'RouterJobClosed', 'RouterJobUnassigned']);
    for (const e of [completed, closed, unassigned]) expect(e.subject).toBe('job/job-1/channel/voice/assignment/a-1');
    expect(wire(completed)).toEqual({ ...base, assignmentId: 'a-1', workerId: 'worker-1' });
    expect(wire(closed)).toEqual({ ...base, assignmentId: 'a-1', workerId: 'worker-1', dispositionCode: 'Resolved' });
    expect(wire(unassigned)).toEqual({ ...base, assignmentId: 'a-1', workerId: 'worker-1' });
  });

  it('cancelled: subject with the disposition code, the note in the data', () => {
    const cancelled = makeJob({ ...job, status: 'cancelled', dispositionCode: 'Abandoned' });
    const event = jobEvents.cancelled(context(), cancelled, 'caller hung up');
    expect(event.type).toBe('RouterJobCancelled');
    expect(event.subject).toBe('job/job-1/channel/voice/disposition/Abandoned');
    expect(wire(event)).toEqual({ ...base, note: 'caller hung up', dispositionCode: 'Abandoned' });
  });

  it('deleted: the job fields only', () => {
    expect(wire(jobEvents.deleted(context(), job))).toEqual(base);
  });

  it('a job without a channel still has a well-formed subject', () => {
    expect(jobEvents.queued(context(), makeJob({ id: 'j', channelId: undefined, queueId: 'q' })).subject).toBe('job/j/channel//queue/q');
  });
});

describe('eventSelectors and jobStatusName', () => {
  it('maps every operator to the Event Grid spelling', () => {
    const mapped = eventSelectors([
      selector('k', 'equal', 1),
      selector('k', 'notEqual', 1),
      selector('k', 'greaterThan', 1),
      selector('k', 'lessThan', 1),
      selector('k', 'greaterThanOrEqual', 1),
      selector('k', 'lessThanOrEqual', 1),
    ]);
    expect(mapped.map((s) => s['labelOperator'])).toEqual(['Equal', 'NotEqual', 'Greater', 'Less', 'GreaterThanOrEqual', 'LessThanOrEqual']);
  });

  it('renames expiresAfterSeconds, status and expiresAt, and keeps no REST-only name', () => {
    const [s] = eventSelectors([selector('lang', 'equal', 'fr', { expiresAfterSeconds: 12, expiresAt: '2024-01-01T00:00:12+00:00', expedite: true })]);
    expect(s).toEqual({ key: 'lang', labelOperator: 'Equal', value: 'fr', ttlSeconds: 12, state: 'active', expirationTime: '2024-01-01T00:00:12+00:00' });
    for (const restName of ['expiresAfterSeconds', 'status', 'expiresAt', 'expedite']) expect(s).not.toHaveProperty(restName);
  });

  it('jobStatusName is the PascalCase status', () => {
    expect(jobStatusName('queued')).toBe('Queued');
    expect(jobStatusName('classificationFailed')).toBe('ClassificationFailed');
    expect(jobStatusName('waitingForActivation')).toBe('WaitingForActivation');
  });
});

describe('workerEvents', () => {
  const queues = [{ id: 'queue-1', name: 'Sales', labels: { Id: 'queue-1' } }];

  it('registered: worker details with the Event Grid names', () => {
    const event = workerEvents.registered(context(), worker, queues);
    expect(event.type).toBe('RouterWorkerRegistered');
    expect(event.subject).toBe('worker/worker-1');
    expect(wire(event)).toEqual({
      workerId: 'worker-1',
      queueAssignments: queues,
      channelConfigurations: [
        { channelId: 'voice', capacityCostPerJob: 10, maxNumberOfJobs: 1 },
        { channelId: 'chat', capacityCostPerJob: 2 },
      ],
      totalCapacity: 10,
      labels: { skill: 7, Id: 'worker-1' },
      tags: { site: 'lisbon' },
    });
  });

  it('updated: the same details plus updatedWorkerProperties', () => {
    const event = workerEvents.updated(context(), worker, queues, ['TotalCapacity', 'Labels']);
    expect(event.type).toBe('RouterWorkerUpdated');
    expect(event.subject).toBe('worker/worker-1');
    expect(event.data['updatedWorkerProperties']).toEqual(['TotalCapacity', 'Labels']);
    expect(event.data['totalCapacity']).toBe(10);
    expect(event.data['workerId']).toBe('worker-1');
  });

  it('deregistered and deleted: the worker id only', () => {
    const deregistered = workerEvents.deregistered(context(), 'worker-1');
    const deleted = workerEvents.deleted(context(), 'worker-1');
    expect([deregistered.type, deleted.type]).toEqual(['RouterWorkerDeregistered', 'RouterWorkerDeleted']);
    expect(deregistered.subject).toBe('worker/worker-1');
    expect(deleted.subject).toBe('worker/worker-1');
    expect(deregistered.data).toEqual({ workerId: 'worker-1' });
    expect(deleted.data).toEqual({ workerId: 'worker-1' });
  });
});

describe('updatedWorkerProperties', () => {
  const changed = (patch: Partial<RouterWorker>) => updatedWorkerProperties(worker, { ...structuredClone(worker), ...patch });

  it('is empty when nothing the event reports changed', () => {
    expect(updatedWorkerProperties(worker, structuredClone(worker))).toEqual([]);
  });

  it('ignores server-owned fields (offers, assignments, load, state)', () => {
    expect(changed({ offers: [offer('o', 'j', 1)], loadRatio: 0.1, state: 'draining', assignedJobs: [] })).toEqual([]);
  });

  it.each<[Partial<RouterWorker>, string]>([
    [{ availableForOffers: false }, 'AvailableForOffers'],
    [{ capacity: 11 }, 'TotalCapacity'],
    [{ queues: ['queue-1', 'queue-2'] }, 'QueueAssignments'],
    [{ labels: { skill: 8, Id: 'worker-1' } }, 'Labels'],
    [{ tags: {} }, 'Tags'],
    [{ channels: [{ channelId: 'voice', capacityCostPerJob: 5 }] }, 'ChannelConfigurations'],
  ])('detects %j as %s', (patch, name) => {
    expect(changed(patch)).toEqual([name]);
  });

  it('detects a nested change (a channel maxNumberOfJobs)', () => {
    const channels = structuredClone(worker.channels);
    channels[1]!.maxNumberOfJobs = 3;
    expect(changed({ channels })).toEqual(['ChannelConfigurations']);
  });

  it('lists several changes in a fixed order', () => {
    expect(changed({ channels: [], tags: { a: 1 }, availableForOffers: false, capacity: 0 })).toEqual(['AvailableForOffers', 'TotalCapacity', 'Tags', 'ChannelConfigurations']);
  });
});

import { jobInputSchema, type JobInput, type JobMatchingMode, type Labels, type RouterWorkerSelector } from '../model';
import { instantAfter } from '../dueTime';
import { idKeyed } from '../idKeyed';
import type { IndexKeys } from '../../ports/Store';
import { toSortableTime, toWireTime } from '../wireTime';
import { ACTIVE_JOB_STATUSES, isTerminal, type JobStatus } from './jobStatus';
import { ordered, pick, type BuildContext, type Reference, type ResourceDefinition, validatedBy } from './ResourceDefinition';
import { jobRoutingKeys } from '../routing/routingKeys';
import type { EngineJob, JobRouting } from '../routing/routingState';

/** A worker selector as the service returns it: with its status and, when it expires, when. */
export interface StoredWorkerSelector extends RouterWorkerSelector {
  expedite: boolean;
  status: 'active' | 'expired';
  expiresAt?: string;
}

export interface RouterJobAssignment {
  assignmentId: string;
  workerId?: string;
  assignedAt: string;
  completedAt?: string;
  closedAt?: string;
}

export interface RouterJobNote {
  message: string;
  addedAt: string;
}

export interface RouterJob {
  id: string;
  channelReference?: string;
  status: JobStatus;
  enqueuedAt?: string;
  channelId?: string;
  classificationPolicyId?: string;
  queueId?: string;
  priority: number;
  dispositionCode?: string;
  requestedWorkerSelectors: StoredWorkerSelector[];
  attachedWorkerSelectors: StoredWorkerSelector[];
  labels: Labels;
  assignments: Record<string, RouterJobAssignment>;
  tags: Labels;
  notes: RouterJobNote[];
  scheduledAt?: string;
  matchingMode: JobMatchingMode;
}

export const DEFAULT_JOB_PRIORITY = 1;

const WRITABLE = [
  'channelReference',
  'channelId',
  'classificationPolicyId',
  'queueId',
  'priority',
  'dispositionCode',
  'requestedWorkerSelectors',
  'labels',
  'tags',
  'notes',
  'matchingMode',
] as const;

const WIRE_ORDER = [
  'id',
  'channelReference',
  'status',
  'enqueuedAt',
  'channelId',
  'classificationPolicyId',
  'queueId',
  'priority',
  'dispositionCode',
  'requestedWorkerSelectors',
  'attachedWorkerSelectors',
  'labels',
  'assignments',
  'tags',
  'notes',
  'scheduledAt',
  'matchingMode',
  '_routing',
] as const;

/**
 * The status a new job starts in (docs/behaviour.md#job-state-machine). A job given a queue and no classification policy is
 * queued in the same write that creates it, so an acknowledged job is never left unqueued by a crash.
 */
function initialStatus(input: JobInput): JobStatus {
  if (input.matchingMode?.kind === 'scheduleAndSuspend') return 'pendingSchedule';
  if (input.classificationPolicyId) return 'pendingClassification';
  if (input.matchingMode?.kind === 'suspend') return 'waitingForActivation';
  return 'queued';
}

/** Statuses a PATCH to `queueAndMatch` activates: parked, scheduled (early activation) or waiting for activation. */
const ACTIVATABLE: readonly JobStatus[] = ['created', 'waitingForActivation', 'pendingSchedule', 'scheduled'];

/**
 * Statuses in which a new classification policy, or new labels under one, classify the job again
 * (docs/behaviour.md#reclassification: updating labels re-runs the policy).
 */
const RECLASSIFIABLE: readonly JobStatus[] = ['queued', 'pendingClassification', 'classificationFailed'];

/** Fields whose change revokes a queued job's offers and re-matches it (docs/behaviour.md#job-updates). */
const REMATCH_FIELDS = ['queueId', 'channelId', 'labels', 'requestedWorkerSelectors'] as const;

/**
 * How an update moves a job that is waiting: switching to `suspend` parks it (waitingForActivation),
 * switching a parked job back to `queueAndMatch` queues it, and changing what matching reads revokes
 * its offers. Jobs in other statuses keep their status: the engine's actions move them.
 */
function statusAfterUpdate(job: RouterJob & { _routing?: JobRouting }, existing: EngineJob, now: Date): void {
  const mode = job.matchingMode.kind;
  // Giving a job that failed classification a queue of its own is the intervention docs/behaviour.md#classification-failure asks for.
  const classifyAgain =
    job.classificationPolicyId !== undefined &&
    (job.classificationPolicyId !== existing.classificationPolicyId ||
      JSON.stringify(job.labels) !== JSON.stringify(existing.labels) ||
      (existing.status === 'classificationFailed' && job.queueId !== existing.queueId));
  if (ACTIVATABLE.includes(existing.status) && mode === 'queueAndMatch') {
    // A job never queued before is classified first when it has a policy.
    if (job.classificationPolicyId && !existing.enqueuedAt) job.status = 'pendingClassification';
    else if (job.queueId) job.status = 'queued';
  } else if (existing.status === 'queued' && mode === 'suspend') {
    job.status = 'waitingForActivation';
  } else if (RECLASSIFIABLE.includes(existing.status) && classifyAgain) {
    job.status = 'pendingClassification';
  }
  const queuedNow = job.status === 'queued' && (existing.status !== 'queued' || job.queueId !== existing.queueId);
  if (queuedNow) job.enqueuedAt = toWireTime(now);
  const rematch = REMATCH_FIELDS.some((field) => JSON.stringify(job[field]) !== JSON.stringify(existing[field]));
  if (job._routing && job._routing.offers.length > 0 && (job.status !== 'queued' || rematch)) {
    job._routing = { ...job._routing, offers: [] };
  }
}

const sameSelector = (a: RouterWorkerSelector, b: RouterWorkerSelector) =>
  a.key === b.key &&
  a.labelOperator === b.labelOperator &&
  a.value === b.value &&
  a.expiresAfterSeconds === b.expiresAfterSeconds &&
  (a.expedite ?? false) === (b.expedite ?? false);

/**
 * Selectors keep their status and expiry across updates that leave them unchanged, so re-sending a
 * job does not restart a selector's clock; a new or changed selector starts fresh.
 */
function buildSelectors(selectors: RouterWorkerSelector[], existing: StoredWorkerSelector[], now: Date): StoredWorkerSelector[] {
  return selectors.map((selector, index) => {
    const previous = existing[index];
    if (previous && sameSelector(selector, previous)) return previous;
    return storedSelector(selector, now);
  });
}

/** A selector as stored from `now`: active, and with `expiresAt` when it has `expiresAfterSeconds`. */
export function storedSelector(selector: RouterWorkerSelector, now: Date): StoredWorkerSelector {
  const expiresAt = selector.expiresAfterSeconds === undefined ? undefined : toWireTime(instantAfter(now, selector.expiresAfterSeconds));
  return ordered<StoredWorkerSelector>(
    { expedite: selector.expedite ?? false, status: 'active', key: selector.key, labelOperator: selector.labelOperator, value: selector.value, expiresAfterSeconds: selector.expiresAfterSeconds, expiresAt },
    ['expedite', 'status', 'key', 'labelOperator', 'value', 'expiresAfterSeconds', 'expiresAt'],
  );
}

/** `queueAndMatch` when omitted (docs/behaviour.md#defaults); `scheduleAt` echoed in the service's time format. */
function wireMatchingMode(mode: JobMatchingMode | undefined): JobMatchingMode {
  if (!mode) return { kind: 'queueAndMatch' };
  if (mode.kind === 'scheduleAndSuspend' && mode.scheduleAt) return { ...mode, scheduleAt: toWireTime(mode.scheduleAt) };
  return mode;
}

function buildJob(input: JobInput, { id, existing, now }: BuildContext<RouterJob>): RouterJob {
  const nowText = toWireTime(now);
  const status = existing?.status ?? initialStatus(input);
  const job = ordered<EngineJob>(
    {
      // Server-owned fields carry over from the stored job; the engine changes them, not a PATCH.
      ...(existing ? pick(existing, ['status', 'enqueuedAt', 'attachedWorkerSelectors', 'assignments', 'scheduledAt', '_routing']) : {}),
      enqueuedAt: existing ? existing.enqueuedAt : status === 'queued' ? nowText : undefined,
      id,
      status,
      channelReference: input.channelReference,
      channelId: input.channelId,
      classificationPolicyId: input.classificationPolicyId,
      queueId: input.queueId,
      priority: input.priority ?? DEFAULT_JOB_PRIORITY,
      dispositionCode: input.dispositionCode,
      requestedWorkerSelectors: buildSelectors(input.requestedWorkerSelectors ?? [], existing?.requestedWorkerSelectors ?? [], now),
      attachedWorkerSelectors: existing?.attachedWorkerSelectors ?? [],
      labels: input.labels ?? {},
      assignments: existing?.assignments ?? idKeyed(),
      tags: input.tags ?? {},
      notes: (input.notes ?? []).map((note) => ({ message: note.message, addedAt: note.addedAt ? toWireTime(note.addedAt) : nowText })),
      matchingMode: wireMatchingMode(input.matchingMode),
    },
    WIRE_ORDER,
  );
  if (existing) statusAfterUpdate(job, existing, now);
  return job;
}

export const jobResource: ResourceDefinition<JobInput, RouterJob> = {
  collection: 'jobs',
  noun: 'job',
  wireOrder: WIRE_ORDER,
  ...validatedBy(jobInputSchema),
  writable: (body) => pick(body, WRITABLE),
  build: buildJob,
  check: (body) =>
    body.queueId || body.classificationPolicyId ? undefined : 'A job needs a queueId or a classificationPolicyId (or both).',
  references: (body) => {
    const refs: Reference[] = [];
    if (body.queueId) refs.push({ collection: 'queues', id: body.queueId, field: 'queueId' });
    if (body.classificationPolicyId) refs.push({ collection: 'classificationPolicies', id: body.classificationPolicyId, field: 'classificationPolicyId' });
    return refs;
  },
  indexKeys: (body, now) => {
    // A fresh object each call: the other keys join it instead of a copy of it (one object per write, not two).
    const keys: IndexKeys = jobRoutingKeys(body, now);
    keys['status'] = body.status;
    keys['open'] = !isTerminal(body.status);
    keys['active'] = ACTIVE_JOB_STATUSES.includes(body.status);
    if (body.queueId) keys['queueId'] = body.queueId;
    if (body.channelId) keys['channelId'] = body.channelId;
    if (body.classificationPolicyId) keys['classificationPolicyId'] = body.classificationPolicyId;
    const scheduled = body.scheduledAt ?? (body.matchingMode.kind === 'scheduleAndSuspend' ? body.matchingMode.scheduleAt : undefined);
    if (scheduled) keys['scheduledAt'] = toSortableTime(scheduled);
    return keys;
  },
  deleteBlockers: [],
  deleteBlockedStatus: 409,
};

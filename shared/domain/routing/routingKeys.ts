import type { IndexKeys } from '../../ports/Store';
import { flatText } from '../flatText';
import type { RouterJob } from '../resources/job';
import { toSortableTime } from '../wireTime';
import { activeSelectors } from './selectors';
import { offerableChannels } from './workerCapacity';
import { jobRouting, workerRouting, type EngineJob, type EngineWorker } from './routingState';

/**
 * Index keys that make routing decisions range reads instead of scans. Each value starts with the
 * queue id and a separator that ids cannot contain, so one queue's entries form one contiguous range,
 * and continues with what orders them.
 */
export const SEP = '\u001f';
/** The first string after every string that starts with `<prefix>\u001f`. */
const AFTER_SEP = '\u0020';

export interface KeyRange {
  from: string;
  to: string;
}

export const prefixRange = (...parts: string[]): KeyRange => ({ from: parts.join(SEP) + SEP, to: parts.join(SEP) + AFTER_SEP });

/** Jobs waiting for offers, in matching order: expedited first, then higher priority, then earlier enqueued. */
export const JOB_MATCH_ORDER = 'matchOrder';
/** Queued jobs by enqueue time (longest wait). */
export const JOB_QUEUED_SINCE = 'queuedSince';
/** Jobs by the time of their latest assignment (recent assignment rate). */
export const JOB_ASSIGNED_AT = 'assignedAt';
/** Queue × channel pairs on which a worker can be offered a job now (id order = round robin order). */
export const WORKER_OFFERABLE = 'offerable';
/** Offerable workers per queue × channel by load ratio, then idle since (longest idle order). */
export const WORKER_IDLE_ORDER = 'idleOrder';

export function isMatchable(job: RouterJob): boolean {
  return job.status === 'queued' && job.matchingMode.kind === 'queueAndMatch' && job.queueId !== undefined;
}

export function isExpedited(job: RouterJob, now: Date): boolean {
  return activeSelectors([...job.requestedWorkerSelectors, ...job.attachedWorkerSelectors], now).some((s) => s.expedite);
}

/** The part of the match order after the queue id: compare two of these to compare places in a queue. */
export function matchRank(job: RouterJob, now: Date): string {
  const priority = String(100 - job.priority).padStart(3, '0');
  return `${isExpedited(job, now) ? '0' : '1'}${priority}${toSortableTime(job.enqueuedAt ?? new Date(0))}${SEP}${job.id}`;
}

export function jobRoutingKeys(job: EngineJob, now: Date): IndexKeys {
  const keys: IndexKeys = {};
  if (!job.queueId) return keys;
  if (isMatchable(job)) {
    keys[JOB_MATCH_ORDER] = `${job.queueId}${SEP}${matchRank(job, now)}`;
    keys[JOB_QUEUED_SINCE] = `${job.queueId}${SEP}${toSortableTime(job.enqueuedAt ?? new Date(0))}`;
  }
  const assignedAt = job._routing ? jobRouting(job).assignedAt : undefined;
  // Kept as long as the job is (a closed job keeps it): one flat string (see flatText). The other keys
  // live while a job waits or a worker is free, and the range index's first comparison flattens them.
  if (assignedAt) keys[JOB_ASSIGNED_AT] = flatText(job.queueId, SEP, toSortableTime(assignedAt), SEP, job.id);
  return keys;
}

export function workerRoutingKeys(worker: EngineWorker): IndexKeys {
  const channels = offerableChannels(worker);
  if (channels.length === 0) return {};
  const idleSince = toSortableTime(workerRouting(worker).idleSince ?? new Date(0));
  const load = worker.loadRatio.toFixed(6);
  const offerable: string[] = [];
  const idle: string[] = [];
  for (const queueId of worker.queues) {
    for (const channelId of channels) {
      offerable.push(`${queueId}${SEP}${channelId}`);
      idle.push(`${queueId}${SEP}${channelId}${SEP}${load}${idleSince}${SEP}${worker.id}`);
    }
  }
  return { [WORKER_OFFERABLE]: offerable, [WORKER_IDLE_ORDER]: idle };
}

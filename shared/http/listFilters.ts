import { isRfc3339DateTime } from '../domain/model';
import { JOB_STATUSES, WORKER_STATES } from '../domain/resources';
import { toSortableTime } from '../domain/wireTime';
import type { Condition } from '../ports/Store';
import { badRequest } from './errors';
import type { Parameter } from './Parameter';

/** A list operation's query parameters turned into store conditions; bad values are 400s. */
export interface ListFilters {
  /** The query parameters `where` reads (a test holds the two equal). */
  parameters: readonly Parameter[];
  where(query: URLSearchParams): Condition[];
}

const query = (name: string, description: string, schema: Parameter['schema']): Parameter => ({ name, in: 'query', description, schema });
const DATE_TIME = { type: 'string', format: 'date-time' };
const JOB_STATUS_FILTERS = ['all', 'active', ...JOB_STATUSES];
const WORKER_STATE_FILTERS = ['all', ...WORKER_STATES];

const oneOf = (name: string, value: string, allowed: readonly string[]) => {
  if (!allowed.includes(value)) throw badRequest(`Query parameter ${name}="${value}" is not valid; use one of ${allowed.join(', ')}.`);
  return value;
};

/** An RFC 3339 query parameter in the sortable form of index keys. */
export const dateParam = (name: string, value: string) => {
  if (!isRfc3339DateTime(value)) throw badRequest(`Query parameter ${name}="${value}" is not an RFC 3339 date-time such as 2024-01-01T00:00:00Z.`);
  return toSortableTime(value);
};

export const jobFilters: ListFilters = {
  parameters: [
    query('status', 'Jobs in this status; `active` is every status except created, closed and cancelled; `all` (the default) any.', { type: 'string', enum: JOB_STATUS_FILTERS }),
    query('queueId', 'Jobs in this queue.', { type: 'string' }),
    query('channelId', 'Jobs on this channel.', { type: 'string' }),
    query('classificationPolicyId', 'Jobs classified by this policy.', { type: 'string' }),
    query('scheduledBefore', 'Scheduled jobs due at or before this time.', DATE_TIME),
    query('scheduledAfter', 'Scheduled jobs due at or after this time.', DATE_TIME),
  ],
  where: (query) => jobConditions(query),
};

function jobConditions(query: URLSearchParams): Condition[] {
  const where: Condition[] = [];
  const status = query.get('status');
  if (status !== null) {
    oneOf('status', status, JOB_STATUS_FILTERS);
    if (status === 'active') where.push({ key: 'active', op: 'eq', value: true });
    else if (status !== 'all') where.push({ key: 'status', op: 'eq', value: status });
  }
  for (const key of ['queueId', 'channelId', 'classificationPolicyId'] as const) {
    const value = query.get(key);
    if (value !== null) where.push({ key, op: 'eq', value });
  }
  const before = query.get('scheduledBefore');
  if (before !== null) where.push({ key: 'scheduledAt', op: 'lte', value: dateParam('scheduledBefore', before) });
  const after = query.get('scheduledAfter');
  if (after !== null) where.push({ key: 'scheduledAt', op: 'gte', value: dateParam('scheduledAfter', after) });
  return where;
}

export const workerFilters: ListFilters = {
  parameters: [
    query('state', 'Workers in this state; `all` (the default) any.', { type: 'string', enum: WORKER_STATE_FILTERS }),
    query('channelId', 'Workers on this channel (with `hasCapacity=true`: with capacity left on it).', { type: 'string' }),
    query('queueId', 'Workers in this queue.', { type: 'string' }),
    query('hasCapacity', 'Only workers with capacity left (on `channelId` when given, else on any channel).', { type: 'boolean' }),
  ],
  where: (query) => workerConditions(query),
};

function workerConditions(query: URLSearchParams): Condition[] {
  const where: Condition[] = [];
  const state = query.get('state');
  if (state !== null && oneOf('state', state, WORKER_STATE_FILTERS) !== 'all') where.push({ key: 'state', op: 'eq', value: state });
  const channelId = query.get('channelId');
  const queueId = query.get('queueId');
  if (queueId !== null) where.push({ key: 'queueId', op: 'eq', value: queueId });
  const hasCapacity = query.get('hasCapacity');
  if (hasCapacity !== null && oneOf('hasCapacity', hasCapacity.toLowerCase(), ['true', 'false']) === 'true') {
    // With a channel: capacity on that channel; without: on any channel (docs/behaviour.md#list-filters).
    where.push(channelId !== null ? { key: 'channelWithCapacity', op: 'eq', value: channelId } : { key: 'hasCapacity', op: 'eq', value: true });
  } else if (channelId !== null) {
    where.push({ key: 'channelId', op: 'eq', value: channelId });
  }
  return where;
}

export const noFilters: ListFilters = { parameters: [], where: () => [] };

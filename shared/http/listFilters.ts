import { isRfc3339DateTime } from '../domain/model';
import { JOB_STATUSES, WORKER_STATES } from '../domain/resources';
import { toSortableTime } from '../domain/wireTime';
import type { Condition } from '../ports/Store';
import { badRequest } from './errors';

/** A list operation's query parameters turned into store conditions; bad values are 400s. */
export type ListFilters = (query: URLSearchParams) => Condition[];

const oneOf = (name: string, value: string, allowed: readonly string[]) => {
  if (!allowed.includes(value)) throw badRequest(`Query parameter ${name}="${value}" is not valid; use one of ${allowed.join(', ')}.`);
  return value;
};

/** An RFC 3339 query parameter in the sortable form of index keys. */
export const dateParam = (name: string, value: string) => {
  if (!isRfc3339DateTime(value)) throw badRequest(`Query parameter ${name}="${value}" is not an RFC 3339 date-time such as 2024-01-01T00:00:00Z.`);
  return toSortableTime(value);
};

export const jobFilters: ListFilters = (query) => {
  const where: Condition[] = [];
  const status = query.get('status');
  if (status !== null) {
    oneOf('status', status, ['all', 'active', ...JOB_STATUSES]);
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
};

export const workerFilters: ListFilters = (query) => {
  const where: Condition[] = [];
  const state = query.get('state');
  if (state !== null && oneOf('state', state, ['all', ...WORKER_STATES]) !== 'all') where.push({ key: 'state', op: 'eq', value: state });
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
};

export const noFilters: ListFilters = () => [];

import { EVENT_TYPE_PREFIX } from '../domain/routing/eventEnvelope';
import { ROUTER_EVENT_TYPES, isRouterEventType } from '../domain/routing/routerEventTypes';
import type { RouterEvent, RouterEventType } from '../ports/EventPublisher';
import type { Condition } from '../ports/Store';
import { badRequest } from './errors';
import { dateParam, type ListFilters } from './listFilters';
import type { Parameter } from './Parameter';

/** Which events a reader wants: all of the given criteria hold. */
export interface EventSelection {
  type?: RouterEventType;
  jobId?: string;
  workerId?: string;
}

function eventType(raw: string): RouterEventType {
  const name = raw.startsWith(EVENT_TYPE_PREFIX) ? raw.slice(EVENT_TYPE_PREFIX.length) : raw;
  if (isRouterEventType(name)) return name;
  throw badRequest(`Query parameter type="${raw}" is not a router event type; use one of ${ROUTER_EVENT_TYPES.join(', ')} (the ${EVENT_TYPE_PREFIX} prefix is optional).`);
}

function idParam(query: URLSearchParams, name: 'jobId' | 'workerId'): string | undefined {
  const value = query.get(name);
  if (value === '') throw badRequest(`Query parameter ${name} is empty; give the ${name} to filter on, or leave the parameter out.`);
  return value ?? undefined;
}

const query = (name: string, description: string, schema: Parameter['schema']): Parameter => ({ name, in: 'query', description, schema });

/** The query parameters `eventSelection` reads. */
export const eventSelectionParameters: readonly Parameter[] = [
  query('type', `Events of this type, with or without the \`${EVENT_TYPE_PREFIX}\` prefix.`, { type: 'string', enum: [...ROUTER_EVENT_TYPES, ...ROUTER_EVENT_TYPES.map((type) => `${EVENT_TYPE_PREFIX}${type}`)] }),
  query('jobId', 'Events about this job.', { type: 'string', minLength: 1 }),
  query('workerId', 'Events about this worker.', { type: 'string', minLength: 1 }),
];

/** `type` (with or without the Event Grid prefix), `jobId`, `workerId`; bad values are 400s. */
export function eventSelection(query: URLSearchParams): EventSelection {
  const type = query.get('type');
  return { type: type === null ? undefined : eventType(type), jobId: idParam(query, 'jobId'), workerId: idParam(query, 'workerId') };
}

export function selects(selection: EventSelection, event: RouterEvent): boolean {
  return (
    (selection.type === undefined || event.type === selection.type) &&
    (selection.jobId === undefined || event.data['jobId'] === selection.jobId) &&
    (selection.workerId === undefined || event.data['workerId'] === selection.workerId)
  );
}

/** The event history's filters as conditions on its index keys (layout: shared/domain/routing/eventHistory.ts). */
export const eventHistoryFilters: ListFilters = {
  parameters: [
    ...eventSelectionParameters,
    query('since', 'Events that happened at or after this time.', { type: 'string', format: 'date-time' }),
    query('until', 'Events that happened at or before this time.', { type: 'string', format: 'date-time' }),
  ],
  where: (query) => eventHistoryConditions(query),
};

function eventHistoryConditions(query: URLSearchParams): Condition[] {
  const { type, jobId, workerId } = eventSelection(query);
  const where: Condition[] = [];
  if (type !== undefined) where.push({ key: 'type', op: 'eq', value: type });
  if (jobId !== undefined) where.push({ key: 'jobId', op: 'eq', value: jobId });
  if (workerId !== undefined) where.push({ key: 'workerId', op: 'eq', value: workerId });
  const since = query.get('since');
  const until = query.get('until');
  const from = since === null ? undefined : dateParam('since', since);
  const to = until === null ? undefined : dateParam('until', until);
  if (from !== undefined && to !== undefined && from > to) {
    throw badRequest(`since="${since}" is later than until="${until}", so no event can match; swap them or widen the range.`);
  }
  if (from !== undefined) where.push({ key: 'time', op: 'gte', value: from });
  if (to !== undefined) where.push({ key: 'time', op: 'lte', value: to });
  return where;
}

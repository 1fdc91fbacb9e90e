import { idProblem } from '../domain/model';
import { EXACT_SECONDS } from '../domain/statistics/durationSummary';
import { ceilTo, floorTo, SLOT_MS } from '../domain/statistics/statisticsSlots';
import type { CumulativeQuery, StatisticsScope } from '../ports/Statistics';
import { badRequest } from './errors';
import type { Parameter } from './Parameter';

export const BUCKET_MINUTES = [5, 15, 60, 1440] as const;
export const DEFAULT_SERVICE_LEVEL_SECONDS = 20;
/** A queue label that sets the queue's own service level threshold (whole seconds). */
export const SERVICE_LEVEL_LABEL = 'serviceLevelThresholdSeconds';
const MAX_WINDOW_MINUTES = 366 * 24 * 60;
const MAX_BUCKETS = 2016;
const DEFAULT_MINUTES = 60;

const query = (name: string, description: string, schema: Parameter['schema']): Parameter => ({ name, in: 'query', description, schema });

export const cumulativeParameters: readonly Parameter[] = [
  query('queueId', 'Figures of this queue (give at most one of queueId, channelId, workerId; none: the whole router).', { type: 'string', minLength: 1 }),
  query('channelId', 'Figures of this channel.', { type: 'string', minLength: 1 }),
  query('workerId', 'Figures of this worker.', { type: 'string', minLength: 1 }),
  query('minutes', `The window: the last this many minutes up to now (default ${DEFAULT_MINUTES}). Not with from/to.`, { type: 'integer', minimum: 1, maximum: MAX_WINDOW_MINUTES }),
  query('from', 'Window start (ISO 8601), rounded down to five minutes (or the bucket). With to.', { type: 'string', format: 'date-time' }),
  query('to', 'Window end (ISO 8601, exclusive), rounded up to five minutes (or the bucket). With from.', { type: 'string', format: 'date-time' }),
  query('bucketMinutes', `Also answer the window in buckets of this many minutes (at most ${MAX_BUCKETS} buckets).`, { type: 'integer', enum: [...BUCKET_MINUTES] }),
  query('serviceLevelThresholdSeconds', `Service level threshold in whole seconds; default: the queue's \`${SERVICE_LEVEL_LABEL}\` label, else ${DEFAULT_SERVICE_LEVEL_SECONDS}.`, { type: 'integer', minimum: 1, maximum: EXACT_SECONDS }),
];

function wholeNumber(raw: string, name: string, min: number, max: number): number {
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < min || value > max) throw badRequest(`Query parameter ${name}="${raw}" must be a whole number from ${min} to ${max}.`);
  return value;
}

function instant(raw: string, name: string): number {
  const ms = Date.parse(raw);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(raw) || Number.isNaN(ms)) throw badRequest(`Query parameter ${name}="${raw}" is not an ISO 8601 date-time such as 2026-01-05T09:00:00Z.`);
  return ms;
}

function scopeOf(params: URLSearchParams): StatisticsScope {
  const given = (['queueId', 'channelId', 'workerId'] as const).filter((name) => params.has(name));
  if (given.length > 1) throw badRequest(`Give at most one of queueId, channelId and workerId; got ${given.join(' and ')}.`);
  const name = given[0];
  if (!name) return { kind: 'router' };
  const id = params.get(name) ?? '';
  const problem = idProblem(id);
  if (problem) throw badRequest(`Query parameter ${name}="${id}" is not a valid id: it ${problem}.`);
  return { kind: name === 'queueId' ? 'queue' : name === 'channelId' ? 'channel' : 'worker', id };
}

/** The cumulative query a request asks for; the threshold is left undefined when the request does not set it. */
export function cumulativeQuery(params: URLSearchParams, nowMs: number): Omit<CumulativeQuery, 'serviceLevelThresholdSeconds'> & { serviceLevelThresholdSeconds?: number } {
  const scope = scopeOf(params);
  const bucketRaw = params.get('bucketMinutes');
  const bucketMinutes = bucketRaw === null ? undefined : wholeNumber(bucketRaw, 'bucketMinutes', 5, 1440);
  if (bucketMinutes !== undefined && !(BUCKET_MINUTES as readonly number[]).includes(bucketMinutes)) {
    throw badRequest(`Query parameter bucketMinutes="${bucketRaw}" must be one of ${BUCKET_MINUTES.join(', ')}.`);
  }
  const step = bucketMinutes ? bucketMinutes * 60_000 : SLOT_MS;
  const fromRaw = params.get('from');
  const toRaw = params.get('to');
  const minutesRaw = params.get('minutes');
  let fromMs: number;
  let toMs: number;
  if (fromRaw !== null || toRaw !== null) {
    if (minutesRaw !== null) throw badRequest('Give either minutes or from and to, not both.');
    if (fromRaw === null || toRaw === null) throw badRequest('Give both from and to (or minutes instead).');
    fromMs = floorTo(instant(fromRaw, 'from'), step);
    toMs = ceilTo(instant(toRaw, 'to'), step);
    if (toMs <= fromMs) throw badRequest(`The window from=${fromRaw} to=${toRaw} is empty: to must be after from.`);
  } else {
    const minutes = minutesRaw === null ? DEFAULT_MINUTES : wholeNumber(minutesRaw, 'minutes', 1, MAX_WINDOW_MINUTES);
    toMs = ceilTo(nowMs + 1, step);
    fromMs = floorTo(nowMs - minutes * 60_000, step);
  }
  if (toMs - fromMs > MAX_WINDOW_MINUTES * 60_000) throw badRequest(`The window is longer than ${MAX_WINDOW_MINUTES / 1440} days; ask for a shorter one.`);
  if (bucketMinutes && (toMs - fromMs) / step > MAX_BUCKETS) {
    throw badRequest(`The window holds ${(toMs - fromMs) / step} buckets of ${bucketMinutes} minutes; at most ${MAX_BUCKETS} are answered: use larger buckets or a shorter window.`);
  }
  const thresholdRaw = params.get('serviceLevelThresholdSeconds');
  const serviceLevelThresholdSeconds = thresholdRaw === null ? undefined : wholeNumber(thresholdRaw, 'serviceLevelThresholdSeconds', 1, EXACT_SECONDS);
  return { scope, fromMs, toMs, bucketMinutes, serviceLevelThresholdSeconds };
}

/** A queue's own threshold from its label, when it is a whole number of seconds in range. */
export function queueThreshold(labels: Record<string, unknown> | undefined): number | undefined {
  const value = labels?.[SERVICE_LEVEL_LABEL];
  const seconds = typeof value === 'string' ? Number(value) : value;
  return typeof seconds === 'number' && Number.isInteger(seconds) && seconds >= 1 && seconds <= EXACT_SECONDS ? seconds : undefined;
}

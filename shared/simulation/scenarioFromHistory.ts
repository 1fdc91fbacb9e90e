import { ScenarioError, type Duration } from './scenario';

/**
 * Builds a scenario from the router's own event history (the items of GET /routing/events, or router
 * events as the relay records them): arrival rates per interval, handle and wrap-up times, customer
 * patience and how workers answered offers, as observed. The router's configuration (policies, queues)
 * comes from a base scenario, so last Tuesday's traffic can be replayed under a new policy.
 */

/** An event as GET /routing/events lists it (Event Grid schema) or as recorded (`type`, `time`). */
export interface HistoryEvent {
  type?: string;
  eventType?: string;
  time?: string;
  eventTime?: string;
  data: Record<string, unknown>;
}

export interface FromHistoryOptions {
  /** Width of the arrival-rate steps, in seconds (default 900). */
  intervalSeconds?: number;
  /** Start of the replayed day (ISO); the first arrival's interval when absent. */
  from?: string;
  /** End of the replayed day (ISO); the end of the last arrival's interval when absent. */
  to?: string;
}

const PREFIX = 'Microsoft.Communication.';

interface Normalized {
  type: string;
  at: number;
  data: Record<string, unknown>;
}

function normalize(event: HistoryEvent): Normalized | undefined {
  const type = (event.type ?? event.eventType ?? '').replace(PREFIX, '');
  const at = Date.parse(event.time ?? event.eventTime ?? '');
  if (!type || Number.isNaN(at) || typeof event.data !== 'object' || event.data === null) return undefined;
  return { type, at, data: event.data };
}

const str = (value: unknown) => (typeof value === 'string' ? value : undefined);

/** A lognormal with the sample's mean and deviation (fixed when every value is the same). */
function fitDuration(samples: readonly number[]): Duration | undefined {
  if (samples.length === 0) return undefined;
  const mean = samples.reduce((s, v) => s + v, 0) / samples.length;
  const variance = samples.length > 1 ? samples.reduce((s, v) => s + (v - mean) ** 2, 0) / (samples.length - 1) : 0;
  const round = (v: number) => Math.round(v * 1000) / 1000;
  if (mean <= 0 || variance === 0) return { kind: 'fixed', value: round(Math.max(0, mean)) };
  return { kind: 'lognormal', mean: round(mean), standardDeviation: round(Math.sqrt(variance)) };
}

interface JobTrace {
  receivedAt?: number;
  target?: { queueId?: string; classificationPolicyId?: string };
  channelId?: string;
  priority?: number;
  labels?: Record<string, unknown>;
  acceptedAt?: number;
  completedAt?: number;
  closedAt?: number;
  cancelledAt?: number;
  workerId?: string;
}

interface WorkerTrace {
  config: string;
  body: { queues: string[]; capacity: number; channels: { channelId: string; capacityCostPerJob: number; maxNumberOfJobs?: number }[]; labels?: Record<string, unknown> };
  on?: number;
  shifts: { from: number; to: number }[];
}

/**
 * The scenario (as JSON input) for the observed traffic, merged into `base` (which gives seed,
 * router resources and anything else; its arrivals and worker groups are replaced by the observed
 * ones where the history has any).
 */
export function scenarioFromHistory(events: readonly HistoryEvent[], base: Record<string, unknown>, options: FromHistoryOptions = {}): Record<string, unknown> {
  const interval = options.intervalSeconds ?? 900;
  const sorted = events.map(normalize).filter((e): e is Normalized => e !== undefined).sort((a, b) => a.at - b.at);
  const jobs = new Map<string, JobTrace>();
  const workers = new Map<string, WorkerTrace>();
  const offersIssued = new Map<string, number>();
  const answers = new Map<string, { issued: number; declined: number; expired: number; acceptDelays: number[] }>();
  const job = (id: unknown) => {
    const key = String(id);
    let trace = jobs.get(key);
    if (!trace) jobs.set(key, (trace = {}));
    return trace;
  };

  for (const { type, at, data } of sorted) {
    const workerId = str(data['workerId']);
    switch (type) {
      case 'RouterJobReceived': {
        const trace = job(data['jobId']);
        trace.receivedAt = at;
        const classificationPolicyId = str(data['classificationPolicyId']);
        const queueId = str(data['queueId']);
        trace.target = classificationPolicyId ? { classificationPolicyId } : queueId ? { queueId } : undefined;
        trace.channelId = str(data['channelId']);
        if (typeof data['priority'] === 'number') trace.priority = data['priority'];
        if (data['labels'] && typeof data['labels'] === 'object') {
          const { Id: _id, ...labels } = data['labels'] as Record<string, unknown>;
          trace.labels = labels;
        }
        break;
      }
      case 'RouterJobQueued': {
        const trace = job(data['jobId']);
        if (!trace.target) trace.target = { queueId: String(data['queueId']) };
        break;
      }
      case 'RouterWorkerOfferIssued':
        offersIssued.set(String(data['offerId']), at);
        if (workerId) answersOf(workerId).issued++;
        break;
      case 'RouterWorkerOfferAccepted': {
        const trace = job(data['jobId']);
        if (trace.acceptedAt === undefined) trace.acceptedAt = at;
        trace.workerId = workerId;
        const issued = offersIssued.get(String(data['offerId']));
        if (workerId && issued !== undefined) answersOf(workerId).acceptDelays.push((at - issued) / 1000);
        break;
      }
      case 'RouterWorkerOfferDeclined':
        if (workerId) answersOf(workerId).declined++;
        break;
      case 'RouterWorkerOfferExpired':
        if (workerId) answersOf(workerId).expired++;
        break;
      case 'RouterJobCompleted':
        job(data['jobId']).completedAt ??= at;
        break;
      case 'RouterJobClosed':
        job(data['jobId']).closedAt ??= at;
        break;
      case 'RouterJobCancelled':
        job(data['jobId']).cancelledAt ??= at;
        break;
      case 'RouterWorkerRegistered':
      case 'RouterWorkerUpdated': {
        if (!workerId) break;
        // The router gives every worker an `Id` label of its own id: it says nothing about the group.
        const { Id: _id, ...labels } = (data['labels'] ?? {}) as Record<string, unknown>;
        const channels = ((data['channelConfigurations'] as WorkerTrace['body']['channels'] | undefined) ?? []).map((c) => ({
          channelId: c.channelId,
          capacityCostPerJob: c.capacityCostPerJob,
          ...(c.maxNumberOfJobs !== undefined && c.maxNumberOfJobs !== null ? { maxNumberOfJobs: c.maxNumberOfJobs } : {}),
        }));
        const body = {
          queues: ((data['queueAssignments'] as { id: string }[] | undefined) ?? []).map((q) => q.id).sort(),
          capacity: Number(data['totalCapacity'] ?? 1),
          channels,
          ...(Object.keys(labels).length > 0 ? { labels } : {}),
        };
        const trace = workers.get(workerId) ?? { config: '', body, shifts: [] };
        trace.body = body;
        trace.config = JSON.stringify(body);
        if (type === 'RouterWorkerRegistered' && trace.on === undefined) trace.on = at;
        workers.set(workerId, trace);
        break;
      }
      case 'RouterWorkerDeregistered':
      case 'RouterWorkerDeleted': {
        const trace = workerId ? workers.get(workerId) : undefined;
        if (trace?.on !== undefined) {
          trace.shifts.push({ from: trace.on, to: at });
          trace.on = undefined;
        }
        break;
      }
      default:
        break;
    }
  }

  function answersOf(workerId: string) {
    let a = answers.get(workerId);
    if (!a) answers.set(workerId, (a = { issued: 0, declined: 0, expired: 0, acceptDelays: [] }));
    return a;
  }

  const arrivals = [...jobs.values()].filter((t) => t.receivedAt !== undefined && t.target && t.channelId);
  if (arrivals.length === 0) throw new ScenarioError('The history has no RouterJobReceived events with a queue or classification policy and a channel: nothing to replay.');
  // A loop, not Math.min(...): a day's history has more arrivals than a call takes arguments.
  let firstArrival = Infinity;
  let lastArrival = -Infinity;
  for (const t of arrivals) {
    firstArrival = Math.min(firstArrival, t.receivedAt!);
    lastArrival = Math.max(lastArrival, t.receivedAt!);
  }
  const start = options.from ? Date.parse(options.from) : Math.floor(firstArrival / (interval * 1000)) * interval * 1000;
  const end = options.to ? Date.parse(options.to) : (Math.floor(lastArrival / (interval * 1000)) + 1) * interval * 1000;
  const durationSeconds = Math.max(interval, Math.round((end - start) / 1000));
  const inDay = arrivals.filter((t) => t.receivedAt! >= start && t.receivedAt! < end);

  const streams = new Map<string, JobTrace[]>();
  for (const trace of inDay) {
    const key = JSON.stringify([trace.target, trace.channelId]);
    const list = streams.get(key) ?? [];
    list.push(trace);
    streams.set(key, list);
  }
  const steps = Math.ceil(durationSeconds / interval);
  const observedArrivals = [...streams.values()].map((traces) => {
    const first = traces[0]!;
    const counts = new Array<number>(steps).fill(0);
    for (const t of traces) counts[Math.min(steps - 1, Math.floor((t.receivedAt! - start) / 1000 / interval))]!++;
    const handle = traces.filter((t) => t.acceptedAt !== undefined && t.completedAt !== undefined).map((t) => (t.completedAt! - t.acceptedAt!) / 1000);
    const wrapUp = traces.filter((t) => t.completedAt !== undefined && t.closedAt !== undefined).map((t) => (t.closedAt! - t.completedAt!) / 1000);
    // Exponential patience by maximum likelihood with censoring: an answered job shows only that its
    // customer would have waited at least that long, so mean = (time waited by all) / (abandons).
    const abandoned = traces.filter((t) => t.cancelledAt !== undefined && t.acceptedAt === undefined);
    const waited = traces.reduce((s, t) => s + ((t.acceptedAt ?? t.cancelledAt ?? t.receivedAt!) - t.receivedAt!) / 1000, 0);
    return {
      ...first.target,
      channelId: first.channelId,
      ...(first.priority !== undefined ? { priority: first.priority } : {}),
      ...(first.labels && Object.keys(first.labels).length > 0 ? { labels: mostCommon(traces.map((t) => t.labels ?? {})) } : {}),
      rateProfile: counts.map((n, i) => ({ fromSeconds: i * interval, ratePerSecond: n / interval })),
      handleSeconds: fitDuration(handle) ?? { kind: 'fixed', value: 0 },
      ...(wrapUp.some((w) => w > 0) ? { wrapUpSeconds: fitDuration(wrapUp) } : {}),
      patienceSeconds: abandoned.length > 0 ? { kind: 'exponential', mean: Math.round((waited / abandoned.length) * 1000) / 1000 } : { kind: 'none' },
    };
  });

  const groups = new Map<string, { body: WorkerTrace['body']; ids: string[]; shifts: { startSeconds: number; endSeconds: number }[] }>();
  for (const [workerId, trace] of workers) {
    const open = trace.on !== undefined ? [{ from: trace.on, to: end }] : [];
    const shifts = [...trace.shifts, ...open]
      .map((s) => ({ startSeconds: Math.max(0, Math.round((s.from - start) / 1000)), endSeconds: Math.round((s.to - start) / 1000) }))
      .filter((s) => s.endSeconds > s.startSeconds && s.startSeconds < durationSeconds);
    if (shifts.length === 0) continue;
    const key = `${trace.config}|${JSON.stringify(shifts)}`;
    const group = groups.get(key) ?? { body: trace.body, ids: [], shifts };
    group.ids.push(workerId);
    groups.set(key, group);
  }
  const workerGroups = [...groups.values()].map((group, i) => {
    const seen = group.ids.map((id) => answers.get(id)).filter((a) => a !== undefined);
    const issued = seen.reduce((s, a) => s + a.issued, 0);
    const delays = seen.flatMap((a) => a.acceptDelays);
    const wholeDay = group.shifts.length === 1 && group.shifts[0]!.startSeconds === 0 && group.shifts[0]!.endSeconds >= durationSeconds;
    return {
      name: `observed${i + 1}`,
      count: group.ids.length,
      ...group.body,
      ...(wholeDay ? {} : { shifts: group.shifts }),
      ...(issued > 0
        ? {
            answer: {
              acceptAfterSeconds: fitDuration(delays) ?? { kind: 'fixed', value: 0 },
              declineProbability: seen.reduce((s, a) => s + a.declined, 0) / issued,
              expireProbability: seen.reduce((s, a) => s + a.expired, 0) / issued,
            },
          }
        : {}),
    };
  });

  return {
    ...base,
    durationSeconds,
    ...(observedArrivals.length > 0 ? { arrivals: observedArrivals } : {}),
    ...(workerGroups.length > 0 ? { workerGroups } : {}),
  };
}

function mostCommon<T>(values: readonly T[]): T {
  const counts = new Map<string, { value: T; n: number }>();
  for (const value of values) {
    const key = JSON.stringify(value);
    const entry = counts.get(key) ?? { value, n: 0 };
    entry.n++;
    counts.set(key, entry);
  }
  return [...counts.values()].sort((a, b) => b.n - a.n)[0]!.value;
}

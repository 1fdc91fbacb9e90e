import type { RouterJob } from '../../domain/resources/job';
import type { RouterWorker } from '../../domain/resources/worker';
import type { WorkerTrack } from '../../domain/statistics/projection';
import { workerRouting, type EngineWorker } from '../../domain/routing/routingState';
import { usedCapacity } from '../../domain/routing/workerCapacity';
import { parseInstant } from '../../domain/wireTime';
import type { Clock } from '../../ports/Clock';
import type { RealTimeStatistics, RealTimeSummary, RealTimeWorker } from '../../ports/Statistics';
import type { Store } from '../../ports/Store';
import { pagesOf } from '../pagesOf';

const PAGE = 500;
const round = (value: number) => Math.round(value * 1000) / 1000;

const emptySummary = (): RealTimeSummary => ({
  jobsByStatus: {},
  waiting: 0,
  waitingByPriority: {},
  longestWaitSeconds: null,
  meanWaitSeconds: null,
  workersByState: { active: 0, draining: 0, inactive: 0 },
  availableCapacityByChannel: {},
  openOffers: 0,
  assignedJobs: 0,
});

/**
 * How many more jobs of each channel an available worker can take now: the free capacity over the
 * channel's cost, capped by the channel's maxNumberOfJobs less the jobs it holds there. A channel
 * that costs nothing and has no maximum counts as one (it can always take the next).
 */
function roomByChannel(worker: EngineWorker): Record<string, number> {
  const room: Record<string, number> = {};
  if (!worker.availableForOffers) return room;
  const free = Math.max(0, worker.capacity - usedCapacity(worker));
  const holdings = Object.values(workerRouting(worker).holdings);
  for (const channel of worker.channels) {
    const limits: number[] = [];
    if (channel.capacityCostPerJob > 0) limits.push(Math.floor(free / channel.capacityCostPerJob));
    if (channel.maxNumberOfJobs !== undefined) limits.push(Math.max(0, channel.maxNumberOfJobs - holdings.filter((h) => h.channelId === channel.channelId).length));
    room[channel.channelId] = limits.length > 0 ? Math.min(...limits) : 1;
  }
  return room;
}

const trackedState = (track: WorkerTrack) => (track.registered ? 'active' : Object.keys(track.held).length > 0 ? 'draining' : 'inactive');

interface Waits {
  total: number;
  count: number;
  longest: number;
}

/**
 * What holds now, per queue, per channel and for the whole router, from the open jobs and the workers
 * as stored: one read of each open job and each worker, so the cost grows with what is live, not with history.
 */
export async function realTimeStatistics(store: Store, clock: Clock): Promise<RealTimeStatistics> {
  const now = clock.now().getTime();
  const router = emptySummary();
  const queues = new Map<string, RealTimeSummary>();
  const channels = new Map<string, RealTimeSummary>();
  const waits = new Map<RealTimeSummary, Waits>();
  const of = (map: Map<string, RealTimeSummary>, id: string) => map.get(id) ?? map.set(id, emptySummary()).get(id)!;
  for await (const page of pagesOf<{ id: string }>(store, 'queues', { pageSize: PAGE })) for (const doc of page) of(queues, doc.id);

  for await (const page of pagesOf<RouterJob>(store, 'jobs', { where: [{ key: 'open', op: 'eq', value: true }], pageSize: PAGE })) {
    for (const { body: job } of page) {
      const summaries = [router, ...(job.queueId ? [of(queues, job.queueId)] : []), ...(job.channelId ? [of(channels, job.channelId)] : [])];
      for (const summary of summaries) {
        summary.jobsByStatus[job.status] = (summary.jobsByStatus[job.status] ?? 0) + 1;
        if (job.status === 'assigned') summary.assignedJobs++;
        if (job.status !== 'queued') continue;
        summary.waiting++;
        summary.waitingByPriority[String(job.priority)] = (summary.waitingByPriority[String(job.priority)] ?? 0) + 1;
        const waited = job.enqueuedAt ? Math.max(0, now - parseInstant(job.enqueuedAt)) : 0;
        const w = waits.get(summary) ?? { total: 0, count: 0, longest: 0 };
        waits.set(summary, { total: w.total + waited, count: w.count + 1, longest: Math.max(w.longest, waited) });
      }
    }
  }
  for (const [summary, w] of waits) {
    summary.longestWaitSeconds = round(w.longest / 1000);
    summary.meanWaitSeconds = round(w.total / w.count / 1000);
  }

  const workers: RealTimeWorker[] = [];
  for await (const page of pagesOf<EngineWorker>(store, 'workers', { pageSize: PAGE })) {
    const tracks = await Promise.all(page.map((doc) => store.get<{ after: WorkerTrack | null }>('statistics', `worker:${doc.id}`)));
    page.forEach(({ body: worker, lastModified }, index) => {
      const room = roomByChannel(worker);
      const summaries = [router, ...worker.queues.map((q) => of(queues, q)), ...worker.channels.map((c) => of(channels, c.channelId))];
      for (const summary of summaries) {
        summary.workersByState[worker.state]++;
        summary.openOffers += worker.offers.length;
      }
      // Capacity counts once per summary: for the router, each queue the worker serves, and its channels.
      for (const summary of [router, ...worker.queues.map((q) => of(queues, q))]) {
        for (const [channelId, n] of Object.entries(room)) summary.availableCapacityByChannel[channelId] = (summary.availableCapacityByChannel[channelId] ?? 0) + n;
      }
      for (const [channelId, n] of Object.entries(room)) {
        const channel = of(channels, channelId);
        channel.availableCapacityByChannel[channelId] = (channel.availableCapacityByChannel[channelId] ?? 0) + n;
      }
      // The track knows when the state began unless the worker changed since the projector last saw it
      // (events of the last seconds are not projected yet): then the change is the document's last write.
      const track = tracks[index]?.body.after;
      const since = track && trackedState(track) === worker.state ? track.stateSince : Date.parse(lastModified);
      workers.push(workerFigures(worker, since, now));
    });
  }
  return {
    at: new Date(now).toISOString(),
    router,
    queues: [...queues].map(([queueId, summary]) => ({ queueId, ...summary })),
    channels: [...channels].map(([channelId, summary]) => ({ channelId, ...summary })),
    workers,
  };
}

function workerFigures(worker: RouterWorker, since: number, now: number): RealTimeWorker {
  return {
    workerId: worker.id,
    state: worker.state,
    availableForOffers: worker.availableForOffers,
    capacity: worker.capacity,
    usedCapacity: usedCapacity(worker),
    loadRatio: worker.loadRatio,
    offers: worker.offers.length,
    assignments: worker.assignedJobs.length,
    queues: worker.queues,
    stateSince: Number.isFinite(since) ? new Date(since).toISOString() : null,
    secondsInState: Number.isFinite(since) ? round(Math.max(0, now - since) / 1000) : null,
  };
}

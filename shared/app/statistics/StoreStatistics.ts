import { emptyFigures, mergeFigures } from '../../domain/statistics/figures';
import { Projection, type WorkerTrack } from '../../domain/statistics/projection';
import { coveringRuns, floorTo, scopeKey, slotKey, type Granularity } from '../../domain/statistics/statisticsSlots';
import type { Clock } from '../../ports/Clock';
import type { CumulativeQuery, CumulativeStatistics, RealTimeStatistics, Statistics, StatisticsScope } from '../../ports/Statistics';
import type { Store } from '../../ports/Store';
import type { Figures } from '../../domain/statistics/figures';
import { pagesOf } from '../pagesOf';
import { cumulativeFigures } from './cumulativeFigures';
import { realTimeStatistics } from './realTimeStatistics';
import { SLOT_KEY, StatisticsProjector, type AggregateBody, type ProjectorOptions } from './StatisticsProjector';

const GRANULARITY_OF_BUCKET: Record<number, Granularity> = { 5: '5m', 15: '5m', 60: '1h', 1440: '1d' };
/** More slots than a year of days or a week of five-minute slots never come back from one range read. */
const MAX_SLOTS_PER_READ = 100_000;

interface TrackBody {
  after: WorkerTrack | null;
}

/** The statistics of a store: cumulative figures from the projector's aggregates, real-time ones from the documents. */
export class StoreStatistics implements Statistics {
  readonly projector: StatisticsProjector;
  private readonly store: Store;
  private readonly clock: Clock;

  constructor(options: ProjectorOptions) {
    this.store = options.store;
    this.clock = options.clock;
    this.projector = new StatisticsProjector(options);
  }

  async catchUp(): Promise<void> {
    await this.projector.catchUp();
  }

  realTime(): Promise<RealTimeStatistics> {
    return realTimeStatistics(this.store, this.clock);
  }

  async cumulative(query: CumulativeQuery): Promise<CumulativeStatistics> {
    const through = await this.projector.catchUp();
    const scope = scopeKey(query.scope.kind, query.scope.id);
    const open = await this.openWorkerTime(query.scope, Math.min(Date.parse(through) || 0, query.toMs), query.fromMs);
    const total = emptyFigures();
    for (const run of coveringRuns(query.fromMs, query.toMs)) {
      for (const doc of await this.slots(run.granularity, scope, run.fromMs, run.toMs)) mergeFigures(total, doc.figures);
    }
    for (const [, figures] of open) mergeFigures(total, figures);
    const answer: CumulativeStatistics = {
      scope: query.scope,
      from: new Date(query.fromMs).toISOString(),
      to: new Date(query.toMs).toISOString(),
      projectedThrough: through || null,
      total: cumulativeFigures(total, query.serviceLevelThresholdSeconds),
    };
    if (query.bucketMinutes) answer.buckets = await this.buckets(query, scope, open);
    return answer;
  }

  private async buckets(query: CumulativeQuery, scope: string, open: Map<number, Figures>): Promise<CumulativeStatistics['buckets']> {
    const bucketMs = (query.bucketMinutes ?? 5) * 60_000;
    const granularity = GRANULARITY_OF_BUCKET[query.bucketMinutes ?? 5] ?? '5m';
    const sums = new Map<number, Figures>();
    for (let start = query.fromMs; start < query.toMs; start += bucketMs) sums.set(start, emptyFigures());
    const add = (startMs: number, figures: Figures) => {
      const bucket = sums.get(floorTo(startMs - query.fromMs, bucketMs) + query.fromMs);
      if (bucket) mergeFigures(bucket, figures);
    };
    for (const doc of await this.slots(granularity, scope, query.fromMs, query.toMs)) add(doc.startMs, doc.figures);
    for (const [startMs, figures] of open) add(startMs, figures);
    return [...sums].map(([start, figures]) => ({
      from: new Date(start).toISOString(),
      to: new Date(start + bucketMs).toISOString(),
      ...cumulativeFigures(figures, query.serviceLevelThresholdSeconds),
    }));
  }

  private async slots(granularity: Granularity, scope: string, fromMs: number, toMs: number): Promise<Array<{ startMs: number; figures: Figures }>> {
    const docs = await this.store.range<AggregateBody>('statistics', { key: SLOT_KEY, from: slotKey(granularity, scope, fromMs), to: slotKey(granularity, scope, toMs), limit: MAX_SLOTS_PER_READ });
    return docs.map((doc) => ({ startMs: Date.parse(String(doc.keys[SLOT_KEY]).split('\u001f').pop() ?? ''), figures: doc.body.figures }));
  }

  /**
   * Worker time the aggregates cannot hold yet: from each signed-in worker's last event to where the
   * history is projected (a worker free since nine has its free time counted up to now, not to its next event).
   * Per five-minute slot start, within [fromMs, toMs).
   */
  private async openWorkerTime(scope: StatisticsScope, toMs: number, fromMs: number): Promise<Map<number, Figures>> {
    const slots = new Map<number, Figures>();
    if (scope.kind !== 'router' && scope.kind !== 'worker') return slots;
    // The tracks are accounted up to the window below: copies, as a store may hand out its own (frozen) bodies.
    const workers = new Map<string, WorkerTrack | undefined>();
    if (scope.kind === 'worker') {
      const doc = await this.store.get<TrackBody>('statistics', `worker:${scope.id ?? ''}`);
      if (doc?.body.after) workers.set(scope.id ?? '', { ...doc.body.after });
    } else {
      for await (const docs of pagesOf<TrackBody>(this.store, 'statistics', { where: [{ key: 'track', op: 'eq', value: 'open' }], pageSize: 500 })) {
        for (const doc of docs) if (doc.id.startsWith('worker:') && doc.body.after) workers.set(doc.id.slice('worker:'.length), { ...doc.body.after });
      }
    }
    // Time before the window is not asked for: accounting starts at the window, however long ago the last event was.
    for (const worker of workers.values()) if (worker) worker.accountedTo = Math.max(worker.accountedTo, fromMs);
    const projection = new Projection(new Map(), workers);
    for (const id of workers.keys()) projection.accountWorker(id, toMs);
    const wanted = scopeKey(scope.kind, scope.id);
    for (const delta of projection.deltas) {
      if (delta.scope !== wanted || delta.startMs < fromMs || delta.startMs >= toMs) continue;
      mergeFigures((slots.get(delta.startMs) ?? slots.set(delta.startMs, emptyFigures()).get(delta.startMs))!, delta.figures);
    }
    return slots;
  }
}

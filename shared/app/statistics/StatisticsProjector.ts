import { copyJson } from '../../domain/copyJson';
import { emptyFigures, mergeFigures, type Figures } from '../../domain/statistics/figures';
import { Projection, type JobTrack, type SlotDelta, type WorkerTrack } from '../../domain/statistics/projection';
import { aggregateId, floorTo, GRANULARITIES, GRANULARITY_MS, slotKey, type Granularity } from '../../domain/statistics/statisticsSlots';
import type { Clock } from '../../ports/Clock';
import { StoreConflictError, type Store, type StoredDocument } from '../../ports/Store';
import { conditionalWrite } from '../conditionalWrite';
import { pagesOf } from '../pagesOf';
import { historyAfter, type HistoryEntry } from './historyAfter';

/**
 * Documents of the `statistics` collection:
 * - `projector`: the cursor — the history position projected through, the batch count, and the batch
 *   being applied (if any), so a batch cut short by a crash is finished with the same events.
 * - `job:<id>` / `worker:<id>`: tracks, each with its state before and after the last batch that changed it.
 * - `agg:<granularity>:<scope>:<start>`: aggregates, each with the last batch added to it.
 * A batch is applied to a track or an aggregate at most once (its batch number says whether it was),
 * so two instances applying the same batch, or one resuming after a crash, count every event once.
 */
export interface ProjectorCursor {
  position: string;
  batch: number;
  /** Events recorded up to here are in the aggregates (ISO instant; '' before the first batch). */
  projectedTo: string;
  pending?: { batch: number; from: string; through: string; projectedTo: string };
}

export interface AggregateBody {
  batch: number;
  figures: Figures;
}

interface TrackBody<T> {
  batch: number;
  before: T | null;
  after: T | null;
}

export const CURSOR_ID = 'projector';
export const SLOT_KEY = 'slot';
const START_KEY = 'start';
const TRACK_KEY = 'track';

export interface ProjectorOptions {
  store: Store;
  clock: Clock;
  /** Events younger than this are left for the next pass, so one written a moment late is not skipped. */
  settleMs?: number;
  /** Events per batch. */
  batchSize?: number;
  /** Aggregates older than this many days are removed. */
  retentionDays?: number;
  /**
   * The recording horizon (EventRelay.recordedThrough): every event whose time lies before the answer
   * is in the history. The projector reads no further, so an event a sweep records late is still ahead
   * of its cursor when it arrives. '' = nothing is known to be recorded; undefined (or no function) =
   * no horizon is known, and the settling delay alone covers recording.
   */
  recordedThrough?: () => Promise<string | undefined>;
}

export const PROJECTOR_DEFAULTS = { settleMs: 2000, batchSize: 2000, retentionDays: 400 } as const;

/** How often the retention is applied, at most. */
const PRUNE_EVERY_MS = 60 * 60_000;
/** Writes in flight at once (Cosmos DB answers each in a round trip; SQLite does them in turn anyway). */
const PARALLEL_WRITES = 16;

async function inParallel<T>(items: readonly T[], work: (item: T) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < items.length; i += PARALLEL_WRITES) await Promise.all(items.slice(i, i + PARALLEL_WRITES).map(work));
}

/**
 * Folds the event history into the statistics aggregates, batch by batch after its durable cursor.
 * Any instance may run it at any time: the cursor and the batch numbers make the work shared, not doubled.
 */
export class StatisticsProjector {
  private readonly store: Store;
  private readonly clock: Clock;
  readonly settleMs: number;
  private readonly batchSize: number;
  private readonly retentionMs: number;
  private readonly recordedThrough: () => Promise<string | undefined>;
  private running: Promise<string> | undefined;
  private lastPrune = 0;

  constructor(options: ProjectorOptions) {
    this.store = options.store;
    this.clock = options.clock;
    this.settleMs = options.settleMs ?? PROJECTOR_DEFAULTS.settleMs;
    this.batchSize = options.batchSize ?? PROJECTOR_DEFAULTS.batchSize;
    this.retentionMs = (options.retentionDays ?? PROJECTOR_DEFAULTS.retentionDays) * GRANULARITY_MS['1d'];
    this.recordedThrough = options.recordedThrough ?? (() => Promise.resolve(undefined));
  }

  /**
   * Projects every settled event; concurrent callers in this process share one run. Answers the instant
   * through which every recorded event is now in the aggregates.
   */
  catchUp(): Promise<string> {
    this.running ??= this.run().finally(() => (this.running = undefined));
    return this.running;
  }

  /** Resolves once no run of this process is under way (a stopping host waits for it before closing the store). */
  async idle(): Promise<void> {
    await this.running?.catch(() => undefined);
  }

  async cursor(): Promise<ProjectorCursor | undefined> {
    return (await this.store.get<ProjectorCursor>('statistics', CURSOR_ID))?.body;
  }

  private async run(): Promise<string> {
    let through: string | undefined;
    // Read once per run: what was complete before it stays complete, so a read a moment old holds back a little more, never less.
    const horizon = await this.recordedThrough();
    const horizonMs = horizon === undefined ? Infinity : Date.parse(horizon) || 0;
    // Bounded, so one call never runs for ever behind a history that grows as fast as it is read.
    for (let pass = 0; pass < 100 && through === undefined; pass++) {
      const until = new Date(Math.min(this.clock.now().getTime(), horizonMs) - this.settleMs).toISOString();
      if (!(await this.pass(until))) through = until;
    }
    if (this.clock.now().getTime() - this.lastPrune >= PRUNE_EVERY_MS) {
      this.lastPrune = this.clock.now().getTime();
      await this.prune();
    }
    return through ?? (await this.cursor())?.projectedTo ?? '';
  }

  /** One batch of the events recorded up to `until`; answers whether more may be waiting. */
  private async pass(until: string): Promise<boolean> {
    const current = await this.store.get<ProjectorCursor>('statistics', CURSOR_ID);
    const cursor: ProjectorCursor = current?.body ?? { position: '', batch: 0, projectedTo: '' };
    let pending = cursor.pending;
    let entries: HistoryEntry[] | undefined;
    if (!pending) {
      const read = await historyAfter(this.store, cursor.position, this.batchSize, until);
      if (!read.through) {
        // Nothing new: only note how far the history is known to be projected (for open worker time).
        if (Date.parse(until) - (Date.parse(cursor.projectedTo) || 0) >= 60_000) await this.writeCursor(current, { ...cursor, projectedTo: until });
        return false;
      }
      entries = read.entries;
      pending = { batch: cursor.batch + 1, from: cursor.position, through: read.through, projectedTo: until };
      if (!(await this.writeCursor(current, { ...cursor, pending }))) return true;
    }
    entries ??= await this.batchEntries(pending);
    await this.apply(pending.batch, entries.filter((entry) => entry.position <= pending.through));
    const after = await this.store.get<ProjectorCursor>('statistics', CURSOR_ID);
    if (after?.body.pending?.batch === pending.batch) {
      await this.writeCursor(after, { position: pending.through, batch: pending.batch, projectedTo: pending.projectedTo });
    }
    return true;
  }

  /**
   * The events of a batch another run started (it crashed, or runs elsewhere right now): read again up
   * to where that run read, in pages of this run's size, which may differ from the size it read with.
   */
  private async batchEntries(pending: NonNullable<ProjectorCursor['pending']>): Promise<HistoryEntry[]> {
    const entries: HistoryEntry[] = [];
    let from = pending.from;
    for (;;) {
      const read = await historyAfter(this.store, from, this.batchSize, pending.projectedTo);
      entries.push(...read.entries);
      if (!read.through || read.through >= pending.through) return entries;
      from = read.through;
    }
  }

  /** A conditional write of the cursor; false when another writer changed it first. */
  private async writeCursor(current: StoredDocument<ProjectorCursor> | undefined, body: ProjectorCursor): Promise<boolean> {
    const doc = { collection: 'statistics' as const, id: CURSOR_ID, lastModified: this.clock.now().toISOString(), body, keys: {} };
    try {
      if (current) await this.store.replace(doc, current.etag);
      else await this.store.create(doc);
      return true;
    } catch (error) {
      if (error instanceof StoreConflictError) return false;
      throw error;
    }
  }

  private async apply(batch: number, entries: readonly HistoryEntry[]): Promise<void> {
    const jobIds = new Set<string>();
    const workerIds = new Set<string>();
    for (const { event } of entries) {
      if (typeof event.data['jobId'] === 'string') jobIds.add(event.data['jobId']);
      if (typeof event.data['workerId'] === 'string') workerIds.add(event.data['workerId']);
    }
    const jobs = await this.loadTracks<JobTrack>('job', jobIds, batch);
    const workers = await this.loadTracks<WorkerTrack>('worker', workerIds, batch);
    // Assignments name their worker only in some events: the workers of loaded jobs are loaded too.
    const moreWorkers = [...jobs.values()].map((job) => job?.assignment?.workerId).filter((id): id is string => !!id && !workers.has(id));
    for (const [id, track] of await this.loadTracks<WorkerTrack>('worker', new Set(moreWorkers), batch)) workers.set(id, track);
    const before = { jobs: new Map([...jobs].map(([id, t]) => [id, t ? copyJson(t) : null])), workers: new Map([...workers].map(([id, t]) => [id, t ? copyJson(t) : null])) };
    const projection = new Projection(jobs, workers);
    for (const { event } of entries) projection.apply(event);
    await inParallel(rollUp(projection.deltas), (delta) => this.addToAggregate(batch, delta));
    const tracks: Array<{ id: string; before: unknown; after: unknown; ended: boolean }> = [
      ...[...jobs].map(([id, after]) => ({ id: `job:${id}`, before: before.jobs.get(id) ?? null, after: after ?? null, ended: !!after?.ended })),
      ...[...workers].map(([id, after]) => ({ id: `worker:${id}`, before: before.workers.get(id) ?? null, after: after ?? null, ended: !!after?.deleted })),
    ];
    await inParallel(tracks, (track) => this.writeTrack(batch, track));
  }

  private async loadTracks<T>(kind: 'job' | 'worker', ids: ReadonlySet<string>, batch: number): Promise<Map<string, T | undefined>> {
    const loaded = new Map<string, T | undefined>();
    await inParallel([...ids], async (id) => {
      const doc = await this.store.get<TrackBody<T>>('statistics', `${kind}:${id}`);
      // A track this batch already wrote (a run cut short) is taken as it was before the batch.
      const state = doc ? (doc.body.batch >= batch ? doc.body.before : doc.body.after) : null;
      // The projection moves the track on in place: a copy, as a store may hand out its own (frozen) bodies.
      loaded.set(id, state ? copyJson(state) : undefined);
    });
    return loaded;
  }

  private async writeTrack<T>(batch: number, track: { id: string; before: T | null; after: T | null; ended: boolean }): Promise<void> {
    if (JSON.stringify(track.before) === JSON.stringify(track.after)) return;
    // A job that began and ended within the batch leaves nothing a later event needs: most short ones.
    if (track.before === null && track.ended && track.id.startsWith('job:')) return;
    const body: TrackBody<T> = { batch, before: track.before, after: track.after };
    await conditionalWrite<TrackBody<T>, void>(this.store, 'statistics', track.id, (current) =>
      current && current.body.batch >= batch
        ? { done: undefined }
        : { put: { collection: 'statistics', id: track.id, lastModified: this.clock.now().toISOString(), body, keys: { [TRACK_KEY]: track.ended ? 'ended' : 'open' } }, answer: () => undefined },
    );
  }

  private async addToAggregate(batch: number, delta: RolledUp): Promise<void> {
    const id = aggregateId(delta.granularity, delta.scope, delta.startMs);
    await conditionalWrite<AggregateBody, void>(this.store, 'statistics', id, (current) => {
      if (current && current.body.batch >= batch) return { done: undefined };
      const figures = current ? copyJson(current.body.figures) : emptyFigures();
      mergeFigures(figures, delta.figures);
      const start = new Date(delta.startMs).toISOString();
      return {
        put: { collection: 'statistics', id, lastModified: this.clock.now().toISOString(), body: { batch, figures }, keys: { [SLOT_KEY]: slotKey(delta.granularity, delta.scope, delta.startMs), [START_KEY]: start } },
        answer: () => undefined,
      };
    });
  }

  /** Removes aggregates past the retention, and tracks of jobs and workers that ended before the last batch. */
  async prune(): Promise<number> {
    const cutoff = new Date(this.clock.now().getTime() - this.retentionMs).toISOString();
    const cursor = await this.cursor();
    let removed = 0;
    const remove = async (doc: StoredDocument<unknown>) => {
      if (await this.store.delete('statistics', doc.id, doc.etag).catch(() => false)) removed++;
    };
    for await (const docs of pagesOf<unknown>(this.store, 'statistics', { where: [{ key: START_KEY, op: 'lte', value: cutoff }], pageSize: 500 })) {
      for (const doc of docs) {
        const granularity = String(doc.keys[SLOT_KEY]).split('\u001f')[0] as Granularity;
        // Only slots wholly past the retention go: a day that began before the cutoff stays until it ends.
        if (Date.parse(String(doc.keys[START_KEY])) + (GRANULARITY_MS[granularity] ?? GRANULARITY_MS['1d']) <= Date.parse(cutoff)) await remove(doc);
      }
    }
    for await (const docs of pagesOf<TrackBody<unknown>>(this.store, 'statistics', { where: [{ key: TRACK_KEY, op: 'eq', value: 'ended' }], pageSize: 500 })) {
      for (const doc of docs) if (cursor && doc.body.batch < cursor.batch) await remove(doc);
    }
    return removed;
  }
}

interface RolledUp {
  granularity: (typeof GRANULARITIES)[number];
  scope: string;
  startMs: number;
  figures: Figures;
}

/** Five-minute deltas summed into every granularity's slot: one write per slot and batch. */
function rollUp(deltas: readonly SlotDelta[]): RolledUp[] {
  const slots = new Map<string, RolledUp>();
  for (const delta of deltas) {
    for (const granularity of GRANULARITIES) {
      const startMs = floorTo(delta.startMs, GRANULARITY_MS[granularity]);
      const key = `${granularity}\u001f${delta.scope}\u001f${startMs}`;
      let slot = slots.get(key);
      if (!slot) {
        slot = { granularity, scope: delta.scope, startMs, figures: emptyFigures() };
        slots.set(key, slot);
      }
      mergeFigures(slot.figures, delta.figures);
    }
  }
  return [...slots.values()];
}

import { recordedEvent, type RecordedEventBody, type RecordedEventDocument } from '../domain/routing/eventHistory';
import type { Clock } from '../ports/Clock';
import type { EventPublisher } from '../ports/EventPublisher';
import type { Logger } from '../ports/Logger';
import type { Store } from '../ports/Store';
import { putDocument } from './conditionalWrite';
import { OUTBOX_KEY, outboxOf } from './outbox';
import { pagesOf } from './pagesOf';

/** At most this many old events are removed per sweep, so a first sweep over a long history stays short. */
const PRUNE_PER_SWEEP = 2000;
/** Writes whose events carry a time up to this much before the last sweep are looked at again (slow commits). */
const SWEEP_MARGIN_MS = 30_000;
/** Events of a delete still not seen to happen after this long are dropped: the delete failed. */
const AWAITING_LIMIT_MS = 60_000;
const SWEEP_PAGE = 200;
const WATERMARK_ID = 'eventRelay';

interface Watermark {
  sweptThrough: string;
}

export interface EventSweepOptions {
  store: Store;
  clock: Clock;
  logger: Logger;
  /** Events older than this leave the history once every channel took them. */
  retentionMs: number;
  /** Where found entries are recorded, and delete events confirmed or abandoned. */
  history: Pick<EventPublisher, 'record' | 'confirm' | 'abandon'>;
  /** Whether a channel's last delivery failed. */
  deliveriesFailing: () => boolean;
  /** Lets every channel deliver what it has pending. */
  kick: () => void;
}

/**
 * The relay's catching up: records outbox entries a crash left unrecorded (documents written since the
 * last sweep, by their `outboxAt` key), settles the events of deletes, and removes events past their
 * retention that every channel took. It also keeps what happened in this process since its last
 * sweep, which decides whether a periodic sweep has reason to run.
 */
export class EventSweep {
  /** A recording or confirmation failed in this process since the last sweep: only a sweep will catch up. */
  private missed = false;
  /** This process recorded events or failed a delivery since its last sweep. */
  private worked = false;
  /** Sweeps of this process under way: what they have still to record may be older than what was recorded since. */
  private sweeping = 0;

  constructor(private readonly options: EventSweepOptions) {}

  get needed(): boolean {
    return this.missed;
  }

  noteMissed(): void {
    this.missed = true;
  }

  /** This process may hold committed entries it has not recorded: one failed to record, or a sweep is catching up. */
  get behind(): boolean {
    return this.missed || this.sweeping > 0;
  }

  /**
   * The deployment's recording horizon: every event whose time lies before it is in the history, or
   * never will be (its delete failed). A complete sweep recorded every entry a process had left
   * unrecorded in a write committed before the sweep started; a write may commit up to the sweep's
   * margin after its events' time, so the horizon is that margin before the last sweep's start — or,
   * when earlier, the time of the oldest delete event still awaiting its confirmation. Undefined before
   * the first sweep.
   */
  async recordedThrough(): Promise<string | undefined> {
    const { store } = this.options;
    const watermark = await store.get<Watermark>('routingState', WATERMARK_ID);
    if (!watermark) return undefined;
    const swept = new Date(Date.parse(watermark.body.sweptThrough) - SWEEP_MARGIN_MS).toISOString();
    // History ids begin with the event's time: the first awaiting one is the oldest.
    const awaiting = await store.list<RecordedEventBody>('events', { where: [{ key: 'awaiting', op: 'eq', value: true }], pageSize: 1 });
    const oldest = awaiting.items[0]?.body.time;
    return oldest !== undefined && oldest < swept ? oldest : swept;
  }

  noteWork(): void {
    this.worked = true;
  }

  async sweep(): Promise<void> {
    // Cleared first: a recording that fails while the sweep runs may be past what it reads.
    this.missed = false;
    this.worked = false;
    this.sweeping++;
    try {
      await this.sweepOnce();
    } catch (error) {
      this.missed = true;
      throw error;
    } finally {
      this.sweeping--;
    }
  }

  /**
   * Why a periodic sweep should run now, or undefined when it would find nothing: this process failed
   * to record or confirm, recorded events (the deployment is busy, so another instance may have died
   * with entries unrecorded) or has deliveries waiting for a retry; no sweep anywhere for `backstopMs`
   * (one point read of the watermark), which bounds how long a crash's entries wait while every
   * instance is idle; or any instance recorded events since the last sweep (a one-item query), so the
   * deployment's recording horizon, which the statistics wait for, keeps up with a busy deployment
   * whichever instance runs the timer.
   */
  async due(backstopMs: number): Promise<string | undefined> {
    if (this.missed) return 'events failed to be recorded or confirmed';
    if (this.worked) return 'events were recorded since the last sweep';
    if (this.options.deliveriesFailing()) return 'deliveries are waiting for a retry';
    const watermark = await this.options.store.get<Watermark>('routingState', WATERMARK_ID);
    if (!watermark) return 'no sweep yet';
    const since = this.options.clock.now().getTime() - Date.parse(watermark.body.sweptThrough);
    if (since >= backstopMs) return `no sweep for ${Math.round(since / 60_000)} min`;
    // Later than the sweep's start: what a sweep started at that instant may not have seen.
    const after = new Date(Date.parse(watermark.body.sweptThrough) + 1).toISOString();
    const newer = await this.options.store.list('events', { where: [{ key: 'time', op: 'gte', value: after }], pageSize: 1 });
    return newer.items.length > 0 ? 'events were recorded since the last sweep' : undefined;
  }

  /**
   * Moves the sweep's starting point to now when this process recorded everything it committed (one
   * small write), so the sweep after a crash reads only the documents written since.
   */
  async markCaughtUp(): Promise<void> {
    if (this.missed) return;
    await this.writeWatermark(this.options.clock.now());
  }

  /** Removes delivered events older than the retention; pending and dead-lettered ones stay until they are settled. */
  async prune(): Promise<number> {
    const { store, clock, logger, retentionMs } = this.options;
    const cutoff = new Date(clock.now().getTime() - retentionMs).toISOString();
    let removed = 0;
    for await (const docs of pagesOf<RecordedEventBody>(store, 'events', { where: [{ key: 'time', op: 'lte', value: cutoff }], pageSize: SWEEP_PAGE })) {
      for (const doc of docs) {
        if (removed >= PRUNE_PER_SWEEP || doc.keys['pendingFor'] || doc.keys['deadFor'] || doc.body._awaiting) continue;
        // Another instance may have removed or changed it meanwhile: then it is left to that one.
        if (await store.delete('events', doc.id, doc.etag).catch(() => false)) removed++;
      }
      if (removed >= PRUNE_PER_SWEEP) break;
    }
    if (removed > 0) logger.info({ removed, olderThan: cutoff }, 'old router events removed from the history');
    return removed;
  }

  private async sweepOnce(): Promise<void> {
    const { store, clock, history } = this.options;
    const started = clock.now();
    const watermark = await store.get<Watermark>('routingState', WATERMARK_ID);
    const since = watermark ? new Date(Date.parse(watermark.body.sweptThrough) - SWEEP_MARGIN_MS).toISOString() : '';
    for (const collection of ['jobs', 'workers'] as const) {
      for await (const docs of pagesOf<object>(store, collection, { where: [{ key: OUTBOX_KEY, op: 'gte', value: since }], pageSize: SWEEP_PAGE })) {
        for (const doc of docs) await history.record(outboxOf(doc.body)?.pending ?? []);
      }
    }
    for await (const docs of pagesOf<RecordedEventBody>(store, 'events', { where: [{ key: 'awaiting', op: 'eq', value: true }], pageSize: SWEEP_PAGE })) {
      for (const doc of docs) await this.settleAwaiting(doc);
    }
    await this.prune();
    await this.writeWatermark(started);
    this.options.kick();
  }

  /** Two instances sweeping at once both write; either watermark serves, so the last writer is right. */
  private async writeWatermark(at: Date): Promise<void> {
    const body: Watermark = { sweptThrough: at.toISOString() };
    await putDocument(this.options.store, { collection: 'routingState', id: WATERMARK_ID, lastModified: body.sweptThrough, body, keys: {} });
  }

  private async settleAwaiting(doc: RecordedEventDocument): Promise<void> {
    const { store, clock, history } = this.options;
    const awaiting = doc.body._awaiting;
    if (!awaiting) return;
    const target = await store.get(awaiting.collection, awaiting.id);
    const entry = { position: doc.id.slice(0, doc.id.length - doc.body.id.length - 1), event: recordedEvent(doc.body) };
    if (!target) return history.confirm([entry]);
    const stale = clock.now().getTime() - Date.parse(doc.body.time) > AWAITING_LIMIT_MS;
    if (target.etag !== awaiting.etag || stale) await history.abandon([entry]);
  }
}

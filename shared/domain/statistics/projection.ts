import type { RouterEvent } from '../../ports/EventPublisher';
import { count, emptyFigures, measure, type Counter, type Figures } from './figures';
import { floorTo, scopeKey, SLOT_MS } from './statisticsSlots';

/** What the projection remembers of a job between its events. Times are ms since the epoch. */
export interface JobTrack {
  queueId?: string;
  channelId?: string;
  /** When it last entered a queue, while it waits there. */
  queuedAt?: number;
  assignment?: { id: string; workerId?: string; at: number };
  completedAt?: number;
  /** Open offers: offer id → when offered. */
  offers: Record<string, number>;
  /** Closed, cancelled or deleted: no event of it can follow but a delete. */
  ended?: boolean;
}

/** What the projection remembers of a worker: enough to account its time. */
export interface WorkerTrack {
  registered: boolean;
  /** When it last became active, draining or inactive. */
  stateSince: number;
  /** Its time is accounted up to here. */
  accountedTo: number;
  capacity: number;
  /** Channel id → capacity cost of one job. */
  costs: Record<string, number>;
  /** Assignment id → capacity it holds. */
  held: Record<string, number>;
  deleted?: boolean;
}

/** One scope's figures in one five-minute slot. */
export interface SlotDelta {
  scope: string;
  startMs: number;
  figures: Figures;
}

const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);

const newWorker = (at: number): WorkerTrack => ({ registered: false, stateSince: at, accountedTo: at, capacity: 0, costs: {}, held: {} });

const isBusy = (worker: WorkerTrack) => Object.keys(worker.held).length > 0;
const signedIn = (worker: WorkerTrack) => worker.registered || isBusy(worker);

/**
 * The pure heart of the statistics: router events in history order in, per-slot figures out. It reads
 * and changes the tracks it is given (the caller loads and stores them), and never looks at a clock:
 * every time comes from an event.
 */
export class Projection {
  private readonly slots = new Map<string, SlotDelta>();

  constructor(
    readonly jobs: Map<string, JobTrack | undefined>,
    readonly workers: Map<string, WorkerTrack | undefined>,
  ) {}

  get deltas(): SlotDelta[] {
    return [...this.slots.values()];
  }

  apply(event: RouterEvent): void {
    const at = Date.parse(event.time);
    const data = event.data;
    const jobId = text(data['jobId']);
    const workerId = text(data['workerId']);
    const job = jobId ? this.job(jobId, data) : undefined;
    // Job events count for the worker that holds (or is offered) the job, where there is one.
    const scopes = this.scopesOf(job, data, workerId ?? job?.assignment?.workerId);
    const add = (counter: Counter) => this.countIn(scopes, at, counter);
    switch (event.type) {
      case 'RouterJobReceived':
        return add('jobsReceived');
      case 'RouterJobQueued':
        if (job) job.queuedAt = at;
        return add('jobsQueued');
      case 'RouterJobClassified':
        return;
      case 'RouterJobClassificationFailed':
        return add('classificationFailures');
      case 'RouterJobExceptionTriggered':
        return add('exceptionsTriggered');
      case 'RouterWorkerOfferIssued':
        if (job && text(data['offerId'])) job.offers[String(data['offerId'])] = Date.parse(text(data['offeredOn']) ?? event.time) || at;
        return add('offersIssued');
      case 'RouterWorkerOfferAccepted':
        return this.accepted(job, scopes, at, data, workerId);
      case 'RouterWorkerOfferDeclined':
      case 'RouterWorkerOfferExpired':
      case 'RouterWorkerOfferRevoked':
        if (job) delete job.offers[String(data['offerId'])];
        return add(event.type === 'RouterWorkerOfferDeclined' ? 'offersDeclined' : event.type === 'RouterWorkerOfferExpired' ? 'offersExpired' : 'offersRevoked');
      case 'RouterJobCompleted':
        if (job?.assignment) this.measureIn(scopes, at, 'handleTime', at - job.assignment.at);
        if (job) job.completedAt = at;
        return add('jobsCompleted');
      case 'RouterJobClosed':
        if (job?.completedAt !== undefined) this.measureIn(scopes, at, 'wrapUp', at - job.completedAt);
        this.release(job, at, true);
        return add('jobsClosed');
      case 'RouterJobCancelled':
        add('jobsCancelled');
        if (job?.assignment) {
          add('jobsCancelledAfterAssignment');
        } else {
          add('jobsAbandoned');
          if (job?.queuedAt !== undefined) this.measureIn(scopes, at, 'waitUntilAbandoned', at - job.queuedAt);
        }
        return this.release(job, at, true);
      case 'RouterJobUnassigned':
        add('jobsUnassigned');
        return this.release(job, at, false);
      case 'RouterJobDeleted':
        return this.release(job, at, true);
      case 'RouterWorkerRegistered':
      case 'RouterWorkerUpdated':
        return this.workerChanged(workerId, at, data, true);
      case 'RouterWorkerDeregistered':
        return this.workerChanged(workerId, at, data, false);
      case 'RouterWorkerDeleted':
        if (workerId) {
          const worker = this.worker(workerId, at);
          this.account(workerId, worker, at);
          worker.deleted = true;
        }
        return;
      default:
        return;
    }
  }

  private accepted(job: JobTrack | undefined, scopes: string[], at: number, data: Record<string, unknown>, workerId: string | undefined): void {
    this.countIn(scopes, at, 'offersAccepted');
    this.countIn(scopes, at, 'jobsAssigned');
    if (!job) return;
    const offeredAt = job.offers[String(data['offerId'])];
    if (offeredAt !== undefined) this.measureIn(scopes, at, 'timeToAccept', at - offeredAt);
    if (job.queuedAt !== undefined) this.measureIn(scopes, at, 'waitUntilAssigned', at - job.queuedAt);
    job.queuedAt = undefined;
    job.offers = {};
    job.completedAt = undefined;
    job.assignment = { id: text(data['assignmentId']) ?? '', workerId, at };
    if (!workerId) return;
    const worker = this.worker(workerId, at);
    this.account(workerId, worker, at);
    const wasBusy = isBusy(worker);
    worker.held[job.assignment.id] = worker.costs[job.channelId ?? ''] ?? 0;
    if (!wasBusy && !worker.registered) worker.stateSince = at;
  }

  /** The job's assignment (if any) stops holding its worker; `ended` when the job is over for good. */
  private release(job: JobTrack | undefined, at: number, ended: boolean): void {
    if (!job) return;
    const assignment = job.assignment;
    if (ended) job.ended = true;
    job.assignment = undefined;
    job.queuedAt = ended ? undefined : job.queuedAt;
    if (!assignment?.workerId) return;
    const worker = this.workers.get(assignment.workerId);
    if (!worker || !(assignment.id in worker.held)) return;
    this.account(assignment.workerId, worker, at);
    delete worker.held[assignment.id];
    if (!isBusy(worker) && !worker.registered) worker.stateSince = at;
  }

  private workerChanged(workerId: string | undefined, at: number, data: Record<string, unknown>, registered: boolean): void {
    if (!workerId) return;
    const worker = this.worker(workerId, at);
    this.account(workerId, worker, at);
    if (worker.registered !== registered) worker.stateSince = at;
    worker.registered = registered;
    worker.deleted = undefined;
    if (typeof data['totalCapacity'] === 'number') worker.capacity = data['totalCapacity'];
    if (Array.isArray(data['channelConfigurations'])) {
      worker.costs = {};
      for (const channel of data['channelConfigurations'] as Array<Record<string, unknown>>) {
        if (typeof channel['channelId'] === 'string') worker.costs[channel['channelId']] = Number(channel['capacityCostPerJob'] ?? 0);
      }
    }
  }

  /** Accounts a worker's time up to `to` as if nothing changed meanwhile (the time still open at a query). */
  accountWorker(workerId: string, to: number): void {
    const worker = this.workers.get(workerId);
    if (worker && !worker.deleted) this.account(workerId, worker, to);
  }

  /** Adds the worker's time since it was last accounted, slot by slot, then moves its mark to `to`. */
  private account(workerId: string, worker: WorkerTrack, to: number): void {
    const from = worker.accountedTo;
    worker.accountedTo = Math.max(from, to);
    if (to <= from || !signedIn(worker)) return;
    const used = Object.values(worker.held).reduce((sum, cost) => sum + cost, 0);
    const scopes = [scopeKey('router'), scopeKey('worker', workerId)];
    for (let start = floorTo(from, SLOT_MS); start < to; start += SLOT_MS) {
      const ms = Math.min(to, start + SLOT_MS) - Math.max(from, start);
      for (const scope of scopes) {
        const figures = this.slot(scope, start);
        count(figures, 'signedInMs', ms);
        count(figures, 'capacityMs', worker.capacity * ms);
        if (isBusy(worker)) count(figures, 'busyMs', ms);
        count(figures, 'usedCapacityMs', used * ms);
      }
    }
  }

  private job(jobId: string, data: Record<string, unknown>): JobTrack {
    let job = this.jobs.get(jobId);
    if (!job) {
      job = { offers: {} };
      this.jobs.set(jobId, job);
    }
    // Reclassification can move a job to another queue: its later events count there.
    job.queueId = text(data['queueId']) ?? job.queueId;
    job.channelId = text(data['channelId']) ?? job.channelId;
    return job;
  }

  private worker(workerId: string, at: number): WorkerTrack {
    let worker = this.workers.get(workerId);
    if (!worker) {
      worker = newWorker(at);
      this.workers.set(workerId, worker);
    }
    return worker;
  }

  private scopesOf(job: JobTrack | undefined, data: Record<string, unknown>, workerId: string | undefined): string[] {
    if (!job && !text(data['jobId'])) return [];
    const scopes = [scopeKey('router')];
    const queueId = job?.queueId ?? text(data['queueId']);
    const channelId = job?.channelId ?? text(data['channelId']);
    if (queueId) scopes.push(scopeKey('queue', queueId));
    if (channelId) scopes.push(scopeKey('channel', channelId));
    if (workerId) scopes.push(scopeKey('worker', workerId));
    return scopes;
  }

  private slot(scope: string, startMs: number): Figures {
    const key = `${scope}\u001f${startMs}`;
    let delta = this.slots.get(key);
    if (!delta) {
      delta = { scope, startMs, figures: emptyFigures() };
      this.slots.set(key, delta);
    }
    return delta.figures;
  }

  private countIn(scopes: readonly string[], at: number, counter: Counter): void {
    for (const scope of scopes) count(this.slot(scope, floorTo(at, SLOT_MS)), counter);
  }

  private measureIn(scopes: readonly string[], at: number, name: Parameters<typeof measure>[1], ms: number): void {
    for (const scope of scopes) measure(this.slot(scope, floorTo(at, SLOT_MS)), name, ms);
  }
}

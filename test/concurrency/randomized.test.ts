import { appendFileSync } from 'node:fs';
import { openSqliteStore, type SqliteStore } from '../../shared/adapters/embedded/SqliteStore';
import { acceptOffer } from '../../shared/app/acceptOffer';
import { AppError, type AppErrorReason } from '../../shared/app/AppError';
import { cancelJob } from '../../shared/app/cancelJob';
import { closeJob } from '../../shared/app/closeJob';
import { completeJob } from '../../shared/app/completeJob';
import { declineOffer } from '../../shared/app/declineOffer';
import { deleteJob } from '../../shared/app/deleteJob';
import { recoverMatching } from '../../shared/app/recoverMatching';
import { runMatching } from '../../shared/app/runMatching';
import { unassignJob } from '../../shared/app/unassignJob';
import { upsertJob } from '../../shared/app/upsertJob';
import { upsertResource } from '../../shared/app/upsertResource';
import { upsertWorker } from '../../shared/app/upsertWorker';
import type { DistributionMode } from '../../shared/domain/model';
import { distributionPolicyResource, isTerminal, queueResource } from '../../shared/domain/resources';
import { ineligibility } from '../../shared/domain/routing/eligibility';
import { isMatchable } from '../../shared/domain/routing/routingKeys';
import type { EngineWorker } from '../../shared/domain/routing/routingState';
import { createEmbeddedEngine, type EmbeddedEngine } from '../../shared/hosting/createEmbeddedEngine';
import type { Logger } from '../../shared/ports/Logger';
import type { MatchRequest } from '../../shared/ports/MatchQueue';
import type { RouterPorts } from '../../shared/ports/RouterPorts';
import { findViolations, readSnapshot, type InvariantOptions, type StoreSnapshot, type Violation } from '../support/invariants';
import { TestClock } from '../support/testClock';
import { InterleavingStore } from './interleavingStore';
import { seededRandom, type Random } from '../support/prng';

/**
 * Randomized concurrency test of the routing engine, straight on the use cases (no HTTP). A seeded
 * PRNG generates batches of 10–30 operations that run concurrently (Promise.allSettled) against the
 * embedded engine over an in-memory SQLite store; a second seeded stream decides how the store calls
 * of those operations interleave (see InterleavingStore), so a seed reproduces a run exactly:
 *
 *   CONCURRENCY_SEEDS=12345 CONCURRENCY_OPS=2500 npx jest test/concurrency/randomized
 *
 * After every batch has settled and matching is idle, the store is checked against the invariants of
 * test/support/invariants.ts. At the end the clock jumps past every expiry, due timers fire, and the
 * store must be exact; then every job is cancelled and every worker must be back to zero.
 * AppErrors (400/404/409/412) are expected answers to racing requests; any other error fails.
 */

const SEEDS = (process.env['CONCURRENCY_SEEDS'] ?? '1,20260105,777').split(',').map((s) => Number(s.trim()));
const OPERATIONS = Number(process.env['CONCURRENCY_OPS'] ?? 2500);
const VERBOSE = process.env['CONCURRENCY_VERBOSE'] === '1';
/** A file to write every distinct violation to, each with the operations of the batch that caused it. */
const DUMP = process.env['CONCURRENCY_DUMP'];

interface QueueSetup {
  queueId: string;
  policyId: string;
  offerExpiresAfterSeconds: number;
  mode: DistributionMode;
}

const QUEUES: readonly QueueSetup[] = [
  { queueId: 'q-idle', policyId: 'dp-idle', offerExpiresAfterSeconds: 45, mode: { kind: 'longestIdle', maxConcurrentOffers: 2 } },
  { queueId: 'q-rr', policyId: 'dp-rr', offerExpiresAfterSeconds: 30, mode: { kind: 'roundRobin', maxConcurrentOffers: 3 } },
  { queueId: 'q-best', policyId: 'dp-best', offerExpiresAfterSeconds: 60, mode: { kind: 'bestWorker', minConcurrentOffers: 1, maxConcurrentOffers: 1 } },
];
const QUEUE_IDS = QUEUES.map((q) => q.queueId);
const CHANNELS = ['voice', 'chat', 'email'] as const;
const WORKERS = 20;
const EXPECTED_REASONS: readonly AppErrorReason[] = ['invalid', 'notFound', 'conflict', 'preconditionFailed'];

type OpKind = 'create' | 'updateJob' | 'accept' | 'acceptStorm' | 'decline' | 'complete' | 'close' | 'unassign' | 'cancel' | 'delete' | 'worker' | 'tick' | 'runDue' | 'match';

const DEFAULT_WEIGHTS: Record<OpKind, number> = {
  create: 15,
  updateJob: 3,
  accept: 14,
  acceptStorm: 3,
  decline: 7,
  complete: 7,
  close: 9,
  unassign: 4,
  cancel: 4,
  delete: 3,
  worker: 8,
  tick: 4,
  runDue: 2,
  match: 10,
};

/** CONCURRENCY_WEIGHTS='{"decline":0}' changes the mix (e.g. to look past a known bug). */
const WEIGHTS: Record<OpKind, number> = { ...DEFAULT_WEIGHTS, ...(JSON.parse(process.env['CONCURRENCY_WEIGHTS'] ?? '{}') as Partial<Record<OpKind, number>>) };

interface Op {
  kind: OpKind;
  label: string;
  run(): Promise<unknown>;
}

interface SeenViolation {
  violation: Violation;
  batch: number;
}

interface RunResult {
  operations: number;
  batches: number;
  jobsCreated: number;
  problems: string[];
  stats: string;
}

const errorText = (error: unknown) => (error instanceof Error ? `${error.name}: ${error.message}\n${error.stack ?? ''}` : String(error));

class Simulation {
  readonly clock = new TestClock();
  readonly raw: SqliteStore = openSqliteStore({ path: ':memory:' });
  readonly engine: EmbeddedEngine;
  readonly ports: RouterPorts;
  private readonly random: Random;
  private idSeq = 0;
  private jobSeq = 0;

  readonly loggedErrors: string[] = [];
  readonly unexpected: string[] = [];
  readonly created = new Set<string>();
  readonly deleteAttempted = new Set<string>();
  readonly grandfathered = new Map<string, Set<string>>();
  private readonly accepts = new Map<string, string[]>();
  private readonly unassigns = new Map<string, number>();
  readonly outcomes = new Map<string, number>();
  readonly seen = new Map<string, SeenViolation>();
  readonly batchLogs: string[][] = [];
  operations = 0;

  constructor(readonly seed: number) {
    this.random = seededRandom(seed);
    const logger: Logger = {
      info: () => {},
      warn: (fields, message) => this.loggedErrors.push(`warn: ${message} ${describeFields(fields)}`),
      error: (fields, message) => this.loggedErrors.push(`error: ${message} ${describeFields(fields)}`),
    };
    const store = new InterleavingStore(this.raw, seededRandom(seed ^ 0x5bd1e995));
    this.engine = createEmbeddedEngine({
      store,
      logger,
      clock: this.clock,
      newId: () => `00000000-0000-4000-8000-${(++this.idSeq).toString(16).padStart(12, '0')}`,
    });
    this.ports = this.engine.ports;
  }

  async setUp(): Promise<void> {
    await this.engine.start();
    // Timers fire only when the test says (runDue): the loop's real-time sleeps would make runs
    // irreproducible. runDue still works after stop (the handler stays).
    await this.engine.scheduler.stop();
    for (const q of QUEUES) {
      await upsertResource(this.ports, distributionPolicyResource, q.policyId, { offerExpiresAfterSeconds: q.offerExpiresAfterSeconds, mode: q.mode });
      await upsertResource(this.ports, queueResource, q.queueId, { distributionPolicyId: q.policyId });
    }
    const r = this.random;
    for (let i = 0; i < WORKERS; i++) {
      const channels = r.shuffle(CHANNELS).slice(0, r.int(1, 3)).map((channelId) => {
        const cost = channelId === 'email' ? r.int(0, 1) : r.int(1, 2);
        const max = cost === 0 || r.chance(0.4) ? r.int(1, 2) : undefined;
        return { channelId, capacityCostPerJob: cost, ...(max === undefined ? {} : { maxNumberOfJobs: max }) };
      });
      await upsertWorker(
        this.ports,
        workerId(i),
        {
          queues: r.shuffle(QUEUE_IDS).slice(0, r.int(1, 3)),
          capacity: r.int(1, 3),
          channels,
          labels: { skill: r.pick(['a', 'b']), level: r.int(1, 5) },
          availableForOffers: r.chance(0.85),
          ...(r.chance(0.2) ? { maxConcurrentOffers: r.int(1, 2) } : {}),
        },
        {},
      );
    }
    await this.engine.idle();
  }

  async run(operations: number): Promise<void> {
    let batch = 0;
    while (this.operations < operations) {
      await this.runBatch(batch++);
    }
  }

  private async runBatch(batch: number): Promise<void> {
    const snapshot = await readSnapshot(this.raw);
    const size = this.random.int(10, 30);
    const ops: Op[] = [];
    while (ops.length < size) ops.push(...this.generate(snapshot));
    this.batchLogs.push(ops.map((o) => o.label));
    this.operations += ops.length;
    await Promise.allSettled(ops.map((op) => this.execute(op)));
    await this.engine.idle();
    await this.checkAsync(batch, {});
  }

  /** Runs one operation; expected refusals are counted, anything else is recorded as a failure. */
  private async execute(op: Op): Promise<void> {
    try {
      await op.run();
      this.count(`${op.kind} ok`);
    } catch (error) {
      if (error instanceof AppError && EXPECTED_REASONS.includes(error.reason)) {
        this.count(`${op.kind} ${error.reason}`);
        return;
      }
      this.unexpected.push(`batch ${this.batchLogs.length - 1}, ${op.label}: ${errorText(error)}`);
    }
  }

  private count(key: string): void {
    this.outcomes.set(key, (this.outcomes.get(key) ?? 0) + 1);
  }

  private invariantOptions(extra: Partial<InvariantOptions>): InvariantOptions {
    return { now: this.clock.now(), grandfathered: this.grandfathered, createdJobIds: this.created, deleteAttempted: this.deleteAttempted, ...extra };
  }

  /** Checks the store; records each distinct violation the first time it appears. */
  async checkAsync(batch: number, extra: Partial<InvariantOptions>, snapshot?: StoreSnapshot): Promise<Violation[]> {
    const found = findViolations(snapshot ?? (await readSnapshot(this.raw)), this.invariantOptions(extra));
    for (const violation of found) {
      const key = `${violation.invariant} ${violation.message}`;
      if (!this.seen.has(key)) this.seen.set(key, { violation, batch });
    }
    return found;
  }

  // ---------------------------------------------------------------- operations

  private generate(s: StoreSnapshot): Op[] {
    const r = this.random;
    const kind = r.weighted(WEIGHTS);
    const workers = [...s.workers.values()].map((d) => d.body);
    const jobs = [...s.jobs.values()].map((d) => d.body);
    const offers = workers.flatMap((w) => w.offers.map((o) => ({ workerId: w.id, offerId: o.offerId, jobId: o.jobId })));
    const withAssignment = jobs.filter((j) => Object.keys(j.assignments).length > 0);
    const current = jobs.filter((j) => j.status === 'assigned' || j.status === 'completed');
    const now = () => this.clock.now().getTime();
    const p = this.ports;

    switch (kind) {
      case 'create': {
        const id = `job-${String(++this.jobSeq).padStart(5, '0')}`;
        const patch: Record<string, unknown> = { queueId: r.pick(QUEUE_IDS), channelId: r.pick(CHANNELS), priority: r.int(1, 5), labels: { tier: r.pick(['gold', 'silver']), skill: r.pick(['a', 'b']) } };
        if (r.chance(0.3)) patch['requestedWorkerSelectors'] = [r.chance(0.5) ? { key: 'skill', labelOperator: 'equal', value: r.pick(['a', 'b']) } : { key: 'level', labelOperator: 'greaterThanOrEqual', value: r.int(2, 4) }];
        if (r.chance(0.08)) patch['matchingMode'] = { kind: 'suspend' };
        return [
          op(kind, `create ${id} ${JSON.stringify(patch)}`, async () => {
            const result = await upsertJob(p, id, patch, {});
            if (result.created) this.created.add(id);
          }),
        ];
      }
      case 'updateJob': {
        if (jobs.length === 0) return [];
        const job = r.pick(jobs);
        const patch = r.pick<Record<string, unknown>>([
          { priority: r.int(1, 9) },
          { labels: { tier: r.pick(['gold', 'silver', 'bronze']) } },
          { matchingMode: { kind: 'suspend' } },
          { matchingMode: { kind: 'queueAndMatch' } },
          { requestedWorkerSelectors: r.chance(0.5) ? [] : [{ key: 'level', labelOperator: 'greaterThanOrEqual', value: r.int(1, 3) }] },
        ]);
        return [op(kind, `updateJob ${job.id} ${JSON.stringify(patch)}`, () => upsertJob(p, job.id, patch, { ifMatch: '*' }))];
      }
      case 'accept': {
        if (offers.length === 0) return [];
        const o = r.pick(offers);
        const accept = this.acceptOp(o.workerId, o.offerId, o.jobId);
        return r.chance(0.15) ? [accept, this.acceptOp(o.workerId, o.offerId, o.jobId)] : [accept];
      }
      case 'acceptStorm': {
        const contested = jobs.filter((j) => (j._routing?.offers.length ?? 0) > 1);
        if (contested.length === 0) return [];
        const job = r.pick(contested);
        return (job._routing?.offers ?? []).map((o) => this.acceptOp(o.workerId, o.offerId, job.id));
      }
      case 'decline': {
        if (offers.length === 0) return [];
        const o = r.pick(offers);
        const retry = r.chance(0.4) ? new Date(now() + r.int(5, 90) * 1000).toISOString() : undefined;
        return [op(kind, `decline ${o.workerId} ${o.offerId} (${o.jobId})${retry ? ` retryOfferAt ${retry}` : ''}`, () => declineOffer(p, o.workerId, o.offerId, retry ? { retryOfferAt: retry } : {}))];
      }
      case 'complete':
      case 'close':
      case 'unassign': {
        const pool = current.length > 0 && r.chance(0.85) ? current : withAssignment;
        if (pool.length === 0) return [];
        const job = r.pick(pool);
        const open = Object.values(job.assignments).filter((a) => !a.closedAt);
        const assignment = r.pick(open.length > 0 ? open : Object.values(job.assignments));
        const ref = `${job.id} ${assignment.assignmentId} (${job.status}, ${assignment.workerId ?? '?'})`;
        if (kind === 'complete') return [op(kind, `complete ${ref}`, () => completeJob(p, job.id, assignment.assignmentId, {}))];
        if (kind === 'unassign') {
          const suspendMatching = r.chance(0.3);
          return [
            op(kind, `unassign ${ref}${suspendMatching ? ' suspendMatching' : ''}`, async () => {
              await unassignJob(p, job.id, assignment.assignmentId, { suspendMatching });
              this.unassigns.set(job.id, (this.unassigns.get(job.id) ?? 0) + 1);
            }),
          ];
        }
        const options: { closeAt?: string; dispositionCode?: string } = {};
        const when = r();
        if (when < 0.35) options.closeAt = new Date(now() + r.int(5, 120) * 1000).toISOString();
        else if (when < 0.45) options.closeAt = new Date(now() - r.int(1, 30) * 1000).toISOString();
        if (r.chance(0.3)) options.dispositionCode = 'Resolved';
        return [op(kind, `close ${ref} ${JSON.stringify(options)}`, () => closeJob(p, job.id, assignment.assignmentId, options))];
      }
      case 'cancel': {
        const live = jobs.filter((j) => !isTerminal(j.status));
        const pool = live.length > 0 && r.chance(0.85) ? live : jobs;
        if (pool.length === 0) return [];
        const job = r.pick(pool);
        return [op(kind, `cancel ${job.id} (${job.status})`, () => cancelJob(p, job.id, r.chance(0.5) ? { note: 'caller hung up' } : {}))];
      }
      case 'delete': {
        if (jobs.length === 0) return [];
        const job = r.pick(jobs);
        return [
          op(kind, `delete ${job.id} (${job.status})`, () => {
            this.deleteAttempted.add(job.id);
            return deleteJob(p, job.id);
          }),
        ];
      }
      case 'worker': {
        const worker = r.pick(workers);
        const patch = r.pick<Record<string, unknown>>([
          { availableForOffers: worker.availableForOffers ? !r.chance(0.4) : true },
          { availableForOffers: true },
          { capacity: r.int(1, 3) },
          { labels: { skill: r.pick(['a', 'b']), level: r.int(1, 5) } },
          { availableForOffers: r.chance(0.7), capacity: r.int(1, 3) },
        ]);
        return [op(kind, `worker ${worker.id} ${JSON.stringify(patch)}`, () => this.updateWorker(worker.id, patch))];
      }
      case 'tick': {
        const ms = r.int(1, 40) * 1000;
        return [
          op(kind, `tick +${ms / 1000}s, runDue`, async () => {
            this.clock.advance(ms);
            await this.engine.scheduler.runDue();
          }),
        ];
      }
      case 'runDue':
        return [op(kind, 'runDue', () => this.engine.scheduler.runDue())];
      case 'match': {
        const queueId = r.pick(QUEUE_IDS);
        const which = r();
        let request: MatchRequest = { queueId };
        if (which < 0.4 && jobs.length > 0) {
          const job = r.pick(jobs);
          request = { queueId: job.queueId ?? queueId, jobId: job.id };
        } else if (which < 0.8) {
          request = { queueId, workerId: r.pick(workers).id };
        }
        return [op(kind, `runMatching ${JSON.stringify(request)}`, () => runMatching(p, request))];
      }
    }
  }

  private acceptOp(workerId: string, offerId: string, jobId: string): Op {
    return op('accept', `accept ${workerId} ${offerId} (${jobId})`, async () => {
      const result = await acceptOffer(this.ports, workerId, offerId);
      this.accepts.set(result.jobId, [...(this.accepts.get(result.jobId) ?? []), `${result.assignmentId}@${workerId}`]);
      if (result.jobId !== jobId || result.workerId !== workerId) this.unexpected.push(`accept ${workerId} ${offerId}: answered ${JSON.stringify(result)} (expected job ${jobId})`);
    });
  }

  private async updateWorker(id: string, patch: Record<string, unknown>): Promise<void> {
    const result = await upsertWorker(this.ports, id, patch, {});
    const before = result.previous;
    const after = result.document.body;
    if (before && after.capacity < before.capacity) {
      const kept = this.grandfathered.get(id) ?? new Set<string>();
      for (const a of after.assignedJobs) kept.add(a.assignmentId);
      this.grandfathered.set(id, kept);
    }
  }

  /** Accepts that succeeded for one job must be separated by unassigns. */
  doubleAccepts(): string[] {
    const out: string[] = [];
    for (const [jobId, accepted] of this.accepts) {
      if (accepted.length > 1 + (this.unassigns.get(jobId) ?? 0)) out.push(`job ${jobId}: ${accepted.length} successful accepts (${accepted.join(', ')}) but ${this.unassigns.get(jobId) ?? 0} unassigns`);
    }
    return out;
  }

  // ---------------------------------------------------------------- end of run

  /** Every expiry passes, every due timer fires, matching settles: the store must then be exact. */
  async settleEverything(): Promise<void> {
    for (let round = 0; round < 10; round++) {
      this.clock.advance(24 * 3600 * 1000);
      const fired = await this.engine.scheduler.runDue();
      await this.engine.idle();
      if (fired === 0 && (await this.engine.scheduler.runDue()) === 0) break;
    }
    await this.engine.idle();
  }

  /** Queued jobs that could take another offer while an available worker is eligible for them. */
  async strandedJobs(): Promise<string[]> {
    const s = await readSnapshot(this.raw);
    const out: string[] = [];
    const now = this.clock.now();
    for (const { body: job } of s.jobs.values()) {
      if (!isMatchable(job)) continue;
      const setup = QUEUES.find((q) => q.queueId === job.queueId);
      if (!setup || (job._routing?.offers.length ?? 0) >= (setup.mode.maxConcurrentOffers ?? 1)) continue;
      const eligible = [...s.workers.values()].map((d) => d.body).filter((w: EngineWorker) => ineligibility(job, w, setup.mode, now) === undefined);
      if (eligible.length > 0) out.push(`job ${job.id} (${job.queueId}/${job.channelId}, offers ${job._routing?.offers.length ?? 0}) could be offered to ${eligible.map((w) => w.id).join(', ')}`);
    }
    return out;
  }

  /** Cancels every job that is not over or being closed, then lets every timer fire; afterwards no worker may hold anything. */
  async drain(): Promise<string[]> {
    const s = await readSnapshot(this.raw);
    for (const { body: job } of s.jobs.values()) {
      // A job being closed at a future closeAt cannot be cancelled (409); settling below closes it.
      if (isTerminal(job.status) || job._routing?.pendingClose) continue;
      try {
        await cancelJob(this.ports, job.id, { note: 'drain' });
      } catch (error) {
        this.unexpected.push(`drain: cancel ${job.id}: ${errorText(error)}`);
      }
    }
    await this.settleEverything();
    const after = await readSnapshot(this.raw);
    const out: string[] = [];
    for (const { body: w } of after.workers.values()) {
      if (w.offers.length > 0 || w.assignedJobs.length > 0 || w.loadRatio !== 0) {
        out.push(`worker ${w.id} after every job was cancelled: offers ${JSON.stringify(w.offers.map((o) => [o.offerId, o.jobId]))}, assignments ${JSON.stringify(w.assignedJobs.map((a) => [a.assignmentId, a.jobId]))}, loadRatio ${w.loadRatio}`);
      }
    }
    await this.checkAsync(-1, { expiriesFired: true }, after);
    return out;
  }

  async close(): Promise<void> {
    await this.engine.stop();
    await this.raw.close();
  }
}

function op(kind: OpKind, label: string, run: () => Promise<unknown>): Op {
  return { kind, label, run };
}

function workerId(i: number): string {
  return `w${String(i).padStart(2, '0')}`;
}

function describeFields(fields: Record<string, unknown>): string {
  return JSON.stringify(fields, (_key, value: unknown) => (value instanceof Error ? value.message : value));
}

async function runSeed(seed: number, operations: number): Promise<RunResult> {
  const sim = new Simulation(seed);
  const problems: string[] = [];
  try {
    await sim.setUp();
    await sim.run(operations);

    // The end state: every expiry passed and fired, matching idle.
    await sim.settleEverything();
    await sim.checkAsync(-1, { expiriesFired: true });
    const stranded = await sim.strandedJobs();
    if (stranded.length > 0) {
      await recoverMatching(sim.ports);
      await sim.engine.idle();
      const still = await sim.strandedJobs();
      problems.push(...stranded.map((line) => `stranded after settling (${still.some((s) => s.startsWith(line.split(' (')[0] ?? '')) ? 'still after recoverMatching' : 'fixed by recoverMatching'}): ${line}`));
    }
    problems.push(...(await sim.drain()).map((line) => `drain: ${line}`));
    // The routing index matching reads from memory must still agree with the committed rows.
    problems.push(...sim.raw.memoryIndexDrift().map((line) => `memory index: ${line}`));
  } finally {
    await sim.close();
  }

  problems.push(...sim.doubleAccepts().map((line) => `double accept: ${line}`));
  problems.push(...sim.unexpected.map((line) => `unexpected error: ${line}`));
  problems.push(...[...new Set(sim.loggedErrors)].map((line) => `logged by the engine: ${line}`));

  // One entry per invariant: how many distinct violations, the first with the batch that caused it.
  const byInvariant = new Map<string, SeenViolation[]>();
  for (const seen of sim.seen.values()) byInvariant.set(seen.violation.invariant, [...(byInvariant.get(seen.violation.invariant) ?? []), seen]);
  for (const [invariant, list] of byInvariant) {
    const first = list[0] as SeenViolation;
    const where = first.batch >= 0 ? `after batch ${first.batch} [${(sim.batchLogs[first.batch] ?? []).join(' | ')}]` : 'at the end of the run';
    problems.push(`invariant ${invariant} broken (${list.length} distinct): first ${where}: ${first.violation.message}`);
  }

  if (DUMP) {
    const lines = [...sim.seen.values()].map((s) => `seed ${seed} batch ${s.batch} ${s.violation.invariant}: ${s.violation.message}\n  ops: ${(sim.batchLogs[s.batch] ?? []).join('\n       ')}`);
    appendFileSync(DUMP, `${[...lines, ...problems.filter((p) => !p.startsWith('invariant ')).map((p) => `seed ${seed} problem: ${p}`)].join('\n')}\n`);
  }

  const stats = [...sim.outcomes].sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `${k}=${v}`).join(' ');
  return { operations: sim.operations, batches: sim.batchLogs.length, jobsCreated: sim.created.size, problems, stats };
}

describe('randomized concurrent routing keeps its invariants', () => {
  for (const seed of SEEDS) {
    it(`seed ${seed}: ${OPERATIONS} operations in concurrent batches`, async () => {
      const result = await runSeed(seed, OPERATIONS);
      if (VERBOSE) console.log(`seed ${seed}: ${result.operations} operations in ${result.batches} batches, ${result.jobsCreated} jobs\n${result.stats}`);
      expect(result.operations).toBeGreaterThanOrEqual(OPERATIONS);
      expect(result.problems).toEqual([]);
    }, 120_000);
  }
});

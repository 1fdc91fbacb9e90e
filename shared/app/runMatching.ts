import { ineligibility } from '../domain/routing/eligibility';
import { isMatchable, JOB_MATCH_ORDER, prefixRange, WORKER_OFFERABLE } from '../domain/routing/routingKeys';
import { jobRouting, type EngineJob, type EngineWorker } from '../domain/routing/routingState';
import { offerableChannels } from '../domain/routing/workerCapacity';
import type { MatchRequest } from '../ports/MatchQueue';
import type { RouterPorts } from '../ports/RouterPorts';
import type { StoredDocument } from '../ports/Store';
import { issueOffer, modeOf } from './issueOffer';
import { readJob, readQueueWithPolicy, readWorker, type QueueWithPolicy } from './routingDocuments';
import { selectCandidates } from './selectCandidates';

const PAGE = 64;
const FIRST_WORKER_PAGE = 8;
/**
 * How deep into a queue a worker-driven pass looks for a job the worker can take. A job is matched
 * against all workers when it is queued or changed; this pass only serves jobs that were waiting for
 * capacity, so a bound keeps one freed worker from reading a whole backlog it cannot serve.
 */
const WORKER_SCAN_LIMIT = 2_000;

/**
 * Runs matching for one queue: for one job (it was queued or changed), for one worker (it registered
 * or freed capacity: the queue's jobs in matching order until the worker is full), or for the whole
 * queue (recovery). Returns the number of offers issued. Safe to run concurrently with itself and
 * with every other use case: each offer is two conditional writes (see issueOffer).
 */
export async function runMatching(ports: RouterPorts, request: MatchRequest): Promise<number> {
  // A worker pass looks at the worker first: one that cannot take an offer in this queue (it just
  // accepted up to its capacity, went away or left the queue) needs nothing else read.
  const worker = request.workerId === undefined || request.jobId ? undefined : (await readWorker(ports, request.workerId))?.body;
  if (request.workerId !== undefined && !request.jobId && !(worker && canTakeOfferIn(worker, request.queueId))) return 0;
  const target = await readQueueWithPolicy(ports, request.queueId);
  if (!target) return 0;
  if (request.jobId) {
    const job = await readJob(ports, request.jobId);
    if (!job || job.body.queueId !== request.queueId) return 0;
    return matchJob(ports, job, target);
  }
  return matchQueue(ports, target, worker);
}

const canTakeOfferIn = (worker: EngineWorker, queueId: string) => worker.queues.includes(queueId) && offerableChannels(worker).length > 0;

/** Rounds of candidate selection per job when a chosen worker changed before its offer (a race). */
const MAX_ROUNDS = 3;

/**
 * Tops the job's open offers up to the mode's maxConcurrentOffers, best candidates first. `offered`
 * collects each worker offered something, as read after its offer.
 */
export async function matchJob(ports: RouterPorts, job: StoredDocument<EngineJob>, target: QueueWithPolicy, offered?: Map<string, EngineWorker>): Promise<number> {
  const mode = modeOf(target.policy);
  let issued = 0;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    if (!isMatchable(job.body)) return issued;
    const wanted = (mode.maxConcurrentOffers ?? 1) - jobRouting(job.body).offers.length;
    if (wanted < 1) return issued;
    let unfit = false;
    for (const worker of await selectCandidates(ports, job.body, mode, wanted)) {
      const { outcome, job: written, worker: after } = await issueOffer(ports, job, worker, target.policy);
      if (after) offered?.set(after.id, after);
      if (outcome === 'jobDone') return issued;
      if (outcome === 'workerUnfit') unfit = true;
      if (outcome === 'issued') issued++;
      // The next candidates are chosen against the job as it is now: as the offer left it, else read.
      const fresh = written ?? (await readJob(ports, job.id));
      if (!fresh) return issued;
      job = fresh;
    }
    if (!unfit) return issued;
  }
  return issued;
}

async function anyOfferableWorker(ports: RouterPorts, queueId: string): Promise<boolean> {
  return (await ports.store.count('workers', { key: WORKER_OFFERABLE, ...prefixRange(queueId) })) > 0;
}

/**
 * The queue's jobs in matching order, each matched in turn: all of them (recovery), or for one worker
 * until it is full. A worker pass reads small pages first (the worker usually takes one of the first
 * jobs), growing to PAGE.
 */
async function matchQueue(ports: RouterPorts, target: QueueWithPolicy, forWorker: EngineWorker | undefined): Promise<number> {
  const queueId = target.queue.id;
  const range = prefixRange(queueId);
  const mode = modeOf(target.policy);
  let issued = 0;
  let from = range.from;
  let scanned = 0;
  let limit = forWorker ? FIRST_WORKER_PAGE : PAGE;
  let worker = forWorker;
  for (;;) {
    // A worker that can take an offer is itself an offerable worker of the queue: no need to count them.
    if (!forWorker && !(await anyOfferableWorker(ports, queueId))) return issued;
    if (forWorker && scanned >= WORKER_SCAN_LIMIT) return issued;
    const page = await ports.store.range<EngineJob>('jobs', { key: JOB_MATCH_ORDER, from, to: range.to, limit });
    for (const doc of page) {
      scanned++;
      if (forWorker) {
        if (!worker || !canTakeOfferIn(worker, queueId)) return issued;
        if (ineligibility(doc.body, worker, mode, ports.clock.now())) continue;
      }
      const seen = new Map<string, EngineWorker>();
      const offered = await matchJob(ports, doc, target, seen);
      issued += offered;
      // The worker's room is looked at again only after it was offered something: as the offer's
      // check read it, else read. A worker that freed room since enqueues a pass of its own.
      if (offered > 0 && forWorker) worker = seen.get(forWorker.id) ?? (await readWorker(ports, forWorker.id))?.body;
    }
    const last = page[page.length - 1];
    if (page.length < limit || !last) return issued;
    from = `${String(last.keys[JOB_MATCH_ORDER])}\u0000`;
    limit = Math.min(PAGE, limit * 2);
  }
}

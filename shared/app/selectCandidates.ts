import type { DistributionMode, RouterRule } from '../domain/model';
import { byLongestIdle, byScore, defaultWorkerScore } from '../domain/routing/distribution';
import { constrainingSelectors, ineligibility } from '../domain/routing/eligibility';
import { prefixRange, SEP, WORKER_IDLE_ORDER, WORKER_OFFERABLE } from '../domain/routing/routingKeys';
import type { EngineJob, EngineWorker } from '../domain/routing/routingState';
import type { RouterPorts } from '../ports/RouterPorts';
import type { Page, StoredDocument } from '../ports/Store';

const PAGE = 64;

/**
 * How long one best-worker pass keeps asking its scoring rule. A function or webhook rule is one request
 * per candidate (or batch), each up to its own timeout; without a limit, a slow endpoint would hold
 * matching for candidates × its answer time. Past it, the pass ranks by the default scoring, as it does
 * when the rule fails.
 */
export const SCORING_PASS_LIMIT_MS = 10_000;

/**
 * Workers to offer a job to, best first, at most `wanted`. Only workers that can take an offer on the
 * job's queue and channel are read (the `offerable` index); round robin and longest idle read them in
 * their own order and stop as soon as enough are eligible, best worker scores every one of them.
 * Answers them as read (with their etags), so that the offer's write on each can start from the read.
 */
export async function selectCandidates(ports: RouterPorts, job: EngineJob, mode: DistributionMode, wanted: number): Promise<StoredDocument<EngineWorker>[]> {
  if (!job.queueId || !job.channelId || wanted < 1) return [];
  const now = ports.clock.now();
  const eligible = (worker: StoredDocument<EngineWorker>) => ineligibility(job, worker.body, mode, now) === undefined;
  const pair = `${job.queueId}${SEP}${job.channelId}`;
  switch (mode.kind) {
    case 'roundRobin':
      return roundRobin(ports, job.queueId, pair, eligible, wanted);
    case 'longestIdle':
      return longestIdle(ports, job.queueId, job.channelId, eligible, wanted);
    case 'bestWorker': {
      const all: StoredDocument<EngineWorker>[] = [];
      for await (const worker of offerableWorkers(ports, pair)) if (eligible(worker)) all.push(worker);
      const scores = await scoreWorkers(ports, job, mode, all.map((w) => w.body), now);
      const descending = mode.scoringRuleOptions?.descendingOrder ?? true;
      const order = byScore(scores, descending);
      return all.sort((a, b) => order(a.body, b.body)).slice(0, wanted);
    }
  }
}

/** Offerable workers of a queue × channel in id order, starting after `afterId`. */
async function* offerableWorkers(ports: RouterPorts, pair: string, afterId?: string): AsyncGenerator<StoredDocument<EngineWorker>> {
  let after = afterId;
  for (;;) {
    const page = await ports.store.list<EngineWorker>('workers', { where: [{ key: WORKER_OFFERABLE, op: 'eq', value: pair }], pageSize: PAGE, afterId: after });
    yield* page.items;
    const last = page.items[page.items.length - 1];
    if (!page.hasMore || !last) return;
    after = last.id;
  }
}

const cursorId = (queueId: string) => `roundRobin:${queueId}`;

/**
 * Offerable workers round robin reads before its cursor, from the start of the id order: when there is
 * none (every worker busy, the usual case of a job joining a backlog) the cursor is not read; when
 * they all fit, the rotation needs no other read. Small, as most passes find few workers free.
 */
const ROUND_ROBIN_FIRST_PAGE = 8;

/** The offerable workers in id order from the start: the page read already, then the rest. */
async function* fromStart(ports: RouterPorts, pair: string, first: Page<EngineWorker>): AsyncGenerator<StoredDocument<EngineWorker>> {
  yield* first.items;
  const last = first.items[first.items.length - 1];
  if (first.hasMore && last) yield* offerableWorkers(ports, pair, last.id);
}

/** Workers in id order after the one that last got an offer in this queue, wrapping around (docs/behaviour.md#round-robin). */
async function roundRobin(ports: RouterPorts, queueId: string, pair: string, eligible: (w: StoredDocument<EngineWorker>) => boolean, wanted: number): Promise<StoredDocument<EngineWorker>[]> {
  const first = await ports.store.list<EngineWorker>('workers', { where: [{ key: WORKER_OFFERABLE, op: 'eq', value: pair }], pageSize: ROUND_ROBIN_FIRST_PAGE });
  const lastOfFirst = first.items[first.items.length - 1];
  if (!lastOfFirst) return [];
  const cursorDoc = await ports.store.get<{ id: string; lastWorkerId?: string }>('routingState', cursorId(queueId));
  const cursor = cursorDoc?.body.lastWorkerId;
  const chosen: StoredDocument<EngineWorker>[] = [];
  const full = (worker: StoredDocument<EngineWorker>) => {
    if (eligible(worker)) chosen.push(worker);
    return chosen.length >= wanted;
  };
  // After the cursor: through the first page when the cursor lies within it, else read from the cursor on.
  const within = cursor === undefined || !first.hasMore || lastOfFirst.id > cursor;
  for await (const worker of within ? fromStart(ports, pair, first) : offerableWorkers(ports, pair, cursor)) {
    if (cursor !== undefined && worker.id <= cursor) continue;
    if (full(worker)) break;
  }
  // Then around: from the start up to the cursor.
  if (chosen.length < wanted && cursor !== undefined) {
    for await (const worker of fromStart(ports, pair, first)) {
      if (worker.id > cursor || full(worker)) break;
    }
  }
  const last = chosen[chosen.length - 1];
  if (last) await saveCursor(ports, cursorDoc, queueId, last.id);
  return chosen;
}

/** Best effort: a lost race on the cursor only means the other writer's pick is the one remembered. */
async function saveCursor(ports: RouterPorts, current: StoredDocument<{ id: string }> | undefined, queueId: string, lastWorkerId: string): Promise<void> {
  const doc = { collection: 'routingState' as const, id: cursorId(queueId), lastModified: ports.clock.now().toISOString(), body: { id: cursorId(queueId), lastWorkerId }, keys: {} };
  try {
    if (current) await ports.store.replace(doc, current.etag);
    else await ports.store.create(doc);
  } catch (error) {
    ports.logger.info({ queueId, err: error }, 'round-robin cursor was moved by another matcher');
  }
}

const longestIdleFirst = (a: StoredDocument<EngineWorker>, b: StoredDocument<EngineWorker>) => byLongestIdle(a.body, b.body);

async function longestIdle(ports: RouterPorts, queueId: string, channelId: string, eligible: (w: StoredDocument<EngineWorker>) => boolean, wanted: number): Promise<StoredDocument<EngineWorker>[]> {
  const range = prefixRange(queueId, channelId);
  const chosen: StoredDocument<EngineWorker>[] = [];
  let from = range.from;
  // Usually the first workers in idle order are eligible: read a few more than wanted, not a full page.
  const limit = Math.min(PAGE, wanted * 2 + 4);
  for (;;) {
    const page = await ports.store.range<EngineWorker>('workers', { key: WORKER_IDLE_ORDER, from, to: range.to, limit });
    for (const doc of page) {
      if (eligible(doc)) chosen.push(doc);
      if (chosen.length >= wanted) return chosen.sort(longestIdleFirst);
    }
    const last = page[page.length - 1];
    if (page.length < limit || !last) return chosen.sort(longestIdleFirst);
    // The first value after the last one read: keys are unique (they end with the worker id).
    const lastValue = (last.keys[WORKER_IDLE_ORDER] as string[]).find((v) => v >= range.from && v < range.to) ?? range.to;
    from = `${lastValue}\u0000`;
  }
}

/** Operators as the scoring payload names them (docs/behaviour.md#scoring-rules). */
const PAYLOAD_OPERATORS: Record<string, string> = {
  equal: 'Equal',
  notEqual: 'NotEqual',
  lessThan: 'LessThan',
  lessThanOrEqual: 'LessThanEqual',
  greaterThan: 'GreaterThan',
  greaterThanOrEqual: 'GreaterThanEqual',
};

async function scoreWorkers(ports: RouterPorts, job: EngineJob, mode: DistributionMode & { kind: 'bestWorker' }, candidates: EngineWorker[], now: Date): Promise<Map<string, number>> {
  const scores = new Map<string, number>();
  const rule: RouterRule | undefined = mode.scoringRule;
  if (rule) {
    try {
      await scoreWithRule(ports, rule, mode, job, candidates, now, scores);
      return scores;
    } catch (error) {
      ports.logger.warn({ jobId: job.id, err: error instanceof Error ? error.message : String(error) }, 'scoring rule failed; using the default best-worker scoring');
      scores.clear();
    }
  }
  for (const worker of candidates) scores.set(worker.id, defaultWorkerScore(job, worker, now));
  return scores;
}

async function scoreWithRule(
  ports: RouterPorts,
  rule: RouterRule,
  mode: DistributionMode & { kind: 'bestWorker' },
  job: EngineJob,
  candidates: EngineWorker[],
  now: Date,
  scores: Map<string, number>,
): Promise<void> {
  const options = mode.scoringRuleOptions ?? {};
  const startedAt = now.getTime();
  const inTime = (scored: number) => {
    if (ports.clock.now().getTime() - startedAt <= SCORING_PASS_LIMIT_MS) return;
    throw new Error(`the scoring rule took more than ${SCORING_PASS_LIMIT_MS} ms for this job (${scored} of ${candidates.length} workers scored)`);
  };
  const parameters = options.scoringParameters ?? ['jobLabels', 'workerSelectors'];
  const base: Record<string, unknown> = {};
  if (parameters.includes('jobLabels')) base['job'] = job.labels;
  if (parameters.includes('workerSelectors')) {
    base['selectors'] = constrainingSelectors(job, now).map((s) => ({ key: s.key, operator: PAYLOAD_OPERATORS[s.labelOperator], value: s.value, expiresAfterSeconds: s.expiresAfterSeconds ?? null }));
  }
  if (options.isBatchScoringEnabled) {
    const size = options.batchSize ?? 20;
    for (let i = 0; i < candidates.length; i += size) {
      const batch = candidates.slice(i, i + size);
      inTime(i);
      const result = await ports.rules.evaluate(rule, { ...base, workers: batch.map((w) => w.labels) });
      if (typeof result !== 'object' || result === null) throw new Error('a batch scoring rule must return an object of worker id → score');
      for (const worker of batch) {
        const score = (result as Record<string, unknown>)[worker.id];
        if (typeof score === 'number' && Number.isFinite(score)) scores.set(worker.id, score);
      }
    }
    return;
  }
  for (const worker of candidates) {
    inTime(scores.size);
    const score = await ports.rules.evaluate(rule, { ...base, worker: worker.labels });
    if (typeof score !== 'number' || !Number.isFinite(score)) throw new Error(`a scoring rule must return a number, got ${JSON.stringify(score)}`);
    scores.set(worker.id, score);
  }
}

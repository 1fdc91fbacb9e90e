/**
 * Figure 7: a concurrent GET while the costliest rule we can save runs again and again. First each rule
 * of COSTLY_RULES is evaluated on its own (in-process, no HTTP) to find the slowest; then a keep-alive
 * GET client in a worker thread measures GET latency against, in turn:
 * - a bare node:http server with the router's answer (the transport's ceiling),
 * - the router doing nothing else,
 * - the router classifying a stream of jobs through a policy with a cheap prioritization rule,
 * - the router classifying the same stream through a policy whose prioritization rule is the slowest one.
 * Jobs are created at a fixed rate by a signed client on the main thread (the router's thread, as every
 * other client would be in one process) with `classificationPolicyId`; each classification runs the rule.
 */
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { compile, evaluate, fromJson, MAX_COST } from '../../shared/domain/rules/powerFx';
import type { EngineJob } from '../../shared/domain/routing/routingState';
import { COSTLY_RULES } from '../support/costlyRules';
import { patch } from '../support/signedClient';
import { expectStatus, putPolicy, startBenchHost, type BenchHost } from './benchHost';
import { bareServer, loadInWorker, rawGet, sdkSignedGet, type SignedGet } from './getThroughput';
import type { LoadResult } from './loadClient';
import { heading, ms, note, summarise, type Summary } from './stats';

export interface RuleLoadFigures {
  slowestRule: string;
  /** One evaluation of the slowest rule, in-process. */
  evaluation: Summary;
  bare: Summary;
  idle: Summary;
  cheap: Summary;
  slow: Summary;
  /** Jobs whose classification ran during the cheap and the slow windows. */
  classifiedCheap: number;
  classifiedSlow: number;
}

const EVALUATIONS = 30;
const CHEAP_RULE = 'If(job.VIP = true, 10, 1)';
/**
 * Jobs created per second while a window runs. Creating a job is itself work on the router's thread (a
 * signed request, writes, events), so the cheap-rule window is the baseline the slow rule adds to.
 */
const JOBS_PER_SECOND = 20;

function evaluationTimes(source: string): { summary: Summary; cost: number; outcome: string } {
  const compiled = compile(source);
  if (!compiled.ok) throw new Error(`a costly rule does not compile: ${compiled.error.message}`);
  const samples: number[] = [];
  let last = evaluate(compiled.program, { job: fromJson({}) });
  for (let i = 0; i < EVALUATIONS; i++) {
    const t = performance.now();
    last = evaluate(compiled.program, { job: fromJson({}) });
    samples.push(performance.now() - t);
  }
  return { summary: summarise(samples), cost: last.cost, outcome: last.ok ? 'a value' : last.error.kind };
}

/** Creates jobs through `policyId` at JOBS_PER_SECOND until stopped; answers the ids created. */
function jobStream(bench: BenchHost, policyId: string): { stop(): Promise<string[]> } {
  const ids: string[] = [];
  let running = true;
  const done = (async () => {
    const started = performance.now();
    while (running) {
      const id = `${policyId}-${ids.length}`;
      const response = await patch(bench.client, `/routing/jobs/${id}`, { channelId: 'voice', classificationPolicyId: policyId, labels: { VIP: ids.length % 2 === 0 } });
      expectStatus(response, ['201'], `PATCH job ${id}`);
      ids.push(id);
      const due = started + (ids.length * 1000) / JOBS_PER_SECOND;
      await sleep(Math.max(0, due - performance.now()));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await done;
      return ids;
    },
  };
}

async function classifiedCount(bench: BenchHost, ids: readonly string[]): Promise<number> {
  let n = 0;
  for (const id of ids) if ((await bench.store.get<EngineJob>('jobs', id))?.body.status !== 'pendingClassification') n++;
  return n;
}

function latencyLine(label: string, r: LoadResult): Summary {
  const s = summarise(r.samples);
  console.log(`${label.padEnd(66)} ${String(s.count).padStart(6)} req  p50 ${ms(s.p50).padStart(9)}  p99 ${ms(s.p99).padStart(9)}  max ${ms(s.max).padStart(9)}${r.unexpected ? `  (${r.unexpected} unexpected statuses!)` : ''}`);
  return s;
}

export async function ruleLoad(concurrency = 8, windowMs = 5_000): Promise<RuleLoadFigures> {
  heading(`7. Rules cannot stall the router: GET latency (${concurrency} in flight, ${windowMs / 1000} s windows) while the costliest rule runs`);
  const timings = Object.entries(COSTLY_RULES).map(([name, source]) => ({ name, source, ...evaluationTimes(source) }));
  for (const t of timings) {
    note(`${t.name.padEnd(32)} ${String(t.source.length).padStart(4)} chars  cost ${String(t.cost).padStart(8)} (${t.outcome})  p50 ${ms(t.summary.p50)}  max ${ms(t.summary.max)}`);
  }
  const slowest = timings.reduce((a, b) => (b.summary.p50 > a.summary.p50 ? b : a));
  note(`budget ${MAX_COST} units; slowest: ${slowest.name}, ${ms(slowest.summary.p50)} per evaluation (p50 of ${EVALUATIONS})`);

  const bench = await startBenchHost();
  await putPolicy(bench.client, 'dp', 'longestIdle');
  expectStatus(await patch(bench.client, '/routing/queues/q', { distributionPolicyId: 'dp' }), ['201'], 'PATCH queue');
  for (const [id, rule] of [['cheap', CHEAP_RULE], ['slow', slowest.source]] as const) {
    const response = await patch(bench.client, `/routing/classificationPolicies/${id}`, { fallbackQueueId: 'q', prioritizationRule: { kind: 'expression', expression: rule } });
    expectStatus(response, ['201'], `PATCH classification policy ${id}`);
  }
  const signed: SignedGet = await sdkSignedGet(bench.host.connectionString, '/routing/queues/q');
  const answer = await rawGet(bench.host.url, signed);
  const bare = await bareServer(answer);
  const window = (url: string) => loadInWorker({ url, path: signed.pathAndQuery, headers: signed.headers, concurrency, durationMs: windowMs, maxRequests: Number.MAX_SAFE_INTEGER, expectStatus: 200 });
  try {
    await window(bench.host.url); // warm-up: JIT, connections
    const bareFigures = latencyLine('bare node:http, same answer', await window(bare.url));
    const idle = latencyLine('router, nothing else running', await window(bench.host.url));
    const during = async (policyId: string, label: string) => {
      const stream = jobStream(bench, policyId);
      const figures = latencyLine(label, await window(bench.host.url));
      const ids = await stream.stop();
      return { figures, classified: await classifiedCount(bench, ids), created: ids.length };
    };
    const cheap = await during('cheap', `router, classifying ${JOBS_PER_SECOND} jobs/s with a cheap rule`);
    await bench.host.engine.idle();
    const slow = await during('slow', `router, classifying ${JOBS_PER_SECOND} jobs/s with "${slowest.name}"`);
    note(`jobs classified in the window: cheap rule ${cheap.classified} of ${cheap.created}, slow rule ${slow.classified} of ${slow.created} (each a full-budget evaluation)`);
    return {
      slowestRule: slowest.name,
      evaluation: slowest.summary,
      bare: bareFigures,
      idle,
      cheap: cheap.figures,
      slow: slow.figures,
      classifiedCheap: cheap.classified,
      classifiedSlow: slow.classified,
    };
  } finally {
    await bare.close();
    await bench.close();
  }
}

/**
 * Figure 7: a concurrent GET while the costliest rule we can save runs again and again. First each rule
 * of COSTLY_RULES is evaluated on its own (in-process, no HTTP) to find the slowest; then a keep-alive
 * GET client in a worker thread measures GET latency against each of these, in interleaved rounds:
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
  /** One evaluation of the slowest rule, in-process: wall time, and mean CPU time. */
  evaluation: Summary;
  evaluationCpuMs: number;
  bare: Summary;
  idle: Summary;
  cheap: Summary;
  slow: Summary;
  /** Jobs whose classification ran during the cheap and the slow windows. */
  classifiedCheap: number;
  classifiedSlow: number;
}

const EVALUATIONS = 30;
const ROUNDS = 4;
const CHEAP_RULE = 'If(job.VIP = true, 10, 1)';
/**
 * Jobs created per second while a window runs. Creating a job is itself work on the router's thread (a
 * signed request, writes, events), so the cheap-rule window is the baseline the slow rule adds to.
 */
const JOBS_PER_SECOND = 20;

/**
 * Wall time per evaluation, and the mean CPU time of this process per evaluation: on a machine whose cores
 * other work shares, wall time includes waiting for a core, CPU time is the work itself.
 */
function evaluationTimes(source: string): { summary: Summary; cpuMs: number; cost: number; outcome: string } {
  const compiled = compile(source);
  if (!compiled.ok) throw new Error(`a costly rule does not compile: ${compiled.error.message}`);
  const samples: number[] = [];
  let last = evaluate(compiled.program, { job: fromJson({}) });
  const cpu = process.cpuUsage();
  for (let i = 0; i < EVALUATIONS; i++) {
    const t = performance.now();
    last = evaluate(compiled.program, { job: fromJson({}) });
    samples.push(performance.now() - t);
  }
  const used = process.cpuUsage(cpu);
  return { summary: summarise(samples), cpuMs: (used.user + used.system) / 1000 / EVALUATIONS, cost: last.cost, outcome: last.ok ? 'a value' : last.error.kind };
}

/** Creates jobs through `policyId` at JOBS_PER_SECOND until stopped, adding their ids to `ids`. */
function jobStream(bench: BenchHost, policyId: string, ids: string[]): { stop(): Promise<void> } {
  let running = true;
  const done = (async () => {
    const started = performance.now();
    for (let n = 1; running; n++) {
      const id = `${policyId}-${ids.length}`;
      const send = async () => patch(bench.client, `/routing/jobs/${id}`, { channelId: 'voice', classificationPolicyId: policyId, labels: { VIP: ids.length % 2 === 0 } });
      // The client's idle connection may have been closed by the server's keep-alive timeout between windows.
      const response = await send().catch(send);
      expectStatus(response, ['200', '201'], `PATCH job ${id}`);
      ids.push(id);
      await sleep(Math.max(0, started + (n * 1000) / JOBS_PER_SECOND - performance.now()));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await done;
    },
  };
}

async function classifiedCount(bench: BenchHost, ids: readonly string[]): Promise<number> {
  let n = 0;
  for (const id of ids) if ((await bench.store.get<EngineJob>('jobs', id))?.body.status !== 'pendingClassification') n++;
  return n;
}

function latencyLine(label: string, rounds: readonly LoadResult[]): Summary {
  const s = summarise(rounds.flatMap((r) => r.samples));
  const unexpected = rounds.reduce((n, r) => n + r.unexpected, 0);
  console.log(`${label.padEnd(66)} ${String(s.count).padStart(6)} req  p50 ${ms(s.p50).padStart(9)}  p99 ${ms(s.p99).padStart(9)}  max ${ms(s.max).padStart(9)}${unexpected ? `  (${unexpected} unexpected statuses!)` : ''}`);
  return s;
}

export async function ruleLoad(concurrency = 8, windowMs = 6_000): Promise<RuleLoadFigures> {
  heading(`7. Rules cannot stall the router: GET latency (${concurrency} in flight, ${windowMs / 1000} s per target in ${ROUNDS} interleaved rounds) while the costliest rule runs`);
  const timings = Object.entries(COSTLY_RULES).map(([name, source]) => ({ name, source, ...evaluationTimes(source) }));
  for (const t of timings) {
    note(`${t.name.padEnd(32)} ${String(t.source.length).padStart(4)} chars  cost ${String(t.cost).padStart(8)} (${t.outcome})  CPU ${ms(t.cpuMs)}  wall p50 ${ms(t.summary.p50)}  max ${ms(t.summary.max)}`);
  }
  const slowest = timings.reduce((a, b) => (b.cpuMs > a.cpuMs ? b : a));
  note(`budget ${MAX_COST} units; slowest: ${slowest.name}, ${ms(slowest.cpuMs)} of CPU per evaluation (mean of ${EVALUATIONS}; wall p50 ${ms(slowest.summary.p50)})`);

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
  const window = (url: string, durationMs: number) =>
    loadInWorker({ url, path: signed.pathAndQuery, headers: signed.headers, concurrency, durationMs, maxRequests: Number.MAX_SAFE_INTEGER, expectStatus: 200 });
  const streams = { cheap: { ids: [] as string[] }, slow: { ids: [] as string[] } };
  const during = async (policyId: 'cheap' | 'slow', durationMs: number) => {
    const stream = jobStream(bench, policyId, streams[policyId].ids);
    const result = await window(bench.host.url, durationMs);
    await stream.stop();
    await bench.host.engine.idle();
    return result;
  };
  const targets = [
    { label: 'bare node:http, same answer', run: (d: number) => window(bare.url, d), rounds: [] as LoadResult[] },
    { label: 'router, nothing else running', run: (d: number) => window(bench.host.url, d), rounds: [] as LoadResult[] },
    { label: `router, classifying ${JOBS_PER_SECOND} jobs/s with a cheap rule`, run: (d: number) => during('cheap', d), rounds: [] as LoadResult[] },
    { label: `router, classifying ${JOBS_PER_SECOND} jobs/s with "${slowest.name}"`, run: (d: number) => during('slow', d), rounds: [] as LoadResult[] },
  ];
  try {
    await window(bench.host.url, 1_000); // warm-up: JIT, connections
    // A B C D A B C D …: a neighbour that steals the CPUs for a while hurts every target alike.
    for (let round = 0; round < ROUNDS; round++) for (const t of targets) t.rounds.push(await t.run(windowMs / ROUNDS));
    const [bareFigures, idle, cheap, slow] = targets.map((t) => latencyLine(t.label, t.rounds)) as [Summary, Summary, Summary, Summary];
    const classifiedCheap = await classifiedCount(bench, streams.cheap.ids);
    const classifiedSlow = await classifiedCount(bench, streams.slow.ids);
    note(`jobs classified: cheap rule ${classifiedCheap} of ${streams.cheap.ids.length}, slow rule ${classifiedSlow} of ${streams.slow.ids.length} (each slow one a full-budget evaluation)`);
    return { slowestRule: slowest.name, evaluation: slowest.summary, evaluationCpuMs: slowest.cpuMs, bare: bareFigures, idle, cheap, slow, classifiedCheap, classifiedSlow };
  } finally {
    await bare.close();
    await bench.close();
  }
}

/**
 * Figure 3: GET-by-id requests per second through the router next to a bare node:http server that
 * answers the same bytes (status, headers and body captured from one real router answer). Both are
 * driven in the same run by the same clients at the same concurrency:
 * - a keep-alive load generator in a worker thread replaying one GET signed by the SDK's policy
 *   (a signature stays valid for 15 minutes), so the server side is what is measured;
 * - the SDK client itself (`@azure-rest/core-client` + HMAC policy) on the main thread.
 * A third router run logs every request at info level as the deployed default does (pino → /dev/null).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import type { Client } from '@azure-rest/core-client';
import type { PipelinePolicy } from '@azure/core-rest-pipeline';
import pino from 'pino';
import { connectionString } from '../../shared/hosting/accessKey';
import type { Logger } from '../../shared/ports/Logger';
import { createSignedClient } from '../support/signedClient';
import { putPolicy, startBenchHost, type BenchHost } from './benchHost';
import type { LoadResult, LoadSpec } from './loadClient';
import { planPopulation, seedQueues, seedWorkers, workerIdOf } from './population';
import { heading, ms, note, perSecond, summarise, thousands } from './stats';

export interface GetFigures {
  router: number;
  bare: number;
  routerP99: number;
  bareP99: number;
  routerLogging: number;
  sdkRouter: number;
  sdkBare: number;
}

export interface Captured {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  raw: string[];
}

export interface SignedGet {
  pathAndQuery: string;
  headers: Record<string, string>;
}

interface LoadFigures {
  count: number;
  elapsedMs: number;
  p50: number;
  p99: number;
  unexpected: number;
}

const GET_PATH = `/routing/workers/${workerIdOf(4242)}`;
/** Headers node:http writes itself; everything else the router sent is replayed as is. */
const TRANSPORT_HEADERS = new Set(['date', 'connection', 'keep-alive', 'transfer-encoding', 'content-length']);

/** A router with 10k workers in its store. */
async function routerWithWorkers(logger?: Logger): Promise<BenchHost> {
  const bench = await startBenchHost(':memory:', logger);
  await putPolicy(bench.client, 'dp', 'longestIdle');
  await seedQueues(bench.store, 1_000, 'dp');
  await seedWorkers(bench.store, planPopulation(10_000, 1_000, 5).workers);
  await bench.settle();
  return bench;
}

/** The headers the SDK pipeline sends for one GET, after its HMAC policy signed them. */
export async function sdkSignedGet(routerConnectionString: string, getPath = GET_PATH): Promise<SignedGet> {
  const client = createSignedClient(routerConnectionString);
  let seen: { url: string; headers: Record<string, string> } | undefined;
  const capture: PipelinePolicy = {
    name: 'benchCaptureSignedRequest',
    sendRequest: (request, next) => {
      seen = { url: request.url, headers: request.headers.toJSON() };
      return next(request);
    },
  };
  client.pipeline.addPolicy(capture, { afterPhase: 'Sign' });
  await client.pathUnchecked(getPath).get();
  if (!seen) throw new Error('the SDK pipeline sent nothing');
  const url = new URL(seen.url);
  const headers = Object.fromEntries(Object.entries(seen.headers).filter(([name]) => !['host', 'x-ms-client-request-id', 'content-length'].includes(name.toLowerCase())));
  return { pathAndQuery: `${url.pathname}${url.search}`, headers };
}

export function rawGet(url: string, get: SignedGet): Promise<Captured> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const request = http.request({ host: target.hostname, port: target.port, path: get.pathAndQuery, method: 'GET', headers: get.headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (c: Buffer) => chunks.push(c));
      response.on('end', () => {
        const kept: Record<string, string> = {};
        for (const [name, value] of Object.entries(response.headers)) if (!TRANSPORT_HEADERS.has(name) && typeof value === 'string') kept[name] = value;
        resolve({ status: response.statusCode ?? 0, headers: kept, body: Buffer.concat(chunks), raw: response.rawHeaders });
      });
    });
    request.on('error', reject);
    request.end();
  });
}

/**
 * A bare node:http server that answers every request with `answer` (the captured answer, written the way
 * the router's transport writes it): at once, or once it has read the request's body (`afterBody`), for
 * the ceilings of requests that carry one.
 */
export async function bareServer(answer: Pick<Captured, 'status' | 'headers'> & { body: Buffer | string }, options: { afterBody?: boolean } = {}): Promise<{ url: string; port: number; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    const respond = () => {
      res.writeHead(answer.status, answer.headers);
      res.end(answer.body);
    };
    if (!options.afterBody) return respond();
    req.resume();
    req.on('end', respond);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function withoutDate(raw: readonly string[]): string {
  const pairs: string[] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) if ((raw[i] ?? '').toLowerCase() !== 'date') pairs.push(`${raw[i]}: ${raw[i + 1]}`);
  return pairs.join('\n');
}

export function loadInWorker(spec: LoadSpec): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(path.join(__dirname, 'loadClient.js'), { workerData: spec });
    worker.once('message', (message: { result?: LoadResult; error?: string }) => (message.result ? resolve(message.result) : reject(new Error(message.error))));
    worker.once('error', reject);
  });
}

/** The SDK client on this thread, `concurrency` requests in flight. */
async function loadWithSdk(client: Client, concurrency: number, durationMs: number, maxRequests: number): Promise<LoadFigures> {
  const samples: number[] = [];
  let sent = 0;
  let unexpected = 0;
  const started = performance.now();
  const deadline = started + durationMs;
  const lane = async () => {
    while (sent < maxRequests && performance.now() < deadline) {
      sent++;
      const t = performance.now();
      const response = await client.pathUnchecked(GET_PATH).get();
      samples.push(performance.now() - t);
      if (response.status !== '200') unexpected++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  const summary = summarise(samples);
  return { count: summary.count, elapsedMs: performance.now() - started, p50: summary.p50, p99: summary.p99, unexpected };
}

function printLoad(label: string, r: LoadFigures): number {
  const rate = perSecond(r.count, r.elapsedMs);
  console.log(`${label.padEnd(66)} ${String(r.count).padStart(6)} req  ${rate.toFixed(0).padStart(6)} /s  p50 ${ms(r.p50).padStart(9)}  p99 ${ms(r.p99).padStart(9)}${r.unexpected ? `  (${r.unexpected} unexpected statuses!)` : ''}`);
  return rate;
}

/** Several rounds of one target, added up. */
function combine(rounds: readonly LoadResult[]): LoadFigures {
  const summary = summarise(rounds.flatMap((r) => r.samples));
  return { count: summary.count, elapsedMs: rounds.reduce((n, r) => n + r.elapsedMs, 0), p50: summary.p50, p99: summary.p99, unexpected: rounds.reduce((n, r) => n + r.unexpected, 0) };
}

interface Target {
  label: string;
  url: string;
  get: SignedGet;
  rounds: LoadResult[];
}

/**
 * The replay client against each target in turn, `ROUNDS` times over (A B C A B C …), so that a
 * neighbour stealing CPU for a while hurts all targets alike rather than whichever ran then.
 */
async function interleaved(targets: Target[], concurrency: number, durationMs: number, maxRequests: number): Promise<LoadFigures[]> {
  const spec = (t: Target, ms: number, max: number): LoadSpec => ({ url: t.url, path: t.get.pathAndQuery, headers: t.get.headers, concurrency, durationMs: ms, maxRequests: max, expectStatus: 200 });
  for (const t of targets) await loadInWorker(spec(t, 1_000, maxRequests)); // warm-up: JIT, connections
  for (let round = 0; round < ROUNDS; round++) {
    for (const t of targets) t.rounds.push(await loadInWorker(spec(t, durationMs / ROUNDS, Math.ceil(maxRequests / ROUNDS))));
  }
  return targets.map((t) => combine(t.rounds));
}

const ROUNDS = 4;

export async function getThroughput(concurrency = 32, durationMs = 6_000, maxRequests = 24_000): Promise<GetFigures> {
  heading(`3. GET worker by id: router vs bare node:http with the same answer (${concurrency} in flight, ${durationMs / 1000} s or ${thousands(maxRequests)} requests each, in ${ROUNDS} interleaved rounds)`);
  const bench = await routerWithWorkers();
  const logging = await routerWithWorkers(pino({ level: 'info' }, pino.destination({ dest: '/dev/null', sync: true })));
  const signed = await sdkSignedGet(bench.host.connectionString);
  const answer = await rawGet(bench.host.url, signed);
  if (answer.status !== 200) throw new Error(`capturing the router's answer: HTTP ${answer.status} ${answer.body.toString()}`);
  const bare = await bareServer(answer);
  try {
    const echo = await rawGet(bare.url, signed);
    const same = withoutDate(echo.raw) === withoutDate(answer.raw) && echo.body.equals(answer.body);
    note(`GET ${signed.pathAndQuery} (10k workers in store): ${answer.body.length} B body; the bare server's answer is ${same ? 'byte-identical (Date aside)' : 'DIFFERENT'}`);

    const [routerLoad, bareLoad, loggingLoad] = await interleaved(
      [
        { label: 'router', url: bench.host.url, get: signed, rounds: [] },
        { label: 'bare', url: bare.url, get: signed, rounds: [] },
        { label: 'logging router', url: logging.host.url, get: await sdkSignedGet(logging.host.connectionString), rounds: [] },
      ],
      concurrency,
      durationMs,
      maxRequests,
    );
    const router = printLoad('router, keep-alive replay client (worker thread)', routerLoad as LoadFigures);
    const bareRate = printLoad('bare node:http, keep-alive replay client (worker thread)', bareLoad as LoadFigures);
    const routerLogging = printLoad('router logging each request (pino info → /dev/null), replay', loggingLoad as LoadFigures);
    note(`router/bare = ${((router / bareRate) * 100).toFixed(0)}%: the router's own work is ~${(1000 / router - 1000 / bareRate).toFixed(3)} ms per GET on top of the transport's ${(1000 / bareRate).toFixed(3)} ms; the request log adds ${(1000 / routerLogging - 1000 / router).toFixed(3)} ms`);

    const sdkDuration = Math.min(durationMs, 4_000);
    const sdkRouter = printLoad('router, SDK signed client (same thread)', await loadWithSdk(createSignedClient(bench.host.connectionString), concurrency, sdkDuration, maxRequests));
    const sdkBare = printLoad('bare node:http, SDK signed client (same thread)', await loadWithSdk(createSignedClient(connectionString(bare.url, bench.host.accessKey)), concurrency, sdkDuration, maxRequests));
    return { router, bare: bareRate, routerP99: (routerLoad as LoadFigures).p99, bareP99: (bareLoad as LoadFigures).p99, routerLogging, sdkRouter, sdkBare };
  } finally {
    await bare.close();
    await logging.close();
    await bench.close();
  }
}

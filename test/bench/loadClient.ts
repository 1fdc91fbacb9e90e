/**
 * A closed-loop HTTP load generator run in a worker thread (so it does not share the router's event
 * loop): `concurrency` keep-alive connections, each sending the same GET again as soon as the last
 * answer has been read, until the deadline or the request budget.
 */
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';

export interface LoadSpec {
  url: string;
  /** Path and query as sent. */
  path: string;
  headers: Record<string, string>;
  concurrency: number;
  durationMs: number;
  maxRequests: number;
  expectStatus: number;
}

export interface LoadResult {
  /** Latency of every request, in ms. */
  samples: number[];
  elapsedMs: number;
  unexpected: number;
  responseBytes: number;
}

export async function runLoad(spec: LoadSpec): Promise<LoadResult> {
  const target = new URL(spec.url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: spec.concurrency });
  const samples: number[] = [];
  let sent = 0;
  let unexpected = 0;
  let responseBytes = 0;
  const once = () =>
    new Promise<void>((resolve, reject) => {
      const t = performance.now();
      const request = http.request({ host: target.hostname, port: target.port, path: spec.path, method: 'GET', headers: spec.headers, agent }, (response) => {
        response.on('data', (chunk: Buffer) => (responseBytes += chunk.length));
        response.on('end', () => {
          samples.push(performance.now() - t);
          if (response.statusCode !== spec.expectStatus) unexpected++;
          resolve();
        });
        response.on('error', reject);
      });
      request.on('error', reject);
      request.end();
    });
  const started = performance.now();
  const deadline = started + spec.durationMs;
  const lane = async () => {
    while (sent < spec.maxRequests && performance.now() < deadline) {
      sent++;
      await once();
    }
  };
  await Promise.all(Array.from({ length: spec.concurrency }, lane));
  const elapsedMs = performance.now() - started;
  agent.destroy();
  return { samples, elapsedMs, unexpected, responseBytes };
}

if (!isMainThread && parentPort) {
  const port = parentPort;
  runLoad(workerData as LoadSpec).then(
    (result) => port.postMessage({ result }),
    (error: unknown) => port.postMessage({ error: error instanceof Error ? error.stack : String(error) }),
  );
}

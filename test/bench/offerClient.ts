/**
 * The load client of the create → offer figures, run in a worker thread so that signing and sending
 * requests does not share the router's event loop. One job at a time: the client stamps t0, sends the
 * signed PATCH, reads the 201, then asks the router's thread to say when matching is idle; that
 * thread stamps the moment. Stamps are absolute (timeOrigin + now), so the two threads' clocks agree.
 */
import { performance } from 'node:perf_hooks';
import path from 'node:path';
import { isMainThread, MessageChannel, parentPort, Worker, workerData, type MessagePort } from 'node:worker_threads';
import { createSignedClient, patch } from '../support/signedClient';

export interface OfferClientSpec {
  connectionString: string;
  jobs: { id: string; body: object }[];
}

export interface OfferSample {
  jobId: string;
  /** PATCH sent → matching idle (as the router's thread saw it). */
  createToOffer: number;
  /** PATCH sent → response read. */
  patch: number;
  status: string;
}

/** Asked by the client after each 201: the router's thread answers once matching has run. */
interface IdleQuestion {
  jobId: string;
}
interface IdleAnswer {
  at: number;
}

const absoluteNow = () => performance.timeOrigin + performance.now();

async function drive(spec: OfferClientSpec, router: MessagePort): Promise<OfferSample[]> {
  const client = createSignedClient(spec.connectionString);
  const samples: OfferSample[] = [];
  const idleAfter = (jobId: string) =>
    new Promise<number>((resolve) => {
      router.once('message', (answer: IdleAnswer) => resolve(answer.at));
      router.postMessage({ jobId } satisfies IdleQuestion);
    });
  for (const job of spec.jobs) {
    const t0 = absoluteNow();
    const response = await patch(client, `/routing/jobs/${job.id}`, job.body);
    const t1 = absoluteNow();
    const idleAt = await idleAfter(job.id);
    samples.push({ jobId: job.id, createToOffer: idleAt - t0, patch: t1 - t0, status: response.status });
  }
  return samples;
}

/** Runs the client in its own worker thread; `idle` resolves when the router's matching has nothing left to do. */
export function runOfferClient(spec: OfferClientSpec, idle: () => Promise<void>): Promise<OfferSample[]> {
  const { port1: routerSide, port2: clientSide } = new MessageChannel();
  // Questions come one at a time (the client waits for each answer), so the job id is not needed here.
  routerSide.on('message', () => {
    void idle().then(() => routerSide.postMessage({ at: absoluteNow() } satisfies IdleAnswer));
  });
  return new Promise<OfferSample[]>((resolve, reject) => {
    const worker = new Worker(path.join(__dirname, 'offerClient.js'), { workerData: { spec, port: clientSide }, transferList: [clientSide] });
    worker.once('message', (message: { result?: OfferSample[]; error?: string }) => (message.result ? resolve(message.result) : reject(new Error(message.error))));
    worker.once('error', reject);
  }).finally(() => routerSide.close());
}

if (!isMainThread && parentPort) {
  const port = parentPort;
  const { spec, port: router } = workerData as { spec: OfferClientSpec; port: MessagePort };
  drive(spec, router).then(
    (result) => port.postMessage({ result }),
    (error: unknown) => port.postMessage({ error: error instanceof Error ? error.stack : String(error) }),
  );
}

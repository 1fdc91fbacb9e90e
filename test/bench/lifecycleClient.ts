/**
 * The load client of the lifecycle figures, run in a worker thread so that it does not share the
 * router's event loop: `inFlight` lanes run lifecycles back to back (PATCH job → GET the worker until
 * the offer shows → accept → complete → close) through the real signing client, each on a free slot
 * of worker capacity. In `ceiling` mode the lanes send the same five requests to a bare node:http
 * server that answers each at once: the most lifecycles/s this client and loopback HTTP allow.
 */
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import path from 'node:path';
import { createSignedClient, patch } from '../support/signedClient';

export const STEPS = ['create', 'offer', 'accept', 'complete', 'close'] as const;
export type Step = (typeof STEPS)[number];

export interface Slot {
  workerId: string;
  queueId: string;
}

export interface LifecycleSpec {
  connectionString: string;
  mode: 'router' | 'ceiling';
  slots: Slot[];
  channelId: string;
  prefix: string;
  inFlight: number;
  /** Runs until this many lifecycles were launched, or the duration is over. */
  maxLifecycles: number;
  durationMs: number;
}

export interface LifecycleRun {
  lifecycles: number[];
  steps: Record<Step, number[]>;
  polls: number;
  elapsedMs: number;
}

/** GETs of the worker before giving up on an offer; the client waits 1 ms between them. */
const MAX_POLLS = 5000;

function expectStatus(response: { status: string; body: unknown }, allowed: readonly string[], what: string): void {
  if (!allowed.includes(response.status)) throw new Error(`${what}: HTTP ${response.status} ${JSON.stringify(response.body)}`);
}

async function drive(spec: LifecycleSpec): Promise<LifecycleRun> {
  const client = createSignedClient(spec.connectionString);
  const ceiling = spec.mode === 'ceiling';
  const run: LifecycleRun = { lifecycles: [], steps: { create: [], offer: [], accept: [], complete: [], close: [] }, polls: 0, elapsedMs: 0 };

  const waitForOffer = async (slot: Slot, jobId: string): Promise<string> => {
    for (let poll = 1; poll <= MAX_POLLS; poll++) {
      run.polls++;
      const worker = await client.pathUnchecked(`/routing/workers/${slot.workerId}`).get();
      expectStatus(worker, ['200'], `GET worker ${slot.workerId}`);
      if (ceiling) return 'offer';
      const offer = (worker.body.offers as { offerId: string; jobId: string }[]).find((o) => o.jobId === jobId);
      if (offer) return offer.offerId;
      await sleep(1);
    }
    throw new Error(`no offer for ${jobId} on ${slot.workerId} after ${MAX_POLLS} polls`);
  };

  const lifecycle = async (slot: Slot, jobId: string): Promise<void> => {
    const marks = [performance.now()];
    const created = await patch(client, `/routing/jobs/${jobId}`, {
      queueId: slot.queueId,
      channelId: spec.channelId,
      requestedWorkerSelectors: [{ key: 'Id', labelOperator: 'equal', value: slot.workerId }],
    });
    expectStatus(created, ceiling ? ['200'] : ['201'], `PATCH job ${jobId}`);
    marks.push(performance.now());
    const offerId = await waitForOffer(slot, jobId);
    marks.push(performance.now());
    const accepted = await client.pathUnchecked(`/routing/workers/${slot.workerId}/offers/${offerId}:accept`).post();
    expectStatus(accepted, ['200'], `accept ${offerId}`);
    const assignmentId = accepted.body.assignmentId as string;
    marks.push(performance.now());
    const action = (verb: string) => client.pathUnchecked(`/routing/jobs/${jobId}/assignments/${assignmentId}:${verb}`).post({ body: {}, contentType: 'application/json' });
    expectStatus(await action('complete'), ['200'], `complete ${jobId}`);
    marks.push(performance.now());
    expectStatus(await action('close'), ['200'], `close ${jobId}`);
    marks.push(performance.now());
    STEPS.forEach((step, i) => run.steps[step].push((marks[i + 1] ?? 0) - (marks[i] ?? 0)));
    run.lifecycles.push((marks[marks.length - 1] ?? 0) - (marks[0] ?? 0));
  };

  const free = [...spec.slots];
  let next = 0;
  const started = performance.now();
  const deadline = started + spec.durationMs;
  const lane = async () => {
    while (next < spec.maxLifecycles && performance.now() < deadline) {
      const slot = free.shift();
      if (!slot) throw new Error('slot pool exhausted: more lifecycles in flight than worker capacity');
      await lifecycle(slot, `${spec.prefix}-${next++}`);
      free.push(slot);
    }
  };
  await Promise.all(Array.from({ length: spec.inFlight }, lane));
  run.elapsedMs = performance.now() - started;
  return run;
}

/** Runs the client in its own worker thread (the bench runs compiled, so the worker loads this file's .js). */
export function runLifecycleClient(spec: LifecycleSpec): Promise<LifecycleRun> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(path.join(__dirname, 'lifecycleClient.js'), { workerData: spec });
    worker.once('message', (message: { result?: LifecycleRun; error?: string }) => (message.result ? resolve(message.result) : reject(new Error(message.error))));
    worker.once('error', reject);
  });
}

if (!isMainThread && parentPort) {
  const port = parentPort;
  drive(workerData as LifecycleSpec).then(
    (result) => port.postMessage({ result }),
    (error: unknown) => port.postMessage({ error: error instanceof Error ? error.stack : String(error) }),
  );
}

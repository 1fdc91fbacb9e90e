/**
 * One lifecycle, store call by store call: `node .tmp/bench/test/bench/traceLifecycle.js` prints
 * every call the engine makes on the store per request (collection, id), to see where the counts of
 * the lifecycle figure come from.
 */
import { openEmbeddedStore } from '../../shared/hosting/openEmbeddedStore';
import { startEmbeddedHost } from '../../shared/hosting/startEmbeddedHost';
import { silentLogger } from '../../shared/ports/Logger';
import type { Store } from '../../shared/ports/Store';
import { createSignedClient, patch } from '../support/signedClient';
import { CHANNEL } from './population';
import { putPolicy } from './benchHost';

function tracing(inner: Store, log: string[]): Store {
  return new Proxy(inner, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function' || ['durable', 'close'].includes(String(property))) return value;
      const method = value as (...args: unknown[]) => unknown;
      return (...args: unknown[]) => {
        const [first] = args;
        const what = typeof first === 'string' ? `${first}/${typeof args[1] === 'string' ? args[1] : JSON.stringify(args[1]).slice(0, 90)}` : `${(first as { collection: string; id: string }).collection}/${(first as { id: string }).id}`;
        log.push(`${String(property).padEnd(8)} ${what}`);
        return method.apply(target, args);
      };
    },
  });
}

async function main(): Promise<void> {
  const log: string[] = [];
  const host = await startEmbeddedHost({ port: 0, dataDir: ':memory:', logger: silentLogger, store: tracing(openEmbeddedStore(':memory:'), log), channels: [] });
  const client = createSignedClient(host.connectionString);
  await putPolicy(client, 'dp', 'longestIdle');
  await patch(client, '/routing/queues/q', { distributionPolicyId: 'dp' });
  await patch(client, '/routing/workers/w', { capacity: 4, queues: ['q'], channels: [{ channelId: CHANNEL, capacityCostPerJob: 1 }], availableForOffers: true });
  await host.engine.idle();
  const step = async (label: string, act: () => PromiseLike<unknown>) => {
    log.length = 0;
    await act();
    await host.engine.idle();
    console.log(`== ${label}: ${log.length} calls\n  ${log.join('\n  ')}`);
  };
  for (let i = 0; i < 2; i++) {
    await step(`create j${i} (+ matching)`, () => patch(client, `/routing/jobs/j${i}`, { queueId: 'q', channelId: CHANNEL }));
    let offerId = '';
    await step('GET worker', async () => {
      const worker = await client.pathUnchecked('/routing/workers/w').get();
      offerId = (worker.body.offers as { offerId: string }[])[0]?.offerId ?? '';
    });
    let assignmentId = '';
    await step('accept', async () => {
      const accepted = await client.pathUnchecked(`/routing/workers/w/offers/${offerId}:accept`).post();
      assignmentId = accepted.body.assignmentId as string;
    });
    await step('complete', () => client.pathUnchecked(`/routing/jobs/j${i}/assignments/${assignmentId}:complete`).post({ body: {}, contentType: 'application/json' }));
    await step('close', () => client.pathUnchecked(`/routing/jobs/j${i}/assignments/${assignmentId}:close`).post({ body: {}, contentType: 'application/json' }));
  }
  await host.close();
}

void main();

import { InProcessMatchQueue } from '../../shared/adapters/embedded/InProcessMatchQueue';
import { EventRelay } from '../../shared/app/EventRelay';
import { runMatching } from '../../shared/app/runMatching';
import { upsertJob } from '../../shared/app/upsertJob';
import { upsertResource } from '../../shared/app/upsertResource';
import { upsertWorker } from '../../shared/app/upsertWorker';
import { distributionPolicyResource, queueResource } from '../../shared/domain/resources';
import type { EngineWorker } from '../../shared/domain/routing/routingState';
import { createAzureEngine } from '../../shared/hosting/createAzureEngine';
import { silentLogger } from '../../shared/ports/Logger';
import type { RouterPorts } from '../../shared/ports/RouterPorts';
import type { Store } from '../../shared/ports/Store';
import { RememberingScheduler } from '../support/rememberingScheduler';
import { sqliteAndCosmosStores } from '../support/sqliteAndCosmosStores';
import { TestClock } from '../support/testClock';

const stores = sqliteAndCosmosStores('configinstances');

/** One Azure instance: its own engine (and so its own configuration copies) on the shared store. */
function instance(store: Store, clock: TestClock, configCacheSeconds?: number): { ports: RouterPorts; matchQueue: InProcessMatchQueue } {
  const matchQueue = new InProcessMatchQueue(silentLogger);
  const engine = createAzureEngine({ store, clock, matchQueue, events: new EventRelay({ store, clock, logger: silentLogger, channels: [] }), logger: silentLogger, configCacheSeconds });
  const ports = engine.portsWith(new RememberingScheduler());
  matchQueue.start((request) => runMatching(ports, request));
  return { ports, matchQueue };
}

/**
 * What README and ADR 37 promise on the Azure host: a policy change made through one instance reaches
 * another within JOBROUTER_CONFIG_CACHE_SECONDS (its copy expires on its clock), and at once with 0.
 */
describe.each(stores)('configuration changes across Azure instances on %s', (_, open) => {
  let store: Store;
  let clock: TestClock;
  beforeEach(async () => {
    store = await open();
    clock = new TestClock();
  });
  afterEach(async () => {
    await store.close();
  });

  /** Offer seconds of the worker's offer for the job. */
  const offerSeconds = async (workerId: string, jobId: string) => {
    const offer = (await store.get<EngineWorker>('workers', workerId))?.body.offers.find((o) => o.jobId === jobId);
    if (!offer) throw new Error(`${workerId} holds no offer for ${jobId}`);
    return (Date.parse(offer.expiresAt ?? '') - Date.parse(offer.offeredAt ?? '')) / 1000;
  };

  async function configure(admin: RouterPorts): Promise<void> {
    await upsertResource(admin, distributionPolicyResource, 'dp', { offerExpiresAfterSeconds: 3600, mode: { kind: 'longestIdle' } });
    await upsertResource(admin, queueResource, 'q', { distributionPolicyId: 'dp' });
    await upsertWorker(admin, 'w', { capacity: 10, queues: ['q'], channels: [{ channelId: 'voice', capacityCostPerJob: 1 }], availableForOffers: true }, {});
  }

  it('another instance uses the new policy once its copy is JOBROUTER_CONFIG_CACHE_SECONDS old', async () => {
    const a = instance(store, clock, 10);
    const b = instance(store, clock, 10);
    await configure(a.ports);
    await upsertJob(b.ports, 'j1', { queueId: 'q', channelId: 'voice' }, {});
    await b.matchQueue.idle();
    expect(await offerSeconds('w', 'j1')).toBe(3600);

    clock.advance(1_000);
    await upsertResource(a.ports, distributionPolicyResource, 'dp', { offerExpiresAfterSeconds: 45 });
    // Instance b read the policy 1 s before the change: it keeps using its copy for 9 s more.
    clock.advance(8_999);
    await upsertJob(b.ports, 'j2', { queueId: 'q', channelId: 'voice' }, {});
    await b.matchQueue.idle();
    expect(await offerSeconds('w', 'j2')).toBe(3600);

    clock.advance(1);
    await upsertJob(b.ports, 'j3', { queueId: 'q', channelId: 'voice' }, {});
    await b.matchQueue.idle();
    expect(await offerSeconds('w', 'j3')).toBe(45);
    // The instance that made the change used it at once.
    await upsertJob(a.ports, 'j4', { queueId: 'q', channelId: 'voice' }, {});
    await a.matchQueue.idle();
    expect(await offerSeconds('w', 'j4')).toBe(45);
    await a.matchQueue.stop();
    await b.matchQueue.stop();
  }, 60_000);

  it('with JOBROUTER_CONFIG_CACHE_SECONDS=0 another instance uses the new policy at once', async () => {
    const a = instance(store, clock, 0);
    const b = instance(store, clock, 0);
    await configure(a.ports);
    await upsertJob(b.ports, 'j1', { queueId: 'q', channelId: 'voice' }, {});
    await b.matchQueue.idle();
    await upsertResource(a.ports, distributionPolicyResource, 'dp', { offerExpiresAfterSeconds: 45 });
    await upsertJob(b.ports, 'j2', { queueId: 'q', channelId: 'voice' }, {});
    await b.matchQueue.idle();
    expect(await offerSeconds('w', 'j2')).toBe(45);
    await a.matchQueue.stop();
    await b.matchQueue.stop();
  }, 60_000);
});

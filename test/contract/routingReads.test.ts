import { InProcessMatchQueue } from '../../shared/adapters/embedded/InProcessMatchQueue';
import { acceptOffer } from '../../shared/app/acceptOffer';
import { closeJob } from '../../shared/app/closeJob';
import { completeJob } from '../../shared/app/completeJob';
import { EventRelay } from '../../shared/app/EventRelay';
import { runMatching } from '../../shared/app/runMatching';
import { upsertJob } from '../../shared/app/upsertJob';
import { upsertResource } from '../../shared/app/upsertResource';
import { upsertWorker } from '../../shared/app/upsertWorker';
import { distributionPolicyResource, queueResource } from '../../shared/domain/resources';
import type { EngineWorker } from '../../shared/domain/routing/routingState';
import { createAzureEngine } from '../../shared/hosting/createAzureEngine';
import { silentLogger } from '../../shared/ports/Logger';
import type { Store } from '../../shared/ports/Store';
import { RememberingScheduler } from '../support/rememberingScheduler';
import { sqliteAndCosmosStores } from '../support/sqliteAndCosmosStores';
import { TestClock } from '../support/testClock';
import { countingReads } from '../support/countingReads';

const stores = sqliteAndCosmosStores('routingreads');

/**
 * Each step of a job's life reads each document it changes once: the write starts from what the step
 * read (ADR 35), and a queue read to check a reference is not read again for its exception rules.
 * Queues and policies are read once per copy the instance keeps (ADR 37): not per job, again only once
 * the copy is older than JOBROUTER_CONFIG_CACHE_SECONDS or after this process changed them.
 * The figures are exact so that a read that comes back shows here.
 */
describe.each(stores)('point reads of one routed job on %s', (_, open) => {
  let inner: Store;
  beforeEach(async () => {
    inner = await open();
  });
  afterEach(async () => {
    await inner.close();
  });

  it('create, offer, accept, complete and close read each document once per change', async () => {
    const { store, reads } = countingReads(inner);
    const matchQueue = new InProcessMatchQueue(silentLogger);
    const clock = new TestClock();
    const engine = createAzureEngine({ store, clock, matchQueue, events: new EventRelay({ store, clock, logger: silentLogger, channels: [] }), logger: silentLogger, configCacheSeconds: 10 });
    const ports = engine.portsWith(new RememberingScheduler());
    matchQueue.start((request) => runMatching(ports, request));
    await upsertResource(ports, distributionPolicyResource, 'dp', { offerExpiresAfterSeconds: 3600, mode: { kind: 'longestIdle' } });
    await upsertResource(ports, queueResource, 'q', { distributionPolicyId: 'dp' });
    await upsertWorker(ports, 'w', { capacity: 1, queues: ['q'], channels: [{ channelId: 'voice', capacityCostPerJob: 1 }], availableForOffers: true }, {});
    await matchQueue.idle();
    reads();

    await upsertJob(ports, 'j', { queueId: 'q', channelId: 'voice' }, {});
    await matchQueue.idle();
    // The job: the upsert's read and the matching request's; the worker: only the check that it still
    // holds the offer (the reservation writes on the copy candidate selection read). The queue and its
    // policy: the copies the worker's registration and its matching pass read a moment ago.
    expect(reads()).toEqual({ jobs: 2, workers: 1 });

    const offerId = (await inner.get<EngineWorker>('workers', 'w'))?.body.offers[0]?.offerId ?? '';
    reads();
    const { assignmentId } = await acceptOffer(ports, 'w', offerId);
    await matchQueue.idle();
    expect(reads()).toEqual({ workers: 1, jobs: 1 });

    await completeJob(ports, 'j', assignmentId, {});
    expect(reads()).toEqual({ jobs: 1 });

    await closeJob(ports, 'j', assignmentId, {});
    await matchQueue.idle();
    // The job once (the write starts from the read that validated the close); the worker once to
    // release it and once for the matching pass its freed room asks for (queue and policy: copies).
    expect(reads()).toEqual({ jobs: 1, workers: 2 });
    expect((await inner.get<EngineWorker>('workers', 'w'))?.body.assignedJobs).toEqual([]);

    // Copies older than the setting are read again, once: the reference check reads the queue, the
    // matching request the policy, and the queue's copy serves the matching request.
    clock.advance(10_000);
    await upsertJob(ports, 'j2', { queueId: 'q', channelId: 'voice' }, {});
    await matchQueue.idle();
    expect(reads()).toEqual({ jobs: 2, workers: 1, queues: 1, distributionPolicies: 1 });

    // A policy written through this instance is read again by the next job's matching, and only it (the
    // worker holds the offer of j2: no candidate is read).
    await upsertResource(ports, distributionPolicyResource, 'dp', { offerExpiresAfterSeconds: 60 });
    reads();
    await upsertJob(ports, 'j3', { queueId: 'q', channelId: 'voice' }, {});
    await matchQueue.idle();
    expect(reads()).toEqual({ jobs: 2, distributionPolicies: 1 });
    await matchQueue.stop();
  }, 60_000);
});

import { InvocationContext, type Timer } from '@azure/functions';
import { EVENT_SWEEP_BACKSTOP_MS, eventSweep } from '../../functions/eventSweep';
import { matchSweep } from '../../functions/matchSweep';
import type { CosmosStore } from '../../shared/adapters/azure/CosmosStore';
import { startAzureTestRouter } from '../support/azureTestRouter';
import type { RouterUnderTest } from '../support/routerUnderTest';
import { JOB_MATCH_ORDER, prefixRange } from '../../shared/domain/routing/routingKeys';
import { patch } from '../support/signedClient';
import { TestClock } from '../support/testClock';
import { EventRelay } from '../../shared/app/EventRelay';
import { nextHistoryPosition } from '../../shared/app/outbox';
import { silentLogger } from '../../shared/ports/Logger';

/**
 * What the two timer functions cost on the Azure composition (CosmosStore on the local Cosmos server,
 * the Service Bus matcher through the AMQP test broker), counted in Cosmos DB requests: an idle
 * deployment must cost next to nothing per run, a busy one gets its full sweep.
 */

const timer: Timer = { isPastDue: false, schedule: { adjustForDST: false }, scheduleStatus: { last: '', next: '', lastUpdated: '' } };

describe('the timer functions of an idle and of a busy deployment', () => {
  let router: RouterUnderTest;
  let clock: TestClock;
  let logs: string[];
  const context = (functionName: string) => new InvocationContext({ functionName, logHandler: (level, ...args) => logs.push(`${level}: ${args.map(String).join(' ')}`) });
  const cosmos = () => router.store as CosmosStore;

  /** Runs a timer function once the router is quiet and answers how many Cosmos requests it made. */
  async function requestsOf(run: () => Promise<void>): Promise<number> {
    await router.engine.idle();
    cosmos().resetStats();
    await run();
    return cosmos().stats().operations;
  }
  const sweepEvents = () => requestsOf(() => eventSweep(timer, context('eventSweep')));
  const sweepMatching = () => requestsOf(() => matchSweep(timer, context('matchSweep')));

  beforeAll(async () => {
    // Now: requests are signed with the real time, which the router checks against its clock.
    clock = new TestClock(new Date());
    router = await startAzureTestRouter({ clock });
  });
  beforeEach(() => {
    logs = [];
  });
  afterAll(async () => {
    await router.close();
  });

  it('the first event sweep runs in full (no sweep yet); the next ones with nothing to catch up cost a point read and a one-item query each', async () => {
    expect(await sweepEvents()).toBeGreaterThan(3);
    expect(logs).toEqual([expect.stringMatching(/^information: event sweep \(no sweep yet\)/)]);
    logs = [];
    for (let run = 0; run < 3; run++) expect(await sweepEvents()).toBe(2);
    expect(logs.filter((l) => !l.startsWith('debug'))).toEqual([]);
  });

  it('the match sweep with no job waiting costs one read and sends nothing', async () => {
    expect((await patch(router.client, '/routing/distributionPolicies/dp', { offerExpiresAfterSeconds: 60, mode: { kind: 'longestIdle' } })).status).toBe('201');
    for (const queue of ['q1', 'q2', 'q3']) expect((await patch(router.client, `/routing/queues/${queue}`, { distributionPolicyId: 'dp' })).status).toBe('201');
    expect(await sweepMatching()).toBe(1);
    expect(logs).toEqual([]);
  });

  it('after writes the event sweep runs in full once, then is idle again', async () => {
    expect((await patch(router.client, '/routing/jobs/j1', { channelId: 'voice', queueId: 'q2' })).status).toBe('201');
    await router.engine.idle();
    expect(await sweepEvents()).toBeGreaterThan(3);
    expect(logs).toEqual([expect.stringMatching(/^information: event sweep \(events were recorded since the last sweep\)/)]);
    expect(await sweepEvents()).toBe(2);
  });

  it('a full event sweep runs when another instance recorded events, though this one recorded none', async () => {
    expect(await sweepEvents()).toBe(2);
    // Another instance of the deployment, on the same store, records an event this one never saw.
    const other = new EventRelay({ store: router.store, clock, logger: silentLogger, channels: [] });
    // A moment after this instance's last sweep began.
    clock.advance(1000);
    const time = clock.now().toISOString();
    await other.record([{ position: nextHistoryPosition(time), event: { id: 'elsewhere-1', type: 'RouterJobReceived', subject: 'job/j9/channel/voice', time, data: { jobId: 'j9' } } }]);
    await other.stop();
    logs = [];
    expect(await sweepEvents()).toBeGreaterThan(3);
    expect(logs).toEqual([expect.stringMatching(/^information: event sweep \(events were recorded since the last sweep\)/)]);
    expect(await sweepEvents()).toBe(2);
  });

  it('the match sweep asks only for the queues where a job waits: one read per such queue, plus one', async () => {
    expect((await patch(router.client, '/routing/jobs/j2', { channelId: 'voice', queueId: 'q2' })).status).toBe('201');
    expect((await patch(router.client, '/routing/jobs/j3', { channelId: 'voice', queueId: 'q3' })).status).toBe('201');
    // The matcher runs the requests as they arrive, reading the same index per queue; the sweep's own
    // reads are the ones over every queue (up to the end of the key space).
    const ranges = jest.spyOn(router.store, 'range');
    await router.engine.idle();
    ranges.mockClear();
    await matchSweep(timer, context('matchSweep'));
    await router.engine.idle();
    const sweepReads = ranges.mock.calls.filter(([collection, query]) => collection === 'jobs' && query.key === JOB_MATCH_ORDER && query.to === String.fromCodePoint(0x10ffff));
    ranges.mockRestore();
    // The first waiting job anywhere, then past q2's jobs, then past q3's: three reads for two queues.
    expect(sweepReads.map(([, query]) => query.from)).toEqual(['', prefixRange('q2').to, prefixRange('q3').to]);
    expect(logs).toEqual(['information: match sweep: requested matching for 2 queues with waiting jobs']);
  });

  it('an idle deployment still gets a full event sweep once the backstop has passed since the last one anywhere', async () => {
    await sweepEvents();
    expect(await sweepEvents()).toBe(2);
    clock.advance(EVENT_SWEEP_BACKSTOP_MS);
    logs = [];
    expect(await sweepEvents()).toBeGreaterThan(3);
    expect(logs).toEqual([expect.stringMatching(/^information: event sweep \(no sweep for 60 min\)/)]);
  });
});

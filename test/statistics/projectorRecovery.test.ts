import fc from 'fast-check';
import { putDocument } from '../../shared/app/conditionalWrite';
import { historyPosition } from '../../shared/domain/routing/eventHistory';
import { OUTBOX_KEY, type Outbox } from '../../shared/app/outbox';
import type { ProjectorCursor } from '../../shared/app/statistics/StatisticsProjector';
import { statisticsFor } from '../../shared/app/statistics/statisticsFor';
import { StoreStatistics } from '../../shared/app/statistics/StoreStatistics';
import { EventRelay } from '../../shared/app/EventRelay';
import { openEmbeddedStore } from '../../shared/hosting/openEmbeddedStore';
import type { OutboxEntry, RouterEvent, RouterEventType } from '../../shared/ports/EventPublisher';
import { silentLogger } from '../../shared/ports/Logger';
import type { Store } from '../../shared/ports/Store';
import { TestClock } from '../support/testClock';

/**
 * The projector keeps its promise across crashes and instances: however the history is cut into
 * batches, wherever a run dies (a store that fails from its Nth write on), and however many projectors
 * run at once on one store, the figures equal those of one clean pass. Histories are generated
 * (fast-check): jobs arriving on two queues, offered, declined, accepted, completed, closed or cancelled.
 * The second property adds events recorded late: left in their document's outbox by an instance that
 * died, recorded minutes later by a sweep, while projectors run in between and read up to the relay's
 * recording horizon.
 */

const START = Date.parse('2026-01-05T08:00:00.000Z');
const DAY = { fromMs: START - 3_600_000, toMs: START + 24 * 3_600_000 };

interface JobPlan {
  gapS: number;
  queue: 'sales' | 'support';
  fate: 'abandon' | 'decline-then-handle' | 'handle' | 'cancel-assigned';
  waitS: number;
  handleS: number;
  worker: 'ann' | 'bob';
}

const jobPlan = fc.record({
  gapS: fc.integer({ min: 1, max: 900 }),
  queue: fc.constantFrom('sales' as const, 'support' as const),
  fate: fc.constantFrom('abandon' as const, 'decline-then-handle' as const, 'handle' as const, 'cancel-assigned' as const),
  waitS: fc.integer({ min: 0, max: 700 }),
  handleS: fc.integer({ min: 1, max: 1200 }),
  worker: fc.constantFrom('ann' as const, 'bob' as const),
});

/** The events of a generated day, in time order (sequential jobs keep the script simple; workers overlap nothing). */
function history(plans: readonly JobPlan[]): RouterEvent[] {
  const events: RouterEvent[] = [];
  let n = 0;
  const at = (ms: number, type: RouterEventType, data: Record<string, unknown>) => events.push({ id: `e${++n}`, type, subject: '', time: new Date(ms).toISOString(), data });
  for (const worker of ['ann', 'bob']) at(START, 'RouterWorkerRegistered', { workerId: worker, totalCapacity: 1, channelConfigurations: [{ channelId: 'voice', capacityCostPerJob: 1 }] });
  let t = START;
  plans.forEach((plan, i) => {
    const job = { jobId: `j${i}`, queueId: plan.queue, channelId: 'voice' };
    t += plan.gapS * 1000;
    at(t, 'RouterJobReceived', job);
    at(t, 'RouterJobQueued', job);
    if (plan.fate === 'abandon') {
      t += plan.waitS * 1000;
      at(t, 'RouterJobCancelled', job);
      return;
    }
    at(t, 'RouterWorkerOfferIssued', { ...job, workerId: plan.worker, offerId: `o${i}`, offeredOn: new Date(t).toISOString() });
    if (plan.fate === 'decline-then-handle') {
      t += 3000;
      at(t, 'RouterWorkerOfferDeclined', { ...job, workerId: plan.worker, offerId: `o${i}` });
      at(t, 'RouterWorkerOfferIssued', { ...job, workerId: plan.worker, offerId: `p${i}`, offeredOn: new Date(t).toISOString() });
    }
    t += plan.waitS * 1000;
    at(t, 'RouterWorkerOfferAccepted', { ...job, workerId: plan.worker, offerId: plan.fate === 'decline-then-handle' ? `p${i}` : `o${i}`, assignmentId: `a${i}` });
    t += plan.handleS * 1000;
    if (plan.fate === 'cancel-assigned') {
      at(t, 'RouterJobCancelled', job);
      return;
    }
    at(t, 'RouterJobCompleted', { ...job, workerId: plan.worker, assignmentId: `a${i}` });
    t += 20_000;
    at(t, 'RouterJobClosed', { ...job, workerId: plan.worker, assignmentId: `a${i}` });
  });
  return events;
}

async function recorded(events: readonly RouterEvent[]): Promise<Store> {
  const store = openEmbeddedStore(':memory:');
  const relay = new EventRelay({ store, clock: new TestClock(START), logger: silentLogger, channels: [] });
  await relay.record(events.map((event, i) => ({ position: historyPosition(event.time, i + 1), event })));
  return store;
}

/** A store whose writes fail from the `failFrom`-th on: a process that dies mid-run. */
function dyingAfter(store: Store, failFrom: number): Store {
  let writes = 0;
  const die = () => {
    if (++writes >= failFrom) throw new Error('process died');
  };
  return new Proxy(store, {
    get(target, name, receiver) {
      const value: unknown = Reflect.get(target, name, receiver);
      if (typeof value !== 'function') return value;
      if (name === 'create' || name === 'replace' || name === 'delete') {
        return (...args: unknown[]) => {
          die();
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      }
      return (value as (...a: unknown[]) => unknown).bind(target);
    },
  });
}

const answer = async (statistics: StoreStatistics, scope: { kind: 'router' | 'queue' | 'worker'; id?: string }) => {
  const { projectedThrough: _through, ...rest } = await statistics.cumulative({ scope, ...DAY, bucketMinutes: 60, serviceLevelThresholdSeconds: 20 });
  return rest;
};

const SCOPES = [{ kind: 'router' as const }, { kind: 'queue' as const, id: 'sales' }, { kind: 'worker' as const, id: 'ann' }];

test('crashes, restarts and concurrent projectors count every event exactly once', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(jobPlan, { minLength: 1, maxLength: 10 }), fc.integer({ min: 1, max: 25 }), fc.integer({ min: 1, max: 60 }), fc.integer({ min: 1, max: 3 }), async (plans, batchSize, failFrom, parallel) => {
      const events = history(plans);
      const clock = new TestClock(DAY.toMs + 60_000);
      const clean = await recorded(events);
      const expected = await Promise.all(SCOPES.map((scope) => answer(statisticsFor(clean, clock), scope)));

      const store = await recorded(events);
      // One instance dies part-way through…
      const dying = new StoreStatistics({ store: dyingAfter(store, failFrom), clock, batchSize });
      await dying.catchUp().catch(() => undefined);
      // …then several take over at once, each with its own batches.
      const instances = Array.from({ length: parallel }, (_, i) => new StoreStatistics({ store, clock, batchSize: batchSize + i }));
      await Promise.all(instances.map((instance) => instance.catchUp()));
      const got = await Promise.all(SCOPES.map((scope) => answer(instances[0]!, scope)));
      expect(got).toEqual(expected);
      await clean.close();
      await store.close();
    }),
    { numRuns: 40 },
  );
}, 300_000);

/** When something happens in the late-recording property, in ms after START; ties: events, sweeps, projections. */
type Step = { at: number; order: 0; event: number } | { at: number; order: 1; sweep: true } | { at: number; order: 2; batchSize: number; failFrom: number | undefined; parallel: number };

/** The document whose outbox holds an event: its job's, or its worker's. */
const outboxDocument = (event: RouterEvent) =>
  typeof event.data['jobId'] === 'string' ? { collection: 'jobs' as const, id: String(event.data['jobId']) } : { collection: 'workers' as const, id: String(event.data['workerId']) };

/** Leaves an entry in its document's outbox, as a write that committed and whose process died before recording it. */
async function leaveInOutbox(store: Store, entry: OutboxEntry, now: Date): Promise<void> {
  const { collection, id } = outboxDocument(entry.event);
  const current = await store.get<{ _outbox?: Outbox }>(collection, id);
  const pending = [...(current?.body._outbox?.pending ?? []), entry];
  await putDocument(store, { collection, id, lastModified: now.toISOString(), body: { _outbox: { pending } }, keys: { [OUTBOX_KEY]: entry.event.time } });
}

test('events recorded late, after later ones and after projectors ran past their time, are counted exactly once, and never behind the cursor', async () => {
  const minutes = (n: number) => n * 60_000;
  await fc.assert(
    fc.asyncProperty(
      fc.array(jobPlan, { minLength: 1, maxLength: 8 }),
      fc.array(fc.boolean(), { minLength: 1, maxLength: 40 }),
      fc.array(fc.integer({ min: 0, max: minutes(150) }), { maxLength: 4 }),
      fc.array(fc.record({ at: fc.integer({ min: 0, max: minutes(150) }), batchSize: fc.integer({ min: 1, max: 25 }), failFrom: fc.option(fc.integer({ min: 1, max: 40 }), { nil: undefined }), parallel: fc.integer({ min: 1, max: 3 }) }), { minLength: 1, maxLength: 6 }),
      async (plans, lateMask, sweepsAt, runs) => {
        const events = history(plans);
        const end = DAY.toMs + 60_000;
        const clock = new TestClock(START - 60_000);
        const clean = await recorded(events);
        const expected = await Promise.all(SCOPES.map((scope) => answer(statisticsFor(clean, new TestClock(end)), scope)));

        const store = openEmbeddedStore(':memory:');
        const relay = new EventRelay({ store, clock, logger: silentLogger, channels: [] });
        // A deployment's sweeps have run before: the horizon is known from the start.
        await relay.sweep();
        const entries = events.map((event, i) => ({ position: historyPosition(event.time, i + 1), event }));
        const late = entries.map((_, i) => lateMask[i % lateMask.length]!);
        const unrecorded = new Set<number>();
        const steps: Step[] = [
          ...entries.map((entry, i): Step => ({ at: Date.parse(entry.event.time) - START, order: 0, event: i })),
          ...sweepsAt.map((at): Step => ({ at, order: 1, sweep: true })),
          ...runs.map((run): Step => ({ ...run, order: 2 })),
        ].sort((a, b) => a.at - b.at || a.order - b.order);

        const cursorPosition = async () => {
          const cursor = (await store.get<ProjectorCursor>('statistics', 'projector'))?.body;
          return [cursor?.position ?? '', cursor?.pending?.through ?? ''].reduce((a, b) => (a > b ? a : b));
        };
        /** Records, checking that what becomes visible lies ahead of every position a projector has read or claimed. */
        const recording = async (work: () => Promise<void>, which: readonly number[]) => {
          const passed = await cursorPosition();
          await work();
          for (const i of which) expect(entries[i]!.position > passed).toBe(true);
        };
        const project = async (batchSize: number, failFrom: number | undefined, parallel: number) => {
          const options = { clock, recordedThrough: () => relay.recordedThrough('deployment') };
          if (failFrom !== undefined) await new StoreStatistics({ ...options, store: dyingAfter(store, failFrom), batchSize }).catchUp().catch(() => undefined);
          await Promise.all(Array.from({ length: parallel }, (_, i) => new StoreStatistics({ ...options, store, batchSize: batchSize + i }).catchUp()));
        };

        for (const step of steps) {
          clock.advanceTo(Math.max(clock.now().getTime(), START + step.at));
          if ('event' in step) {
            const entry = entries[step.event]!;
            if (late[step.event]) {
              await leaveInOutbox(store, entry, clock.now());
              unrecorded.add(step.event);
            } else {
              await recording(() => relay.record([entry]), [step.event]);
            }
          } else if ('sweep' in step) {
            const swept = [...unrecorded];
            unrecorded.clear();
            await recording(() => relay.sweep(), swept);
          } else {
            await project(step.batchSize, step.failFrom, step.parallel);
          }
        }
        clock.advanceTo(end);
        await recording(() => relay.sweep(), [...unrecorded]);
        await project(7, undefined, 2);
        const got = await Promise.all(SCOPES.map((scope) => answer(new StoreStatistics({ store, clock }), scope)));
        expect(got).toEqual(expected);
        await clean.close();
        await store.close();
      },
    ),
    { numRuns: 40 },
  );
}, 300_000);

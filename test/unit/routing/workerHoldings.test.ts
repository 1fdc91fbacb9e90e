import type { OfferEnd } from '../../../shared/domain/routing/routingState';
import { workerRouting } from '../../../shared/domain/routing/routingState';
import { hasRoomFor, refreshWorker, usedCapacity } from '../../../shared/domain/routing/workerCapacity';
import { acceptHeldOffer, addOffer, endOffer, releaseAssignment } from '../../../shared/domain/routing/workerHoldings';
import { at, expectConsistent, makeWorker, MINUTE, offer } from './helpers';

const REGISTERED_AT = '2024-01-01T00:00:00+00:00'; // T0 in the wire format

const newWorker = (availableForOffers = true) =>
  makeWorker({
    availableForOffers,
    capacity: 100,
    queues: ['q1'],
    channels: [
      { channelId: 'voice', capacityCostPerJob: 60 },
      { channelId: 'chat', capacityCostPerJob: 20 },
    ],
  });

const assignment = (assignmentId: string, jobId: string) => ({ assignmentId, jobId, assignedAt: '2024-01-01T00:02:00+00:00' });

describe('a freshly registered worker', () => {
  it('holds nothing and has been idle since it registered', () => {
    const worker = newWorker();
    expect(worker.offers).toEqual([]);
    expect(worker.assignedJobs).toEqual([]);
    expect(workerRouting(worker)).toEqual({ holdings: {}, endedOffers: [], registeredAt: REGISTERED_AT, idleSince: REGISTERED_AT });
    expect(worker.state).toBe('active');
    expect(worker.loadRatio).toBe(0);
  });
});

describe('addOffer', () => {
  it('adds the offer, its holding on the channel, and the load', () => {
    const worker = newWorker();
    const o = offer('o1', 'j1', 20);
    addOffer(worker, o, 'chat');
    expect(worker.offers).toEqual([o]);
    expect(workerRouting(worker).holdings).toEqual({ o1: { jobId: 'j1', channelId: 'chat' } });
    expect(worker.loadRatio).toBeCloseTo(0.2, 12);
    expect(worker.state).toBe('active');
    expectConsistent(worker);
  });

  it('does not change idleSince (an offer is not a release)', () => {
    const worker = newWorker();
    addOffer(worker, offer('o1', 'j1', 20), 'chat');
    expect(workerRouting(worker).idleSince).toBe(REGISTERED_AT);
  });
});

describe('endOffer', () => {
  it('returns false and changes nothing for an offer the worker does not hold', () => {
    const worker = newWorker();
    addOffer(worker, offer('o1', 'j1', 20), 'chat');
    const before = structuredClone(worker);
    expect(endOffer(worker, 'nope', 'declined', at(MINUTE))).toBe(false);
    expect(worker).toEqual(before);
  });

  it.each<OfferEnd>(['declined', 'expired', 'revoked', 'acceptedElsewhere'])('%s: removes the offer and its holding, records the end, frees the capacity and restarts idle time', (how) => {
    const worker = newWorker();
    addOffer(worker, offer('o1', 'j1', 20), 'chat');
    addOffer(worker, offer('o2', 'j2', 60), 'voice');
    expect(endOffer(worker, 'o1', how, at(3 * MINUTE))).toBe(true);
    expect(worker.offers.map((o) => o.offerId)).toEqual(['o2']);
    expect(workerRouting(worker).holdings).toEqual({ o2: { jobId: 'j2', channelId: 'voice' } });
    expect(workerRouting(worker).endedOffers).toEqual([{ offerId: 'o1', jobId: 'j1', how, assignmentId: undefined }]);
    expect(workerRouting(worker).idleSince).toBe('2024-01-01T00:03:00+00:00');
    expect(worker.loadRatio).toBeCloseTo(0.6, 12);
    expectConsistent(worker);
  });

  it('accepted: does not restart idle time', () => {
    const worker = newWorker();
    addOffer(worker, offer('o1', 'j1', 20), 'chat');
    endOffer(worker, 'o1', 'accepted', at(MINUTE), 'a1');
    expect(workerRouting(worker).idleSince).toBe(REGISTERED_AT);
    expect(workerRouting(worker).endedOffers).toEqual([{ offerId: 'o1', jobId: 'j1', how: 'accepted', assignmentId: 'a1' }]);
  });

  it('ending an offer twice records it once', () => {
    const worker = newWorker();
    addOffer(worker, offer('o1', 'j1', 20), 'chat');
    expect(endOffer(worker, 'o1', 'expired', at(MINUTE))).toBe(true);
    expect(endOffer(worker, 'o1', 'expired', at(2 * MINUTE))).toBe(false);
    expect(workerRouting(worker).endedOffers).toHaveLength(1);
    expect(workerRouting(worker).idleSince).toBe('2024-01-01T00:01:00+00:00');
  });

  it('keeps only the 20 latest ended offers, newest last', () => {
    const worker = newWorker();
    for (let i = 1; i <= 25; i++) {
      addOffer(worker, offer(`o${i}`, `j${i}`, 1), 'chat');
      endOffer(worker, `o${i}`, 'expired', at(i * 1000));
    }
    const ended = workerRouting(worker).endedOffers;
    expect(ended).toHaveLength(20);
    expect(ended[0]?.offerId).toBe('o6');
    expect(ended[19]?.offerId).toBe('o25');
    expect(ended.map((e) => e.offerId)).toEqual(Array.from({ length: 20 }, (_, i) => `o${i + 6}`));
  });

  it('a draining worker turns inactive when its last offer ends', () => {
    const worker = newWorker();
    addOffer(worker, offer('o1', 'j1', 20), 'chat');
    worker.availableForOffers = false;
    addOffer(worker, offer('o2', 'j2', 20), 'chat');
    expect(worker.state).toBe('draining');
    endOffer(worker, 'o1', 'revoked', at(MINUTE));
    expect(worker.state).toBe('draining');
    endOffer(worker, 'o2', 'revoked', at(MINUTE));
    expect(worker.state).toBe('inactive');
    expect(worker.loadRatio).toBe(0);
  });
});

describe('acceptHeldOffer', () => {
  it('turns the offer into an assignment of the same cost on the same channel', () => {
    const worker = newWorker();
    addOffer(worker, offer('o1', 'j1', 20), 'chat');
    addOffer(worker, offer('o2', 'j2', 60), 'voice');
    const usedBefore = usedCapacity(worker);
    const loadBefore = worker.loadRatio;

    expect(acceptHeldOffer(worker, 'o1', assignment('a1', 'j1'), at(2 * MINUTE))).toBe(true);

    expect(usedCapacity(worker)).toBe(usedBefore);
    expect(worker.loadRatio).toBe(loadBefore);
    expect(worker.offers.map((o) => o.offerId)).toEqual(['o2']);
    expect(worker.assignedJobs).toEqual([{ assignmentId: 'a1', jobId: 'j1', capacityCost: 20, assignedAt: '2024-01-01T00:02:00+00:00' }]);
    expect(workerRouting(worker).holdings).toEqual({ o2: { jobId: 'j2', channelId: 'voice' }, a1: { jobId: 'j1', channelId: 'chat' } });
    expect(workerRouting(worker).endedOffers).toEqual([{ offerId: 'o1', jobId: 'j1', how: 'accepted', assignmentId: 'a1' }]);
    expect(workerRouting(worker).idleSince).toBe(REGISTERED_AT);
    expectConsistent(worker);
  });

  it('uses the cost the offer was made with, not the channel cost now', () => {
    const worker = newWorker();
    addOffer(worker, offer('o1', 'j1', 20), 'chat');
    worker.channels = [{ channelId: 'chat', capacityCostPerJob: 50 }];
    acceptHeldOffer(worker, 'o1', assignment('a1', 'j1'), at(MINUTE));
    expect(worker.assignedJobs[0]?.capacityCost).toBe(20);
    expect(usedCapacity(worker)).toBe(20);
  });

  it('keeps counting the job against the channel maxNumberOfJobs', () => {
    const worker = makeWorker({ availableForOffers: true, capacity: 100, channels: [{ channelId: 'chat', capacityCostPerJob: 10, maxNumberOfJobs: 1 }] });
    addOffer(worker, offer('o1', 'j1', 10), 'chat');
    expect(hasRoomFor(worker, 'chat')).toBe(false);
    acceptHeldOffer(worker, 'o1', assignment('a1', 'j1'), at(MINUTE));
    expect(workerRouting(worker).holdings['a1']?.channelId).toBe('chat');
    expect(hasRoomFor(worker, 'chat')).toBe(false);
  });

  it('returns false and adds no assignment for an offer the worker does not hold', () => {
    const worker = newWorker();
    addOffer(worker, offer('o1', 'j1', 20), 'chat');
    const before = structuredClone(worker);
    expect(acceptHeldOffer(worker, 'o9', assignment('a9', 'j9'), at(MINUTE))).toBe(false);
    expect(worker).toEqual(before);
  });

  it('cannot accept the same offer twice', () => {
    const worker = newWorker();
    addOffer(worker, offer('o1', 'j1', 20), 'chat');
    expect(acceptHeldOffer(worker, 'o1', assignment('a1', 'j1'), at(MINUTE))).toBe(true);
    expect(acceptHeldOffer(worker, 'o1', assignment('a2', 'j1'), at(MINUTE))).toBe(false);
    expect(worker.assignedJobs).toHaveLength(1);
    expect(usedCapacity(worker)).toBe(20);
  });

  it('a draining worker stays draining when it accepts its last offer', () => {
    const worker = newWorker();
    addOffer(worker, offer('o1', 'j1', 20), 'chat');
    worker.availableForOffers = false;
    acceptHeldOffer(worker, 'o1', assignment('a1', 'j1'), at(MINUTE));
    expect(worker.state).toBe('draining');
    expectConsistent(worker);
  });
});

describe('releaseAssignment', () => {
  it('removes the assignment and its holding, frees the capacity and restarts idle time', () => {
    const worker = newWorker();
    addOffer(worker, offer('o1', 'j1', 20), 'chat');
    addOffer(worker, offer('o2', 'j2', 60), 'voice');
    acceptHeldOffer(worker, 'o1', assignment('a1', 'j1'), at(MINUTE));
    acceptHeldOffer(worker, 'o2', assignment('a2', 'j2'), at(MINUTE));

    expect(releaseAssignment(worker, 'a1', at(10 * MINUTE))).toBe(true);

    expect(worker.assignedJobs.map((a) => a.assignmentId)).toEqual(['a2']);
    expect(workerRouting(worker).holdings).toEqual({ a2: { jobId: 'j2', channelId: 'voice' } });
    expect(workerRouting(worker).idleSince).toBe('2024-01-01T00:10:00+00:00');
    expect(worker.loadRatio).toBeCloseTo(0.6, 12);
    expectConsistent(worker);
  });

  it('forgets the ended offer behind the released assignment only', () => {
    const worker = newWorker();
    addOffer(worker, offer('o1', 'j1', 20), 'chat');
    addOffer(worker, offer('o2', 'j2', 20), 'chat');
    addOffer(worker, offer('o3', 'j3', 20), 'chat');
    acceptHeldOffer(worker, 'o1', assignment('a1', 'j1'), at(MINUTE));
    acceptHeldOffer(worker, 'o2', assignment('a2', 'j2'), at(MINUTE));
    endOffer(worker, 'o3', 'declined', at(MINUTE));
    releaseAssignment(worker, 'a1', at(2 * MINUTE));
    expect(workerRouting(worker).endedOffers.map((e) => e.offerId)).toEqual(['o2', 'o3']);
  });

  it('returns false and changes nothing for an assignment the worker does not hold', () => {
    const worker = newWorker();
    addOffer(worker, offer('o1', 'j1', 20), 'chat');
    acceptHeldOffer(worker, 'o1', assignment('a1', 'j1'), at(MINUTE));
    const before = structuredClone(worker);
    expect(releaseAssignment(worker, 'o1', at(5 * MINUTE))).toBe(false); // an offer id is not an assignment id
    expect(releaseAssignment(worker, 'zz', at(5 * MINUTE))).toBe(false);
    expect(worker).toEqual(before);
  });

  it('a draining worker turns inactive when its last assignment is released', () => {
    const worker = newWorker();
    addOffer(worker, offer('o1', 'j1', 20), 'chat');
    acceptHeldOffer(worker, 'o1', assignment('a1', 'j1'), at(MINUTE));
    worker.availableForOffers = false;
    releaseAssignment(worker, 'a1', at(2 * MINUTE));
    expect(worker.state).toBe('inactive');
    expect(worker.loadRatio).toBe(0);
  });
});

describe('a longer sequence keeps every derived field consistent', () => {
  it('offers, accepts, declines, expiries and releases', () => {
    const worker = newWorker();
    const steps: Array<() => unknown> = [
      () => addOffer(worker, offer('o1', 'j1', 20), 'chat'),
      () => addOffer(worker, offer('o2', 'j2', 20), 'chat'),
      () => addOffer(worker, offer('o3', 'j3', 60), 'voice'),
      () => acceptHeldOffer(worker, 'o3', assignment('a3', 'j3'), at(MINUTE)),
      () => endOffer(worker, 'o1', 'declined', at(2 * MINUTE)),
      () => acceptHeldOffer(worker, 'o2', assignment('a2', 'j2'), at(3 * MINUTE)),
      () => addOffer(worker, offer('o4', 'j4', 20), 'chat'),
      () => releaseAssignment(worker, 'a3', at(4 * MINUTE)),
      () => endOffer(worker, 'o4', 'expired', at(5 * MINUTE)),
      () => refreshWorker(Object.assign(worker, { availableForOffers: false })), // deregistered while holding a1
      () => expect(worker.state).toBe('draining'),
      () => releaseAssignment(worker, 'a2', at(6 * MINUTE)),
    ];
    for (const step of steps) {
      step();
      expectConsistent(worker);
    }
    expect(worker.state).toBe('inactive');
    expect(worker.offers).toEqual([]);
    expect(worker.assignedJobs).toEqual([]);
    expect(workerRouting(worker).idleSince).toBe('2024-01-01T00:06:00+00:00');
    expect(workerRouting(worker).endedOffers.map((e) => [e.offerId, e.how])).toEqual([
      ['o1', 'declined'],
      ['o4', 'expired'],
    ]);
  });
});

import type { RouterChannel } from '../../../shared/domain/model';
import type { EngineWorker } from '../../../shared/domain/routing/routingState';
import { hasRoomFor, holdsWork, isAvailable, offerableChannels, refreshWorker, stateOf, usedCapacity } from '../../../shared/domain/routing/workerCapacity';
import { acceptHeldOffer, addOffer, endOffer, releaseAssignment } from '../../../shared/domain/routing/workerHoldings';
import { at, expectConsistent, makeWorker, offer } from './helpers';

let seq = 0;
/** Holds one job on `channelId` as an open offer (the job's cost is the channel's). */
function hold(worker: EngineWorker, channelId: string): string {
  const cost = worker.channels.find((c) => c.channelId === channelId)?.capacityCostPerJob;
  if (cost === undefined) throw new Error(`no channel ${channelId}`);
  const offerId = `offer-${++seq}`;
  addOffer(worker, offer(offerId, `job-${seq}`, cost), channelId);
  return offerId;
}

/** Holds one job on `channelId` as an assignment (an accepted offer). */
function assign(worker: EngineWorker, channelId: string): string {
  const offerId = hold(worker, channelId);
  const assignmentId = `assignment-${seq}`;
  expect(acceptHeldOffer(worker, offerId, { assignmentId, jobId: `job-${seq}`, assignedAt: '2024-01-01T00:01:00+00:00' }, at(60_000))).toBe(true);
  return assignmentId;
}

const registered = (capacity: number, channels: RouterChannel[], extra: { maxConcurrentOffers?: number } = {}) =>
  makeWorker({ availableForOffers: true, capacity, channels, queues: ['q1'], ...extra });

describe('documented capacity example: capacity 100, voice costs 100, chat costs 20', () => {
  const channels = [
    { channelId: 'voice', capacityCostPerJob: 100 },
    { channelId: 'chat', capacityCostPerJob: 20 },
  ];

  it('a fresh worker has room on both channels', () => {
    const worker = registered(100, channels);
    expect(hasRoomFor(worker, 'voice')).toBe(true);
    expect(hasRoomFor(worker, 'chat')).toBe(true);
    expect(offerableChannels(worker)).toEqual(['voice', 'chat']);
  });

  it('takes one voice job, after which nothing else fits', () => {
    const worker = registered(100, channels);
    assign(worker, 'voice');
    expect(hasRoomFor(worker, 'voice')).toBe(false);
    expect(hasRoomFor(worker, 'chat')).toBe(false);
    expect(offerableChannels(worker)).toEqual([]);
    expect(worker.loadRatio).toBe(1);
  });

  it('takes up to five chats', () => {
    const worker = registered(100, channels);
    for (let i = 1; i <= 5; i++) {
      expect(hasRoomFor(worker, 'chat')).toBe(true);
      assign(worker, 'chat');
      expect(usedCapacity(worker)).toBe(20 * i);
    }
    expect(hasRoomFor(worker, 'chat')).toBe(false);
    expect(worker.loadRatio).toBe(1);
  });

  it('a single chat, offered or assigned, blocks voice', () => {
    const offered = registered(100, channels);
    hold(offered, 'chat');
    expect(hasRoomFor(offered, 'voice')).toBe(false);
    expect(offerableChannels(offered)).toEqual(['chat']);

    const assigned = registered(100, channels);
    assign(assigned, 'chat');
    expect(hasRoomFor(assigned, 'voice')).toBe(false);
    expect(offerableChannels(assigned)).toEqual(['chat']);
  });

  it('voice fits again once the chat is released', () => {
    const worker = registered(100, channels);
    const a = assign(worker, 'chat');
    releaseAssignment(worker, a, at(120_000));
    expect(hasRoomFor(worker, 'voice')).toBe(true);
  });
});

describe('documented capacity example: capacity 100, voice 60, chat and email 10 each with maxNumberOfJobs 2', () => {
  const channels = [
    { channelId: 'voice', capacityCostPerJob: 60 },
    { channelId: 'chat', capacityCostPerJob: 10, maxNumberOfJobs: 2 },
    { channelId: 'email', capacityCostPerJob: 10, maxNumberOfJobs: 2 },
  ];

  it('holds 1 voice + 2 chats + 2 emails at once, then nothing more', () => {
    const worker = registered(100, channels);
    assign(worker, 'voice');
    expect(hasRoomFor(worker, 'voice')).toBe(false); // 60 + 60 > 100
    assign(worker, 'chat');
    assign(worker, 'chat');
    // 80 used, 20 free: a third chat would fit the capacity, but maxNumberOfJobs stops it.
    expect(usedCapacity(worker)).toBe(80);
    expect(hasRoomFor(worker, 'chat')).toBe(false);
    expect(hasRoomFor(worker, 'email')).toBe(true);
    assign(worker, 'email');
    assign(worker, 'email');
    expect(usedCapacity(worker)).toBe(100);
    expect(offerableChannels(worker)).toEqual([]);
    expect(worker.loadRatio).toBe(1);
    expectConsistent(worker);
  });

  it('maxNumberOfJobs counts open offers as well as assignments, per channel', () => {
    const worker = registered(100, channels);
    hold(worker, 'chat');
    assign(worker, 'chat');
    expect(hasRoomFor(worker, 'chat')).toBe(false);
    expect(hasRoomFor(worker, 'email')).toBe(true);
    expect(hasRoomFor(worker, 'voice')).toBe(true); // 20 used, 60 fits
  });

  it('a channel is free again below its maxNumberOfJobs once an offer ends', () => {
    const worker = registered(100, channels);
    const first = hold(worker, 'email');
    hold(worker, 'email');
    expect(hasRoomFor(worker, 'email')).toBe(false);
    endOffer(worker, first, 'declined', at(1000));
    expect(hasRoomFor(worker, 'email')).toBe(true);
  });
});

describe('documented capacity example: capacity 2, voice costs 2, chat costs 1', () => {
  const channels = [
    { channelId: 'voice', capacityCostPerJob: 2 },
    { channelId: 'chat', capacityCostPerJob: 1 },
  ];

  it('one voice job fills the worker', () => {
    const worker = registered(2, channels);
    assign(worker, 'voice');
    expect(offerableChannels(worker)).toEqual([]);
  });

  it('or two chats, the first of which already blocks voice', () => {
    const worker = registered(2, channels);
    assign(worker, 'chat');
    expect(hasRoomFor(worker, 'voice')).toBe(false);
    expect(hasRoomFor(worker, 'chat')).toBe(true);
    expect(worker.loadRatio).toBe(0.5);
    assign(worker, 'chat');
    expect(hasRoomFor(worker, 'chat')).toBe(false);
    expect(worker.loadRatio).toBe(1);
  });
});

describe('hasRoomFor', () => {
  it('is false for a channel the worker does not have', () => {
    const worker = registered(100, [{ channelId: 'chat', capacityCostPerJob: 1 }]);
    expect(hasRoomFor(worker, 'voice')).toBe(false);
  });

  it('accepts a cost exactly equal to the free capacity', () => {
    const worker = registered(30, [{ channelId: 'chat', capacityCostPerJob: 10 }]);
    assign(worker, 'chat');
    assign(worker, 'chat');
    expect(hasRoomFor(worker, 'chat')).toBe(true);
    assign(worker, 'chat');
    expect(hasRoomFor(worker, 'chat')).toBe(false);
  });

  it('a worker with no capacity has room only for zero-cost channels', () => {
    const worker = registered(0, [
      { channelId: 'free', capacityCostPerJob: 0 },
      { channelId: 'paid', capacityCostPerJob: 1 },
    ]);
    expect(hasRoomFor(worker, 'free')).toBe(true);
    expect(hasRoomFor(worker, 'paid')).toBe(false);
  });

  it('the worker maxConcurrentOffers limits open offers, not assignments', () => {
    const worker = registered(100, [{ channelId: 'chat', capacityCostPerJob: 10 }], { maxConcurrentOffers: 2 });
    const first = hold(worker, 'chat');
    expect(hasRoomFor(worker, 'chat')).toBe(true);
    hold(worker, 'chat');
    expect(hasRoomFor(worker, 'chat')).toBe(false);
    expect(offerableChannels(worker)).toEqual([]);
    // Accepting turns an offer into an assignment: one offer slot is free again.
    acceptHeldOffer(worker, first, { assignmentId: 'a-first', jobId: 'job-x', assignedAt: '2024-01-01T00:01:00+00:00' }, at(60_000));
    expect(hasRoomFor(worker, 'chat')).toBe(true);
  });

  it('many assignments do not count against maxConcurrentOffers', () => {
    const worker = registered(100, [{ channelId: 'chat', capacityCostPerJob: 10 }], { maxConcurrentOffers: 1 });
    assign(worker, 'chat');
    assign(worker, 'chat');
    assign(worker, 'chat');
    expect(hasRoomFor(worker, 'chat')).toBe(true);
  });

  it('keeps the capacity figures of a worker that is not available (availability is checked separately)', () => {
    const worker = makeWorker({ availableForOffers: false, capacity: 10, channels: [{ channelId: 'chat', capacityCostPerJob: 5 }] });
    expect(hasRoomFor(worker, 'chat')).toBe(true);
    expect(offerableChannels(worker)).toEqual([]);
  });
});

describe('offerableChannels', () => {
  it('lists, in configuration order, the channels with room of an available worker', () => {
    const worker = registered(10, [
      { channelId: 'email', capacityCostPerJob: 1 },
      { channelId: 'voice', capacityCostPerJob: 8 },
      { channelId: 'chat', capacityCostPerJob: 2 },
    ]);
    expect(offerableChannels(worker)).toEqual(['email', 'voice', 'chat']);
    assign(worker, 'chat');
    assign(worker, 'chat');
    expect(offerableChannels(worker)).toEqual(['email', 'chat']);
  });

  it('is empty for a worker that is not available for offers, whatever its room', () => {
    const worker = makeWorker({ availableForOffers: false, capacity: 10, channels: [{ channelId: 'chat', capacityCostPerJob: 1 }] });
    expect(isAvailable(worker)).toBe(false);
    expect(offerableChannels(worker)).toEqual([]);
  });

  it('is empty for a worker without channels', () => {
    expect(offerableChannels(registered(10, []))).toEqual([]);
  });
});

describe('usedCapacity and holdsWork', () => {
  it('adds the cost of every open offer and every assignment', () => {
    const worker = { offers: [offer('o1', 'j1', 3), offer('o2', 'j2', 4)], assignedJobs: [{ assignmentId: 'a1', jobId: 'j3', capacityCost: 5, assignedAt: 'x' }] };
    expect(usedCapacity(worker)).toBe(12);
    expect(holdsWork(worker)).toBe(true);
    expect(usedCapacity({ offers: [], assignedJobs: [] })).toBe(0);
    expect(holdsWork({ offers: [], assignedJobs: [] })).toBe(false);
    expect(holdsWork({ offers: [], assignedJobs: worker.assignedJobs })).toBe(true);
  });
});

describe('refreshWorker', () => {
  const channels = [{ channelId: 'chat', capacityCostPerJob: 30 }];

  it('stateOf: active when available; otherwise draining while holding, inactive when not', () => {
    expect(stateOf(true, false)).toBe('active');
    expect(stateOf(true, true)).toBe('active');
    expect(stateOf(false, true)).toBe('draining');
    expect(stateOf(false, false)).toBe('inactive');
  });

  it('an available worker is active, holding work or not', () => {
    const worker = registered(100, channels);
    expect(refreshWorker(worker).state).toBe('active');
    hold(worker, 'chat');
    expect(refreshWorker(worker).state).toBe('active');
  });

  it('a worker that stops being available drains while it holds an offer or an assignment, then turns inactive', () => {
    const worker = registered(100, channels);
    const offerId = hold(worker, 'chat');
    worker.availableForOffers = false;
    expect(refreshWorker(worker).state).toBe('draining');
    expect(isAvailable(worker)).toBe(false);

    acceptHeldOffer(worker, offerId, { assignmentId: 'a1', jobId: 'job', assignedAt: '2024-01-01T00:01:00+00:00' }, at(60_000));
    expect(worker.state).toBe('draining');

    releaseAssignment(worker, 'a1', at(120_000));
    expect(worker.state).toBe('inactive');
  });

  it('a worker with availableForOffers true but a stale non-active state is not available', () => {
    const worker = registered(100, channels);
    worker.state = 'draining';
    expect(isAvailable(worker)).toBe(false);
    expect(offerableChannels(worker)).toEqual([]);
    refreshWorker(worker);
    expect(worker.state).toBe('active');
    expect(offerableChannels(worker)).toEqual(['chat']);
  });

  it('loadRatio is used capacity over capacity', () => {
    const worker = registered(100, channels);
    expect(worker.loadRatio).toBe(0);
    hold(worker, 'chat');
    expect(worker.loadRatio).toBeCloseTo(0.3, 12);
    assign(worker, 'chat');
    expect(worker.loadRatio).toBeCloseTo(0.6, 12);
  });

  it('loadRatio is capped at 1 when the capacity goes below what is held', () => {
    const worker = registered(100, channels);
    assign(worker, 'chat');
    assign(worker, 'chat');
    worker.capacity = 40;
    expect(refreshWorker(worker).loadRatio).toBe(1);
  });

  it('a worker without capacity has load 1 while it holds anything and 0 otherwise', () => {
    const worker = registered(0, [{ channelId: 'free', capacityCostPerJob: 0 }]);
    expect(worker.loadRatio).toBe(0);
    const offerId = hold(worker, 'free');
    expect(worker.loadRatio).toBe(1);
    endOffer(worker, offerId, 'expired', at(1000));
    expect(worker.loadRatio).toBe(0);
  });

  it('returns the same worker object', () => {
    const worker = registered(100, channels);
    expect(refreshWorker(worker)).toBe(worker);
  });
});

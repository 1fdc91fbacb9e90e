import type { EngineJob, EngineWorker } from '../../../shared/domain/routing/routingState';
import { jobRouting, workerRouting } from '../../../shared/domain/routing/routingState';
import { constrainingSelectors, ineligibility, isEligible, mismatch } from '../../../shared/domain/routing/eligibility';
import { acceptHeldOffer, addOffer } from '../../../shared/domain/routing/workerHoldings';
import { at, makeJob, makeWorker, MINUTE, offer, selector, T0, updateWorker } from './helpers';
import type { WorkerInput } from '../../../shared/domain/model';

const WORKER_INPUT: WorkerInput = {
  availableForOffers: true,
  capacity: 100,
  queues: ['q1', 'q2'],
  channels: [
    { channelId: 'voice', capacityCostPerJob: 100 },
    { channelId: 'chat', capacityCostPerJob: 50 },
  ],
  labels: { language: 'english', skill: 5 },
};

const SELECTING = { bypassSelectors: false };
const BYPASS = { bypassSelectors: true };
const NOW = at(10 * MINUTE);

function setup(job: Partial<EngineJob> = {}, input: WorkerInput = WORKER_INPUT): { job: EngineJob; worker: EngineWorker } {
  return { job: makeJob(job), worker: makeWorker(input, 'w1', T0) };
}

describe('ineligibility', () => {
  it('is undefined for a worker that can take the job', () => {
    const { job, worker } = setup();
    expect(ineligibility(job, worker, SELECTING, NOW)).toBeUndefined();
    expect(isEligible(job, worker, SELECTING, NOW)).toBe(true);
  });

  it('rules out a worker that is not available for offers', () => {
    const { job } = setup();
    const worker = makeWorker({ ...WORKER_INPUT, availableForOffers: false });
    expect(ineligibility(job, worker, SELECTING, NOW)).toBe('not available for offers');
    expect(isEligible(job, worker, SELECTING, NOW)).toBe(false);
  });

  it('rules out a draining worker (deregistered while it still holds an assignment)', () => {
    const job = makeJob({ channelId: 'chat' });
    const holding = makeWorker(WORKER_INPUT);
    addOffer(holding, offer('o2', 'other-job', 50), 'chat');
    acceptHeldOffer(holding, 'o2', { assignmentId: 'a2', jobId: 'other-job', assignedAt: '2024-01-01T00:01:00+00:00' }, at(MINUTE));
    const draining = updateWorker(holding, { ...WORKER_INPUT, availableForOffers: false }, at(2 * MINUTE));
    expect(draining.state).toBe('draining');
    expect(ineligibility(job, draining, SELECTING, NOW)).toBe('not available for offers');
  });

  it('rules out a worker on another queue, and any worker for a job without a queue', () => {
    const { worker } = setup();
    expect(ineligibility(makeJob({ queueId: 'q3' }), worker, SELECTING, NOW)).toBe('does not serve the queue');
    expect(ineligibility(makeJob({ queueId: undefined }), worker, SELECTING, NOW)).toBe('does not serve the queue');
    expect(ineligibility(makeJob({ queueId: 'q2' }), worker, SELECTING, NOW)).toBeUndefined();
  });

  it('rules out a worker without the job channel, and any worker for a job without a channel', () => {
    const { worker } = setup();
    expect(ineligibility(makeJob({ channelId: 'email' }), worker, SELECTING, NOW)).toBe('does not handle the channel');
    expect(ineligibility(makeJob({ channelId: undefined }), worker, SELECTING, NOW)).toBe('does not handle the channel');
    expect(ineligibility(makeJob({ channelId: 'chat' }), worker, SELECTING, NOW)).toBeUndefined();
  });

  it('rules out a worker without room on the job channel', () => {
    const { job, worker } = setup({ channelId: 'voice' });
    addOffer(worker, offer('o-other', 'other-job', 50), 'chat');
    expect(ineligibility(job, worker, SELECTING, NOW)).toBe('has no room on the channel');
    // The other chat still fits.
    expect(ineligibility(makeJob({ channelId: 'chat' }), worker, SELECTING, NOW)).toBeUndefined();
  });

  it('rules out a worker that already has an offer for the job, not the other workers', () => {
    const { job, worker } = setup();
    jobRouting(job).offers.push({ offerId: 'o1', workerId: 'w1', capacityCost: 100, offeredAt: '2024-01-01T00:01:00+00:00', expiresAt: '2024-01-01T00:20:00+00:00' });
    expect(ineligibility(job, worker, SELECTING, NOW)).toBe('already has an offer for the job');
    const other = makeWorker(WORKER_INPUT, 'w2');
    expect(ineligibility(job, other, SELECTING, NOW)).toBeUndefined();
  });

  it('rules out a worker that already holds the job', () => {
    const { job, worker } = setup({ channelId: 'chat' });
    addOffer(worker, offer('o1', job.id, 50), 'chat');
    expect(ineligibility(job, worker, SELECTING, NOW)).toBe('already holds the job');
    acceptHeldOffer(worker, 'o1', { assignmentId: 'a1', jobId: job.id, assignedAt: '2024-01-01T00:01:00+00:00' }, at(MINUTE));
    expect(ineligibility(job, worker, SELECTING, NOW)).toBe('already holds the job');
  });

  it('reports unavailability before any mismatch', () => {
    const worker = makeWorker({ ...WORKER_INPUT, availableForOffers: false });
    expect(ineligibility(makeJob({ queueId: 'elsewhere' }), worker, SELECTING, NOW)).toBe('not available for offers');
  });

  describe('declines', () => {
    const declined = (retryAt?: string) => {
      const { job, worker } = setup();
      const decline = retryAt === undefined ? { workerId: 'w1', at: '2024-01-01T00:05:00+00:00' } : { workerId: 'w1', at: '2024-01-01T00:05:00+00:00', retryAt };
      jobRouting(job).declines.push(decline);
      return { job, worker };
    };

    it('rules out a worker that declined the job, not the other workers', () => {
      const { job, worker } = declined();
      expect(ineligibility(job, worker, SELECTING, NOW)).toBe('declined the job');
      expect(ineligibility(job, makeWorker(WORKER_INPUT, 'w2'), SELECTING, NOW)).toBeUndefined();
    });

    it('holds until retryAt, and no longer from retryAt on', () => {
      const { job, worker } = declined('2024-01-01T00:15:00+00:00');
      expect(ineligibility(job, worker, SELECTING, at(15 * MINUTE - 1))).toBe('declined the job');
      expect(ineligibility(job, worker, SELECTING, at(15 * MINUTE))).toBeUndefined();
      expect(ineligibility(job, worker, SELECTING, at(16 * MINUTE))).toBeUndefined();
    });

    it('without retryAt, holds for as long as the worker stays registered', () => {
      const { job, worker } = declined();
      expect(ineligibility(job, worker, SELECTING, at(1000 * MINUTE))).toBe('declined the job');
    });

    it('ends once the worker deregisters and registers again after declining', () => {
      const { job, worker } = declined();
      const deregistered = updateWorker(worker, { ...WORKER_INPUT, availableForOffers: false }, at(6 * MINUTE));
      expect(ineligibility(job, deregistered, SELECTING, NOW)).toBe('not available for offers');
      expect(mismatch(job, deregistered, SELECTING, NOW)).toBe('declined the job');
      const reregistered = updateWorker(deregistered, WORKER_INPUT, at(7 * MINUTE));
      expect(workerRouting(reregistered).registeredAt).toBe('2024-01-01T00:07:00+00:00');
      expect(ineligibility(job, reregistered, SELECTING, NOW)).toBeUndefined();
    });

    it('a worker update that does not re-register it does not end the decline', () => {
      const { job, worker } = declined();
      const updated = updateWorker(worker, { ...WORKER_INPUT, labels: { language: 'english', skill: 6 } }, at(7 * MINUTE));
      expect(workerRouting(updated).registeredAt).toBe('2024-01-01T00:00:00+00:00');
      expect(ineligibility(job, updated, SELECTING, NOW)).toBe('declined the job');
    });

    it('still holds when bypassSelectors is set', () => {
      const { job, worker } = declined();
      expect(ineligibility(job, worker, BYPASS, NOW)).toBe('declined the job');
    });
  });

  describe('worker selectors', () => {
    it('rules out a worker failing a requested selector, naming it', () => {
      const { job, worker } = setup({ requestedWorkerSelectors: [selector('language', 'equal', 'french')] });
      expect(ineligibility(job, worker, SELECTING, NOW)).toBe('does not satisfy selector language equal "french"');
    });

    it('rules out a worker failing an attached selector', () => {
      const { job, worker } = setup({ attachedWorkerSelectors: [selector('skill', 'greaterThan', 5)] });
      expect(ineligibility(job, worker, SELECTING, NOW)).toBe('does not satisfy selector skill greaterThan 5');
    });

    it('names the first failing selector, requested ones before attached ones', () => {
      const { job, worker } = setup({
        requestedWorkerSelectors: [selector('language', 'equal', 'english'), selector('region', 'equal', 'emea')],
        attachedWorkerSelectors: [selector('skill', 'lessThan', 1)],
      });
      expect(ineligibility(job, worker, SELECTING, NOW)).toBe('does not satisfy selector region equal "emea"');
    });

    it('accepts a worker satisfying every selector', () => {
      const { job, worker } = setup({
        requestedWorkerSelectors: [selector('language', 'equal', 'english'), selector('skill', 'greaterThanOrEqual', 5)],
        attachedWorkerSelectors: [selector('language', 'notEqual', 'french'), selector('skill', 'lessThan', 10)],
      });
      expect(ineligibility(job, worker, SELECTING, NOW)).toBeUndefined();
    });

    it('ignores selectors that have expired (by status or by time)', () => {
      const { job, worker } = setup({
        requestedWorkerSelectors: [selector('language', 'equal', 'french', { status: 'expired' })],
        attachedWorkerSelectors: [selector('skill', 'greaterThan', 50, { expiresAt: '2024-01-01T00:10:00+00:00' })],
      });
      expect(ineligibility(job, worker, SELECTING, at(10 * MINUTE - 1))).toBe('does not satisfy selector skill greaterThan 50');
      expect(ineligibility(job, worker, SELECTING, at(10 * MINUTE))).toBeUndefined();
    });

    it('bypassSelectors ignores failing selectors, but not the queue, channel or room', () => {
      const selectors = { requestedWorkerSelectors: [selector('language', 'equal', 'french')] };
      const { job, worker } = setup(selectors);
      expect(ineligibility(job, worker, BYPASS, NOW)).toBeUndefined();
      expect(ineligibility(makeJob({ ...selectors, queueId: 'q3' }), worker, BYPASS, NOW)).toBe('does not serve the queue');
      expect(ineligibility(makeJob({ ...selectors, channelId: 'email' }), worker, BYPASS, NOW)).toBe('does not handle the channel');
      addOffer(worker, offer('o-other', 'other', 50), 'chat');
      expect(ineligibility(job, worker, BYPASS, NOW)).toBe('has no room on the channel');
    });
  });
});

describe('mismatch', () => {
  it('looks at the job requirements only, not availability or room', () => {
    const unavailable = makeWorker({ ...WORKER_INPUT, availableForOffers: false });
    expect(mismatch(makeJob(), unavailable, SELECTING, NOW)).toBeUndefined();
    const full = makeWorker(WORKER_INPUT);
    addOffer(full, offer('o1', 'other', 100), 'voice');
    expect(mismatch(makeJob(), full, SELECTING, NOW)).toBeUndefined();
    expect(ineligibility(makeJob(), full, SELECTING, NOW)).toBe('has no room on the channel');
  });

  it('gives the same reasons as ineligibility for queue, channel, decline and selectors', () => {
    const worker = makeWorker(WORKER_INPUT);
    expect(mismatch(makeJob({ queueId: 'q9' }), worker, SELECTING, NOW)).toBe('does not serve the queue');
    expect(mismatch(makeJob({ channelId: 'fax' }), worker, SELECTING, NOW)).toBe('does not handle the channel');
    const job = makeJob({ requestedWorkerSelectors: [selector('skill', 'lessThanOrEqual', 4)] });
    expect(mismatch(job, worker, SELECTING, NOW)).toBe('does not satisfy selector skill lessThanOrEqual 4');
    expect(mismatch(job, worker, BYPASS, NOW)).toBeUndefined();
  });
});

describe('constrainingSelectors', () => {
  it('is the active requested selectors followed by the active attached ones', () => {
    const job = makeJob({
      requestedWorkerSelectors: [selector('a', 'equal', 1), selector('b', 'equal', 1, { status: 'expired' })],
      attachedWorkerSelectors: [selector('c', 'equal', 1, { expiresAt: '2024-01-01T00:10:00+00:00' }), selector('d', 'equal', 1)],
    });
    expect(constrainingSelectors(job, at(10 * MINUTE - 1)).map((s) => s.key)).toEqual(['a', 'c', 'd']);
    expect(constrainingSelectors(job, at(10 * MINUTE)).map((s) => s.key)).toEqual(['a', 'd']);
  });
});

import { TestClock } from './testClock';

/** Queue, worker and job bodies the routing API tests share. */
export const QUEUE = 'q';
export const SECOND = 1000;
export const MINUTE = 60 * SECOND;

/**
 * The router checks each request's x-ms-date (signed with the real time) against its own clock, with
 * 15 minutes of skew allowed. Starting the test clock 10 minutes behind the real time leaves a test
 * 25 minutes it can move the clock forward.
 */
export const newSignableTestClock = () => new TestClock(new Date(Date.now() - 10 * MINUTE));

/** A worker listening on the test queue, on voice at cost 1, registered. */
export const voiceWorker = (overrides: Record<string, unknown> = {}) => ({
  capacity: 1,
  queues: [QUEUE],
  channels: [{ channelId: 'voice', capacityCostPerJob: 1 }],
  availableForOffers: true,
  ...overrides,
});

export const voiceJob = (overrides: Record<string, unknown> = {}) => ({ queueId: QUEUE, channelId: 'voice', ...overrides });

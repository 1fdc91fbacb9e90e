import { HEARTBEAT_MS, eventStream, serverSentEvent } from '../../../shared/http/eventStream';
import type { Logger } from '../../../shared/ports/Logger';
import { routerEvent } from '../../support/historyDocuments';
import { LiveEventFeed } from '../../support/liveEventFeed';
import { TestClock } from '../../support/testClock';

const event = routerEvent('e-1', 'RouterJobQueued', '2026-01-05T09:00:00.000Z', { jobId: 'job-1', queueId: 'q-1' });

function recordingLogger(): Logger & { errors: string[] } {
  const errors: string[] = [];
  return { errors, info: () => {}, warn: () => {}, error: (_fields, message) => errors.push(message) };
}

describe('eventStream', () => {
  // The heartbeat runs on the stream's clock: a test clock, moved by the tests.
  let clock: TestClock;
  beforeEach(() => {
    clock = new TestClock();
  });

  it('frames an event as event, id and one line of data, ended by a blank line', () => {
    const envelope = { id: 'e-1', topic: '/t', subject: 'test/e-1', data: { jobId: 'job-1', queueId: 'q-1' }, eventType: 'Microsoft.Communication.RouterJobQueued', dataVersion: '1.0', metadataVersion: '1', eventTime: '2026-01-05T09:00:00.000Z' };
    expect(serverSentEvent(event, '/t')).toBe(`event: Microsoft.Communication.RouterJobQueued\nid: e-1\ndata: ${JSON.stringify(envelope)}\n\n`);
  });

  it('sends a comment when it opens, then one every 15 s while nothing else happens', () => {
    const chunks: string[] = [];
    const feed = new LiveEventFeed();
    const stop = eventStream(feed, {}, '/t', recordingLogger(), clock).open((chunk) => chunks.push(chunk));
    expect(chunks).toEqual([': subscribed to router events\n\n']);
    clock.advance(HEARTBEAT_MS - 1);
    expect(chunks).toHaveLength(1);
    clock.advance(1);
    expect(chunks).toEqual([': subscribed to router events\n\n', ': heartbeat\n\n']);
    clock.advance(2 * HEARTBEAT_MS);
    expect(chunks.filter((chunk) => chunk === ': heartbeat\n\n')).toHaveLength(3);
    stop();
  });

  it('once stopped, it neither listens nor beats', () => {
    const chunks: string[] = [];
    const feed = new LiveEventFeed();
    const stop = eventStream(feed, {}, '/t', recordingLogger(), clock).open((chunk) => chunks.push(chunk));
    expect(feed.listening).toBe(1);
    stop();
    expect(feed.listening).toBe(0);
    feed.emit(event);
    clock.advance(10 * HEARTBEAT_MS);
    expect(chunks).toEqual([': subscribed to router events\n\n']);
    expect(clock.nextDue()).toBeUndefined();
  });

  it('a stream whose write fails does not keep the event from the other streams', () => {
    const logger = recordingLogger();
    const feed = new LiveEventFeed();
    let failing = false;
    const stopBroken = eventStream(feed, {}, '/t', logger, clock).open(() => {
      if (failing) throw new Error('socket gone');
    });
    const chunks: string[] = [];
    const stopGood = eventStream(feed, {}, '/t', logger, clock).open((chunk) => chunks.push(chunk));
    failing = true;
    feed.emit(event);
    expect(chunks[chunks.length - 1]).toBe(serverSentEvent(event, '/t'));
    expect(logger.errors).toEqual(['an event could not be written to a stream']);
    stopBroken();
    stopGood();
  });
});

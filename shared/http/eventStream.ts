import { toEventGridEnvelope } from '../domain/routing/eventEnvelope';
import { systemClock, type Clock } from '../ports/Clock';
import type { RouterEvent } from '../ports/EventPublisher';
import type { LiveEvents } from '../ports/LiveEvents';
import type { Logger } from '../ports/Logger';
import { selects, type EventSelection } from './eventFilters';
import type { ResponseStream } from './HttpMessage';

/** Proxies and load balancers drop connections that stay silent for a minute or so. */
export const HEARTBEAT_MS = 15_000;

/** One Server-Sent Event: the Event Grid type as the event name, the event id, the envelope as data (one line of JSON). */
export function serverSentEvent(event: RouterEvent, topic: string): string {
  const envelope = toEventGridEnvelope(event, topic);
  return `event: ${envelope.eventType}\nid: ${envelope.id}\ndata: ${JSON.stringify(envelope)}\n\n`;
}

/**
 * Every event recorded while the client listens that `selection` takes, as Server-Sent Events, with
 * a comment line every HEARTBEAT_MS of `clock`. The first comment goes out as soon as the stream is open,
 * so a client knows it is subscribed.
 */
export function eventStream(live: LiveEvents, selection: EventSelection, topic: string, logger: Logger, clock: Clock = systemClock): ResponseStream {
  return {
    open: (write) => {
      const unsubscribe = live.subscribe((event) => {
        if (!selects(selection, event)) return;
        try {
          write(serverSentEvent(event, topic));
        } catch (error) {
          // The feed calls every listener in turn: one listener's failure must not reach the others.
          logger.error({ err: error, eventId: event.id }, 'an event could not be written to a stream');
        }
      });
      write(': subscribed to router events\n\n');
      let stopHeartbeat = () => {};
      const beat = () => {
        stopHeartbeat = clock.setTimer(HEARTBEAT_MS, () => {
          write(': heartbeat\n\n');
          beat();
        });
      };
      beat();
      return () => {
        stopHeartbeat();
        unsubscribe();
      };
    },
  };
}

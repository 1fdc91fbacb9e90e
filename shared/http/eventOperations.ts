import { z } from 'zod';
import type { Condition, Store } from '../ports/Store';
import { notFound, notImplemented } from './errors';
import { deadLetterItemSchema, eventSubscriptionsSchema, historyItemSchema, redeliveredSchema } from './eventAnswers';
import { eventHistoryFilters, eventSelection, eventSelectionParameters } from './eventFilters';
import { eventsAfter, type HistoryPage } from '../app/eventsAfter';
import { deadLetterItem, historyItem } from './eventHistoryItem';
import { eventStream } from './eventStream';
import type { Operation, OperationHost, OperationRequest } from './Operation';
import { noFilters } from './listFilters';
import { refuseOptions } from './refuseOptions';
import { PAGING_PARAMETERS, cursorOf, nextLink, type PageCursor } from './pagingToken';
import { redeliverDeadLetters } from './redeliverDeadLetters';

const EVENTS = '/routing/events';
const SUBSCRIPTIONS = '/routing/eventSubscriptions';
const DEAD_LETTERS = `${SUBSCRIPTIONS}/{subscriptionName}/deadLetters`;

/** The configured channel the path names; 404 with the configured names otherwise. */
function channelOf(request: OperationRequest, host: OperationHost): string {
  const name = request.params['subscriptionName'] ?? '';
  if (host.eventChannels.includes(name)) return name;
  throw notFound(
    host.eventChannels.length > 0
      ? `There is no event subscription "${name}"; the configured ones are ${host.eventChannels.map((channel) => `"${channel}"`).join(', ')}.`
      : `There is no event subscription "${name}": this router delivers events to no channel.`,
  );
}

/**
 * A list of history items: `value`, and `nextLink` while the history has more, going on after the last
 * document read (also when `value` left it out), as the resource lists do.
 */
function historyAnswer<T>(path: string, cursor: PageCursor, page: HistoryPage, value: T[]): { value: T[]; nextLink?: string } {
  return page.hasMore && page.next ? { value, nextLink: nextLink(path, { ...cursor, afterId: page.next }) } : { value };
}

const deadFor = (channel: string): Condition => ({ key: 'deadFor', op: 'eq', value: channel });

/**
 * How many events a channel has in an array key: `count` over the values [channel, channel + U+0000)
 * is exactly the documents whose list holds `channel` (each holds it at most once), read from the index.
 */
const countIn = (store: Store, key: 'pendingFor' | 'deadFor', channel: string) => store.count('events', { key, from: channel, to: `${channel}\u0000` });

/**
 * Router extensions beyond the service's 33 operations: the event history, the delivery channels with
 * their dead letters, and a live stream of events. Same authentication and api-version as the rest.
 */
export const eventOperations: Operation[] = [
  {
    operationId: 'ListEvents',
    method: 'GET',
    path: EVENTS,
    body: 'none',
    parameters: [...PAGING_PARAMETERS, ...eventHistoryFilters.parameters],
    answers: { kind: 'page', item: historyItemSchema },
    run: async (request, ports, host) => {
      const cursor = cursorOf(request.query, eventHistoryFilters);
      const page = await eventsAfter(ports.store, { afterId: cursor.afterId, where: cursor.where, limit: cursor.pageSize });
      const value = page.events.map((doc) => historyItem(doc, host.eventTopic));
      return { status: 200, json: historyAnswer(EVENTS, cursor, page, value) };
    },
  },
  {
    operationId: 'StreamEvents',
    method: 'GET',
    path: `${EVENTS}:stream`,
    body: 'none',
    parameters: eventSelectionParameters,
    answers: { kind: 'eventStream' },
    // Nothing to wait for: the stream subscribes once the host opens it.
    // eslint-disable-next-line @typescript-eslint/require-await -- run answers a promise, and a throw here must reject it
    run: async (request, ports, host) => {
      if (!host.liveEvents) {
        throw notImplemented('This host cannot stream events. Subscribe to the router\'s Event Grid topic instead, or read GET /routing/events.');
      }
      return { status: 200, stream: eventStream(host.liveEvents, eventSelection(request.query), host.eventTopic, host.logger, ports.clock) };
    },
  },
  {
    operationId: 'ListEventSubscriptions',
    method: 'GET',
    path: SUBSCRIPTIONS,
    body: 'none',
    answers: { kind: 'json', schema: eventSubscriptionsSchema },
    run: async (_request, ports, host) => {
      const value = await Promise.all(
        host.eventChannels.map(async (name) => ({ name, pending: await countIn(ports.store, 'pendingFor', name), deadLettered: await countIn(ports.store, 'deadFor', name) })),
      );
      return { status: 200, json: { value } };
    },
  },
  {
    operationId: 'ListDeadLetters',
    method: 'GET',
    path: DEAD_LETTERS,
    body: 'none',
    parameters: PAGING_PARAMETERS,
    answers: { kind: 'page', item: deadLetterItemSchema },
    run: async (request, ports, host) => {
      const channel = channelOf(request, host);
      // The path names the channel: a continuation token only carries where to go on from.
      const cursor = { ...cursorOf(request.query, noFilters), where: [deadFor(channel)] };
      const page = await eventsAfter(ports.store, { afterId: cursor.afterId, where: cursor.where, limit: cursor.pageSize });
      const value = page.events.map((doc) => deadLetterItem(doc, channel, host.eventTopic));
      return { status: 200, json: historyAnswer(`${SUBSCRIPTIONS}/${encodeURIComponent(channel)}/deadLetters`, cursor, page, value) };
    },
  },
  {
    operationId: 'RedeliverDeadLetters',
    method: 'POST',
    path: `${DEAD_LETTERS}:redeliver`,
    body: 'optionalJson',
    requestSchema: z.strictObject({}),
    answers: { kind: 'json', schema: redeliveredSchema },
    run: async (request, ports, host) => {
      refuseOptions(request.body, 'Redelivering dead letters takes no options; send no body (or {}).');
      const channel = channelOf(request, host);
      const redelivered = await redeliverDeadLetters(ports.store, channel, ports.clock.now());
      if (redelivered > 0 && host.onRedeliver) {
        try {
          host.onRedeliver();
        } catch (error) {
          // The events are pending again either way; the relay's next pass takes them.
          host.logger.error({ err: error, channel }, 'dead letters are pending again, but delivery could not be started now');
        }
      }
      return { status: 200, json: { redelivered } };
    },
  },
];

import { AzureKeyCredential, EventGridPublisherClient, type SendEventGridEventInput } from '@azure/eventgrid';
import { DefaultAzureCredential } from '@azure/identity';
import { toEventGridEnvelope } from '../../domain/routing/eventEnvelope';
import { DeliveryFailure, type EventChannel } from '../../ports/EventChannel';
import type { RouterEvent, RouterEventType } from '../../ports/EventPublisher';
import type { AzureConfig } from '../../hosting/azureConfig';
import { isPermanentStatus } from '../http/deliveryStatus';
import { networkReason } from '../http/networkReason';

/** Event Grid refuses requests over 1 MB; batches stay well under it and under a count that keeps retries cheap. */
const MAX_BATCH_BYTES = 512 * 1024;
const MAX_BATCH_EVENTS = 100;
/** A send that takes longer has most likely stalled; the relay tries again later. */
export const DEFAULT_EVENT_GRID_TIMEOUT_MS = 30_000;

/**
 * What the publisher client sends for a router event: the envelope's fields without `topic` and
 * `metadataVersion`, which Event Grid sets itself when it delivers.
 */
export function toSendInput(event: RouterEvent): SendEventGridEventInput<Record<string, unknown>> {
  const { id, subject, data, eventType, dataVersion, eventTime } = toEventGridEnvelope(event, '');
  return { id, subject, data, eventType, dataVersion, eventTime: new Date(eventTime) };
}

/** Splits events into batches under Event Grid's request limits, keeping their order. */
export function batchesOf(events: readonly RouterEvent[]): RouterEvent[][] {
  const batches: RouterEvent[][] = [];
  let current: RouterEvent[] = [];
  let bytes = 0;
  for (const event of events) {
    const size = Buffer.byteLength(JSON.stringify(event));
    if (current.length > 0 && (current.length >= MAX_BATCH_EVENTS || bytes + size > MAX_BATCH_BYTES)) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(event);
    bytes += size;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

export interface EventGridChannelOptions {
  /** Where failures say the events were going (the client does not expose its endpoint). */
  endpoint: string;
  timeoutMs?: number;
}

/**
 * Every router event to an Event Grid custom topic, through the real publisher client, in order and in
 * batches under the request limits. The client should not retry on its own (`maxRetries: 0`): the relay
 * retries with its backoff and counts the attempts towards dead-lettering. Once a batch fails, the later
 * ones are not sent; the earlier ones were delivered and come again with the relay's retry (Event Grid
 * delivers at least once, so subscribers already expect duplicates).
 */
export class EventGridChannel implements EventChannel {
  readonly name = 'eventGrid';
  readonly maxBatch = MAX_BATCH_EVENTS;
  private readonly timeoutMs: number;

  constructor(
    private readonly client: EventGridPublisherClient<'EventGrid'>,
    private readonly options: EventGridChannelOptions,
  ) {
    this.timeoutMs = options.timeoutMs ?? DEFAULT_EVENT_GRID_TIMEOUT_MS;
  }

  accepts(_type: RouterEventType): boolean {
    return true;
  }

  async deliver(events: readonly RouterEvent[]): Promise<void> {
    for (const batch of batchesOf(events)) {
      const abortSignal = AbortSignal.timeout(this.timeoutMs);
      try {
        await this.client.send(batch.map(toSendInput), { abortSignal });
      } catch (error) {
        throw this.failure(error, abortSignal.aborted, batch.length);
      }
    }
  }

  private failure(error: unknown, timedOut: boolean, count: number): DeliveryFailure {
    const topic = `Event Grid topic ${this.options.endpoint}`;
    if (timedOut) return new DeliveryFailure(`${topic} did not answer within ${this.timeoutMs} ms (${count} events not confirmed)`, false);
    const { statusCode, code, message } = (typeof error === 'object' && error !== null ? error : {}) as { statusCode?: unknown; code?: unknown; message?: unknown };
    if (typeof statusCode === 'number') {
      const said = [typeof code === 'string' ? code : undefined, typeof message === 'string' ? message : undefined].filter(Boolean).join(': ');
      return new DeliveryFailure(`${topic} answered ${statusCode}${said ? ` (${said})` : ''} to ${count} events`, isPermanentStatus(statusCode));
    }
    return new DeliveryFailure(`${topic} could not be reached (${networkReason(error)})`, false);
  }
}

/**
 * The topic's key when configured (local tests), otherwise the app's managed identity (EventGrid Data Sender).
 * No retries inside the client: the relay owns them (see EventGridChannel).
 */
export function openEventGridChannel(config: NonNullable<AzureConfig['eventGrid']>): EventGridChannel {
  const credential = config.key ? new AzureKeyCredential(config.key) : new DefaultAzureCredential();
  return new EventGridChannel(new EventGridPublisherClient(config.endpoint, 'EventGrid', credential, { retryOptions: { maxRetries: 0 } }), { endpoint: config.endpoint });
}

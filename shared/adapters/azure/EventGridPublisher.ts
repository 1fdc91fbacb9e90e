import { AzureKeyCredential, EventGridPublisherClient, type SendEventGridEventInput } from '@azure/eventgrid';
import { DefaultAzureCredential } from '@azure/identity';
import type { EventPublisher, RouterEvent } from '../../ports/EventPublisher';
import type { AzureConfig } from '../../hosting/azureConfig';

/** Event Grid refuses requests over 1 MB; batches stay well under it and under a count that keeps retries cheap. */
const MAX_BATCH_BYTES = 512 * 1024;
const MAX_BATCH_EVENTS = 100;

export const EVENT_TYPE_PREFIX = 'Microsoft.Communication.';

/** A router event in the Event Grid schema, as the Azure service published it (reference EVENTS.md §1). */
export function toEventGridEvent(event: RouterEvent): SendEventGridEventInput<Record<string, unknown>> {
  return {
    id: event.id,
    eventType: `${EVENT_TYPE_PREFIX}${event.type}`,
    subject: event.subject,
    eventTime: new Date(event.time),
    dataVersion: '1.0',
    data: event.data,
  };
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

/** Sends router events to an Event Grid custom topic with the real publisher client, in order, in batches. */
export class EventGridPublisher implements EventPublisher {
  constructor(private readonly client: EventGridPublisherClient<'EventGrid'>) {}

  async publish(events: readonly RouterEvent[]): Promise<void> {
    for (const batch of batchesOf(events)) await this.client.send(batch.map(toEventGridEvent));
  }
}

/** The topic's key when configured (local tests), otherwise the app's managed identity (EventGrid Data Sender). */
export function openEventGridPublisher(config: NonNullable<AzureConfig['eventGrid']>): EventGridPublisher {
  const credential = config.key ? new AzureKeyCredential(config.key) : new DefaultAzureCredential();
  return new EventGridPublisher(new EventGridPublisherClient(config.endpoint, 'EventGrid', credential));
}

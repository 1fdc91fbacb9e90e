import type { RouterEvent, RouterEventType } from '../../ports/EventPublisher';

/** Router events are Azure Communication Services system events: subscribers match on the full name. */
export const EVENT_TYPE_PREFIX = 'Microsoft.Communication.';
/** Every Event Grid example of the router events carries this data version (docs/behaviour.md#event-envelope). */
export const EVENT_DATA_VERSION = '1.0';
/** Event Grid's own schema version; the SDK deserializers reject anything else. */
export const EVENT_METADATA_VERSION = '1';
export const CLOUD_EVENTS_SPEC_VERSION = '1.0';

/** An event in the Event Grid schema, members in the order the service's examples show them (docs/behaviour.md#event-envelope). */
export interface EventGridEnvelope {
  id: string;
  topic: string;
  subject: string;
  data: Record<string, unknown>;
  eventType: string;
  dataVersion: string;
  metadataVersion: string;
  eventTime: string;
}

/** An event in the CloudEvents 1.0 JSON format, as Event Grid delivers the router events in that schema. */
export interface CloudEventEnvelope {
  specversion: string;
  id: string;
  source: string;
  subject: string;
  type: string;
  time: string;
  datacontenttype: 'application/json';
  data: Record<string, unknown>;
}

export const eventGridEventType = (type: RouterEventType): string => `${EVENT_TYPE_PREFIX}${type}`;

/** `topic` is the publishing resource's path; Event Grid puts it there itself when it delivers. */
export function toEventGridEnvelope(event: RouterEvent, topic: string): EventGridEnvelope {
  return {
    id: event.id,
    topic,
    subject: event.subject,
    data: event.data,
    eventType: eventGridEventType(event.type),
    dataVersion: EVENT_DATA_VERSION,
    metadataVersion: EVENT_METADATA_VERSION,
    eventTime: event.time,
  };
}

/** `source` plays the part of the Event Grid topic (docs/behaviour.md#event-envelope). */
export function toCloudEvent(event: RouterEvent, source: string): CloudEventEnvelope {
  return {
    specversion: CLOUD_EVENTS_SPEC_VERSION,
    id: event.id,
    source,
    subject: event.subject,
    type: eventGridEventType(event.type),
    time: event.time,
    datacontenttype: 'application/json',
    data: event.data,
  };
}

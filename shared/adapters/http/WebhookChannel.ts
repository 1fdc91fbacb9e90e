import { randomUUID } from 'node:crypto';
import { EVENT_DATA_VERSION, EVENT_METADATA_VERSION, CLOUD_EVENTS_SPEC_VERSION, toCloudEvent, toEventGridEnvelope } from '../../domain/routing/eventEnvelope';
import { systemClock, type Clock } from '../../ports/Clock';
import { DeliveryFailure, type EventChannel } from '../../ports/EventChannel';
import type { RouterEvent, RouterEventType } from '../../ports/EventPublisher';
import { isPermanentStatus } from './deliveryStatus';
import { endpointName } from './endpointName';
import { networkReason } from './networkReason';
import { quote } from './quote';

export type WebhookSchema = 'eventGrid' | 'cloudEvents';

export interface WebhookChannelOptions {
  /** The subscription's name: sent as `aeg-subscription-name`, and the channel's name for the relay. */
  name: string;
  url: string;
  /** Only these types are delivered; all when absent. */
  eventTypes?: readonly RouterEventType[];
  /** The delivery schema; Event Grid's own by default. */
  schema?: WebhookSchema;
  /** Events per POST, 1 to 5000 (Event Grid's range); 1 by default, as Event Grid sends without batching. */
  maxEventsPerBatch?: number;
  /** Per request, the handshake included: real time, as it bounds a real network call. */
  timeoutMs?: number;
  /** Dates the validation handshake's event; the system clock when absent. */
  clock?: Clock;
  /** The envelopes' `topic` (CloudEvents `source`). */
  topic: string;
}

/** Event Grid gives a webhook 30 s; answering a notification should take far less, and a stalled receiver holds up its own deliveries only. */
export const DEFAULT_WEBHOOK_TIMEOUT_MS = 10_000;
export const MAX_EVENTS_PER_BATCH = 5000;
/**
 * The origin named in the CloudEvents handshake. Event Grid's: receivers written for an Event Grid
 * subscription often allow exactly this origin, and they should keep working unchanged.
 */
export const WEBHOOK_REQUEST_ORIGIN = 'eventgrid.azure.net';
export const VALIDATION_EVENT_TYPE = 'Microsoft.EventGrid.SubscriptionValidationEvent';

interface Answer {
  status: number;
  headers: Headers;
  text: string;
}

/**
 * Delivers router events to a webhook the way an Event Grid subscription does: a POST of a batch of
 * events in the Event Grid schema (or as a CloudEvents batch) with Event Grid's `aeg-*` headers, after
 * the endpoint has proved it wants them (the validation handshake). The handshake is done once per
 * channel, that is once per process start, and again after a failed one. `aeg-delivery-count` counts
 * the failed attempts at the same first event within this process (the relay retries from it).
 */
export class WebhookChannel implements EventChannel {
  readonly name: string;
  readonly maxBatch: number;
  private readonly types?: ReadonlySet<RouterEventType>;
  private readonly schema: WebhookSchema;
  private readonly timeoutMs: number;
  private validation?: Promise<void>;
  private failedAttempts?: { firstEventId: string; count: number };

  constructor(private readonly options: WebhookChannelOptions) {
    const batch = options.maxEventsPerBatch ?? 1;
    if (!Number.isInteger(batch) || batch < 1 || batch > MAX_EVENTS_PER_BATCH) {
      throw new RangeError(`webhook "${options.name}": maxEventsPerBatch must be a whole number from 1 to ${MAX_EVENTS_PER_BATCH}, not ${batch}`);
    }
    this.name = options.name;
    this.maxBatch = batch;
    this.types = options.eventTypes && new Set(options.eventTypes);
    this.schema = options.schema ?? 'eventGrid';
    this.timeoutMs = options.timeoutMs ?? DEFAULT_WEBHOOK_TIMEOUT_MS;
  }

  accepts(type: RouterEventType): boolean {
    return this.types === undefined || this.types.has(type);
  }

  async deliver(events: readonly RouterEvent[]): Promise<void> {
    if (events.length === 0) return;
    await this.validate();
    for (let start = 0; start < events.length; start += this.maxBatch) await this.notify(events.slice(start, start + this.maxBatch));
  }

  private validate(): Promise<void> {
    this.validation ??= (this.schema === 'eventGrid' ? this.validateEventGrid() : this.validateCloudEvents()).catch((error: unknown) => {
      this.validation = undefined;
      throw error;
    });
    return this.validation;
  }

  /** Event Grid's synchronous handshake: the endpoint echoes the validation code of a SubscriptionValidation event. */
  private async validateEventGrid(): Promise<void> {
    const validationCode = randomUUID().toUpperCase();
    const event = {
      id: randomUUID(),
      topic: this.options.topic,
      subject: '',
      data: { validationCode },
      eventType: VALIDATION_EVENT_TYPE,
      eventTime: (this.options.clock ?? systemClock).now().toISOString(),
      metadataVersion: EVENT_METADATA_VERSION,
      dataVersion: '2',
    };
    const answer = await this.send('POST', { ...this.aegHeaders('SubscriptionValidation', 0), 'aeg-data-version': '2', 'content-type': 'application/json' }, JSON.stringify([event]));
    if (answer.status === 200 && validationResponseOf(answer.text) === validationCode) return;
    throw new DeliveryFailure(
      `${this.endpoint()} did not complete the subscription validation: it answered ${answer.status}${quote(answer.text)}; ` +
        `it must answer the POST with header aeg-event-type: SubscriptionValidation (a ${VALIDATION_EVENT_TYPE}) with 200 and the JSON body {"validationResponse": "<data.validationCode of the event>"}`,
      false,
    );
  }

  /** The CloudEvents webhook abuse protection: the endpoint allows our origin in answer to OPTIONS. */
  private async validateCloudEvents(): Promise<void> {
    const answer = await this.send('OPTIONS', { 'WebHook-Request-Origin': WEBHOOK_REQUEST_ORIGIN }, undefined);
    const allowed = answer.headers.get('webhook-allowed-origin')?.trim();
    if (answer.status >= 200 && answer.status < 300 && (allowed === WEBHOOK_REQUEST_ORIGIN || allowed === '*')) return;
    throw new DeliveryFailure(
      `${this.endpoint()} did not complete the CloudEvents validation: it answered OPTIONS with ${answer.status} and ${allowed === undefined ? 'no WebHook-Allowed-Origin header' : `WebHook-Allowed-Origin: ${allowed}`}; ` +
        `it must answer OPTIONS (header WebHook-Request-Origin: ${WEBHOOK_REQUEST_ORIGIN}) with 200 and the header WebHook-Allowed-Origin: ${WEBHOOK_REQUEST_ORIGIN} (or *)`,
      false,
    );
  }

  private async notify(batch: readonly RouterEvent[]): Promise<void> {
    const firstEventId = batch[0]?.id ?? '';
    const deliveryCount = this.failedAttempts?.firstEventId === firstEventId ? this.failedAttempts.count : 0;
    try {
      const answer = await this.send('POST', { ...this.aegHeaders('Notification', deliveryCount), ...this.schemaHeaders() }, this.body(batch));
      if (answer.status < 200 || answer.status >= 300) {
        throw new DeliveryFailure(`${this.endpoint()} answered ${answer.status}${quote(answer.text)} to ${batch.length} event(s)`, isPermanentStatus(answer.status));
      }
      this.failedAttempts = undefined;
    } catch (error) {
      this.failedAttempts = { firstEventId, count: deliveryCount + 1 };
      throw error;
    }
  }

  private body(batch: readonly RouterEvent[]): string {
    const topic = this.options.topic;
    return JSON.stringify(this.schema === 'eventGrid' ? batch.map((e) => toEventGridEnvelope(e, topic)) : batch.map((e) => toCloudEvent(e, topic)));
  }

  private aegHeaders(eventType: 'SubscriptionValidation' | 'Notification', deliveryCount: number): Record<string, string> {
    return { 'aeg-event-type': eventType, 'aeg-subscription-name': this.name, 'aeg-delivery-count': String(deliveryCount) };
  }

  /** Event Grid's metadata version header carries the CloudEvents spec version in that schema, and there is no data version. */
  private schemaHeaders(): Record<string, string> {
    return this.schema === 'eventGrid'
      ? { 'content-type': 'application/json; charset=utf-8', 'aeg-metadata-version': EVENT_METADATA_VERSION, 'aeg-data-version': EVENT_DATA_VERSION }
      : { 'content-type': 'application/cloudevents-batch+json; charset=utf-8', 'aeg-metadata-version': CLOUD_EVENTS_SPEC_VERSION };
  }

  /** One request, bounded by the timeout; no answer at all is a transient failure. */
  private async send(method: 'POST' | 'OPTIONS', headers: Record<string, string>, body: string | undefined): Promise<Answer> {
    const signal = AbortSignal.timeout(this.timeoutMs);
    try {
      // A redirect is reported as the failure it is rather than followed: the subscription names its URL.
      const response = await fetch(this.options.url, { method, headers, body, signal, redirect: 'manual' });
      return { status: response.status, headers: response.headers, text: await response.text() };
    } catch (error) {
      if (signal.aborted) throw new DeliveryFailure(`${this.endpoint()} did not answer within ${this.timeoutMs} ms`, false);
      throw new DeliveryFailure(`${this.endpoint()} could not be reached (${networkReason(error)})`, false);
    }
  }

  private endpoint(): string {
    return `webhook "${this.name}" (${endpointName(this.options.url)})`;
  }
}

function validationResponseOf(text: string): unknown {
  try {
    const parsed = JSON.parse(text) as unknown;
    return typeof parsed === 'object' && parsed !== null ? (parsed as { validationResponse?: unknown }).validationResponse : undefined;
  } catch {
    return undefined;
  }
}

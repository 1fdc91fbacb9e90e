import type { Counter, Histogram, Meter } from '@opentelemetry/api';
import type { RouterEvent } from '../ports/EventPublisher';

/** Request durations: a millisecond to ten seconds. */
const REQUEST_SECONDS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** One sync of the SQLite log: a tenth of a millisecond (a fast disk) to a second (a stalled one). */
const COMMIT_SECONDS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1];
/** From a state change to its delivery: immediate, or after retries of up to minutes. */
const DELIVERY_SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600];

/** The operation label of a request that matched no route: unknown paths must not each make a series. */
export const UNMATCHED_OPERATION = 'unmatched';

const JOB_EVENT_PREFIX = 'RouterJob';
const OFFER_EVENT_PREFIX = 'RouterWorkerOffer';

/** `RouterJobClassificationFailed` → `classificationFailed`. */
const lowerFirst = (text: string) => text.charAt(0).toLowerCase() + text.slice(1);

/**
 * The router's instruments, recorded where things happen (the HTTP pipeline, the event feed, the
 * store's commits, event delivery) and read by whichever exporter the host set up: Prometheus on the
 * embedded host, Azure Monitor on the Azure host. Names follow Prometheus' conventions (unit suffix,
 * `_total` on counters) so the scraped names are the instrument names.
 */
export class RouterMetrics {
  private readonly requestDuration: Histogram;
  private readonly jobTransitions: Counter;
  private readonly offers: Counter;
  private readonly deliveryLag: Histogram;
  private readonly commitDuration: Histogram;

  constructor(readonly meter: Meter) {
    this.requestDuration = meter.createHistogram('jobrouter_http_request_duration_seconds', {
      description: 'Time from a request to its answer (after the durability barrier), by operation id, method and status.',
      unit: 's',
      advice: { explicitBucketBoundaries: REQUEST_SECONDS },
    });
    this.jobTransitions = meter.createCounter('jobrouter_job_transitions_total', {
      description: 'Jobs entering a state, from the router events: received, queued, assigned (offer accepted), completed, closed, cancelled, … by queue.',
    });
    this.offers = meter.createCounter('jobrouter_offers_total', { description: 'Offers by outcome: issued, accepted, declined, expired, revoked; by queue.' });
    this.deliveryLag = meter.createHistogram('jobrouter_event_delivery_lag_seconds', {
      description: 'Time from the state change an event records to its delivery to a subscription, by subscription.',
      unit: 's',
      advice: { explicitBucketBoundaries: DELIVERY_SECONDS },
    });
    this.commitDuration = meter.createHistogram('jobrouter_store_commit_duration_seconds', {
      description: 'Time of one group commit: the sync that makes every write before it durable (embedded host).',
      unit: 's',
      advice: { explicitBucketBoundaries: COMMIT_SECONDS },
    });
  }

  requestServed(operation: string, method: string, status: number, seconds: number): void {
    this.requestDuration.record(seconds, { operation, method, status });
  }

  /** Counts what a recorded event says happened (each event is recorded once, whichever instance records it). */
  eventRecorded(event: RouterEvent): void {
    const queueId = event.data['queueId'];
    const queue = typeof queueId === 'string' ? queueId : '';
    if (event.type.startsWith(OFFER_EVENT_PREFIX)) {
      const outcome = lowerFirst(event.type.slice(OFFER_EVENT_PREFIX.length));
      this.offers.add(1, { outcome, queue });
      if (outcome === 'accepted') this.jobTransitions.add(1, { transition: 'assigned', queue });
    } else if (event.type.startsWith(JOB_EVENT_PREFIX)) {
      this.jobTransitions.add(1, { transition: lowerFirst(event.type.slice(JOB_EVENT_PREFIX.length)), queue });
    }
  }

  eventsDelivered(channel: string, events: readonly RouterEvent[], now: Date): void {
    for (const event of events) {
      const changedAt = Date.parse(event.time);
      if (Number.isFinite(changedAt)) this.deliveryLag.record(Math.max(0, (now.getTime() - changedAt) / 1000), { subscription: channel });
    }
  }

  commitSynced(seconds: number): void {
    this.commitDuration.record(seconds);
  }
}

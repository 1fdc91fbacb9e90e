import type { Meter } from '@opentelemetry/api';
import { countDeadLetters } from '../app/timerDeadLetters';
import { pagesOf } from '../app/pagesOf';
import { JOB_MATCH_ORDER, JOB_QUEUED_SINCE, prefixRange, SEP } from '../domain/routing/routingKeys';
import { sortableDueTime } from '../domain/dueTime';
import type { Clock } from '../ports/Clock';
import type { Logger } from '../ports/Logger';
import type { Store } from '../ports/Store';

export interface StoreGaugeSources {
  store: Store;
  clock: Clock;
  logger: Logger;
  /** Names of the event subscriptions (dead letters and pending deliveries are counted per name). */
  channels: readonly string[];
  /** The timers are documents of this store (embedded host), so their backlog can be counted; on Azure Durable Functions keeps them. */
  timersInStore: boolean;
}

const QUEUE_PAGE = 200;
/** The timers' due-time index key (StoreScheduler) and the first string after any of its values at an instant. */
const TIMER_DUE_KEY = 'due';

/**
 * Gauges read from the store when an exporter collects (a scrape, or Azure Monitor's export
 * interval), so they are right after a restart and the same on every instance: per queue the jobs
 * waiting and the longest wait; timers due and not yet fired (embedded host) and dead-lettered; per
 * subscription the events pending delivery and dead-lettered. Each is a count or a first entry on an
 * index range, not a scan.
 */
export function observeStore(meter: Meter, sources: StoreGaugeSources): void {
  const depth = meter.createObservableGauge('jobrouter_queue_depth', { description: 'Jobs waiting in the queue for a worker (queued, not yet assigned).' });
  const longestWait = meter.createObservableGauge('jobrouter_queue_longest_wait_seconds', { description: 'How long the job that has waited longest in the queue has waited; 0 when none waits.', unit: 's' });
  const timerBacklog = meter.createObservableGauge('jobrouter_timer_backlog', { description: 'Timers due and not yet fired (embedded host).' });
  const timerDeadLetters = meter.createObservableGauge('jobrouter_timer_dead_letters', { description: 'Timers given up after every attempt failed, kept until re-driven.' });
  const pending = meter.createObservableGauge('jobrouter_event_pending', { description: 'Events recorded and not yet delivered to the subscription.' });
  const deadLetters = meter.createObservableGauge('jobrouter_event_dead_letters', { description: 'Events the subscription did not take after every attempt (or refused), kept until redelivered.' });
  const { store, clock, channels, timersInStore } = sources;
  meter.addBatchObservableCallback(
    async (result) => {
      try {
        const now = clock.now();
        for await (const page of pagesOf(store, 'queues', { pageSize: QUEUE_PAGE })) {
          for (const queue of page) {
            const range = prefixRange(queue.id);
            result.observe(depth, await store.count('jobs', { key: JOB_MATCH_ORDER, ...range }), { queue: queue.id });
            const [oldest] = await store.range('jobs', { key: JOB_QUEUED_SINCE, ...range, limit: 1 });
            const since = oldest ? Date.parse(String(oldest.keys[JOB_QUEUED_SINCE]).slice(range.from.length).split(SEP)[0] ?? '') : NaN;
            result.observe(longestWait, Number.isFinite(since) ? Math.max(0, (now.getTime() - since) / 1000) : 0, { queue: queue.id });
          }
        }
        if (timersInStore) result.observe(timerBacklog, await store.count('timers', { key: TIMER_DUE_KEY, from: '', to: `${sortableDueTime(now.toISOString())}${SEP}\uffff` }));
        result.observe(timerDeadLetters, await countDeadLetters(store));
        for (const channel of channels) {
          const only = { from: channel, to: `${channel}\u0000` };
          result.observe(pending, await store.count('events', { key: 'pendingFor', ...only }), { subscription: channel });
          result.observe(deadLetters, await store.count('events', { key: 'deadFor', ...only }), { subscription: channel });
        }
      } catch (error) {
        // A store that does not answer now leaves these gauges out of this collection; the next one tries again.
        sources.logger.warn({ err: error }, 'metrics: the store gauges could not be read');
      }
    },
    [depth, longestWait, timerBacklog, timerDeadLetters, pending, deadLetters],
  );
}

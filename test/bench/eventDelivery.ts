/**
 * Figure 6: what router events cost routing, and how soon they arrive. The lifecycles of figure 2 (in
 * memory) with no subscriber, with one webhook, and with that webhook plus one that never answers;
 * for each webhook, how long after its commit (the event's time) each event arrived.
 */
import { performance } from 'node:perf_hooks';
import { WebhookChannel } from '../../shared/adapters/http/WebhookChannel';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhookReceiver';
import { runLifecycles, type LifecycleFigures } from './lifecycles';
import { heading, ms, note, summarise, type Summary } from './stats';

export interface EventDeliveryFigures {
  lifecycles: LifecycleFigures;
  /** Commit → arrival at the healthy webhook, per event (ms resolution of the event time). */
  lag?: Summary;
  delivered: number;
}

function arrivalLag(receiver: WebhookReceiver): Summary {
  const lags = receiver.deliveries.flatMap((d) => d.events.map((e) => performance.timeOrigin + d.receivedAt - Date.parse(String(e['eventTime']))));
  return summarise(lags);
}

export async function eventDeliveryFigures(inFlight = 32, durationMs = 8_000): Promise<EventDeliveryFigures[]> {
  heading('6. router events: lifecycles with webhook subscribers (in memory), and delivery lag');
  const results: EventDeliveryFigures[] = [];
  const none = await runLifecycles(`no event subscriber, ${inFlight} in flight`, ':memory:', inFlight, durationMs);
  results.push({ lifecycles: none, delivered: 0 });

  const runs = [
    { inFlight: 1, withSilent: false },
    { inFlight, withSilent: false },
    { inFlight, withSilent: true },
  ];
  for (const { inFlight: lanes, withSilent } of runs) {
    const healthy = await startWebhookReceiver();
    const silent = await startWebhookReceiver();
    silent.hangNext(1_000_000);
    const channels = [new WebhookChannel({ name: 'desk', url: healthy.url, topic: '/bench', maxEventsPerBatch: 100 })];
    if (withSilent) channels.push(new WebhookChannel({ name: 'silent', url: silent.url, topic: '/bench', timeoutMs: 60_000 }));
    try {
      const label = `${withSilent ? 'one webhook (batches ≤ 100) + one that never answers' : 'one webhook (batches ≤ 100)'}, ${lanes} in flight`;
      const lifecycles = await runLifecycles(label, ':memory:', lanes, durationMs, { channels });
      const lag = arrivalLag(healthy);
      note(`${label}: ${healthy.events().length} events delivered in ${healthy.deliveries.length} POSTs; commit → arrival p50 ${ms(lag.p50)}, p99 ${ms(lag.p99)}`);
      results.push({ lifecycles, lag, delivered: healthy.events().length });
    } finally {
      await healthy.close();
      await silent.close();
    }
  }
  return results;
}

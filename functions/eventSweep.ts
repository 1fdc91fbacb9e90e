import { app, type InvocationContext, type Timer } from '@azure/functions';
import { functionsHost } from '../shared/hosting/functionsHost';

/**
 * The relay's safety net on Azure: records outbox entries that an instance stopped before recording
 * (the change committed, the process went away), settles the events of deletes, and lets Event Grid
 * deliveries that failed be retried even when no new event arrives to wake the relay.
 */
export async function eventSweep(_timer: Timer, context: InvocationContext): Promise<void> {
  const { relay } = await functionsHost();
  await relay.sweep();
  await relay.idle();
  context.log('event sweep: outboxes recorded, pending deliveries tried');
}

export const EVENT_SWEEP_SCHEDULE = '*/30 * * * * *';

export function registerEventSweep(): void {
  app.timer('eventSweep', { schedule: EVENT_SWEEP_SCHEDULE, handler: eventSweep });
}

import { app, type InvocationContext, type Timer } from '@azure/functions';
import { functionsHost } from '../shared/hosting/functionsHost';

/** Every five minutes: how long entries that an instance failed to record wait while the deployment is busy. */
export const EVENT_SWEEP_SCHEDULE = '0 */5 * * * *';
/** While every instance is idle a full sweep runs at most this often: how long a crash's entries can wait then. */
export const EVENT_SWEEP_BACKSTOP_MS = 60 * 60_000;

/**
 * The relay's safety net on Azure: records outbox entries that an instance stopped before recording
 * (the change committed, the process went away), settles the events of deletes, and lets Event Grid
 * deliveries that failed be retried even when no new event arrives to wake the relay. An idle
 * deployment costs one point read per run; the full sweep runs only when there is reason to (ADR 20).
 */
export async function eventSweep(_timer: Timer, context: InvocationContext): Promise<void> {
  const { relay } = await functionsHost();
  const reason = await relay.sweepDue(EVENT_SWEEP_BACKSTOP_MS);
  if (!reason) {
    context.debug('event sweep: nothing to catch up');
    return;
  }
  await relay.sweep();
  await relay.idle();
  context.log(`event sweep (${reason}): outboxes recorded, pending deliveries tried`);
}

export function registerEventSweep(): void {
  app.timer('eventSweep', { schedule: EVENT_SWEEP_SCHEDULE, handler: eventSweep });
}

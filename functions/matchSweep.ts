import { app, type InvocationContext, type Timer } from '@azure/functions';
import { requestMatchingForWaitingJobs } from '../shared/app/requestMatchingForWaitingJobs';
import { durableClientInput } from './durableClientInput';
import { invocationPorts } from './invocationPorts';

/**
 * A safety net: a match request can be lost when an instance stops between committing a change and
 * sending its request; every few minutes each queue where a job waits gets one request, so such a job
 * waits minutes, not until the next change in its queue. With no job waiting it costs one read.
 */
export async function matchSweep(_timer: Timer, context: InvocationContext): Promise<void> {
  const queues = await requestMatchingForWaitingJobs(await invocationPorts(context));
  if (queues > 0) context.log(`match sweep: requested matching for ${queues} queues with waiting jobs`);
}

export const MATCH_SWEEP_SCHEDULE = '0 */5 * * * *';

export function registerMatchSweep(): void {
  app.timer('matchSweep', { schedule: MATCH_SWEEP_SCHEDULE, extraInputs: [durableClientInput], handler: matchSweep });
}

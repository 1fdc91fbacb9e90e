import { app, type InvocationContext, type Timer } from '@azure/functions';
import { recoverMatching } from '../shared/app/recoverMatching';
import { durableClientInput } from './durableClientInput';
import { invocationPorts } from './invocationPorts';

/**
 * A safety net: a match request can be lost when an instance stops between committing a change and
 * sending its request; every few minutes each queue gets one request, so such a job waits minutes,
 * not until the next change in its queue.
 */
export async function matchSweep(_timer: Timer, context: InvocationContext): Promise<void> {
  const queues = await recoverMatching(await invocationPorts(context));
  context.log(`match sweep: requested matching for ${queues} queues`);
}

export const MATCH_SWEEP_SCHEDULE = '0 */5 * * * *';

export function registerMatchSweep(): void {
  app.timer('matchSweep', { schedule: MATCH_SWEEP_SCHEDULE, extraInputs: [durableClientInput], handler: matchSweep });
}

import type { InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { fireTimer } from '../shared/app/fireTimer';
import type { Timer } from '../shared/ports/Scheduler';
import { durableClientInput } from './durableClientInput';
import { invocationPorts } from './invocationPorts';
import { routerTimer, routerTimerNames } from './orchestrators/routerTimer';

/** The activity behind a due timer: the use case it names, with this invocation's ports. */
export async function fireRouterTimer(timer: Timer, context: InvocationContext): Promise<void> {
  await fireTimer(await invocationPorts(context), timer);
}

export function registerTimers(): void {
  df.app.orchestration(routerTimerNames.orchestration, routerTimer);
  // A fired timer may schedule or cancel timers (a close re-arms its settle timer), hence the client.
  df.app.activity(routerTimerNames.activity, { handler: fireRouterTimer, extraInputs: [durableClientInput] });
}

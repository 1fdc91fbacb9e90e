import type { InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { routerTimerNames, type FireOutcome } from '../shared/adapters/azure/routerTimerNames';
import { fireTimer } from '../shared/app/fireTimer';
import { deadLetterDocument, putDeadLetter } from '../shared/app/timerDeadLetters';
import { UnfireableTimerError } from '../shared/app/timers/timerKinds';
import type { StoredTimer } from '../shared/ports/Scheduler';
import { durableClientInput } from './durableClientInput';
import { invocationPorts } from './invocationPorts';
import { routerTimer, type DeadLetterRequest } from './orchestrators/routerTimer';

/**
 * The activity behind a due timer: the use case its kind names, with this invocation's ports. A timer
 * that can never fire is answered as such (not thrown), so the orchestration dead-letters it at once
 * instead of retrying it for an hour.
 */
export async function fireRouterTimer(timer: StoredTimer, context: InvocationContext): Promise<FireOutcome> {
  try {
    await fireTimer(await invocationPorts(context), timer);
    return null;
  } catch (error) {
    if (error instanceof UnfireableTimerError) return { unfireable: error.message };
    throw error;
  }
}

/** The activity behind a timer that failed every round: its dead letter, kept in the store for operators. */
export async function deadLetterRouterTimer(request: DeadLetterRequest, context: InvocationContext): Promise<void> {
  const ports = await invocationPorts(context);
  await putDeadLetter(ports.store, deadLetterDocument(request.timer, request.reason, request.attempts, new Date(request.at)));
  ports.logger.error({ timerId: request.timer.id, kind: request.timer.kind, attempts: request.attempts, reason: request.reason }, 'timer dead-lettered');
}

export function registerTimers(): void {
  df.app.orchestration(routerTimerNames.orchestration, routerTimer);
  // A fired timer may schedule or cancel timers (a close re-arms its settle timer), hence the client.
  df.app.activity(routerTimerNames.activity, { handler: fireRouterTimer, extraInputs: [durableClientInput] });
  df.app.activity(routerTimerNames.deadLetter, { handler: deadLetterRouterTimer, extraInputs: [durableClientInput] });
}

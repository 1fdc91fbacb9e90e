import { app, type InvocationContext, type Timer } from '@azure/functions';
import { statisticsFor } from '../shared/app/statistics/statisticsFor';
import { systemClock } from '../shared/ports/Clock';
import { functionsHost } from '../shared/hosting/functionsHost';

/** Every minute: the aggregates follow the history even while nobody reads them (reads catch up too). */
export const STATISTICS_SCHEDULE = '0 * * * * *';

/** Folds newly recorded events into the statistics aggregates; any instance may run it (ADR 33). */
export async function statisticsProjector(_timer: Timer, context: InvocationContext): Promise<void> {
  const host = await functionsHost();
  const store = host.ports({ scheduler: () => { throw new Error('the statistics projector schedules no timers'); } }).store;
  await statisticsFor(store, systemClock).catchUp();
  context.debug('statistics projected');
}

export function registerStatisticsProjector(): void {
  app.timer('statisticsProjector', { schedule: STATISTICS_SCHEDULE, handler: statisticsProjector });
}

/**
 * The names the `routerTimer` orchestration (functions/orchestrators/routerTimer.ts), its activities and
 * its client (DurableScheduler) agree on. They live here, beside the client, so that shared code never
 * imports from functions/; the orchestrator imports this module, which holds constants only and so is
 * safe to replay.
 */
export const routerTimerNames = {
  orchestration: 'routerTimer',
  activity: 'fireRouterTimer',
  /** Records a timer that failed every round, or can never fire, as a dead letter in the store. */
  deadLetter: 'deadLetterRouterTimer',
  /** Event carrying the Timer that replaces the pending one. */
  reschedule: 'reschedule',
  cancel: 'cancel',
} as const;

/**
 * What the fire activity answers: nothing when the handler ran, `unfireable` (the reason) when the timer
 * can never fire (an unknown kind, a payload that does not fit its kind), which the orchestration
 * dead-letters at once instead of retrying.
 */
export type FireOutcome = { unfireable: string } | null | undefined;

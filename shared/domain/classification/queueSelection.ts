import type { RouterQueueSelector } from '../model';
import type { RouterQueue } from '../resources/queue';
import { selectorMatches } from '../routing/selectors';

/** Whether a queue's labels (including its implicit `Id`) satisfy every selector. */
export const queueMatches = (selectors: readonly RouterQueueSelector[], queue: RouterQueue) => selectors.every((s) => selectorMatches(s, queue.labels));

/**
 * The queue the selectors choose: the first matching queue in the order given (callers pass queues in
 * id order, so the choice is stable). No selectors choose nothing: the fallback queue applies then.
 */
export function chooseQueue(selectors: readonly RouterQueueSelector[], queues: readonly RouterQueue[]): RouterQueue | undefined {
  if (selectors.length === 0) return undefined;
  return queues.find((queue) => queueMatches(selectors, queue));
}

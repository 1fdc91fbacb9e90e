import type { LabelValue, RouterQueueSelector } from '../model';
import type { RouterQueue } from '../resources/queue';
import { selectorMatches } from '../routing/selectors';

/** Whether a queue's labels (including its implicit `Id`) satisfy every selector. */
export const queueMatches = (selectors: readonly RouterQueueSelector[], queue: RouterQueue) => selectors.every((s) => selectorMatches(s, queue.labels));

/** The queues' index key holding each label as `key=value` (value with its type: 5 and "5" differ). */
export const QUEUE_LABEL_KEY = 'label';

export const labelPair = (key: string, value: LabelValue) => `${key}\u001f${typeof value}:${String(value)}`;

/** The label pairs of a queue, for its index keys. */
export const queueLabelPairs = (labels: Readonly<Record<string, unknown>>) =>
  Object.entries(labels)
    .filter((entry): entry is [string, LabelValue] => ['string', 'number', 'boolean'].includes(typeof entry[1]))
    .map(([key, value]) => labelPair(key, value));

/** An `equal` selector with a value: the queues it allows can be read from the label index. */
export const indexedSelector = (selectors: readonly RouterQueueSelector[]) =>
  selectors.find((s): s is RouterQueueSelector & { value: LabelValue } => s.labelOperator === 'equal' && ['string', 'number', 'boolean'].includes(typeof s.value));

/**
 * The queue the selectors choose: the first matching queue in the order given (callers pass queues in
 * id order, so the choice is stable). No selectors choose nothing: the fallback queue applies then.
 */
export function chooseQueue(selectors: readonly RouterQueueSelector[], queues: readonly RouterQueue[]): RouterQueue | undefined {
  if (selectors.length === 0) return undefined;
  return queues.find((queue) => queueMatches(selectors, queue));
}

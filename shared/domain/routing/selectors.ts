import type { LabelValue, Labels } from '../model';
import type { StoredWorkerSelector } from '../resources/job';
import { parseInstant } from '../wireTime';

/**
 * Whether a worker's labels satisfy one selector. A missing label never matches (not even notEqual).
 * equal/notEqual compare value and type (5 ≠ "5"); the ordering operators compare two numbers
 * numerically or two strings by code unit, and never match across types or on booleans.
 * A selector without a value asks only that the label exists (equal) or cannot match (others).
 */
export function selectorMatches(selector: Pick<StoredWorkerSelector, 'key' | 'labelOperator' | 'value'>, labels: Labels): boolean {
  if (!Object.hasOwn(labels, selector.key)) return false;
  const label = labels[selector.key] as LabelValue;
  const value = selector.value;
  if (value === undefined) return selector.labelOperator === 'equal';
  switch (selector.labelOperator) {
    case 'equal':
      return label === value;
    case 'notEqual':
      return label !== value;
    default: {
      const comparable = (typeof label === 'number' && typeof value === 'number') || (typeof label === 'string' && typeof value === 'string');
      if (!comparable) return false;
      if (selector.labelOperator === 'lessThan') return label < value;
      if (selector.labelOperator === 'lessThanOrEqual') return label <= value;
      if (selector.labelOperator === 'greaterThan') return label > value;
      return label >= value;
    }
  }
}

/** Selectors that still constrain matching at `now`: not marked expired and not past `expiresAt`. */
export function activeSelectors(selectors: readonly StoredWorkerSelector[], now: Date): StoredWorkerSelector[] {
  return selectors.filter((s) => s.status !== 'expired' && (s.expiresAt === undefined || parseInstant(s.expiresAt) > now.getTime()));
}

/** Marks the selectors whose `expiresAt` has come as expired, in place; answers the ones it marked. */
export function expireDueSelectors(selectors: StoredWorkerSelector[], now: Date): StoredWorkerSelector[] {
  const expired: StoredWorkerSelector[] = [];
  for (const selector of selectors) {
    if (selector.status === 'expired' || selector.expiresAt === undefined || parseInstant(selector.expiresAt) > now.getTime()) continue;
    selector.status = 'expired';
    expired.push(selector);
  }
  return expired;
}


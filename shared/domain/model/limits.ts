import { z } from 'zod';
import { INT32_MAX, integer, positiveNumber, text } from './primitives';

/**
 * Every bound of the API in one place (the table in the README and docs/adr/0024 lists them with their
 * reasons). The service documents few of its own; where it does (priority, int32 counts) that range is
 * used, otherwise the bound keeps every time the router computes from a request inside what its index
 * keys, timers and JS `Date` represent, and every body small enough to validate and store at once.
 */

/** The service's priority range ("Value must be between -100 to 100"). */
export const PRIORITY_RANGE = { min: -100, max: 100 } as const;

/**
 * Durations in seconds (offer expiry, selector expiry, exception wait time): above 0 and at most ten
 * years. A job lives at most 90 days in the service, so no meaningful duration comes near; the bound
 * keeps `now + duration` a four-digit year, which is what keeps timer keys in time order.
 */
export const MAX_DURATION_SECONDS = 10 * 365 * 24 * 60 * 60;

/**
 * Instants a request may carry (scheduleAt, closeAt, retryOfferAt, a note's addedAt), in UTC once
 * their offset is applied: the four-digit years, whose ISO form sorts in time order.
 */
export { EARLIEST_INSTANT, LATEST_INSTANT } from '../dueTime';

/** Counts the wire types as int32 (capacity, costs, thresholds, offers): 0 or 1 up to 2^31 - 1. */
export const MAX_COUNT = INT32_MAX;

/** Labels, tags and labelsToUpsert: how many members, how long a key and a text value may be. */
export const MAX_LABELS = 100;
export const MAX_LABEL_KEY_LENGTH = 500;
export const MAX_LABEL_TEXT_LENGTH = 1024;

/** Items of any list in a body (selectors, attachments, rules, actions, allocations, channels, queues, notes). */
export const MAX_LIST_ITEMS = 100;

/** Free text: names, disposition codes, notes, channel references, credentials. */
export const MAX_NAME_LENGTH = 500;
export const MAX_NOTE_LENGTH = 2000;
export const MAX_SECRET_LENGTH = 4096;

/** JSON nesting of a request body; the deepest valid body (a weighted allocation's selector) is about 8. */
export const MAX_BODY_DEPTH = 32;

/** Field rules shared by several models, so that a job and an exception action agree on what a priority is. */
export const prioritySchema = integer(PRIORITY_RANGE.min, PRIORITY_RANGE.max);
export const nameSchema = text(MAX_NAME_LENGTH);
export const dispositionCodeSchema = text(MAX_NAME_LENGTH);
export const noteSchema = text(MAX_NOTE_LENGTH);
export const secretSchema = text(MAX_SECRET_LENGTH);
export const durationSchema = positiveNumber(MAX_DURATION_SECONDS);

/** A list of at most MAX_LIST_ITEMS items. */
export function list<T extends z.ZodType>(item: T) {
  return z.array(item).max(MAX_LIST_ITEMS);
}

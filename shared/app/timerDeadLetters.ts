import type { Clock } from '../ports/Clock';
import type { Scheduler, StoredTimer } from '../ports/Scheduler';
import { StoreConflictError, type NewDocument, type Store, type StoredDocument } from '../ports/Store';
import { putDocument } from './conditionalWrite';
import { pagesOf } from './pagesOf';
import { storedTimerAgain } from './timers/timerKinds';

/**
 * A timer that failed every attempt is not dropped: it is kept as a dead letter, a document of the
 * `timers` collection under the timer's own id with this index key instead of a due time, until an
 * operator re-drives it. The embedded scheduler turns the timer's own document into one (a single
 * conditional write, so a timer re-armed meanwhile is never overwritten); the Azure host, whose
 * timers live in Durable Functions, writes one when an orchestration gives up.
 */
export const DEAD_LETTERED_AT = 'deadLetteredAt';

export interface DeadLetter {
  reason: string;
  attempts: number;
  /** ISO instant at which the timer was given up. */
  at: string;
}

export type DeadLetteredTimer = StoredTimer & { deadLetter: DeadLetter };
export type DeadLetterDocument = StoredDocument<DeadLetteredTimer>;

export function deadLetterDocument(timer: StoredTimer, reason: string, attempts: number, now: Date): NewDocument<DeadLetteredTimer> {
  const { attempts: _attempts, ...rest } = timer;
  const at = now.toISOString();
  const body: DeadLetteredTimer = { ...rest, deadLetter: { reason, attempts, at } };
  return { collection: 'timers', id: timer.id, lastModified: at, body, keys: { [DEAD_LETTERED_AT]: `${at}\u001f${timer.id}` } };
}

/** Records a dead letter where no live timer document shares its id (the Azure host): the latest one is kept. */
export async function putDeadLetter(store: Store, doc: NewDocument<DeadLetteredTimer>): Promise<void> {
  await putDocument(store, doc, { likelyNew: true });
}

/** The condition that selects dead letters (every one has the key; live timers do not). */
export const isDeadLetter = { key: DEAD_LETTERED_AT, op: 'gte', value: '' } as const;

export function countDeadLetters(store: Store): Promise<number> {
  return store.count('timers', { key: DEAD_LETTERED_AT, from: '', to: '\uffff' });
}

const REDRIVE_PAGE = 100;

/**
 * Schedules every dead-lettered timer again, due now and with its attempts counted afresh, then
 * removes the dead letter unless the schedule replaced it already (the embedded scheduler keeps the
 * timer in the same document). Answers how many were re-driven. Handlers are idempotent, so a timer
 * re-driven twice (a crash between the two writes) does no harm. A dead letter that can never fire (an
 * unknown kind, a payload that does not fit) is re-driven too, and comes back at its first fire with
 * the same reason: the operator asked for all of them, and nothing is dropped unseen.
 */
export async function redriveDeadLetters(store: Store, scheduler: Scheduler, clock: Clock): Promise<number> {
  let redriven = 0;
  // Pages continue after the last id, so the documents this loop rewrites do not move the next page.
  for await (const docs of pagesOf<DeadLetteredTimer>(store, 'timers', { where: [isDeadLetter], pageSize: REDRIVE_PAGE })) {
    for (const doc of docs) {
      const { deadLetter: _deadLetter, attempts: _attempts, ...timer } = doc.body;
      await scheduler.schedule(storedTimerAgain({ ...timer, dueAt: clock.now().toISOString() }));
      try {
        await store.delete('timers', doc.id, doc.etag);
      } catch (error) {
        if (!(error instanceof StoreConflictError)) throw error;
      }
      redriven++;
    }
  }
  return redriven;
}

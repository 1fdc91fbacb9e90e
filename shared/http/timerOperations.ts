import { countDeadLetters, isDeadLetter, redriveDeadLetters, type DeadLetterDocument, type DeadLetteredTimer } from '../app/timerDeadLetters';
import { z } from 'zod';
import { noFilters } from './listFilters';
import type { Operation } from './Operation';
import { refuseOptions } from './refuseOptions';
import { PAGING_PARAMETERS, cursorOf, pageAnswer } from './pagingToken';
import { redrivenSchema, timerDeadLetterSchema, timerSummarySchema } from './timerAnswers';

const TIMERS = '/routing/timers';
const DEAD_LETTERS = `${TIMERS}/deadLetters`;

/** A dead letter as operators see it: the timer, why it was given up, and when. */
function deadLetterItem(doc: DeadLetterDocument) {
  const { id, kind, dueAt, payload, deadLetter } = doc.body;
  return { timerId: id, kind, dueAt, payload, attempts: deadLetter.attempts, reason: deadLetter.reason, deadLetteredAt: deadLetter.at };
}

/**
 * Router extensions for operators: timers whose handler failed every attempt, and re-driving them.
 * Same authentication and api-version as the rest. Both hosts keep dead letters in the store.
 */
export const timerOperations: Operation[] = [
  {
    operationId: 'GetTimerSummary',
    method: 'GET',
    path: TIMERS,
    body: 'none',
    answers: { kind: 'json', schema: timerSummarySchema },
    run: async (_request, ports) => ({ status: 200, json: { deadLettered: await countDeadLetters(ports.store) } }),
  },
  {
    operationId: 'ListTimerDeadLetters',
    method: 'GET',
    path: DEAD_LETTERS,
    body: 'none',
    parameters: PAGING_PARAMETERS,
    answers: { kind: 'page', item: timerDeadLetterSchema },
    run: async (request, ports) => {
      // Only where to go on from travels in a continuation token: the selection is always the dead letters.
      const cursor = { ...cursorOf(request.query, noFilters), where: [isDeadLetter] };
      const page = await ports.store.list<DeadLetteredTimer>('timers', { where: cursor.where, pageSize: cursor.pageSize, afterId: cursor.afterId || undefined });
      return { status: 200, json: pageAnswer(DEAD_LETTERS, cursor, page, page.items.map(deadLetterItem)) };
    },
  },
  {
    operationId: 'RedriveTimerDeadLetters',
    method: 'POST',
    path: `${DEAD_LETTERS}:redrive`,
    body: 'optionalJson',
    requestSchema: z.strictObject({}),
    answers: { kind: 'json', schema: redrivenSchema },
    run: async (request, ports) => {
      refuseOptions(request.body, 'Re-driving timer dead letters takes no options; send no body (or {}).');
      return { status: 200, json: { redriven: await redriveDeadLetters(ports.store, ports.scheduler, ports.clock) } };
    },
  },
];

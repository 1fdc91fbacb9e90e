import fc from 'fast-check';
import { parseTimer, timerFor, timerId, timerKinds, UnfireableTimerError, type TimerKind } from '../../../shared/app/timers/timerKinds';
import type { StoredTimer } from '../../../shared/ports/Scheduler';

/*
 * The registry of timer kinds: what timerFor builds, parseTimer takes back unchanged, and a stored timer
 * that does not fit its kind is refused with a reason that names the problem. (That a wrong payload does
 * not compile is checked by the compiler: see the @ts-expect-error lines.)
 */

const kinds = Object.keys(timerKinds) as TimerKind[];

/** The fields each kind's payload has, read from its schema. */
const fieldsOf = (kind: TimerKind): string[] => Object.keys((timerKinds[kind].payload as unknown as { shape: Record<string, unknown> }).shape);

const anyId = fc.string({ minLength: 1, maxLength: 40 });
const payloadOf = (kind: TimerKind) => fc.record(Object.fromEntries(fieldsOf(kind).map((field) => [field, anyId])));
const anyTimer = fc.constantFrom(...kinds).chain((kind) => fc.tuple(fc.constant(kind), payloadOf(kind), fc.date({ min: new Date('2000-01-01Z'), max: new Date('2100-01-01Z'), noInvalidDate: true })));

describe('the registry of timer kinds', () => {
  it('parses back every timer it builds, with the id its kind makes from the payload', () => {
    fc.assert(
      fc.property(anyTimer, ([kind, payload, due]) => {
        const timer = timerFor(kind, payload as never, due);
        expect(timer).toEqual({ id: timerId(kind, payload as never), kind, dueAt: due.toISOString(), payload });
        expect(parseTimer(JSON.parse(JSON.stringify(timer)) as StoredTimer)).toEqual({ kind, payload });
      }),
      { seed: 28, numRuns: 500 },
    );
  });

  it('makes ids that differ whenever the key fields differ, for every id the router accepts (no colon)', () => {
    const keyFields: Record<TimerKind, string[]> = {
      offerExpiry: ['offerId'],
      settleAssignment: ['jobId', 'assignmentId'],
      retryOffer: ['jobId', 'workerId'],
      classifyJob: ['jobId'],
      expireWorkerSelectors: ['jobId'],
      exceptionTrigger: ['jobId', 'exceptionPolicyId', 'ruleId'],
      activateScheduledJob: ['jobId'],
    };
    const routerId = anyId.filter((id) => !id.includes(':'));
    const keyOf = (kind: TimerKind) => fc.record(Object.fromEntries(keyFields[kind].map((field) => [field, routerId])));
    fc.assert(
      fc.property(
        fc.constantFrom(...kinds).chain((kind) => fc.tuple(fc.constant(kind), keyOf(kind), keyOf(kind))),
        ([kind, x, y]) => {
          fc.pre(JSON.stringify(x) !== JSON.stringify(y));
          expect(timerId(kind, x as never)).not.toBe(timerId(kind, y as never));
        },
      ),
      { seed: 29, numRuns: 500 },
    );
    // Every kind makes ids of its own: no two kinds share an id for the same ids.
    const same = { offerId: 'x', jobId: 'x', assignmentId: 'x', workerId: 'x', exceptionPolicyId: 'x', ruleId: 'x' };
    expect(new Set(kinds.map((kind) => timerId(kind, same as never))).size).toBe(kinds.length);
  });

  it('refuses a stored timer that lacks a field of its kind, or holds an empty one, naming the field', () => {
    fc.assert(
      fc.property(anyTimer, fc.nat(), fc.boolean(), ([kind, payload, due], pick, empty) => {
        const fields = fieldsOf(kind);
        const field = fields[pick % fields.length]!;
        const damaged: Record<string, string> = { ...payload };
        if (empty) damaged[field] = '';
        else delete damaged[field];
        const stored: StoredTimer = { id: 'x', kind, dueAt: due.toISOString(), payload: damaged };
        expect(() => parseTimer(stored)).toThrow(UnfireableTimerError);
        expect(() => parseTimer(stored)).toThrow(new RegExp(`does not fit kind ${kind} \\(.*${field}: `));
      }),
      { seed: 30, numRuns: 300 },
    );
  });

  it('refuses a kind it does not know, and names it', () => {
    for (const kind of ['mystery', 'toString', '__proto__', '']) {
      expect(() => parseTimer({ id: 't', kind, dueAt: '2026-01-05T09:00:00.000Z', payload: {} })).toThrow(`timer t is of kind ${JSON.stringify(kind)}, which this version of the router does not know`);
    }
  });

  it('keeps a due time within the representable years', () => {
    expect(timerFor('classifyJob', { jobId: 'j' }, Number.NaN).dueAt).toBe('9999-12-31T23:59:59.999Z');
    expect(timerFor('classifyJob', { jobId: 'j' }, '2026-01-05T09:00:00Z').dueAt).toBe('2026-01-05T09:00:00.000Z');
  });

  it('builds timers only from payloads that fit their kind', () => {
    // Never called: the compiler is what refuses these.
    const refused = () => [
      // @ts-expect-error an offer expiry needs the offer, job and worker ids
      timerFor('offerExpiry', { jobId: 'j' }, 0),
      // @ts-expect-error there is no such kind
      timerFor('mystery', { jobId: 'j' }, 0),
      // @ts-expect-error ids are strings
      timerId('classifyJob', { jobId: 1 }),
    ];
    expect(typeof refused).toBe('function');
    expect(timerId('settleAssignment', { jobId: 'j', assignmentId: 'a' })).toBe('settle:j:a');
  });
});

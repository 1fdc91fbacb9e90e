import fc from 'fast-check';
import { draftOf } from '../../../shared/app/outbox';

const outbox = fc.record({ pending: fc.array(fc.record({ position: fc.string(), event: fc.record({ id: fc.string(), time: fc.string(), data: fc.jsonValue() }) }), { maxLength: 3 }) });
const body = fc.tuple(fc.dictionary(fc.string(), fc.jsonValue(), { maxKeys: 8 }), fc.option(outbox)).map(([members, box]) => {
  const text = JSON.stringify(box === null ? members : { ...members, _outbox: box });
  // Parsed, as a stored body is read: a `__proto__` member is then an own member.
  return JSON.parse(text) as Record<string, unknown>;
});

describe('draftOf', () => {
  it('is a deep copy of a body without its outbox, sharing nothing with it', () => {
    fc.assert(
      fc.property(body, (stored) => {
        const before = JSON.stringify(stored);
        const draft = draftOf(Object.freeze(stored));
        const expected = JSON.parse(before) as Record<string, unknown>;
        delete expected['_outbox'];
        expect(draft).toStrictEqual(expected);
        expect(Object.getPrototypeOf(draft)).toBe(Object.prototype);
        for (const key of Object.keys(draft)) {
          const member = draft[key];
          if (member && typeof member === 'object') expect(member).not.toBe(stored[key]);
        }
        expect(JSON.stringify(stored)).toBe(before);
      }),
      { numRuns: 300 },
    );
  });
});

import fc from 'fast-check';
import { sortableDueTime } from '../../../shared/domain/dueTime';
import { parseInstant, toSortableTime, toWireTime } from '../../../shared/domain/wireTime';

/** The forms as first written, with `toISOString` and regular expressions: the faster ones must answer the same. */
const reference = {
  parseInstant: (value: string) => Date.parse(value.replace(/(\.\d{3})\d+/, '$1')),
  toWireTime(instant: Date | string): string {
    const date = typeof instant === 'string' ? new Date(reference.parseInstant(instant)) : instant;
    const [whole, fraction = ''] = date.toISOString().slice(0, -1).split('.');
    const keep = (): string => {
      if (typeof instant !== 'string') return fraction;
      const match = /\.(\d+)(?:Z|[+-]\d{2}:\d{2})$/i.exec(instant);
      if (!match?.[1] || !/(?:Z|[+-]00:00)$/i.test(instant)) return fraction;
      return match[1].slice(0, 7);
    };
    const trimmed = (fraction.length ? keep() : '').replace(/0+$/, '');
    return `${whole}${trimmed ? `.${trimmed}` : ''}+00:00`;
  },
};

const FIRST_MS = Date.parse('0001-01-01T00:00:00.000Z');
const LAST_MS = Date.parse('9999-12-31T23:59:59.999Z');
const clamp = (ms: number) => (Number.isNaN(ms) || ms > LAST_MS ? LAST_MS : Math.max(ms, FIRST_MS));
const instantMs = fc.integer({ min: FIRST_MS, max: LAST_MS });
const digits = (min: number, max: number) => fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: min, maxLength: max });

/** RFC 3339 texts as clients send them: 0–9 fractional digits, `Z` or an offset, either case. */
const rfc3339 = fc
  .tuple(instantMs, fc.option(digits(1, 9)), fc.constantFrom('Z', 'z', '+00:00', '-00:00', '+05:30', '-08:00'))
  .map(([ms, fraction, zone]) => `${new Date(ms).toISOString().slice(0, 19)}${fraction === null ? '' : `.${fraction}`}${zone}`);

/** Texts that are almost, or not at all, instants: extra dots, letters among the digits, nothing. */
const odd = fc.oneof(
  fc.string(),
  fc.tuple(rfc3339, fc.nat(), fc.constantFrom('.', '..', 'x', '.1234', '')).map(([text, at, insert]) => text.slice(0, at % (text.length + 1)) + insert + text.slice(at % (text.length + 1))),
);

describe('wire times', () => {
  it('parseInstant reads every RFC 3339 text, and every odd one, as the regular-expression form did', () => {
    fc.assert(
      fc.property(fc.oneof(rfc3339, odd), (text) => {
        expect(parseInstant(text)).toBe(reference.parseInstant(text));
      }),
      { numRuns: 5_000 },
    );
  });

  it('toWireTime writes a Date and an RFC 3339 text as the toISOString form did', () => {
    fc.assert(
      fc.property(fc.oneof(instantMs.map((ms) => new Date(ms)), rfc3339), (instant) => {
        expect(toWireTime(instant)).toBe(reference.toWireTime(instant));
      }),
      { numRuns: 5_000 },
    );
    for (const instant of ['2023-11-15T00:05:12.7032354+00:00', '2100-01-01T01:01:01Z', '2024-01-01T00:00:00.100Z', new Date('2024-01-01T00:00:00.120Z')]) {
      expect(toWireTime(instant)).toBe(reference.toWireTime(instant));
    }
    expect(toWireTime('2023-11-15T00:05:12.7032354+00:00')).toBe('2023-11-15T00:05:12.7032354+00:00');
    expect(toWireTime(new Date('2024-01-01T00:00:00.120Z'))).toBe('2024-01-01T00:00:00.12+00:00');
    expect(() => toWireTime(new Date(Number.NaN))).toThrow(RangeError);
  });

  it('answers right when the same instants come again in any order (the last answer is kept)', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.constantFrom(0, 1, 120, 1_000), instantMs), { minLength: 1, maxLength: 12 }), (times) => {
        for (const ms of times) {
          expect(toWireTime(new Date(ms))).toBe(reference.toWireTime(new Date(ms)));
          expect(sortableDueTime(ms)).toBe(new Date(ms).toISOString());
          expect(toWireTime(new Date(ms).toISOString())).toBe(reference.toWireTime(new Date(ms).toISOString()));
          expect(toSortableTime(reference.toWireTime(new Date(ms)))).toBe(new Date(ms).toISOString());
        }
        for (const text of ['', 'x', '', '2026-01-01T00:00:00+00:00']) expect(toSortableTime(text)).toBe(new Date(clamp(reference.parseInstant(text))).toISOString());
      }),
      { numRuns: 500 },
    );
  });

  it('sortable forms are the 24-character toISOString of the instant brought into range', () => {
    fc.assert(
      fc.property(fc.oneof(fc.double({ noNaN: false }), instantMs), (ms) => {
        expect(sortableDueTime(ms)).toBe(new Date(clamp(ms)).toISOString());
        // A Date past ±8.64e15 ms is invalid: its NaN time becomes the latest instant.
        expect(sortableDueTime(new Date(ms))).toBe(new Date(clamp(new Date(ms).getTime())).toISOString());
      }),
      { numRuns: 5_000 },
    );
    fc.assert(
      fc.property(rfc3339, (text) => {
        expect(toSortableTime(text)).toBe(new Date(clamp(reference.parseInstant(text))).toISOString());
      }),
      { numRuns: 2_000 },
    );
  });
});

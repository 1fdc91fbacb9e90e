import fc from 'fast-check';
import { isoString } from '../../../shared/domain/isoString';

const FIRST_MS = Date.parse('0001-01-01T00:00:00.000Z');
const LAST_MS = Date.parse('9999-12-31T23:59:59.999Z');

describe('isoString', () => {
  it('writes what toISOString writes for every instant of the four-digit years', () => {
    fc.assert(
      fc.property(fc.integer({ min: FIRST_MS, max: LAST_MS }), (ms) => {
        expect(isoString(ms)).toBe(new Date(ms).toISOString());
      }),
      { numRuns: 20_000 },
    );
  });

  it('drops a fraction of a millisecond as a Date does', () => {
    fc.assert(
      fc.property(fc.double({ min: FIRST_MS, max: LAST_MS, noNaN: true }), (ms) => {
        expect(isoString(ms)).toBe(new Date(ms).toISOString());
      }),
      { numRuns: 5_000 },
    );
    for (const ms of [1.5, -1.5, -0.5, FIRST_MS + 0.25, LAST_MS - 0.25]) expect(isoString(ms)).toBe(new Date(ms).toISOString());
  });

  it('is right at the edges: range ends, leap days, century years, the epoch and year ends', () => {
    const edges = [
      FIRST_MS, LAST_MS, 0, -1, 1,
      Date.parse('2000-02-29T23:59:59.999Z'), Date.parse('1900-02-28T23:59:59.999Z'), Date.parse('1900-03-01T00:00:00.000Z'),
      Date.parse('2024-02-29T12:00:00.010Z'), Date.parse('2100-03-01T00:00:00.100Z'), Date.parse('0004-02-29T00:00:00.000Z'),
      Date.parse('0999-12-31T23:59:59.999Z'), Date.parse('1000-01-01T00:00:00.000Z'), Date.parse('0099-12-31T23:59:59.999Z'),
    ];
    for (const ms of edges) for (const near of [ms - 1, ms, ms + 1]) if (near >= FIRST_MS && near <= LAST_MS) expect(isoString(near)).toBe(new Date(near).toISOString());
  });

  it('leaves instants outside them to toISOString: six-digit years, and a RangeError for NaN', () => {
    fc.assert(
      fc.property(fc.oneof(fc.integer({ min: -8.64e15, max: FIRST_MS - 1 }), fc.integer({ min: LAST_MS + 1, max: 8.64e15 })), (ms) => {
        expect(isoString(ms)).toBe(new Date(ms).toISOString());
      }),
    );
    expect(() => isoString(Number.NaN)).toThrow(RangeError);
    expect(() => isoString(8.64e15 + 1)).toThrow(RangeError);
  });
});

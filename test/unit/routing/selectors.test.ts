import type { LabelOperator, LabelValue, Labels } from '../../../shared/domain/model';
import { activeSelectors, selectorMatches } from '../../../shared/domain/routing/selectors';
import { at, selector, T0 } from './helpers';

const ALL_OPERATORS: LabelOperator[] = ['equal', 'notEqual', 'lessThan', 'lessThanOrEqual', 'greaterThan', 'greaterThanOrEqual'];
const ORDERING: LabelOperator[] = ['lessThan', 'lessThanOrEqual', 'greaterThan', 'greaterThanOrEqual'];

const matches = (label: LabelValue, op: LabelOperator, value: LabelValue) => selectorMatches({ key: 'k', labelOperator: op, value }, { k: label });

describe('selectorMatches', () => {
  describe.each<[string, LabelValue, LabelValue]>([
    ['string', 'english', 'french'],
    ['number', 5, 7],
    ['boolean', true, false],
  ])('equal / notEqual on %s values', (_type, a, b) => {
    it('equal matches the same value only', () => {
      expect(matches(a, 'equal', a)).toBe(true);
      expect(matches(b, 'equal', b)).toBe(true);
      expect(matches(a, 'equal', b)).toBe(false);
      expect(matches(b, 'equal', a)).toBe(false);
    });

    it('notEqual matches a different value only', () => {
      expect(matches(a, 'notEqual', b)).toBe(true);
      expect(matches(b, 'notEqual', a)).toBe(true);
      expect(matches(a, 'notEqual', a)).toBe(false);
      expect(matches(b, 'notEqual', b)).toBe(false);
    });
  });

  it.each<[LabelOperator, number, boolean]>([
    ['lessThan', 4, true],
    ['lessThan', 5, false],
    ['lessThan', 6, false],
    ['lessThanOrEqual', 4, true],
    ['lessThanOrEqual', 5, true],
    ['lessThanOrEqual', 6, false],
    ['greaterThan', 4, false],
    ['greaterThan', 5, false],
    ['greaterThan', 6, true],
    ['greaterThanOrEqual', 4, false],
    ['greaterThanOrEqual', 5, true],
    ['greaterThanOrEqual', 6, true],
  ])('numbers: %s 5 with label %d → %s', (op, label, expected) => {
    expect(matches(label, op, 5)).toBe(expected);
  });

  it('compares numbers numerically, including negatives and fractions', () => {
    expect(matches(10, 'greaterThan', 9)).toBe(true); // "10" < "9" as strings
    expect(matches(-3, 'lessThan', -2)).toBe(true);
    expect(matches(2.5, 'greaterThanOrEqual', 2.49)).toBe(true);
    expect(matches(2.5, 'lessThanOrEqual', 2.49)).toBe(false);
  });

  it.each<[LabelOperator, string, boolean]>([
    ['lessThan', 'apple', true],
    ['lessThan', 'banana', false],
    ['lessThan', 'cherry', false],
    ['lessThanOrEqual', 'banana', true],
    ['lessThanOrEqual', 'cherry', false],
    ['greaterThan', 'cherry', true],
    ['greaterThan', 'banana', false],
    ['greaterThanOrEqual', 'banana', true],
    ['greaterThanOrEqual', 'apple', false],
  ])('strings: %s "banana" with label "%s" → %s', (op, label, expected) => {
    expect(matches(label, op, 'banana')).toBe(expected);
  });

  it('orders strings by code unit, not numerically and not by locale', () => {
    expect(matches('10', 'lessThan', '9')).toBe(true);
    expect(matches('Zebra', 'lessThan', 'apple')).toBe(true); // 'Z' (0x5A) < 'a' (0x61)
    expect(matches('b', 'greaterThan', 'ab')).toBe(true);
  });

  describe('booleans never match an ordering operator', () => {
    const pairs: Array<[boolean, boolean]> = [
      [true, true],
      [false, false],
      [true, false],
      [false, true],
    ];
    it.each(ORDERING)('%s', (op) => {
      for (const [label, value] of pairs) expect(matches(label, op, value)).toBe(false);
    });
  });

  describe('values of different types never compare', () => {
    it('equal: 5 is not "5", true is not 1 or "true"', () => {
      expect(matches(5, 'equal', '5')).toBe(false);
      expect(matches('5', 'equal', 5)).toBe(false);
      expect(matches(true, 'equal', 1)).toBe(false);
      expect(matches(true, 'equal', 'true')).toBe(false);
      expect(matches(0, 'equal', false)).toBe(false);
    });

    it('notEqual compares value and type, so 5 and "5" are different values', () => {
      // Documented in selectors.ts: "equal/notEqual compare value and type (5 ≠ "5")".
      expect(matches(5, 'notEqual', '5')).toBe(true);
      expect(matches('5', 'notEqual', 5)).toBe(true);
    });

    it.each(ORDERING)('%s never matches number against string or boolean (JS coercion would)', (op) => {
      for (const [label, value] of [
        [5, '5'],
        ['5', 5],
        [5, '4'],
        [5, '6'],
        [1, true],
        [true, 1],
        [0, false],
        ['b', true],
      ] as Array<[LabelValue, LabelValue]>) {
        expect(matches(label, op, value)).toBe(false);
      }
    });
  });

  describe('a missing label never matches', () => {
    it.each(ALL_OPERATORS)('%s (with a value)', (op) => {
      expect(selectorMatches({ key: 'skill', labelOperator: op, value: 5 }, { other: 5 })).toBe(false);
      expect(selectorMatches({ key: 'skill', labelOperator: op, value: 'x' }, {})).toBe(false);
    });

    it.each(ALL_OPERATORS)('%s (without a value)', (op) => {
      expect(selectorMatches({ key: 'skill', labelOperator: op }, { other: 'x' })).toBe(false);
    });

    it('inherited object members are not labels', () => {
      const labels: Labels = {};
      expect(selectorMatches({ key: 'constructor', labelOperator: 'notEqual', value: 'x' }, labels)).toBe(false);
      expect(selectorMatches({ key: 'toString', labelOperator: 'equal' }, labels)).toBe(false);
      expect(selectorMatches({ key: '__proto__', labelOperator: 'notEqual', value: 1 }, labels)).toBe(false);
    });
  });

  describe('a selector without a value', () => {
    it('equal asks only that the label exists, whatever its value (falsy ones included)', () => {
      for (const value of ['x', '', 0, 5, false, true]) {
        expect(selectorMatches({ key: 'k', labelOperator: 'equal' }, { k: value })).toBe(true);
      }
    });

    it.each(ALL_OPERATORS.filter((op) => op !== 'equal'))('%s never matches, even when the label exists', (op) => {
      for (const value of ['x', 0, 5, true, false]) {
        expect(selectorMatches({ key: 'k', labelOperator: op }, { k: value })).toBe(false);
      }
    });

    it('treats an explicit undefined value like an absent one', () => {
      expect(selectorMatches({ key: 'k', labelOperator: 'equal', value: undefined }, { k: 1 })).toBe(true);
      expect(selectorMatches({ key: 'k', labelOperator: 'notEqual', value: undefined }, { k: 1 })).toBe(false);
    });
  });

  it('reads only the selector key among several labels', () => {
    const labels: Labels = { language: 'english', level: 3, senior: true };
    expect(selectorMatches({ key: 'level', labelOperator: 'greaterThanOrEqual', value: 3 }, labels)).toBe(true);
    expect(selectorMatches({ key: 'level', labelOperator: 'greaterThan', value: 3 }, labels)).toBe(false);
    expect(selectorMatches({ key: 'senior', labelOperator: 'equal', value: true }, labels)).toBe(true);
    expect(selectorMatches({ key: 'language', labelOperator: 'notEqual', value: 'english' }, labels)).toBe(false);
  });
});

describe('activeSelectors', () => {
  const now = at(10_000); // 2024-01-01T00:00:10Z

  it('keeps active selectors without an expiry', () => {
    const s = [selector('a', 'equal', 1), selector('b', 'notEqual', 'x')];
    expect(activeSelectors(s, now)).toEqual(s);
  });

  it('drops selectors marked expired, even when expiresAt is still ahead', () => {
    const expired = selector('a', 'equal', 1, { status: 'expired', expiresAt: '2024-01-01T01:00:00+00:00' });
    const expiredNoTime = selector('b', 'equal', 1, { status: 'expired' });
    const kept = selector('c', 'equal', 1);
    expect(activeSelectors([expired, expiredNoTime, kept], now)).toEqual([kept]);
  });

  it('drops a selector whose expiresAt is now or earlier, keeps one that expires later', () => {
    const past = selector('past', 'equal', 1, { expiresAt: '2024-01-01T00:00:09.999+00:00' });
    const exactlyNow = selector('now', 'equal', 1, { expiresAt: '2024-01-01T00:00:10+00:00' });
    const soon = selector('soon', 'equal', 1, { expiresAt: '2024-01-01T00:00:10.001+00:00' });
    expect(activeSelectors([past, exactlyNow, soon], now).map((s) => s.key)).toEqual(['soon']);
  });

  it('reads the wire time format with 7 fractional digits and any spelling of UTC', () => {
    const wire = selector('wire', 'equal', 1, { expiresAt: '2024-01-01T00:00:10.5000001+00:00' });
    const zulu = selector('zulu', 'equal', 1, { expiresAt: '2024-01-01T00:00:10.5Z' });
    expect(activeSelectors([wire, zulu], at(10_499)).map((s) => s.key)).toEqual(['wire', 'zulu']);
    expect(activeSelectors([wire, zulu], at(10_500))).toEqual([]);
  });

  it('keeps the input order and does not modify the input', () => {
    const input = [selector('a', 'equal', 1), selector('b', 'equal', 1, { status: 'expired' }), selector('c', 'equal', 1)];
    const copy = structuredClone(input);
    expect(activeSelectors(input, T0).map((s) => s.key)).toEqual(['a', 'c']);
    expect(input).toEqual(copy);
  });
});

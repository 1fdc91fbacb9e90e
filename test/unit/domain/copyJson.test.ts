import fc from 'fast-check';
import { copyJson } from '../../../shared/domain/copyJson';
import { idKeyed } from '../../../shared/domain/idKeyed';

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    Object.freeze(value);
    for (const member of Object.values(value)) deepFreeze(member);
  }
  return value;
}

describe('copyJson', () => {
  it('equals a JSON round trip for every JSON value, also one read frozen', () => {
    fc.assert(
      fc.property(fc.json(), (text) => {
        // A fresh parse of the same text is the round trip: it keeps -0 (`-0` parses to -0) as a body read from JSON would.
        const expected: unknown = JSON.parse(text);
        expect(copyJson(JSON.parse(text))).toStrictEqual(expected);
        expect(copyJson(deepFreeze(JSON.parse(text)))).toStrictEqual(expected);
      }),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const copy = copyJson(value);
        expect(JSON.stringify(copy)).toBe(JSON.stringify(value));
        // The round trip writes -0 as 0; apart from that sign the two are the same value.
        expect(withoutNegativeZero(copy)).toStrictEqual(JSON.parse(JSON.stringify(value)));
        // What it replaces on the write path: the same copy, -0 included.
        expect(copy).toStrictEqual(structuredClone(value));
      }),
      { numRuns: 500 },
    );
  });

  it('shares no object or array with its source: changing the copy leaves the source as it was', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const before = JSON.stringify(value);
        const copy = copyJson(value);
        scribble(copy);
        expect(JSON.stringify(value)).toBe(before);
      }),
      { numRuns: 500 },
    );
  });

  it('copies an object without a prototype (an id-keyed member) as one, and shares what is not JSON data', () => {
    const assignments = idKeyed<{ workerId: string }>();
    assignments['a-1'] = { workerId: 'w1' };
    const date = new Date(0);
    const body = { assignments, at: date, list: [assignments] };
    const copy = copyJson(body);
    expect(Object.getPrototypeOf(copy.assignments)).toBeNull();
    expect(Object.getPrototypeOf(copy.list[0])).toBeNull();
    expect(copy.assignments).not.toBe(assignments);
    expect(copy.assignments['a-1']).not.toBe(assignments['a-1']);
    expect(JSON.stringify(copy)).toBe(JSON.stringify(body));
    expect(copy.at).toBe(date);
  });

  it('copies a parsed `__proto__` member as a member, never as the prototype', () => {
    const parsed = JSON.parse('{"labels":{"__proto__":{"polluted":true},"a":1}}') as { labels: Record<string, unknown> };
    const copy = copyJson(parsed);
    expect(Object.getPrototypeOf(copy.labels)).toBe(Object.prototype);
    expect(Object.keys(copy.labels)).toEqual(['__proto__', 'a']);
    expect(JSON.stringify(copy)).toBe(JSON.stringify(parsed));
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });
});

/** Changes every object and array reachable from `value` in place. */
function scribble(value: unknown): void {
  if (Array.isArray(value)) {
    for (const item of value) scribble(item);
    value.push('changed');
  } else if (value && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    for (const key of Object.keys(record)) scribble(record[key]);
    record['changed'] = true;
  }
}

/** `value` with every -0 made 0, as JSON.stringify writes it (walked by hand, so the check is not a round trip itself). */
function withoutNegativeZero(value: unknown): unknown {
  if (Object.is(value, -0)) return 0;
  if (Array.isArray(value)) return value.map(withoutNegativeZero);
  if (value && typeof value === 'object') {
    const result: Record<string, unknown> = {};
    for (const [key, member] of Object.entries(value)) Object.defineProperty(result, key, { value: withoutNegativeZero(member), enumerable: true, writable: true, configurable: true });
    return result;
  }
  return value;
}

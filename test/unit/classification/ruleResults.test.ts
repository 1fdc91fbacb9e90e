import { readCondition, readPriority, readQueueSelectors, readWorkerSelectors } from '../../../shared/domain/classification/ruleResults';

describe('condition results (docs/behaviour.md#rule-results: Boolean coercion)', () => {
  it.each([
    [true, true],
    [false, false],
    [null, false],
    [1, true],
    [0, false],
    ['true', true],
    ['FALSE', false],
  ])('%j reads as %j', (value, expected) => {
    expect(readCondition(value)).toEqual({ ok: true, value: expected });
  });

  it.each([['yes'], [{ a: 1 }], [[true]]])('%j is not a condition', (value) => {
    const reading = readCondition(value);
    expect(reading.ok).toBe(false);
    expect(reading).toMatchObject({ reason: expect.stringContaining('not true or false') });
  });
});

describe('priority results', () => {
  it('Blank keeps the job priority', () => {
    expect(readPriority(null)).toEqual({ ok: true, value: undefined });
  });

  it.each([
    [10, 10],
    [-100, -100],
    [100, 100],
    [2.5, 3],
    [-2.5, -3],
    [true, 1],
    ['7', 7],
    [' 7 ', 7],
    ['1e1', 10],
    ['$5', 5],
  ])('%j gives priority %j', (value, expected) => {
    expect(readPriority(value)).toEqual({ ok: true, value: expected });
  });

  it.each([[101], [-100.6], [1e9]])('%j is out of range: a failure, not clamped', (value) => {
    expect(readPriority(value)).toEqual({ ok: false, reason: expect.stringContaining('between -100 and 100') });
  });

  it.each([['high'], [''], ['   '], [{}], ['0x10'], ['0b11'], ['Infinity'], ['NaN']])('%j is not a number', (value) => {
    expect(readPriority(value)).toEqual({ ok: false, reason: expect.stringContaining('not a number') });
  });
});

describe('selector results of ruleEngine attachments', () => {
  it('takes a list of selectors', () => {
    const value = [{ key: 'Skill', labelOperator: 'greaterThan', value: 5, expiresAfterSeconds: 30 }];
    expect(readWorkerSelectors(value)).toEqual({ ok: true, value });
  });

  it('takes one selector as a list of one', () => {
    expect(readQueueSelectors({ key: 'Region', labelOperator: 'equal', value: 'NA' })).toEqual({ ok: true, value: [{ key: 'Region', labelOperator: 'equal', value: 'NA' }] });
  });

  it('reads a map of labels (directMap) as equal selectors', () => {
    expect(readWorkerSelectors({ Language: 'fr', Level: 3 })).toEqual({
      ok: true,
      value: [
        { key: 'Language', labelOperator: 'equal', value: 'fr' },
        { key: 'Level', labelOperator: 'equal', value: 3 },
      ],
    });
  });

  it('Blank attaches nothing', () => {
    expect(readWorkerSelectors(null)).toEqual({ ok: true, value: [] });
  });

  it('refuses what is not a selector, naming the index', () => {
    expect(readWorkerSelectors([{ key: 'a', labelOperator: 'equal' }, { key: 'b', labelOperator: 'sortOf' }])).toEqual({ ok: false, reason: expect.stringContaining('at index 1') });
    expect(readQueueSelectors(42)).toEqual({ ok: false, reason: expect.stringContaining('not a queue selector') });
    expect(readWorkerSelectors({ a: { nested: true } })).toEqual({ ok: false, reason: expect.stringContaining('map of labels') });
  });

  it('refuses a selector spelled in PascalCase rather than reading it as three labels', () => {
    expect(readWorkerSelectors({ Key: 'Level', LabelOperator: 'greaterThan', Value: 2 })).toEqual({
      ok: false,
      reason: 'the rule returned {"Key":"Level","LabelOperator":"greaterThan","Value":2}; a worker selector is written {key, labelOperator, value} in camelCase, and a map of labels cannot have both Key and LabelOperator',
    });
    expect(readQueueSelectors({ Key: 'NA', Value: 1 })).toEqual({ ok: true, value: [{ key: 'Key', labelOperator: 'equal', value: 'NA' }, { key: 'Value', labelOperator: 'equal', value: 1 }] });
  });
});

import fc from 'fast-check';

/**
 * Values a client can put anywhere in a body, query or path: every JSON type, edge numbers, dates
 * that are almost right, texts that trip parsers and prototype lookups. Numbers stay within ±1e6 and
 * dates within what every bound allows: values beyond the bounds other parts of the code enforce are
 * in boundShapes.ts, so that a missing bound shows as its own named case.
 */
export const hostileNumber = fc.oneof(
  fc.integer({ min: -1_000_000, max: 1_000_000 }),
  fc.double({ min: -1_000_000, max: 1_000_000, noNaN: true }),
  fc.constantFrom(0, -0, 1, -1, 0.5, 1e-300, 2147483647, -2147483648, 999_999.999_999),
);

export const hostileText = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.constantFrom(
    '',
    ' ',
    'constructor',
    'toString',
    'hasOwnProperty',
    'valueOf',
    '0001-01-01T00:00:00Z',
    '0001-01-01T00:00:00.0000000Z',
    '9999-12-31T23:59:59Z',
    '2024-02-30T00:00:00Z',
    '2024-01-01T00:00:00',
    '2024-01-01T24:00:00Z',
    '2024-01-01T00:00:00+25:00',
    'not a date',
    'NaN',
    'Infinity',
    '-0',
    '1e3',
    '0x10',
    '\u0000',
    '\ud800',
    '\u202e',
    '%00',
    '%',
    '../..',
    'a:b',
    'a/b',
    '=1+1',
    'Upper("a")',
    'If(true, 1, 2)',
    '"',
    '\\',
    '${x}',
    '<script>',
    'a'.repeat(2000),
  ),
);

export const hostileScalar = fc.oneof(fc.constant(null), fc.boolean(), hostileNumber, hostileText);

/** Any JSON value, shallow (deep nesting is a bound: boundShapes.ts). */
export const hostileJson: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    hostileScalar,
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(hostileText, tie('value'), { maxKeys: 4 }),
  ),
})).value;

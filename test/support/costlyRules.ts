/**
 * Power Fx rules built to be as slow as the bounds allow: each fits every limit checked when a policy is
 * saved (2000 characters, 500-character literals, 64 levels) and makes one evaluation do as much work as
 * it can, each through a different kind of text work. Tests use them to check that evaluation stops at its
 * budget; `npm run bench` (BENCH_ONLY=rules) times them and runs the slowest under load.
 */

/** `seed` grown by `times` nested Substitutes that replace each "a" with `replacement`. */
function grown(seed: string, times: number, replacement: string): string {
  let text = JSON.stringify(seed);
  for (let i = 0; i < times; i++) text = `Substitute(${text}, "a", ${JSON.stringify(replacement)})`;
  return text;
}

/** About 44,000 characters, half of them ß (whose upper case is longer, so it is a special case). */
const MIXED_TEXT = grown('ßaßaßaßaßa', 4, 'aßaßaßaßaßaßaßaß');
/** 65,610 × "a". */
const PLAIN_TEXT = grown('aaaaaaaaaa', 4, 'aaaaaaaaa');

const repeated = (count: number, part: string, joiner: string) => Array.from({ length: count }, () => part).join(joiner);

/** The shape of the rule that once held the event loop for 22.7 s: 57 nested Upper/Lower around a large text. */
export function caseChainRule(): string {
  let source = MIXED_TEXT;
  for (let i = 0; i < 57; i++) source = `${i % 2 === 0 ? 'Upper' : 'Lower'}(${source})`;
  return `${source} = "x"`;
}

export const COSTLY_RULES: Readonly<Record<string, string>> = {
  'nested Upper/Lower': caseChainRule(),
  'number reading over spaces': repeated(6, `IsNumeric("-" & Substitute(${PLAIN_TEXT}, "a", " ") & "x")`, ' || '),
  'Substitute of every character': repeated(6, `Len(Substitute(${PLAIN_TEXT}, "a", "b"))`, ' + '),
  'Trim of many runs': repeated(6, `Len(Trim(Substitute(${PLAIN_TEXT}, "aa", " a")))`, ' + '),
  'case-blind search (in)': repeated(6, `("ab" & ${PLAIN_TEXT} & "b") in (${PLAIN_TEXT} & "ab")`, ' || '),
  'StartsWith of long texts': repeated(5, `StartsWith(${MIXED_TEXT}, ${MIXED_TEXT} & "x")`, ' || '),
  'a thousand nodes': repeated(480, '1', ' + '),
};

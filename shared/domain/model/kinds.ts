import { z } from 'zod';
import { withoutNulls, type RefinementContext } from './primitives';
import { describeValue, isPlainObject } from './validation';

/** One member of a `kind`-discriminated union: a plain object schema whose `kind` is a single literal. */
type KindOption = z.ZodObject<{ kind: z.ZodLiteral<string> } & z.core.$ZodLooseShape>;
type KindOf<O extends readonly KindOption[]> = z.output<O[number]['shape']['kind']>;

function kebabToCamel(s: string): string {
  return s.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/**
 * The GA spelling of `kind`, or undefined. Services and SDKs of early November 2023 sent the preview kebab-case
 * spellings (`longest-idle`, `schedule-and-suspend`) on the same api-version and the service accepted them, so any
 * kebab-case spelling of a GA kind is accepted, plus the preview names that do not map mechanically.
 */
export function normaliseKind(kind: string, kinds: readonly string[], aliases: Readonly<Record<string, string>> = {}): string | undefined {
  if (kinds.includes(kind)) return kind;
  // hasOwn: a kind such as "constructor" must not find Object.prototype members.
  if (Object.hasOwn(aliases, kind)) return aliases[kind];
  if (/^[a-z0-9]+(?:-[a-z0-9]+)+$/.test(kind) && kinds.includes(kebabToCamel(kind))) return kebabToCamel(kind);
  return undefined;
}

/**
 * A union discriminated by `kind` (`what` names it in messages: "distribution mode"). The validated value always
 * carries the GA camelCase kind. Kind problems are reported here, before the union runs, because zod's own
 * message for them ("Invalid discriminator value") does not say what would have been accepted.
 */
export function kindUnion<const O extends readonly [KindOption, ...KindOption[]]>(
  what: string,
  options: O,
  aliases: Readonly<Record<string, KindOf<O>>> = {},
) {
  const kinds = options.map((option) => option.shape.kind.value);
  const expected = `expected one of ${kinds.join(', ')}`;
  const normalise = (value: unknown, ctx: RefinementContext): unknown => {
    if (!isPlainObject(value)) return value; // the union reports the wrong type
    const { kind } = value;
    if (kind === undefined || kind === null) {
      ctx.addIssue({ code: 'custom', path: ['kind'], message: `kind is required; ${expected}`, input: kind });
      return value;
    }
    if (typeof kind !== 'string') {
      ctx.addIssue({ code: 'custom', path: ['kind'], message: `${expected}, got ${describeValue(kind)}`, input: kind });
      return value;
    }
    const camel = normaliseKind(kind, kinds, aliases);
    if (camel === undefined) {
      ctx.addIssue({ code: 'custom', path: ['kind'], message: `unknown ${what} kind ${describeValue(kind)}; ${expected}`, input: kind });
      return value;
    }
    return { ...withoutNulls(value), kind: camel };
  };
  return z.preprocess(normalise, z.discriminatedUnion('kind', options));
}

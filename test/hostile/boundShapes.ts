import fc from 'fast-check';
import { BODY_TEMPLATES } from './bodyTemplates';
import { paths } from './hostileRequests';

/**
 * Input shapes that only bounds enforced elsewhere keep harmless: far-future durations, numbers
 * beyond what dates and timers represent, deep bodies, many or huge labels, long ids, costly Power Fx,
 * `__proto__` label names. Each shape generates PATCH/POST bodies (or paths) from the templates.
 *
 * ENABLED_BOUND_SHAPES lists the shapes the suite runs (bounds.test.ts). A shape belongs there once
 * its bound is enforced; until then it may fail, or even wedge the router, which is why it is off.
 * Run them all on demand: `HOSTILE_BOUND_SHAPES=all npx jest test/hostile/bounds.test.ts`
 * (or a comma-separated list of names).
 */
export const ENABLED_BOUND_SHAPES: readonly BoundShapeName[] = ['edgeDates', 'longIds', 'farFutureDurations', 'hugeNumbers', 'deepBodies', 'bigLabels', 'prototypeLabels', 'slowPowerFx'];

export interface ShapedRequest {
  method: 'PATCH' | 'POST';
  path: string;
  body: string;
}

type Template = { operationId: string; path: string; method: 'PATCH' | 'POST' };

/** Where each template is sent: ids of the seeded router (hostileRouter.ts) or new ones. */
const TARGETS: readonly Template[] = [
  { operationId: 'UpsertDistributionPolicy', path: '/routing/distributionPolicies/bound-dp', method: 'PATCH' },
  { operationId: 'UpsertQueue', path: '/routing/queues/bound-q', method: 'PATCH' },
  { operationId: 'UpsertExceptionPolicy', path: '/routing/exceptionPolicies/bound-ep', method: 'PATCH' },
  { operationId: 'UpsertClassificationPolicy', path: '/routing/classificationPolicies/bound-cp', method: 'PATCH' },
  { operationId: 'UpsertJob', path: '/routing/jobs/bound-j', method: 'PATCH' },
  { operationId: 'UpsertWorker', path: '/routing/workers/bound-w', method: 'PATCH' },
  { operationId: 'DeclineJobOffer', path: '/routing/workers/w2/offers/none:decline', method: 'POST' },
  { operationId: 'CloseJob', path: '/routing/jobs/j1/assignments/none:close', method: 'POST' },
];

const withApiVersion = (path: string) => `${path}?api-version=2023-11-01`;

/** The template with every node at `pick` (among those `select` accepts) replaced by `value`. */
function replaceAt(template: unknown, select: (node: unknown, key: string | number | undefined) => boolean, pick: number, value: unknown): unknown {
  const copy = structuredClone(template);
  const candidates = paths(copy).filter((path) => {
    const node = path.reduce<unknown>((n, k) => (n as Record<string | number, unknown>)[k], copy);
    return path.length > 0 && select(node, path[path.length - 1]);
  });
  const path = candidates[pick % Math.max(candidates.length, 1)];
  if (!path) return copy;
  const parent = path.slice(0, -1).reduce<unknown>((n, k) => (n as Record<string | number, unknown>)[k], copy) as Record<string | number, unknown>;
  parent[path[path.length - 1] as string | number] = value;
  return copy;
}

function intoTemplates(select: (node: unknown, key: string | number | undefined) => boolean, values: fc.Arbitrary<unknown>): fc.Arbitrary<ShapedRequest[]> {
  const withTarget = TARGETS.filter((t) => paths(BODY_TEMPLATES[t.operationId]).some((p) => p.length > 0));
  return fc.tuple(fc.constantFrom(...withTarget), fc.nat(), values).map(([target, pick, value]) => [
    {
      method: target.method,
      path: withApiVersion(target.path),
      body: JSON.stringify(replaceAt(BODY_TEMPLATES[target.operationId], select, pick, value)),
    },
  ]);
}

const isNumber = (node: unknown) => typeof node === 'number';
const isDuration = (node: unknown, key: string | number | undefined) => typeof node === 'number' && typeof key === 'string' && /Seconds$|^threshold$/.test(key);
const FAR_DURATIONS = fc.constantFrom(3e11, 1e13, 8.64e15, 9007199254740992, 1e20, 1e308);
const isLabels = (_node: unknown, key: string | number | undefined) => key === 'labels' || key === 'tags' || key === 'labelsToUpsert';

/** JSON text nested `depth` levels (arrays and objects in turn), written as text: JSON.stringify itself overflows the stack on it. */
function deepText(depth: number, objectsOnly: boolean): string {
  let open = '';
  let close = '';
  for (let i = 0; i < depth; i++) {
    const array = !objectsOnly && i % 2 === 0;
    open += array ? '[' : '{"a":';
    close = (array ? ']' : '}') + close;
  }
  return `${open}1${close}`;
}

const DEEP_PLACEHOLDER = 'deep-value-placeholder';

function slowExpression(nesting: number, textLength: number): string {
  let expression = `"${'x'.repeat(textLength)}"`;
  for (let i = 0; i < nesting; i++) expression = `${i % 2 === 0 ? 'Upper' : 'Lower'}(${expression})`;
  return expression;
}

export const BOUND_SHAPES = {
  /** Durations and thresholds whose due date lands after year 9999 or outside Date. */
  farFutureDurations: fc.oneof(
    intoTemplates(isDuration, FAR_DURATIONS),
    // A policy whose attachment expires far away, then a job it classifies: the expiry timer is armed then.
    FAR_DURATIONS.map((seconds) => [
      { method: 'PATCH' as const, path: withApiVersion('/routing/classificationPolicies/bound-far'), body: JSON.stringify({ fallbackQueueId: 'q', workerSelectorAttachments: [{ kind: 'passThrough', key: 'skill', labelOperator: 'equal', expiresAfterSeconds: seconds }] }) },
      { method: 'PATCH' as const, path: withApiVersion('/routing/jobs/bound-far'), body: JSON.stringify({ channelId: 'voice', classificationPolicyId: 'bound-far', labels: { skill: 1 } }) },
    ]),
  ),
  /** Numbers outside every documented range, in any numeric field. */
  hugeNumbers: intoTemplates(isNumber, fc.constantFrom(1e308, -1e308, 5e-324, 2 ** 53 + 2, -(2 ** 53) - 2, 1e21)),
  /** Dates at the edges of what RFC 3339 and Date accept. */
  edgeDates: intoTemplates((node) => typeof node === 'string' && /^\d{4}-\d\d-\d\dT/.test(node), fc.constantFrom('9999-12-31T23:59:59.999Z', '0001-01-01T00:00:01Z', '1969-12-31T23:59:59Z', '0000-01-01T00:00:00Z')),
  /** A body nested thousands of levels deep, whole or as one field. */
  deepBodies: fc.tuple(fc.constantFrom(...TARGETS), fc.constantFrom(500, 5_000, 20_000), fc.boolean(), fc.boolean(), fc.nat()).map(([target, depth, whole, objectsOnly, pick]) => [
    {
      method: target.method,
      path: withApiVersion(target.path),
      body: whole ? deepText(depth, objectsOnly) : JSON.stringify(replaceAt(BODY_TEMPLATES[target.operationId], () => true, pick, DEEP_PLACEHOLDER)).replace(`"${DEEP_PLACEHOLDER}"`, deepText(depth, objectsOnly)),
    },
  ]),
  /** Many labels, long label names and values. */
  bigLabels: intoTemplates(
    isLabels,
    fc.constantFrom(
      Object.fromEntries(Array.from({ length: 5_000 }, (_, i) => [`k${i}`, i])),
      { ['k'.repeat(100_000)]: 1 },
      { k: 'v'.repeat(200_000) },
    ),
  ),
  /** Label names that are JavaScript prototype members (must be kept or refused, never silently dropped). */
  prototypeLabels: intoTemplates(isLabels, fc.constantFrom(JSON.parse('{"__proto__":1}') as unknown, JSON.parse('{"__proto__":{"x":1}}') as unknown, { constructor: 'x', prototype: 1 })),
  /** Ids of many characters in the path. */
  longIds: fc.constantFrom(1_000, 10_000, 60_000).map((length) => [{ method: 'PATCH' as const, path: withApiVersion(`/routing/queues/${'q'.repeat(length)}`), body: JSON.stringify(BODY_TEMPLATES['UpsertQueue']) }]),
  /** Power Fx that costs far more than its length suggests: nested text functions over a long text. */
  slowPowerFx: intoTemplates((node, key) => key === 'expression' && typeof node === 'string', fc.constantFrom(slowExpression(57, 1_000), slowExpression(200, 100), slowExpression(20, 100_000))),
};

export type BoundShapeName = keyof typeof BOUND_SHAPES;

/** The shapes to run: ENABLED_BOUND_SHAPES, or HOSTILE_BOUND_SHAPES (`all` or names, comma-separated). */
export function boundShapesToRun(): BoundShapeName[] {
  const requested = process.env['HOSTILE_BOUND_SHAPES'];
  if (!requested) return [...ENABLED_BOUND_SHAPES];
  const all = Object.keys(BOUND_SHAPES) as BoundShapeName[];
  if (requested === 'all') return all;
  return requested.split(',').map((name) => {
    if (!all.includes(name as BoundShapeName)) throw new Error(`HOSTILE_BOUND_SHAPES: unknown shape ${name}; known: ${all.join(', ')}`);
    return name as BoundShapeName;
  });
}

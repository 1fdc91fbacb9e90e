/**
 * Where cumulative figures are kept: one aggregate per scope and time slot, at three granularities, so
 * a window of any length is read as a handful of days, hours and five-minute slots.
 *
 * - scope: `router`, `queue:<id>`, `channel:<id>` or `worker:<id>`. Ids cannot hold `:` nor control
 *   characters, so the unit separator between the parts of a slot key keeps one scope's range apart
 *   from every other's.
 * - slot: the interval [start, start + granularity); start is a multiple of the granularity since the epoch (UTC).
 */
export type Granularity = '5m' | '1h' | '1d';

export const GRANULARITY_MS: Record<Granularity, number> = { '5m': 5 * 60_000, '1h': 60 * 60_000, '1d': 24 * 60 * 60_000 };
export const GRANULARITIES: readonly Granularity[] = ['5m', '1h', '1d'];

export const SLOT_MS = GRANULARITY_MS['5m'];

export type ScopeKind = 'router' | 'queue' | 'channel' | 'worker';

export const scopeKey = (kind: ScopeKind, id?: string) => (kind === 'router' ? 'router' : `${kind}:${id ?? ''}`);

export const floorTo = (ms: number, step: number) => Math.floor(ms / step) * step;
export const ceilTo = (ms: number, step: number) => Math.ceil(ms / step) * step;

const SEP = '\u001f';

/** The index key that orders one scope's slots of one granularity by start: `<granularity>␟<scope>␟<ISO start>`. */
export const slotKey = (granularity: Granularity, scope: string, startMs: number) => [granularity, scope, new Date(startMs).toISOString()].join(SEP);

export const aggregateId = (granularity: Granularity, scope: string, startMs: number) => `agg:${granularity}:${scope}:${new Date(startMs).toISOString()}`;

export interface SlotRun {
  granularity: Granularity;
  fromMs: number;
  toMs: number;
}

/**
 * [fromMs, toMs) (both multiples of five minutes) as the fewest runs of whole slots: five-minute slots
 * up to the first hour, hours up to the first day, days, then hours and five-minute slots to the end.
 */
export function coveringRuns(fromMs: number, toMs: number): SlotRun[] {
  const runs: SlotRun[] = [];
  let at = fromMs;
  const step = (granularity: Granularity, until: number) => {
    if (until > at) runs.push({ granularity, fromMs: at, toMs: until });
    at = Math.max(at, until);
  };
  const { '1h': hour, '1d': day } = GRANULARITY_MS;
  step('5m', Math.min(toMs, ceilTo(at, hour)));
  step('1h', Math.min(floorTo(toMs, hour), ceilTo(at, day)));
  step('1d', floorTo(toMs, day));
  step('1h', floorTo(toMs, hour));
  step('5m', toMs);
  return runs;
}

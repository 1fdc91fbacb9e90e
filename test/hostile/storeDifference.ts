/**
 * The event relay rewrites its watermark every 30 s of its own accord (it says how far events were
 * recorded, not what any request did), so a refusal that happens to straddle that write is not a change.
 */
const BOOKKEEPING = new Set(['routingState/eventRelay']);

/** Which documents differ between two snapshotStore() texts: `collection/id` (added, removed or changed). */
export function storeDifference(before: string, after: string): string[] {
  const parse = (text: string) => JSON.parse(text) as Record<string, { id: string }[]>;
  const a = parse(before);
  const b = parse(after);
  const out: string[] = [];
  for (const collection of new Set([...Object.keys(a), ...Object.keys(b)])) {
    const left = new Map((a[collection] ?? []).map((doc) => [doc.id, JSON.stringify(doc)]));
    const right = new Map((b[collection] ?? []).map((doc) => [doc.id, JSON.stringify(doc)]));
    for (const id of new Set([...left.keys(), ...right.keys()])) {
      if (BOOKKEEPING.has(`${collection}/${id}`)) continue;
      if (left.get(id) !== right.get(id)) out.push(`${collection}/${id}: ${left.get(id)?.slice(0, 400) ?? '(none)'} → ${right.get(id)?.slice(0, 400) ?? '(none)'}`);
    }
  }
  return out;
}

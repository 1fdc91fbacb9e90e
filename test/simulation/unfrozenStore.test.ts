import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openMemoryStore } from '../../shared/adapters/embedded/MemoryStore';
import type { EngineJob, EngineWorker } from '../../shared/domain/routing/routingState';
import { runScenario, type SimulationRun } from '../../shared/simulation/runScenario';
import { parseScenario } from '../../shared/simulation/scenario';

// The command line runs on a memory store that neither copies nor freezes what it keeps. That is safe
// only while no router code changes a body it shares: every example, frozen (a change would throw), must
// give the very run the unfrozen store gives.
const EXAMPLES = join(__dirname, '../../examples');
const sameRun = ({ wallMilliseconds: _wall, ...run }: SimulationRun) => run;

describe('the unfrozen memory store the command line runs on', () => {
  it.each(readdirSync(EXAMPLES).filter((file) => file.endsWith('.json')))('gives the same run of %s as the frozen store', async (file) => {
    const input = JSON.parse(readFileSync(join(EXAMPLES, file), 'utf8')) as Record<string, unknown>;
    // Two simulated hours: long enough for every kind of act (declines, expiries, wrap-ups, shifts, rules).
    const scenario = parseScenario({ ...input, sweep: undefined, durationSeconds: Math.min(Number(input['durationSeconds']), 7200), warmupSeconds: 0 });
    const frozen = await runScenario(scenario, { freezeStore: true });
    const unfrozen = await runScenario(scenario, { freezeStore: false });
    expect(frozen.jobs.length).toBeGreaterThan(100);
    expect(sameRun(unfrozen)).toEqual(sameRun(frozen));
  });
});

it('keeps the id-keyed members of what it wrote (assignments, holdings) without a prototype through every write', async () => {
  // They are hash tables only while every copy keeps them so (see shared/domain/idKeyed.ts); a copy
  // into `{}` anywhere on the write path would show here as a member with Object.prototype.
  const store = openMemoryStore({ freeze: false });
  const kept = new Proxy(store, { get: (target, property) => (property === 'close' ? () => Promise.resolve() : Reflect.get(target, property, target) as unknown) });
  const input = JSON.parse(readFileSync(join(EXAMPLES, 'minimal.json'), 'utf8')) as Record<string, unknown>;
  await runScenario(parseScenario({ ...input, durationSeconds: 1800, warmupSeconds: 0 }), { store: kept });
  const jobs = (await store.list<EngineJob>('jobs', { pageSize: 10_000 })).items;
  const workers = (await store.list<EngineWorker>('workers', { pageSize: 10_000 })).items;
  expect(jobs.filter((doc) => Object.keys(doc.body.assignments).length > 0).length).toBeGreaterThan(100);
  for (const doc of jobs) expect(Object.getPrototypeOf(doc.body.assignments)).toBeNull();
  for (const doc of workers) expect(Object.getPrototypeOf(doc.body._routing?.holdings)).toBeNull();
  await store.close();
});

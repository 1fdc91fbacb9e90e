import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
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

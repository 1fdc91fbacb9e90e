/** The command line: one JSON document with --json, a report folder with --report, a scenario from an events export, usage errors. */
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simulatorCli } from '../../shared/simulation/simulatorCli';
import { runScenario } from '../../shared/simulation/runScenario';
import { parseScenario } from '../../shared/simulation/scenario';

const dir = mkdtempSync(join(tmpdir(), 'simulator-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const minimal = JSON.parse(readFileSync(join(__dirname, '../../examples/minimal.json'), 'utf8')) as Record<string, unknown>;
const tiny = { ...minimal, durationSeconds: 900, warmupSeconds: 0 };

async function cli(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await simulatorCli(args, (t) => out.push(t), (t) => err.push(t));
  return { code, out: out.join('\n'), err: err.join('\n') };
}

it('prints one JSON document with --json and writes the report with --report', async () => {
  const file = join(dir, 'tiny.json');
  writeFileSync(file, JSON.stringify(tiny));
  const report = join(dir, 'report');
  const { code, out, err } = await cli('--scenario', file, '--json', '--report', report);
  expect(code).toBe(0);
  const results = JSON.parse(out) as { overall: { jobs: number }; buckets: unknown[] };
  expect(results.overall.jobs).toBeGreaterThan(0);
  expect(err).toContain(join(report, 'index.html'));
  expect(readdirSync(report).sort()).toEqual(['buckets.csv', 'index.html', 'queues.csv', 'wait-histogram.csv']);
}, 120_000);

it('builds a scenario from an events export (JSON lines of GET /routing/events items) and the base configuration', async () => {
  const lines: string[] = [];
  await runScenario(parseScenario(tiny), { onEvent: (e) => lines.push(JSON.stringify({ eventType: `Microsoft.Communication.${e.type}`, eventTime: e.time, data: e.data })) });
  const events = join(dir, 'events.jsonl');
  writeFileSync(events, lines.join('\n'));
  const base = join(dir, 'base.json');
  writeFileSync(base, JSON.stringify(tiny));
  const out = join(dir, 'replay.json');
  const { code } = await cli('--from-history', events, '--base', base, '--interval', '300', '--out', out);
  expect(code).toBe(0);
  const built = parseScenario(JSON.parse(readFileSync(out, 'utf8')));
  expect(built.arrivals[0]!.rateProfile).toHaveLength(3);
  expect(built.workerGroups[0]!.count).toBe(20);
}, 120_000);

it('answers usage mistakes with exit code 2 and scenario mistakes with 1, saying what is wrong', async () => {
  expect(await cli()).toMatchObject({ code: 2, err: expect.stringContaining('Give --scenario FILE') as unknown });
  expect(await cli('--nope')).toMatchObject({ code: 2, err: expect.stringContaining("Unknown option '--nope'") as unknown });
  expect(await cli('--from-history', 'x.json')).toMatchObject({ code: 2, err: expect.stringContaining('needs --base') as unknown });
  expect(await cli('--scenario', join(dir, 'missing.json'))).toMatchObject({ code: 1, err: expect.stringContaining('Cannot read') as unknown });
  const bad = join(dir, 'bad.json');
  writeFileSync(bad, JSON.stringify({ ...tiny, workerGroups: [] }));
  expect(await cli('--scenario', bad)).toMatchObject({ code: 1, err: expect.stringContaining('workerGroups') as unknown });
});

it('on a terminal, tells how far a run got each simulated hour on one line it rewrites, and gives the same figures', async () => {
  const file = join(dir, 'three-hours.json');
  const scenario = { ...minimal, durationSeconds: 3 * 3600, warmupSeconds: 0 };
  writeFileSync(file, JSON.stringify(scenario));
  const progress: string[] = [];
  const out: string[] = [];
  const code = await simulatorCli(['--scenario', file, '--json'], (t) => out.push(t), () => undefined, { progress: (t) => progress.push(t) });
  expect(code).toBe(0);
  expect(progress.slice(0, 2)).toEqual([expect.stringMatching(/^\r1:00 of 3:00 simulated, [\d,]+ jobs, [\d,]+ jobs\/s $/), expect.stringMatching(/^\r2:00 of 3:00 simulated/)]);
  // The line is cleared at the end, so the results start on a clean line.
  expect(progress).toHaveLength(3);
  expect(progress[2]).toBe('\r\x1b[K');
  const withProgress = JSON.parse(out.join('\n')) as { overall: unknown };
  const without = await cli('--scenario', file, '--json');
  expect(withProgress.overall).toEqual((JSON.parse(without.out) as { overall: unknown }).overall);
}, 120_000);

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { renderRunReport, renderWhatIfReport, type ReportFiles } from './htmlReport';
import { runScenario, type RunProgress } from './runScenario';
import { parseScenario, scenarioJsonSchema, ScenarioError } from './scenario';
import { scenarioFromHistory, type HistoryEvent } from './scenarioFromHistory';
import { summarize, type Kpis, type SimulationResults } from './simulationResults';
import { runInThread, runWhatIf } from './whatIf';

export const USAGE = `Usage:
  npm run simulate -- --scenario FILE [--json] [--report DIR]
      Runs the router's engine through the scenario's simulated day (a sweep when it has one).
      --json          one JSON document with the results on stdout
      --report DIR    an HTML report with charts (index.html) and the numbers as CSV in DIR
  npm run simulate -- --from-history EVENTS.json --base FILE [--interval SECONDS] [--from ISO] [--to ISO] [--out FILE]
      Writes a scenario built from the router's event history (the items of GET /routing/events, as a
      JSON array, a page with "value", or JSON lines) with the configuration of the base scenario.
  npm run simulate -- --schema
      Prints the scenario's JSON schema.`;

class UsageError extends Error {}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new ScenarioError(`Cannot read ${file}: ${(error as Error).message}`);
  }
}

const readJson = (file: string): unknown => {
  const text = readText(file);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ScenarioError(`${file} is not JSON: ${(error as Error).message}`);
  }
};

/** Events from an export: a JSON array, pages (`{ value: [...] }`, one or a list) or JSON lines. */
function readEvents(file: string): HistoryEvent[] {
  const text = readText(file).trim();
  const items = (value: unknown): HistoryEvent[] => {
    if (Array.isArray(value)) return value.flatMap((v: unknown) => (v && typeof v === 'object' && 'value' in v ? items(v) : [v as HistoryEvent]));
    if (value && typeof value === 'object' && 'value' in value) return items(value.value);
    return [value as HistoryEvent];
  };
  try {
    return items(JSON.parse(text));
  } catch {
    return text.split('\n').filter((line) => line.trim()).flatMap((line) => items(JSON.parse(line)));
  }
}

const pct = (share: number | null) => (share === null ? '–' : `${(share * 100).toFixed(1)} %`);
const sec = (value: number | null) => (value === null ? '–' : `${value.toFixed(1)} s`);
const line = (name: string, k: Kpis) =>
  `${name.padEnd(16)} ${String(k.jobs).padStart(7)}  SL ${pct(k.serviceLevel).padStart(8)}  ASA ${sec(k.asaSeconds).padStart(8)}  wait ${sec(k.meanWaitSeconds).padStart(8)}  waited ${pct(k.pWait).padStart(8)}  abandoned ${pct(k.abandonRate).padStart(8)}  occupancy ${pct(k.occupancy).padStart(8)}`;

function text(results: SimulationResults): string {
  return [
    `${results.run.totalJobs} jobs simulated in ${results.run.wallSeconds.toFixed(1)} s (${Math.round(results.run.jobsPerWallSecond)} jobs/s); after warm-up, service level within ${results.serviceLevelSeconds} s:`,
    line('all', results.overall),
    ...Object.entries(results.queues).map(([queue, k]) => line(queue, k)),
  ].join('\n');
}

function writeReport(dir: string, files: ReportFiles): string {
  mkdirSync(dir, { recursive: true });
  for (const [name, content] of Object.entries(files) as [string, string][]) writeFileSync(join(dir, name), content);
  return join(dir, 'index.html');
}

/** The simulator's command line; answers the exit code. */
/** How far a long run got, on one line of a terminal that is rewritten in place. */
function progressLine(write: (text: string) => void): (progress: RunProgress) => void {
  const clock = (seconds: number) => `${Math.floor(seconds / 3600)}:${String(Math.floor((seconds % 3600) / 60)).padStart(2, '0')}`;
  return ({ simulatedSeconds, durationSeconds, jobs, wallMilliseconds }) =>
    write(`\r${clock(simulatedSeconds)} of ${clock(durationSeconds)} simulated, ${jobs.toLocaleString('en-US')} jobs, ${Math.round(jobs / (wallMilliseconds / 1000)).toLocaleString('en-US')} jobs/s `);
}

/**
 * The `simulate` command. `options.progress` writes how far a run got (each simulated hour) to the
 * terminal, as one line rewritten in place: the script turns it on when stderr is a terminal.
 */
export async function simulatorCli(argv: readonly string[], out: (text: string) => void, err: (text: string) => void, options: { progress?: (text: string) => void } = {}): Promise<number> {
  try {
    const { values } = parseArgs({
      args: [...argv],
      options: {
        scenario: { type: 'string' },
        json: { type: 'boolean', default: false },
        report: { type: 'string' },
        'from-history': { type: 'string' },
        base: { type: 'string' },
        interval: { type: 'string' },
        from: { type: 'string' },
        to: { type: 'string' },
        out: { type: 'string' },
        schema: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
    });
    if (values.help) {
      out(USAGE);
      return 0;
    }
    if (values.schema) {
      out(JSON.stringify(scenarioJsonSchema(), null, 2));
      return 0;
    }
    if (values['from-history']) {
      if (!values.base) throw new UsageError('--from-history needs --base FILE: the scenario whose router configuration the traffic is replayed on.');
      const interval = values.interval === undefined ? undefined : Number(values.interval);
      if (interval !== undefined && !(interval > 0)) throw new UsageError(`--interval must be a number of seconds above 0, got "${values.interval}".`);
      const built = scenarioFromHistory(readEvents(values['from-history']), readJson(values.base) as Record<string, unknown>, { intervalSeconds: interval, from: values.from, to: values.to });
      parseScenario(built);
      const json = JSON.stringify(built, null, 2);
      if (values.out) writeFileSync(values.out, `${json}\n`);
      else out(json);
      return 0;
    }
    if (!values.scenario) throw new UsageError('Give --scenario FILE (or --from-history, or --schema).');
    const input = readJson(values.scenario);
    const scenario = parseScenario(input);
    const title = `Simulation of ${values.scenario}`;
    if (scenario.sweep) {
      const whatIf = await runWhatIf(input, { freezeStore: false }, (point) => {
        if (!values.json) err(`${sweepLabel(scenario.sweep!.path, point.value)}: ${line('', point.results.overall).trim()}`);
      });
      if (values.json) out(JSON.stringify(whatIf, null, 2));
      if (values.report) err(`report: ${writeReport(resolve(values.report), renderWhatIfReport(whatIf, title))}`);
      return 0;
    }
    const onProgress = options.progress && progressLine(options.progress);
    // In a thread of its own when the router is compiled (as the command runs it), for its larger young generation.
    const results = (await runInThread(input, { onProgress, freezeStore: false })) ?? summarize(await runScenario(scenario, { onProgress, freezeStore: false }));
    if (onProgress) options.progress?.('\r\x1b[K');
    out(values.json ? JSON.stringify(results, null, 2) : text(results));
    if (values.report) err(`report: ${writeReport(resolve(values.report), renderRunReport(results, title))}`);
    return 0;
  } catch (error) {
    // parseArgs's own errors are told by their code (their class may come from another realm).
    const code = (error as { code?: unknown } | null)?.code;
    if (error instanceof UsageError || (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS'))) {
      err(`${(error as Error).message}\n\n${USAGE}`);
      return 2;
    }
    if (error instanceof ScenarioError) {
      err(error.message);
      return 1;
    }
    throw error;
  }
}

const sweepLabel = (path: string, value: unknown) => `${path} = ${JSON.stringify(value)}`;

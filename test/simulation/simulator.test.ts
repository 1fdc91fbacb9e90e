/**
 * The simulator: the minimal scenario as written, repeatability for a seed, the router's own policies
 * at work (classification with Power Fx, exception rules), the report and its data, a what-if sweep,
 * and a scenario built back from a run's own event history.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderRunReport, renderWhatIfReport } from '../../shared/simulation/htmlReport';
import { runScenario } from '../../shared/simulation/runScenario';
import { parseScenario, ScenarioError, scenarioJsonSchema, type ScenarioInput } from '../../shared/simulation/scenario';
import { scenarioFromHistory, type HistoryEvent } from '../../shared/simulation/scenarioFromHistory';
import { summarize, type SimulationResults } from '../../shared/simulation/simulationResults';
import { runWhatIf } from '../../shared/simulation/whatIf';
import type { RouterEvent } from '../../shared/ports/EventPublisher';

const example = (name: string) => JSON.parse(readFileSync(join(__dirname, '../../examples', name), 'utf8')) as ScenarioInput & Record<string, unknown>;
/** The minimal scenario, shortened: the suites that only need some traffic do not need a whole day. */
const short = (hours: number, changes: Partial<ScenarioInput> = {}) => ({ ...example('minimal.json'), durationSeconds: hours * 3600, warmupSeconds: 600, ...changes });

/** Results without the wall-clock figures, which differ between runs. */
const figures = (results: SimulationResults) => ({ ...results, run: { ...results.run, wallSeconds: 0, jobsPerWallSecond: 0 } });

describe('the minimal scenario', () => {
  let results: SimulationResults;
  beforeAll(async () => {
    results = summarize(await runScenario(parseScenario(example('minimal.json'))));
  }, 300_000);

  it('runs as written and answers every figure, overall, per queue and per bucket', () => {
    const { overall } = results;
    // 0.1 arrivals/s over the 7.5 counted hours: about 2,700 (Poisson: ± 3 × 52).
    expect(overall.jobs).toBeGreaterThan(2700 - 156);
    expect(overall.jobs).toBeLessThan(2700 + 156);
    expect(overall.answered + overall.abandoned + overall.endedByRouter + overall.unresolved).toBe(overall.jobs);
    expect(overall.unresolved).toBe(0);
    // 18 erlangs offered to 20 agents with patient-enough customers: busy most of the time, not always.
    expect(overall.occupancy).toBeGreaterThan(0.75);
    expect(overall.occupancy).toBeLessThan(0.95);
    for (const share of [overall.serviceLevel, overall.pWait, overall.abandonRate]) {
      expect(share).toBeGreaterThan(0);
      expect(share).toBeLessThan(1);
    }
    expect(overall.asaSeconds).toBeLessThanOrEqual(overall.waitPercentiles.p99!);
    expect(Object.keys(results.queues)).toEqual(['sales']);
    expect(results.queues['sales']!.jobs).toBe(overall.jobs);
    expect(results.buckets).toHaveLength(16);
    expect(results.buckets.reduce((s, b) => s + b.jobs, 0)).toBe(results.run.totalJobs);
  });

  it('gives the same figures for the same seed, and others for another', async () => {
    const scenario = parseScenario(short(1));
    const first = summarize(await runScenario(scenario));
    const again = summarize(await runScenario(scenario));
    const other = summarize(await runScenario({ ...scenario, seed: scenario.seed + 1 }));
    expect(figures(again)).toEqual(figures(first));
    expect(other.overall.jobs).not.toBe(first.overall.jobs);
  }, 120_000);
});

describe('the router decides', () => {
  it('classifies with Power Fx rules, prioritizes, and applies exception rules, as it does when serving requests', async () => {
    const events: RouterEvent[] = [];
    const run = await runScenario(parseScenario({ ...example('vip-classification.json'), durationSeconds: 3600 }), { onEvent: (event) => events.push(event) });
    const results = summarize(run);
    expect(Object.keys(results.queues).sort()).toEqual(['general', 'vip']);
    const classified = events.filter((e) => e.type === 'RouterJobClassified');
    expect(classified.length).toBeGreaterThan(0);
    // The prioritization rule: 10 for VIP jobs, 1 for the others.
    expect(new Set(classified.map((e) => e.data['priority']))).toEqual(new Set([1, 10]));
    // VIP jobs that waited a minute were moved to the general queue by the exception rule.
    const exceptions = events.filter((e) => e.type === 'RouterJobExceptionTriggered');
    expect(exceptions.length).toBeGreaterThan(0);
    expect(exceptions.every((e) => e.data['exceptionRuleId'] === 'waited-60s')).toBe(true);
    // The VIP desk's answers: some offers declined, some left to expire.
    expect(run.offers.declined + run.offers.ignored).toBeGreaterThan(0);
    expect(events.some((e) => e.type === 'RouterWorkerOfferExpired')).toBe(true);
  }, 120_000);

  it('refuses a scenario the router would refuse, naming the resource and the router’s reason', async () => {
    const bad = { ...short(1), distributionPolicies: [{ id: 'dp', offerExpiresAfterSeconds: 30, mode: { kind: 'noSuchMode' } }] };
    await expect(runScenario(parseScenario(bad))).rejects.toThrow(ScenarioError);
    await expect(runScenario(parseScenario(bad))).rejects.toThrow(/distributionPolicies\.0 \(dp\)/);
  });

  it('refuses a malformed scenario with each problem and its path', () => {
    expect(() => parseScenario({ ...short(1), durationSeconds: -5, arrivals: [{ queueId: 'sales', channelId: 'voice', handleSeconds: { kind: 'fixed', value: 1 } }] })).toThrow(
      /durationSeconds:[\s\S]*arrivals\.0: give exactly one of ratePerSecond and rateProfile/,
    );
    // The documented schema is the one the simulator checks against (regenerate: npm run simulate -- --schema).
    expect(JSON.parse(readFileSync(join(__dirname, '../../docs/simulator.schema.json'), 'utf8'))).toEqual(scenarioJsonSchema());
    expect(scenarioJsonSchema()).toMatchObject({ type: 'object', required: expect.arrayContaining(['seed', 'durationSeconds', 'queues', 'workerGroups', 'arrivals']) as unknown });
  });
});

describe('the report', () => {
  it('holds the numbers its charts draw, the Chart.js library and the same numbers as CSV', async () => {
    const results = summarize(await runScenario(parseScenario(short(2, { bucketSeconds: 1800 }))));
    const files = renderRunReport(results, 'a <test> run');
    const html = files['index.html'];
    expect(html).toContain('a &lt;test&gt; run');
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=/); // nothing fetched: it opens from disk
    expect(html).toMatch(/Chart\.js v4/);
    const data = JSON.parse(/<script id="report-data" type="application\/json">(.*?)<\/script>/s.exec(html)![1]!) as {
      charts: { id: string; labels: string[]; series: { label: string; data: (number | null)[] }[] }[];
    };
    const chart = (id: string) => data.charts.find((c) => c.id === id)!;
    expect(data.charts.map((c) => c.id)).toEqual(['serviceLevel', 'waits', 'abandonment', 'occupancy', 'waitDistribution']);
    expect(chart('serviceLevel').labels).toEqual(['00:00', '00:30', '01:00', '01:30']);
    expect(chart('serviceLevel').series[0]!.data).toEqual(results.buckets.map((b) => (b.serviceLevel === null ? null : Math.round(b.serviceLevel * 1000) / 10)));
    expect(chart('occupancy').series[0]!.data).toEqual(results.buckets.map((b) => (b.occupancy === null ? null : Math.round(b.occupancy * 1000) / 10)));
    expect(chart('waitDistribution').series[0]!.data).toEqual(results.waitHistogram.counts);
    expect(results.waitHistogram.counts.reduce((s, n) => s + n, 0)).toBe(results.overall.answered);

    const rows = files['buckets.csv']!.trim().split('\n');
    expect(rows).toHaveLength(1 + results.buckets.length);
    expect(rows[0]).toMatch(/^from_seconds,to_seconds,jobs,answered,/);
    expect(rows[1]!.split(',').slice(0, 3)).toEqual(['0', '1800', String(results.buckets[0]!.jobs)]);
    expect(files['queues.csv']!.split('\n')[1]).toMatch(new RegExp(`^\\(all\\),${results.overall.jobs},${results.overall.answered},`));
  }, 120_000);
});

describe('what-if', () => {
  it('runs one variant per value and shows the staffing curve: more agents, better service', async () => {
    const whatIf = await runWhatIf({ ...short(2), sweep: { path: 'workerGroups.0.count', values: [17, 20, 24] } });
    expect(whatIf.variable).toBe('workerGroups.0.count');
    expect(whatIf.points.map((p) => p.value)).toEqual([17, 20, 24]);
    const [few, some, many] = whatIf.points.map((p) => p.results.overall);
    // Same seed for each variant: the same customers arrive, so the variants differ by staffing alone.
    expect(new Set(whatIf.points.map((p) => p.results.run.totalJobs)).size).toBe(1);
    expect(few!.serviceLevel!).toBeLessThan(some!.serviceLevel!);
    expect(some!.serviceLevel!).toBeLessThan(many!.serviceLevel!);
    expect(few!.abandonRate!).toBeGreaterThan(many!.abandonRate!);
    expect(few!.occupancy!).toBeGreaterThan(many!.occupancy!);
    const files = renderWhatIfReport(whatIf, 'staffing');
    expect(files['sweep.csv']!.trim().split('\n')).toHaveLength(4);
    expect(files['index.html']).toContain('"labels":["17","20","24"]');
  }, 300_000);

  it('varies any field, such as the distribution mode, and refuses a path that is not in the scenario', async () => {
    const whatIf = await runWhatIf({ ...short(1), sweep: { path: 'distributionPolicies.0.mode.kind', values: ['longestIdle', 'roundRobin'] } });
    expect(whatIf.points).toHaveLength(2);
    await expect(runWhatIf({ ...short(1), sweep: { path: 'workerGroups.3.count', values: [1] } })).rejects.toThrow(/past the end/);
  }, 120_000);
});

describe('from the event history', () => {
  it('rebuilds arrival rates, handle and wrap-up times, patience, staffing and answers from what the router recorded', async () => {
    const source = {
      ...short(4),
      arrivals: [
        {
          queueId: 'sales',
          channelId: 'voice',
          rateProfile: [
            { fromSeconds: 0, ratePerSecond: 0.05 },
            { fromSeconds: 7200, ratePerSecond: 0.1 },
          ],
          handleSeconds: { kind: 'exponential', mean: 180 },
          wrapUpSeconds: { kind: 'fixed', value: 20 },
          patienceSeconds: { kind: 'exponential', mean: 120 },
        },
      ],
    } as Record<string, unknown>;
    const events: HistoryEvent[] = [];
    // As GET /routing/events lists them: the Event Grid schema's eventType and eventTime.
    await runScenario(parseScenario(source), { onEvent: (e) => events.push({ eventType: `Microsoft.Communication.${e.type}`, eventTime: e.time, data: e.data }) });
    const { arrivals: _arrivals, workerGroups: _groups, ...base } = source;
    const built = scenarioFromHistory(events, base, { intervalSeconds: 3600 });
    const scenario = parseScenario(built);

    const [arrival] = scenario.arrivals;
    expect(scenario.arrivals).toHaveLength(1);
    expect(arrival).toMatchObject({ queueId: 'sales', channelId: 'voice', wrapUpSeconds: { kind: 'fixed', value: 20 } });
    // Hourly counts of a Poisson stream: 180 then 360 expected per hour, each within ± 4 standard deviations.
    const rates = arrival!.rateProfile!.map((step) => step.ratePerSecond * 3600);
    expect(rates).toHaveLength(4);
    for (const [i, expected] of [180, 180, 360, 360].entries()) expect(Math.abs(rates[i]! - expected)).toBeLessThan(4 * Math.sqrt(expected));
    // Handle time: the mean of ~1,000 exponential draws of mean 180 s lies within 180 ± 4 × 180/√1000.
    expect(arrival!.handleSeconds.kind).toBe('lognormal');
    expect(Math.abs((arrival!.handleSeconds as { mean: number }).mean - 180)).toBeLessThan(4 * (180 / Math.sqrt(900)));
    // Patience, estimated with the answered customers' waits as censored observations: ~120 s.
    expect(arrival!.patienceSeconds.kind).toBe('exponential');
    const patience = (arrival!.patienceSeconds as { mean: number }).mean;
    expect(patience).toBeGreaterThan(70);
    expect(patience).toBeLessThan(200);
    // The 20 agents, seen registering, are one group on all day; they accepted every offer at once.
    expect(scenario.workerGroups).toEqual([expect.objectContaining({ count: 20, queues: ['sales'], capacity: 1, answer: { acceptAfterSeconds: { kind: 'fixed', value: 0 }, declineProbability: 0, expireProbability: 0 } })]);

    // And the rebuilt day runs, under another policy if wanted.
    const replay = summarize(await runScenario(parseScenario({ ...built, distributionPolicies: [{ id: 'dp', offerExpiresAfterSeconds: 30, mode: { kind: 'roundRobin' } }] })));
    expect(replay.overall.jobs).toBeGreaterThan(0);
  }, 300_000);
});

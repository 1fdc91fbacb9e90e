import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Kpis, SimulationResults } from './simulationResults';
import type { WhatIfResults } from './whatIf';

/**
 * The report: one self-contained HTML file (Chart.js and the data inlined, so it opens from disk with
 * no network) and the same numbers as CSV. The charts are drawn from the JSON in the page's
 * `report-data` script element, which is also what a reader (or a test) can take the numbers from.
 */

export interface ReportFiles {
  'index.html': string;
  [csv: `${string}.csv`]: string;
}

interface ChartSpec {
  id: string;
  title: string;
  type: 'line' | 'bar';
  labels: (string | number)[];
  series: { label: string; data: (number | null)[] }[];
  /** Axis title of the values; a 0–100 scale for percentages. */
  yTitle: string;
  percent?: boolean;
  xTitle: string;
}

const KPI_COLUMNS = ['jobs', 'answered', 'abandoned', 'endedByRouter', 'unresolved', 'serviceLevel', 'asaSeconds', 'meanWaitSeconds', 'pWait', 'abandonRate', 'occupancy'] as const;
const PERCENTILES = ['p50', 'p80', 'p90', 'p95', 'p99'] as const;

const clock = (seconds: number) => `${String(Math.floor(seconds / 3600)).padStart(2, '0')}:${String(Math.floor((seconds % 3600) / 60)).padStart(2, '0')}`;
const percent = (share: number | null) => (share === null ? null : Math.round(share * 1000) / 10);
const round = (value: number | null) => (value === null ? null : Math.round(value * 100) / 100);

function csv(header: readonly string[], rows: readonly (readonly unknown[])[]): string {
  const cell = (value: unknown) => {
    const text = value === null || value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value);
    return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  return [header, ...rows].map((row) => row.map(cell).join(',')).join('\n') + '\n';
}

const kpiCells = (k: Kpis) => [...KPI_COLUMNS.map((c) => k[c]), ...PERCENTILES.map((p) => k.waitPercentiles[p])];
const kpiHeader = [...KPI_COLUMNS, ...PERCENTILES.map((p) => `wait_${p}_seconds`)];

/** The report of one run. */
export function renderRunReport(results: SimulationResults, title: string): ReportFiles {
  const buckets = results.buckets;
  const labels = buckets.map((b) => clock(b.fromSeconds));
  const x = 'Arrivals from (hh:mm of the day)';
  const charts: ChartSpec[] = [
    { id: 'serviceLevel', title: `Service level (answered within ${results.serviceLevelSeconds} s)`, type: 'line', labels, series: [{ label: 'service level %', data: buckets.map((b) => percent(b.serviceLevel)) }], yTitle: '%', percent: true, xTitle: x },
    {
      id: 'waits',
      title: 'Waits',
      type: 'line',
      labels,
      series: [
        { label: 'ASA (answered) s', data: buckets.map((b) => round(b.asaSeconds)) },
        { label: 'mean wait (all) s', data: buckets.map((b) => round(b.meanWaitSeconds)) },
        { label: '90th percentile s', data: buckets.map((b) => round(b.waitPercentiles.p90)) },
      ],
      yTitle: 'seconds',
      xTitle: x,
    },
    { id: 'abandonment', title: 'Abandonment', type: 'line', labels, series: [{ label: 'abandoned %', data: buckets.map((b) => percent(b.abandonRate)) }], yTitle: '%', percent: true, xTitle: x },
    { id: 'occupancy', title: 'Occupancy (busy over available capacity)', type: 'line', labels, series: [{ label: 'occupancy %', data: buckets.map((b) => percent(b.occupancy)) }], yTitle: '%', percent: true, xTitle: 'hh:mm of the day' },
    {
      id: 'waitDistribution',
      title: 'Wait distribution (answered jobs after warm-up)',
      type: 'bar',
      labels: results.waitHistogram.counts.map((_, i) => `${i * results.waitHistogram.widthSeconds}–${(i + 1) * results.waitHistogram.widthSeconds}`),
      series: [{ label: 'jobs', data: results.waitHistogram.counts }],
      yTitle: 'jobs',
      xTitle: 'wait (seconds)',
    },
  ];
  const o = results.overall;
  const summary: [string, string][] = [
    ['Jobs (after warm-up)', String(o.jobs)],
    ['Service level', o.serviceLevel === null ? '–' : `${percent(o.serviceLevel)} %`],
    ['ASA', o.asaSeconds === null ? '–' : `${round(o.asaSeconds)} s`],
    ['Mean wait (all arrivals)', o.meanWaitSeconds === null ? '–' : `${round(o.meanWaitSeconds)} s`],
    ['Waited at all', o.pWait === null ? '–' : `${percent(o.pWait)} %`],
    ['Abandoned', o.abandonRate === null ? '–' : `${percent(o.abandonRate)} %`],
    ['Occupancy', o.occupancy === null ? '–' : `${percent(o.occupancy)} %`],
    ['Wait p50 / p90 / p99', [o.waitPercentiles.p50, o.waitPercentiles.p90, o.waitPercentiles.p99].map((v) => (v === null ? '–' : `${round(v)} s`)).join(' / ')],
  ];
  return {
    'index.html': page(title, summary, charts, { results }),
    'buckets.csv': csv(['from_seconds', 'to_seconds', ...kpiHeader], buckets.map((b) => [b.fromSeconds, b.toSeconds, ...kpiCells(b)])),
    'queues.csv': csv(['queue', ...kpiHeader], [['(all)', ...kpiCells(o)], ...Object.entries(results.queues).map(([queue, k]) => [queue, ...kpiCells(k)])]),
    'wait-histogram.csv': csv(['from_seconds', 'to_seconds', 'jobs'], results.waitHistogram.counts.map((n, i) => [i * results.waitHistogram.widthSeconds, (i + 1) * results.waitHistogram.widthSeconds, n])),
  };
}

/** The report of a what-if sweep: each KPI against the variable (the staffing curve, for a worker count). */
export function renderWhatIfReport(whatIf: WhatIfResults, title: string): ReportFiles {
  const labels = whatIf.points.map((p) => (typeof p.value === 'object' ? JSON.stringify(p.value) : String(p.value as string | number)));
  const overall = whatIf.points.map((p) => p.results.overall);
  const x = whatIf.variable;
  const charts: ChartSpec[] = [
    { id: 'serviceLevel', title: 'Service level', type: 'line', labels, series: [{ label: 'service level %', data: overall.map((k) => percent(k.serviceLevel)) }], yTitle: '%', percent: true, xTitle: x },
    {
      id: 'waits',
      title: 'Waits',
      type: 'line',
      labels,
      series: [
        { label: 'ASA s', data: overall.map((k) => round(k.asaSeconds)) },
        { label: 'mean wait s', data: overall.map((k) => round(k.meanWaitSeconds)) },
        { label: '90th percentile s', data: overall.map((k) => round(k.waitPercentiles.p90)) },
      ],
      yTitle: 'seconds',
      xTitle: x,
    },
    { id: 'abandonment', title: 'Abandonment', type: 'line', labels, series: [{ label: 'abandoned %', data: overall.map((k) => percent(k.abandonRate)) }], yTitle: '%', percent: true, xTitle: x },
    { id: 'occupancy', title: 'Occupancy', type: 'line', labels, series: [{ label: 'occupancy %', data: overall.map((k) => percent(k.occupancy)) }], yTitle: '%', percent: true, xTitle: x },
  ];
  const summary: [string, string][] = whatIf.points.map((p, i) => [
    `${x} = ${labels[i]}`,
    `service level ${percent(p.results.overall.serviceLevel) ?? '–'} %, ASA ${round(p.results.overall.asaSeconds) ?? '–'} s, abandoned ${percent(p.results.overall.abandonRate) ?? '–'} %, occupancy ${percent(p.results.overall.occupancy) ?? '–'} %`,
  ]);
  return {
    'index.html': page(title, summary, charts, { whatIf }),
    'sweep.csv': csv([whatIf.variable, ...kpiHeader], whatIf.points.map((p, i) => [labels[i], ...kpiCells(p.results.overall)])),
  };
}

let chartJs: string | undefined;
/** Chart.js's own browser bundle, read once from the installed package (which exports only its modules, so found beside them). */
const chartLibrary = () => (chartJs ??= readFileSync(join(dirname(require.resolve('chart.js')), 'chart.umd.min.js'), 'utf8'));

const escapeHtml = (text: string) => text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
/** JSON that cannot end the script element it sits in. */
const scriptJson = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c');

function page(title: string, summary: readonly [string, string][], charts: readonly ChartSpec[], data: object): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>
body{font-family:system-ui,sans-serif;margin:24px;color:#222;max-width:1200px}
table{border-collapse:collapse;margin-bottom:24px}td{padding:4px 12px;border-bottom:1px solid #ddd}
.charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(520px,1fr));gap:24px}
.chart{height:300px}
</style></head><body>
<h1>${escapeHtml(title)}</h1>
<table>${summary.map(([k, v]) => `<tr><td>${escapeHtml(k)}</td><td><b>${escapeHtml(v)}</b></td></tr>`).join('')}</table>
<div class="charts">${charts.map((c) => `<div class="chart"><canvas id="${c.id}"></canvas></div>`).join('')}</div>
<script id="report-data" type="application/json">${scriptJson({ ...data, charts })}</script>
<script>${chartLibrary().replace(/<\/script/gi, '<\\/script')}</script>
<script>
const report = JSON.parse(document.getElementById('report-data').textContent);
for (const spec of report.charts) {
  new Chart(document.getElementById(spec.id), {
    type: spec.type,
    data: { labels: spec.labels, datasets: spec.series.map((s) => ({ label: s.label, data: s.data, spanGaps: true, pointRadius: 2 })) },
    options: {
      animation: false, maintainAspectRatio: false,
      plugins: { title: { display: true, text: spec.title } },
      scales: { x: { title: { display: true, text: spec.xTitle } }, y: { beginAtZero: true, ...(spec.percent ? { max: 100 } : {}), title: { display: true, text: spec.yTitle } } },
    },
  });
}
</script>
</body></html>
`;
}

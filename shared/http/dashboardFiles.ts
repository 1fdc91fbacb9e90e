import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { HttpRequestMessage, HttpResponseMessage } from './HttpMessage';

/** Where the operations dashboard is served; the page is public, the data it shows is read with signed calls. */
export const DASHBOARD_PATH = '/dashboard';

interface DashboardFile {
  contentType: string;
  /** Absolute path, found on first use. */
  locate: () => string;
}

/** shared/dashboard from the sources (shared/http) and from the compiled build (dist/shared/http) alike. */
function dashboardFolder(): string {
  const candidates = [resolve(__dirname, '..', 'dashboard'), resolve(__dirname, '..', '..', '..', 'shared', 'dashboard')];
  return candidates.find((folder) => existsSync(join(folder, 'index.html'))) ?? candidates[0]!;
}

/** Chart.js ships its browser bundle in its dist folder, next to the entry point its exports name. */
const chartBundle = () => join(dirname(require.resolve('chart.js')), 'chart.umd.min.js');

const FILES: Record<string, DashboardFile> = {
  [DASHBOARD_PATH]: { contentType: 'text/html; charset=utf-8', locate: () => join(dashboardFolder(), 'index.html') },
  [`${DASHBOARD_PATH}/`]: { contentType: 'text/html; charset=utf-8', locate: () => join(dashboardFolder(), 'index.html') },
  [`${DASHBOARD_PATH}/dashboard.js`]: { contentType: 'text/javascript; charset=utf-8', locate: () => join(dashboardFolder(), 'dashboard.js') },
  [`${DASHBOARD_PATH}/dashboard.css`]: { contentType: 'text/css; charset=utf-8', locate: () => join(dashboardFolder(), 'dashboard.css') },
  [`${DASHBOARD_PATH}/chart.umd.min.js`]: { contentType: 'text/javascript; charset=utf-8', locate: chartBundle },
};

const cache = new Map<string, string>();

/**
 * Everything the page loads comes from this origin (no CDN: many contact centres have no internet),
 * and nothing else may run or be framed.
 */
const SECURITY_HEADERS = {
  'content-security-policy': "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

export const isDashboardPath = (pathname: string) => pathname in FILES;

/** GET or HEAD of one of the dashboard's files (405 otherwise); the files are read once. */
export function answerDashboardFile(pathname: string, request: HttpRequestMessage): HttpResponseMessage {
  const file = FILES[pathname];
  const method = request.method.toUpperCase();
  if (!file) return { status: 404, headers: {} };
  if (method !== 'GET' && method !== 'HEAD') {
    const error = { communicationError: { code: 'MethodNotAllowed', message: `${method} is not supported on ${pathname}; use GET.`, target: pathname } };
    return { status: 405, headers: { 'content-type': 'application/json; charset=utf-8', allow: 'GET, HEAD' }, body: JSON.stringify(error) };
  }
  let body = cache.get(pathname);
  if (body === undefined) {
    body = readFileSync(file.locate(), 'utf8');
    cache.set(pathname, body);
  }
  return { status: 200, headers: { 'content-type': file.contentType, 'cache-control': 'no-cache', ...SECURITY_HEADERS }, body: method === 'HEAD' ? undefined : body };
}

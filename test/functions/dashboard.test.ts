import { HttpRequest } from '@azure/functions';
import { dashboardHttp } from '../../functions/dashboardHttp';
import { startTestRouter, type TestRouter } from '../support/embeddedRouter';

/**
 * Both hosts serve the operations dashboard's files, the same bytes, unsigned, with a policy that lets
 * the page run only the router's own scripts and call only the router.
 */

let router: TestRouter;

beforeAll(async () => {
  router = await startTestRouter();
});

afterAll(async () => {
  await router.close();
});

const FILES = [
  ['/dashboard', 'text/html', '<canvas id="chart-arrivals">'],
  ['/dashboard/dashboard.js', 'text/javascript', 'HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256'],
  ['/dashboard/dashboard.css', 'text/css', '.tiles'],
  ['/dashboard/chart.umd.min.js', 'text/javascript', 'Chart'],
] as const;

test.each(FILES)('%s is served by the embedded host and the Functions handler alike, unsigned', async (path, type, excerpt) => {
  const embedded = await fetch(new URL(path, router.url));
  expect(embedded.status).toBe(200);
  expect(embedded.headers.get('content-type')).toContain(type);
  expect(embedded.headers.get('content-security-policy')).toContain("script-src 'self'");
  const body = await embedded.text();
  expect(body).toContain(excerpt);

  const functions = await dashboardHttp(new HttpRequest({ method: 'GET', url: `http://localhost${path}` }));
  expect(functions.status).toBe(200);
  expect(functions.body).toBe(body);
  expect((functions.headers as Record<string, string>)['content-type']).toBe(embedded.headers.get('content-type'));
});

test('other paths under /dashboard are not files of it, and it takes no writes', async () => {
  expect((await dashboardHttp(new HttpRequest({ method: 'GET', url: 'http://localhost/dashboard/../access-key' }))).status).toBe(404);
  expect((await dashboardHttp(new HttpRequest({ method: 'GET', url: 'http://localhost/dashboard/secret.txt' }))).status).toBe(404);
  const post = await fetch(new URL('/dashboard', router.url), { method: 'POST', body: '{}' });
  expect(post.status).toBe(405);
  expect(((await post.json()) as { communicationError: { code: string } }).communicationError.code).toBe('MethodNotAllowed');
  // Outside its exact paths the router answers as before: signed routes want a signature.
  expect((await fetch(new URL('/dashboard/secret.txt', router.url))).status).toBe(401);
});

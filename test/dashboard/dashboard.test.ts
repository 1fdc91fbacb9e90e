import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startTestRouter, type TestRouter } from '../support/embeddedRouter';
import { patch } from '../support/signedClient';

/**
 * The operations dashboard in a real browser (Debian's chromium, driven by playwright-core) against an
 * embedded router: signing in (and being refused with a wrong key), a queue's waiting count following
 * the live stream without a reload, and a chart drawn from the router's figures. The main view is kept
 * as docs/dashboard.png for the README (DASHBOARD_SCREENSHOT=docs writes it).
 */

const CHROMIUM = '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'];
/** The README's picture is refreshed on request only (DASHBOARD_SCREENSHOT=docs), so a test run leaves the tree clean. */
const SCREENSHOT = join(__dirname, '..', '..', process.env['DASHBOARD_SCREENSHOT'] === 'docs' ? 'docs' : '.tmp', 'dashboard.png');

let router: TestRouter;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  router = await startTestRouter();
  browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
  page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
});

afterAll(async () => {
  await browser?.close();
  await router?.close();
});

const ok = async (response: PromiseLike<{ status: string; body: unknown }>) => {
  const answer = await response;
  expect(['200', '201']).toContain(answer.status);
  return answer.body as Record<string, unknown>;
};

const signIn = async (key: string) => {
  await page.fill('#key', key);
  await page.click('button[type=submit]');
};

// Page-side code is given as text: this project's TypeScript has no DOM library, and the browser needs none.
const NAVIGATIONS = "performance.getEntriesByType('navigation').length";

const waitingIn = (queueId: string) => page.locator(`#queues tr[data-queue-id="${queueId}"] td.waiting`);

test('a wrong key is refused and the board stays hidden', async () => {
  await page.goto(`${router.url}dashboard`);
  await signIn(Buffer.alloc(32, 1).toString('base64'));
  await becomesTrue("(document.getElementById('signin-error').textContent || '').includes('refused')");
  expect(await page.locator('#board').isHidden()).toBe(true);
  expect(await page.textContent('#signin-error')).toMatch(/signature does not match/);
});

test('signed in, a queue\'s waiting count follows jobs as they are created and accepted, without a reload', async () => {
  const client = router.client;
  await ok(patch(client, '/routing/distributionPolicies/longest', { offerExpiresAfterSeconds: 600, mode: { kind: 'longestIdle' } }));
  await ok(patch(client, '/routing/queues/sales', { distributionPolicyId: 'longest', labels: { serviceLevelThresholdSeconds: 20 } }));
  await ok(patch(client, '/routing/workers/ann', { capacity: 1, queues: ['sales'], channels: [{ channelId: 'voice', capacityCostPerJob: 1 }], availableForOffers: false }));

  await signIn(router.accessKey);
  await page.waitForSelector('#board:not([hidden])');
  await becomesTrue("document.getElementById('status').dataset.state === 'live'");
  await expectText(waitingIn('sales'), '0');
  const loads = await page.evaluate(NAVIGATIONS);

  await ok(patch(client, '/routing/jobs/call-1', { queueId: 'sales', channelId: 'voice' }));
  await expectText(waitingIn('sales'), '1');

  await ok(patch(client, '/routing/workers/ann', { availableForOffers: true }));
  await router.engine.idle();
  const worker = await ok(client.pathUnchecked('/routing/workers/ann').get());
  const [offer] = worker['offers'] as Array<{ offerId: string }>;
  await ok(client.pathUnchecked(`/routing/workers/ann/offers/${offer!.offerId}:accept`).post());
  await expectText(waitingIn('sales'), '0');
  await becomesTrue(`document.querySelector('#workers tr[data-worker-id="ann"]')?.textContent.includes('100 %')`);
  // The same page all along: no navigation happened.
  expect(await page.evaluate(NAVIGATIONS)).toBe(loads);
  expect(await page.textContent('#feed')).toContain('RouterWorkerOfferAccepted');
});

test('the arrivals chart is drawn with the router\'s figures', async () => {
  // A few more queues, workers and arrivals for a fuller picture (and screenshot).
  await ok(patch(router.client, '/routing/queues/support', { distributionPolicyId: 'longest' }));
  await ok(patch(router.client, '/routing/workers/bob', { capacity: 2, queues: ['sales', 'support'], channels: [{ channelId: 'chat', capacityCostPerJob: 1 }], availableForOffers: true }));
  await ok(patch(router.client, '/routing/workers/cid', { capacity: 1, queues: ['support'], channels: [{ channelId: 'voice', capacityCostPerJob: 1 }], availableForOffers: false }));
  for (const id of ['call-2', 'call-3', 'call-4']) await ok(patch(router.client, `/routing/jobs/${id}`, { queueId: 'sales', channelId: 'voice' }));
  await ok(patch(router.client, '/routing/jobs/chat-1', { queueId: 'support', channelId: 'chat' }));
  await becomesTrue("(Chart.getChart('chart-arrivals')?.data.datasets[0].data ?? []).reduce((sum, n) => sum + (n ?? 0), 0) >= 5");
  // How far today's cumulative figures go, from the answer's projectedThrough.
  expect(await page.textContent('#projected-through')).toMatch(/^Today's figures count the events up to \d{1,2}:\d{2}:\d{2}/);
  // Drawn, not only configured: the canvas has coloured pixels.
  const painted = await page.evaluate<number>(`(() => {
    const canvas = document.getElementById('chart-arrivals');
    const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    let coloured = 0;
    for (let i = 3; i < pixels.length; i += 4) if (pixels[i] > 0) coloured++;
    return coloured;
  })()`);
  expect(painted).toBeGreaterThan(500);
  await expectText(waitingIn('sales'), '3');
  await page.screenshot({ path: SCREENSHOT, fullPage: true });
});

test('a wallboard signed in with the read-only key sees the board, and a write signed with that key in the browser is refused', async () => {
  // A fresh tab: the access key kept by the previous sign-in is forgotten.
  await page.evaluate('sessionStorage.clear()');
  await page.goto(`${router.url}dashboard`);
  await signIn(router.readOnlyKey);
  await page.waitForSelector('#board:not([hidden])');
  await expectText(waitingIn('sales'), '3');
  // The browser signs a write itself (Web Crypto HMAC, as the dashboard signs its reads) with the read-only key.
  const answer = await page.evaluate<{ status: number; body: string }>(`(async () => {
    const key = ${JSON.stringify(router.readOnlyKey)};
    const bytes = Uint8Array.from(atob(key), (c) => c.charCodeAt(0));
    const hmac = await crypto.subtle.importKey('raw', bytes, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
    const b64 = (buffer) => btoa(String.fromCharCode(...new Uint8Array(buffer)));
    const body = JSON.stringify({ distributionPolicyId: 'longest' });
    const target = '/routing/queues/from-the-wallboard?api-version=2023-11-01';
    const date = new Date().toUTCString();
    const hash = b64(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(body)));
    const signature = b64(await crypto.subtle.sign('HMAC', hmac, new TextEncoder().encode('PATCH\\n' + target + '\\n' + date + ';' + location.host + ';' + hash)));
    const response = await fetch(target, { method: 'PATCH', body, headers: { 'content-type': 'application/merge-patch+json', 'x-ms-date': date, 'x-ms-content-sha256': hash, authorization: 'HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=' + signature } });
    return { status: response.status, body: await response.text() };
  })()`);
  expect(answer.status).toBe(403);
  expect(answer.body).toMatch(/read-only/);
  // Refused means unchanged: the queue was not created.
  expect((await router.client.pathUnchecked('/routing/queues/from-the-wallboard').get()).status).toBe('404');
});

/**
 * Evaluates `expression` in the page until it is true. Asked from here rather than with waitForFunction,
 * whose polling compiles the text inside the page, which the dashboard's Content-Security-Policy forbids.
 */
async function becomesTrue(expression: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await page.evaluate<boolean>(expression))) {
    if (Date.now() > deadline) throw new Error(`still false after ${timeoutMs} ms: ${expression}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function expectText(locator: ReturnType<Page['locator']>, text: string): Promise<void> {
  await locator.filter({ hasText: new RegExp(`^${text}$`) }).waitFor({ timeout: 10_000 });
}

import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { after, afterEach, before, describe, it } from 'node:test';
import { chromium, type Browser } from 'playwright-core';
import {
  ADMIN_AUTH,
  CHROMIUM_ARGS,
  signedInContext,
  signedInPage,
  startApp,
  TEST_ADMIN_PASSWORD,
  waitFor,
  type RunningApp,
} from './server';

// End to end on the real stack: `npm start` on a fresh DATA_DIR (chDB, PGlite, simulator, ETL), then a
// real Chromium loading the page.

let app: RunningApp;
let browser: Browser;

interface SourceHealth {
  source: string;
  ok: boolean;
  lagSeconds: number | null;
  rowsInLastSuccess: number;
  lastSuccessAt: string | null;
}
interface Health {
  status: string;
  clickhouse: { ok: boolean; engine: string; version: string };
  database: { ok: boolean; kind: string };
  sources: SourceHealth[];
}

before(async () => {
  app = await startApp();
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
});
// A test that fails because the server died should say why: the app's own log.
afterEach(() => app?.assertAlive());
after(async () => {
  await browser?.close();
  await app?.stop();
});

type Point = { value: number | null; status: 'ok' | 'warn' | 'alarm' | null };

/** The node's totals for the day, asked as the home asks them (kpi.query, the tiles' query). */
let asked = 0;
async function kpiTotals(orgCode: string, preset: 'today' | 'yesterday'): Promise<Record<string, Point>> {
  const kpis = ['queue.tickets', 'queue.length', 'queue.avg_wait', 'queue.max_wait', 'queue.satisfaction'];
  // A key of its own each time: the KPI layer answers the very same batch from a 3 s cache, and "after the page
  // asked" must be a fresh answer, not the "before" one again while the first catch-up is still loading.
  const key = `test:total:${++asked}`;
  const input = { queries: [{ key, kpis, orgCode, by: 'total', time: { preset }, compare: ['previous'] }] };
  const res = await fetch(`${app.url}/api/trpc/kpi.query?input=${encodeURIComponent(JSON.stringify({ json: input }))}`, {
    headers: ADMIN_AUTH,
  });
  const body = (await res.json()) as { result: { data: { json: { results: { kpis: { kpi: string; points: Point[] }[] }[] } } } };
  return Object.fromEntries(body.result.data.json.results[0]!.kpis.map((s) => [s.kpi, s.points[0]!]));
}

describe('fresh start on embedded defaults', () => {
  it('reports ClickHouse, the database and the first source healthy on /api/health', async () => {
    const health = await waitFor<Health>(
      'a healthy /api/health',
      async () => {
        const res = await fetch(`${app.url}/api/health`, { headers: ADMIN_AUTH });
        const body = (await res.json()) as Health;
        return res.status === 200 && body.sources.some((s) => s.source === 'hall-queue.tickets' && s.ok && s.rowsInLastSuccess > 0)
          ? body
          : undefined;
      },
      240_000,
      app.logs,
    );
    assert.equal(health.clickhouse.ok, true);
    assert.equal(health.clickhouse.engine, 'embedded');
    assert.match(health.clickhouse.version, /^\d+\.\d+/);
    assert.equal(health.database.ok, true);
    assert.equal(health.database.kind, 'embedded-pglite');
    const tickets = health.sources.find((s) => s.source === 'hall-queue.tickets')!;
    assert.ok(tickets.lagSeconds !== null && tickets.lagSeconds < 120, `lag ${tickets.lagSeconds}`);
    assert.ok(tickets.lastSuccessAt);
    // The hall reference job starts with the tickets job, after the simulated queue system's first tick wrote
    // its halls: by the time the (much longer) first tickets pass is in, the halls are too. Before that
    // ordering, its first pass raced the tick and loaded no hall until the next minute.
    const halls = health.sources.find((s) => s.source === 'hall-queue.halls');
    assert.ok(halls && halls.rowsInLastSuccess > 0, `hall-queue.halls: ${JSON.stringify(halls)}`);
  });

  it('/queue shows figures from the KPI layer (kpi.query), and today the live chart and the province map', async () => {
    const page = await signedInPage(browser, app, { viewport: { width: 1920, height: 1080 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    // Yesterday, a whole business day at any hour. Counts only grow while the history back-fill may still be
    // loading: the page's figure lies between the KPI layer's answers just before and just after it asked.
    const before = await kpiTotals('53', 'yesterday');
    await page.goto(`${app.url}/queue?t=yesterday`, { waitUntil: 'domcontentloaded' });
    const tile = page.getByTestId('tile-queue.tickets-open');
    await tile.waitFor({ timeout: 60_000 });
    const shown = await waitFor(
      'the tickets figure',
      async () => {
        const n = Number(await tile.getAttribute('data-count'));
        return n > 0 ? n : undefined;
      },
      60_000,
    );
    const after = await kpiTotals('53', 'yesterday');
    const low = before['queue.tickets']!.value!;
    const high = after['queue.tickets']!.value!;
    assert.ok(low <= shown && shown <= high, `page ${shown} vs api ${low}…${high}`);
    // The tile's colour is the status the KPI layer gave the figure (the wall's and the alerts' thresholds).
    const satisfaction = await page.getByTestId('tile-queue.satisfaction').getAttribute('data-status');
    assert.ok(
      [before['queue.satisfaction']!.status ?? 'none', after['queue.satisfaction']!.status ?? 'none'].includes(satisfaction!),
      `satisfaction tile ${satisfaction}`,
    );

    // Today (the default) adds the live panel: wait by city, hours and the map of halls.
    await page.goto(`${app.url}/queue`, { waitUntil: 'domcontentloaded' });
    await page.locator('[data-testid="chart-wait-by-city"] canvas').first().waitFor({ timeout: 60_000 });
    await page.locator('[data-testid="province-map"] canvas').first().waitFor({ timeout: 30_000 });
    // The county boundaries shipped in public/geo loaded (offline) and the map drew them.
    await page.locator('[data-state="ready"]').first().waitFor({ timeout: 30_000 });
    assert.match(await page.locator('body').innerText(), /云南省/);
    await page.waitForTimeout(2500);
    mkdirSync('test-results', { recursive: true });
    await page.screenshot({ path: 'test-results/queue-1920.png' });
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('shows a city’s own figures (/queue?org=5301) and switches unit from the picker', async () => {
    const page = await signedInPage(browser, app, { viewport: { width: 1920, height: 1080 } });
    await page.goto(`${app.url}/queue?org=5301&t=yesterday`, { waitUntil: 'domcontentloaded' });
    const tile = page.getByTestId('tile-queue.tickets-open');
    await tile.waitFor({ timeout: 60_000 });
    assert.equal(await page.getByTestId('breadcrumb-current').getAttribute('data-org'), '5301');
    // Client-rendered figures: once the count is there the page is hydrated and the picker's handler attached.
    const shown = await waitFor(
      'the city figure',
      async () => {
        const n = Number(await tile.getAttribute('data-count'));
        return n > 0 ? n : undefined;
      },
      60_000,
    );
    const [city, province] = await Promise.all([kpiTotals('5301', 'yesterday'), kpiTotals('53', 'yesterday')]);
    assert.ok(shown <= city['queue.tickets']!.value! && shown < province['queue.tickets']!.value!, `city ${shown}`);
    await page.getByTestId('unit-select').selectOption('5303');
    await page.waitForURL(/org=5303/, { timeout: 60_000 });
    await page.getByText('曲靖市').first().waitFor({ timeout: 30_000 });
    await page.close();
  });

  it('asks for sign-in, refuses a wrong password with a message, and returns to the page asked for', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${app.url}/alerts?state=firing`);
    await page.waitForURL(/\/sign-in\?next=/);
    await page.getByTestId('sign-in-form').waitFor();
    await page.getByTestId('sign-in-username').fill('admin');
    await page.getByTestId('sign-in-password').fill('not-the-password-1');
    await page.getByTestId('sign-in-submit').click();
    assert.match(await page.getByTestId('sign-in-error').innerText(), /用户名或密码错误/);
    await page.getByTestId('sign-in-password').fill(TEST_ADMIN_PASSWORD);
    await page.getByTestId('sign-in-submit').click();
    await page.waitForURL(/\/alerts\?state=firing$/, { timeout: 30_000 });
    await page.getByTestId('user-menu').waitFor({ timeout: 30_000 });
    assert.match(await page.getByTestId('user-name').innerText(), /系统管理员/);
    // Signing out ends the session: the next page asks for sign-in again.
    await page.getByTestId('sign-out').click();
    await page.waitForURL(/\/sign-in/, { timeout: 30_000 });
    await page.goto(`${app.url}/admin/rules`);
    await page.waitForURL(/\/sign-in\?next=%2Fadmin%2Frules/);
    assert.deepEqual(errors, []);
    await context.close();
  });

  it('switches to English and back', async () => {
    const context = await signedInContext(browser, app, { viewport: { width: 1600, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${app.url}/queue`);
    // Hydrated (the figures are drawn by client code only) before the switch is clicked.
    await page.locator('[data-testid="tile-queue.tickets-open"][data-count]').waitFor({ timeout: 60_000 });
    await page.getByRole('button', { name: /English/ }).click();
    await page.getByText('Business-hall queue').first().waitFor({ timeout: 30_000 });
    await page.getByRole('button', { name: /中文/ }).click();
    await page.getByText('营业厅排队').first().waitFor({ timeout: 30_000 });
    await context.close();
  });
});

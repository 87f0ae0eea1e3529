import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { after, afterEach, before, describe, it } from 'node:test';
import { chromium, type Browser } from 'playwright-core';
import { CHROMIUM_ARGS, startApp, waitFor, type RunningApp } from './server';

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

describe('fresh start on embedded defaults', () => {
  it('reports ClickHouse, the database and the first source healthy on /api/health', async () => {
    const health = await waitFor<Health>(
      'a healthy /api/health',
      async () => {
        const res = await fetch(`${app.url}/api/health`);
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

  it('shows the queue overview with figures from the ETL, a chart and the province map', async () => {
    const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(app.url, { waitUntil: 'domcontentloaded' });
    await page.getByTestId('kpi-tickets').waitFor({ timeout: 30_000 });

    const tileText = await page.getByTestId('kpi-tickets-value').innerText();
    const shown = Number(tileText.replace(/[^\d]/g, ''));
    const api = await fetch(
      `${app.url}/api/trpc/kpi.queueOverview?input=${encodeURIComponent(JSON.stringify({ json: { orgCode: '53' } }))}`,
    );
    const body = (await api.json()) as { result: { data: { json: { totals: { ticketsIssued: number } } } } };
    const fromApi = body.result.data.json.totals.ticketsIssued;
    assert.ok(shown > 0, `tickets tile shows ${tileText}`);
    // The simulator keeps adding tickets, so the page (rendered first) can only be at or below the API's figure.
    assert.ok(shown <= fromApi && shown > fromApi * 0.9, `page ${shown} vs api ${fromApi}`);

    await page.locator('[data-testid="chart-wait-by-city"] canvas').first().waitFor({ timeout: 20_000 });
    await page.locator('[data-testid="province-map"] canvas').first().waitFor({ timeout: 30_000 });
    // The county boundaries shipped in public/geo loaded (offline) and the map drew them.
    await page.locator('[data-state="ready"]').first().waitFor({ timeout: 30_000 });
    assert.match(await page.locator('body').innerText(), /云南省/);
    await page.waitForTimeout(2500);
    mkdirSync('test-results', { recursive: true });
    await page.screenshot({ path: 'test-results/overview-1920.png' });
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('switches to English and back', async () => {
    const context = await browser.newContext({ viewport: { width: 1600, height: 900 } });
    const page = await context.newPage();
    await page.goto(app.url);
    await page.getByTestId('kpi-tickets').waitFor();
    await page.getByRole('button', { name: /English/ }).click();
    await page.getByText(/Queue/i).first().waitFor({ timeout: 15_000 });
    await page.getByRole('button', { name: /中文/ }).click();
    await page.getByText('当前排队').first().waitFor({ timeout: 15_000 });
    await context.close();
  });
});

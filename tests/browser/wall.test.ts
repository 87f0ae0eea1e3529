import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { after, afterEach, before, describe, it } from 'node:test';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { ADMIN_AUTH, CHROMIUM_ARGS, screenContext, signedInContext, startApp, waitFor, type RunningApp } from './server';

// The wall end to end: `npm start` on a fresh DATA_DIR (the demo layouts are seeded at boot), a zone screen
// and the console in two pages of a real Chromium; a console action reaches the screen by server push.

let app: RunningApp;
let browser: Browser;
const contexts: BrowserContext[] = [];

before(async () => {
  app = await startApp();
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  await waitFor(
    'the wall to answer',
    async () => ((await fetch(`${app.url}/wall/demo/control`, { headers: ADMIN_AUTH })).status === 200 ? true : undefined),
    240_000,
    app.logs,
  );
});
afterEach(async () => {
  // Pages left open keep drawing (charts, the map in software GL) and slow the next test on a small machine.
  for (const c of contexts.splice(0)) await c.close().catch(() => {});
  app?.assertAlive();
});
after(async () => {
  for (const c of contexts) await c.close().catch(() => {});
  await browser?.close();
  await app?.stop();
});

async function open(
  path: string,
  viewport: { width: number; height: number },
  deviceScaleFactor = 1,
): Promise<{ page: Page; errors: string[] }> {
  // The console is a person's (signed in); the wall screens run on a paired display token, as installed.
  const layout = path.split('/')[2]!;
  const context = path.endsWith('/control')
    ? await signedInContext(browser, app, { viewport, deviceScaleFactor })
    : await screenContext(browser, app, layout, null, { viewport, deviceScaleFactor });
  contexts.push(context);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${app.url}${path}`, { waitUntil: 'domcontentloaded' });
  return { page, errors };
}

/** PNG → JPEG (quality 0.88) with the browser's own encoder: nothing else here converts images. */
async function toJpeg(png: Buffer): Promise<Buffer> {
  const page = await browser.newPage();
  const dataUrl = await page.evaluate(async (b64) => {
    const img = new Image();
    img.src = `data:image/png;base64,${b64}`;
    await img.decode();
    const canvas = document.createElement('canvas');
    canvas.width = img.naturalWidth;
    canvas.height = img.naturalHeight;
    canvas.getContext('2d')!.drawImage(img, 0, 0);
    return canvas.toDataURL('image/jpeg', 0.88);
  }, png.toString('base64'));
  await page.close();
  return Buffer.from(dataUrl.slice(dataUrl.indexOf(',') + 1), 'base64');
}

const attr = (page: Page, testId: string, name: string) => page.getByTestId(testId).getAttribute(name);

describe('大屏 /wall', () => {
  it('a console pin reaches the zone screen by server push, then a scene switch', async () => {
    // The indicator zone (figures, no map): headless Chromium draws the deck.gl map in software, which can hold
    // a loaded 2-core machine's page busy for seconds — a GPU wall does not have that problem.
    const zone = await open('/wall/demo/indicator', { width: 1920, height: 1080 });
    await zone.page.locator('[data-testid="wall-screen"][data-connection="live"]').waitFor({ timeout: 30_000 });
    await zone.page.getByTestId('zone-indicator').waitFor();
    const console_ = await open('/wall/demo/control', { width: 1024, height: 1366 }); // a tablet, upright
    await console_.page.locator('[data-testid="wall-console"][data-connection="live"]').waitFor({ timeout: 30_000 });

    // The time the screen shows a change, taken in the page as the attribute changes.
    await zone.page.evaluate(() => {
      const w = window as unknown as { changedAt: Record<string, number> };
      w.changedAt = {};
      const el = document.querySelector('[data-testid="zone-indicator"]')!;
      new MutationObserver(() => {
        for (const a of ['data-pinned', 'data-scene']) w.changedAt[`${a}=${el.getAttribute(a)}`] ??= Date.now();
      }).observe(el, { attributes: true });
    });
    /**
     * Taps a console button: the server takes it and the zone screen shows `attr`. How long each took is printed
     * for the reader, never asserted — a loaded machine stretches it for no fault of the wall (how fast the push
     * is belongs in bench/). The timeout only turns a push that never arrives into a failure.
     */
    const act = async (button: string, attr: string) => {
      const answered = console_.page.waitForResponse((r) => r.url().includes('wall.control'));
      const t0 = Date.now();
      await console_.page.getByTestId(button).click();
      const answer = await answered;
      const tAnswer = Date.now() - t0;
      assert.ok(answer.ok(), `${button}: the server answered HTTP ${answer.status()}`);
      await zone.page.waitForFunction((key) => (window as unknown as { changedAt: Record<string, number> }).changedAt[key], attr, {
        timeout: 60_000,
        polling: 50,
      });
      const shown =
        (await zone.page.evaluate((key) => (window as unknown as { changedAt: Record<string, number> }).changedAt[key]!, attr)) - t0;
      console.log(`[wall] ${button}: server answered in ${tAnswer} ms, the zone screen showed it ${shown} ms after the tap`);
      // Order, not speed: the screen changed after the tap (both clocks are this machine's), so it was this push.
      assert.ok(shown >= 0, `${button}: the screen showed ${attr} ${-shown} ms before the tap`);
    };

    // Pin a panel that is not on screen now (three panels per page: kpi-queue, kpi-call, kpi-outage | banner, fresh, kpi-arrears).
    const shown = (await attr(zone.page, 'zone-indicator', 'data-panels'))!.split(',');
    const target = ['fresh', 'kpi-call'].find((p) => !shown.includes(p))!;
    await act(`pin-indicator-${target}`, `data-pinned=${target}`);
    assert.ok((await attr(zone.page, 'zone-indicator', 'data-panels'))!.split(',').includes(target));
    await zone.page.getByTestId(`frame-${target}`).waitFor();
    // The console shows the same state (it follows the same push).
    await console_.page.getByTestId(`unpin-indicator-${target}`).waitFor({ timeout: 60_000 });

    // A scene: the zone switches its panel list and says so in its header.
    await act('scene-indicator-storm', 'data-scene=storm');
    await zone.page.getByTestId('zone-indicator-scene').waitFor();
    await zone.page.getByTestId('frame-st-outage').waitFor();

    // Back to normal, so the other tests see the demo as seeded.
    await console_.page.getByTestId('reset-indicator').click();
    await zone.page.locator('[data-testid="zone-indicator"][data-scene=""][data-pinned=""]').waitFor({ timeout: 10_000 });
    assert.deepEqual(zone.errors, []);
    assert.deepEqual(console_.errors, []);
  });

  it('every panel frame shows its data time once the zone data arrives, never a blank frame', async () => {
    const { page, errors } = await open('/wall/demo/indicator', { width: 1920, height: 1080 });
    await page.getByTestId('zone-indicator').waitFor({ timeout: 30_000 });
    const ids = (await attr(page, 'zone-indicator', 'data-panels'))!.split(',');
    for (const id of ids) {
      await page.waitForFunction(
        (i) => /数据时间 (\d\d:\d\d:\d\d|—)/.test(document.querySelector(`[data-testid="age-${i}"]`)?.textContent ?? ''),
        id,
        {
          timeout: 60_000,
        },
      );
      const text = await page.getByTestId(`frame-${id}`).innerText();
      assert.ok(text.trim().length > 10, `frame ${id} is nearly empty: ${JSON.stringify(text)}`);
    }
    assert.deepEqual(errors, []);
  });

  it('keeps the last good data when the server is unreachable, says so, and recovers by itself', async () => {
    const { page } = await open('/wall/demo/indicator', { width: 1920, height: 1080 });
    await page.locator('[data-testid="wall-screen"][data-connection="live"]').waitFor({ timeout: 30_000 });
    await page.waitForFunction(() => /数据时间/.test(document.querySelector('[data-testid^="age-"]')?.textContent ?? ''), null, {
      timeout: 60_000,
    });
    // Hold the rotation on one page, so the same panels stay on screen while the network is cut.
    await fetch(`${app.url}/api/trpc/wall.control`, {
      method: 'POST',
      headers: { ...ADMIN_AUTH, 'content-type': 'application/json' },
      body: JSON.stringify({ json: { layoutId: 'demo', zoneId: 'indicator', action: { type: 'pause' } } }),
    });
    await page.locator('[data-testid="zone-indicator"][data-paused="true"]').waitFor({ timeout: 5_000 });
    const first = (await attr(page, 'zone-indicator', 'data-panels'))!.split(',')[0]!;
    const before = await page.getByTestId(`frame-${first}`).innerText();

    await page.route('**/api/**', (route) => route.abort());
    await page.getByTestId(`badge-${first}`).and(page.locator('[data-kind="offline"]')).waitFor({ timeout: 45_000 });
    const during = await page.getByTestId(`frame-${first}`).innerText();
    assert.match(during, /连接中断/);
    // The figures are still there (the body below the header is unchanged).
    assert.equal(during.split('\n').slice(-3).join('\n'), before.split('\n').slice(-3).join('\n'));

    await page.unroute('**/api/**');
    await page.locator('[data-testid="wall-screen"][data-connection="live"]').waitFor({ timeout: 30_000 });
    await page.locator(`[data-testid="badge-${first}"][data-kind="offline"]`).waitFor({ state: 'detached', timeout: 30_000 });
    await fetch(`${app.url}/api/trpc/wall.control`, {
      method: 'POST',
      headers: { ...ADMIN_AUTH, 'content-type': 'application/json' },
      body: JSON.stringify({ json: { layoutId: 'demo', zoneId: 'indicator', action: { type: 'reset' } } }),
    });
  });

  it('renders the canvas at device pixels under OS display scaling, never scaled with a transform', async () => {
    // A 3840×2160 wall driven at 200 % display scaling: the window is 1920×1080 CSS px at devicePixelRatio 2.
    const { page, errors } = await open('/wall/demo', { width: 1920, height: 1080 }, 2);
    await page.locator('[data-testid="wall-screen"][data-connection="live"]').waitFor({ timeout: 30_000 });
    const m = await page.evaluate(() => {
      const screen = document.querySelector('[data-testid="wall-screen"]') as HTMLElement;
      const transforms: string[] = [];
      for (let el: HTMLElement | null = screen; el; el = el.parentElement) transforms.push(getComputedStyle(el).transform);
      const zone = document.querySelector('[data-testid="zone-analysis"]')!.getBoundingClientRect();
      return {
        unit: screen.dataset.unit,
        width: screen.getBoundingClientRect().width,
        transforms,
        zone: [zone.left, zone.top, zone.width, zone.height],
      };
    });
    assert.equal(m.unit, '0.5');
    assert.equal(m.width, 1920);
    assert.deepEqual([...new Set(m.transforms)], ['none']);
    // The analysis zone sits at canvas (1920, 0) 1920×1080: CSS (960, 0) 960×540, i.e. its own device pixels.
    assert.deepEqual(
      m.zone.map((v) => Math.round(v)),
      [960, 0, 960, 540],
    );
    assert.equal(await page.locator('[data-testid^="zone-"][data-zone-kind]').count(), 4);
    assert.deepEqual(errors, []);
  });

  it('streams control changes as server-sent events, unbuffered', async () => {
    const ctrl = new AbortController();
    const res = await fetch(`${app.url}/api/wall/demo/events`, { signal: ctrl.signal, headers: ADMIN_AUTH });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /text\/event-stream/);
    const reader = res.body!.getReader();
    let text = '';
    const deadline = Date.now() + 3_000;
    while (!text.includes('event: snapshot') && Date.now() < deadline) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    ctrl.abort();
    assert.match(text, /event: snapshot\ndata: \{"version":\d+,"controls":\{"monitoring"/);
    assert.equal((await fetch(`${app.url}/api/wall/nope/events`, { headers: ADMIN_AUTH })).status, 404);
    assert.equal((await fetch(`${app.url}/wall/nope`, { headers: ADMIN_AUTH })).status, 404);
    assert.equal((await fetch(`${app.url}/api/wall/demo/events`)).status, 401);
  });

  it('runs a paired screen on its display token, and stops it the moment the token is revoked', async () => {
    const { page } = await open('/wall/demo/indicator', { width: 1280, height: 720 });
    await page.locator('[data-testid="wall-screen"][data-connection="live"]').waitFor({ timeout: 30_000 });
    const screens = await fetch(`${app.url}/api/trpc/screens.list`, { headers: ADMIN_AUTH });
    const list = ((await screens.json()) as { result: { data: { json: { id: string; revokedAt: string | null; layoutId: string }[] } } })
      .result.data.json;
    const mine = list.find((t) => t.layoutId === 'demo' && !t.revokedAt);
    assert.ok(mine, 'the paired screen is listed');
    const revoked = await fetch(`${app.url}/api/trpc/tokens.revoke`, {
      method: 'POST',
      headers: { ...ADMIN_AUTH, 'content-type': 'application/json' },
      body: JSON.stringify({ json: { id: mine.id } }),
    });
    assert.equal(revoked.status, 200);
    // The stream closes with a `revoked` event and the screen goes back to pairing, with no reload needed.
    await page.waitForURL(/\/wall\/pair\?revoked=1/, { timeout: 15_000 });
    // Back to pairing: the screen shows a fresh code (placeholder dots until the request answers).
    await page.waitForFunction(
      () => /^[A-HJ-NP-Z2-9]{6}$/.test(document.querySelector('[data-testid="pair-code"]')?.textContent ?? ''),
      null,
      { timeout: 15_000 },
    );
    assert.match(await page.getByText(/本屏的显示授权已被吊销/).innerText(), /重新配对/);
  });

  it('screenshots: the 3840×2160 demo, the 7680×2160 wall at 200 % scaling, a zone and the console', async () => {
    mkdirSync('test-results', { recursive: true });
    const shots: [string, string, { width: number; height: number }, number][] = [
      ['wall-3840', '/wall/demo', { width: 3840, height: 2160 }, 1],
      ['wall-7680', '/wall/demo-7680', { width: 3840, height: 1080 }, 2],
      ['wall-zone-visitor', '/wall/demo/visitor', { width: 1920, height: 1080 }, 1],
      ['wall-console', '/wall/demo/control', { width: 1280, height: 1100 }, 1],
    ];
    for (const [name, path, viewport, dpr] of shots) {
      const { page, errors } = await open(path, viewport, dpr);
      await page.locator('[data-connection="live"]').first().waitFor({ timeout: 30_000 });
      // Every zone's first answer in (no frame still loading), then a moment for the charts and the map.
      await page.waitForFunction(
        () => ![...document.querySelectorAll('[data-testid^="age-"]')].some((e) => /加载中/.test(e.textContent ?? '')),
        null,
        {
          timeout: 120_000,
        },
      );
      await page.waitForTimeout(4_000);
      const png = await page.screenshot({ path: `test-results/${name}.png`, timeout: 120_000 });
      // The two walls also as JPEG for the README (a 7680×2160 PNG of gradients is several MB).
      if (name === 'wall-3840' || name === 'wall-7680') writeFileSync(`test-results/${name}.jpg`, await toJpeg(png));
      assert.deepEqual(errors, [], name);
      await page.context().close();
    }
  });
});

import { ADMIN_AUTH } from './server';
import type { Browser, CDPSession, Page } from 'playwright-core';

// The wall soak, shared by the soak test (tests/browser/wall-soak.test.ts) and the bench (bench/wall-soak.ts):
// a wall screen in a real Chromium against the running product, its time run fast with Playwright's clock, so
// hours of rotation and refresh pass in minutes. Heap and DOM are read after a forced GC before and after.
//
// Time: the page's clock is paused and moved on in steps (runFor fires every timer: rotation, refresh
// intervals, animation frames). The server's own clock does not move fast, so the screen learns "server time"
// from the control-state poll, whose serverNow the driver translates onto the page's timeline, and the push
// stream is refused (a stream whose heartbeats carry real time would pull the screen's clock back every 5 s);
// the screen then runs on its polling fallback, exactly as with a proxy that drops the stream.

export interface SoakOptions {
  /** Path of the screen, e.g. /wall/demo. */
  path: string;
  viewport: { width: number; height: number };
  /** Page-time per step (ms): one refresh interval by default. */
  stepMs?: number;
  warmupSteps: number;
  steps: number;
  /** Called after each step (progress, extra actions). */
  onStep?: (i: number) => Promise<void> | void;
  /** Called with the page at the end, before it closes (checks of what the screen shows). */
  atEnd?: (page: Page) => Promise<void>;
  /** The screen's display token (tests/browser/server.ts pairScreenToken): screens run paired, as installed. */
  displayToken: string;
}

export interface MemoryReading {
  heapUsed: number;
  nodes: number;
  listeners: number;
}

export interface SoakResult {
  before: MemoryReading;
  after: MemoryReading;
  /** Screen changes seen (a zone's panel list or page changed). */
  rotations: number;
  /** Zone data answers received. */
  refreshes: number;
  pageTimeMs: number;
  wallTimeMs: number;
  errors: string[];
  /** Heap after each checkpoint (every tenth of the run), for the bench and for diagnosis. */
  heapTrail: number[];
  /** The page's console warnings and errors. */
  logs: string[];
}

async function reading(cdp: CDPSession): Promise<MemoryReading> {
  // Twice: a first collection can leave garbage that only the finalizers it ran released.
  await cdp.send('HeapProfiler.collectGarbage');
  await cdp.send('HeapProfiler.collectGarbage');
  const heap = await cdp.send('Runtime.getHeapUsage');
  const dom = await cdp.send('Memory.getDOMCounters');
  return { heapUsed: heap.usedSize, nodes: dom.nodes, listeners: dom.jsEventListeners };
}

const countOf = (s: string, needle: string) => s.split(needle).length - 1;

export async function soakWall(browser: Browser, baseUrl: string, o: SoakOptions): Promise<SoakResult> {
  const stepMs = o.stepMs ?? 10_000;
  const context = await browser.newContext({ viewport: o.viewport, deviceScaleFactor: 1 });
  await context.addCookies([{ name: 'ym_display', value: o.displayToken, url: baseUrl, httpOnly: true, sameSite: 'Lax' }]);
  const page: Page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const logs: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'warning' || m.type() === 'error') logs.push(`${m.type()}: ${m.text().slice(0, 300)}`);
  });
  try {
    const start = Date.now();
    await page.clock.install({ time: start });
    await page.clock.pauseAt(start + 1_000);

    let pending = 0;
    let refreshes = 0;
    page.on('request', (r) => {
      if (r.url().includes('/api/trpc/')) pending++;
    });
    const done = (ok: boolean) => (r: { url(): string }) => {
      if (!r.url().includes('/api/trpc/')) return;
      pending--;
      if (ok) refreshes += countOf(decodeURIComponent(r.url().split('?')[0]!), 'wall.zoneData');
    };
    page.on('requestfinished', done(true));
    page.on('requestfailed', done(false));

    await page.route('**/api/wall/*/events', (route) => route.abort());
    // Control-state answers are held while the page's time runs and handed over between steps with serverNow set
    // to the page's own (paused) time, so the screen's clock stays the page's clock.
    let running = false;
    const held: (() => Promise<void>)[] = [];
    let releaseNow = 0;
    const release = async () => {
      releaseNow = await page.evaluate(() => Date.now());
      for (const f of held.splice(0)) await f().catch(() => {});
    };
    await page.route(/\/api\/trpc\/[^?]*wall\.state/, async (route) => {
      // A kept-alive socket the server just closed resets now and then: ask again once, else the poll fails
      // (as a real network would) and the screen tries again in 2 s.
      const res = await route.fetch().catch(() => route.fetch().catch(() => null));
      if (!res) return route.abort().catch(() => {});
      const body = (await res.json()) as unknown;
      const answer = async () => {
        // Batched answers: [{result:{data:{json:{serverNow,…}}}}, …]; only the control state carries serverNow.
        const shift = (v: unknown): unknown => {
          if (Array.isArray(v)) return v.map(shift);
          if (v && typeof v === 'object') {
            const e = Object.entries(v as Record<string, unknown>);
            return Object.fromEntries(e.map(([k, x]) => [k, k === 'serverNow' && typeof x === 'number' ? releaseNow : shift(x)]));
          }
          return v;
        };
        await route.fulfill({ response: res, json: shift(body) });
      };
      if (running) held.push(answer);
      else {
        releaseNow = await page.evaluate(() => Date.now());
        await answer();
      }
    });

    await page.goto(`${baseUrl}${o.path}`, { waitUntil: 'domcontentloaded' });
    const settle = async () => {
      for (let i = 0; i < 600 && pending > 0; i++) await new Promise((r) => setTimeout(r, 25));
      // Let React commit what the answers brought.
      await page.evaluate(() => new Promise((r) => queueMicrotask(() => r(null))));
    };
    const run = async (ms: number) => {
      running = true;
      await page.clock.runFor(ms);
      running = false;
      await release();
      await settle();
    };
    const step = () => run(stepMs);
    // The first answers in: the page loads and hydrates in real time (a cold server, a loaded machine) while
    // its clock moves in small steps, so the first fetches and renders happen.
    const ready = Date.now() + 180_000;
    for (;;) {
      await run(500);
      const loading = await page.evaluate(
        () =>
          document.querySelectorAll('[data-testid^="zone-"][data-zone-kind]').length === 0 ||
          [...document.querySelectorAll('[data-testid^="age-"]')].some((e) => /加载中|Loading/.test(e.textContent ?? '')),
      );
      if (!loading) break;
      if (Date.now() > ready) throw new Error(`the wall ${o.path} did not show its first data within 3 minutes`);
      await new Promise((r) => setTimeout(r, 250));
    }
    await page.evaluate(() => {
      const w = window as unknown as { soakRotations: number };
      w.soakRotations = 0;
      const mo = new MutationObserver((records) => {
        w.soakRotations += records.length;
      });
      // A rotation: the panels on a zone's screen changed.
      for (const z of document.querySelectorAll('[data-testid^="zone-"][data-zone-kind]'))
        mo.observe(z, { attributes: true, attributeFilter: ['data-panels'] });
    });

    const cdp = await context.newCDPSession(page);
    for (let i = 0; i < o.warmupSteps; i++) await step();
    const before = await reading(cdp);
    const refreshesBefore = refreshes;
    const rotationsBefore = await page.evaluate(() => (window as unknown as { soakRotations: number }).soakRotations);
    const t0 = Date.now();
    const heapTrail: number[] = [];
    const every = Math.max(1, Math.floor(o.steps / 10));
    for (let i = 0; i < o.steps; i++) {
      await step();
      await o.onStep?.(i);
      if ((i + 1) % every === 0) heapTrail.push((await reading(cdp)).heapUsed);
    }
    const after = await reading(cdp);
    await o.atEnd?.(page);
    const alive = await page.evaluate(() => (window as unknown as { soakRotations?: number }).soakRotations !== undefined);
    if (!alive) throw new Error('the page was reloaded during the soak (the heap watchdog?)');
    const rotations = await page.evaluate(() => (window as unknown as { soakRotations: number }).soakRotations);
    return {
      before,
      after,
      rotations: rotations - rotationsBefore,
      refreshes: refreshes - refreshesBefore,
      pageTimeMs: o.steps * stepMs,
      wallTimeMs: Date.now() - t0,
      errors,
      heapTrail,
      logs,
    };
  } finally {
    await context.close().catch(() => {});
  }
}

/**
 * The accelerated copy of a layout for a soak: same zones and panels, every panel shown 5 s and every zone
 * refreshed every 2 s (the smallest the layout schema allows), saved under `soakId` through the admin API.
 */
export async function saveSoakLayout(baseUrl: string, fromId: string, soakId: string): Promise<void> {
  const q = encodeURIComponent(JSON.stringify({ json: { layoutId: fromId } }));
  const res = await fetch(`${baseUrl}/api/trpc/wall.layout?input=${q}`, { headers: ADMIN_AUTH });
  if (!res.ok) throw new Error(`wall.layout ${fromId}: HTTP ${res.status}`);
  const { layout } = ((await res.json()) as { result: { data: { json: { layout: Record<string, unknown> } } } }).result.data.json;
  type Panel = { durationSec: number };
  type Zone = { refreshSec: number; panels: Panel[]; scenes: { panels: Panel[] }[] };
  const zones = (layout.zones as Zone[]).map((z) => ({
    ...z,
    refreshSec: 2,
    panels: z.panels.map((p) => ({ ...p, durationSec: 5 })),
    scenes: z.scenes.map((s) => ({ ...s, panels: s.panels.map((p) => ({ ...p, durationSec: 5 })) })),
  }));
  const spec = { ...layout, id: soakId, name: { zh: '浸泡测试', en: 'Soak' }, zones };
  const save = await fetch(`${baseUrl}/api/trpc/wall.saveLayout`, {
    method: 'POST',
    headers: { ...ADMIN_AUTH, 'content-type': 'application/json' },
    body: JSON.stringify({ json: { spec, expectedVersion: null, note: 'soak' } }),
  });
  if (!save.ok) throw new Error(`wall.saveLayout ${soakId}: HTTP ${save.status} ${await save.text()}`);
}

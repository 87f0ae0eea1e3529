import { mkdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium, type Browser, type CDPSession, type Page } from 'playwright-core';
import type { CountyCollection } from '@/app/_components/map/queue-map-layers';
import { buildPointCloud, pointLayers } from '@/app/_components/wall/panels/outage-map-layers';
import { CHROMIUM_ARGS } from '../tests/browser/server';
import { figure, recordFigures, type Figure } from './results';
import type { MapScene, SceneInfo } from './wall-map/api';
import { syntheticItems } from './wall-map/points';

// `npm run bench` (part 4), or alone: `node --import tsx bench/wall-map.ts`.
// The frame rate of the wall's outage map (deck.gl, OutageMapPanel) with 100,000 points, in headless Chromium.
//   1. Frame rate. bench/wall-map/page.ts is bundled with esbuild and served with the county GeoJSON (the
//      panel's DEFAULT_COUNTIES_URL) from 127.0.0.1; every other request of the page is refused. On a
//      1920×1080 canvas it draws the panel's own layers with the panel's view: countyOutageLayer over the real
//      counties, and pointLayers built by buildPointCloud from N points placed inside the counties with the
//      panel's colours, radius rules and drawing order (bench/wall-map/points.ts). The view pans ~10 px
//      every animation frame, so each frame is a full redraw. Scenes: 0 points, the panel as a visitor zone draws it
//      (one circle and one dot per county; elsewhere ~600 hall dots), 10k and 100k points.
//      Baseline: the 0-point scene, i.e. the same map with the county layer alone. Every scene draws that
//      layer too (the same instance, as the panel keeps it), so fps(N) / fps(baseline) is what the points
//      cost on top of the map, in the same browser, in the same run. The scenes take turns on one Deck
//      (forward, then backward), so a load spike on the machine falls on all of them.
//      Printed per scene: fps over the frames drawn in the timed turns, frame interval p50/p95, the ratio,
//      and the page's JS heap and ArrayBuffer store after a forced GC (CDP), against the baseline.
//      Headless Chromium renders WebGL in software here (SwiftShader, no GPU): a frame of the map takes
//      about a second, so a turn lasts until MIN_FRAMES were drawn (at most MAX_TURN_MS), and the whole run
//      takes a few minutes. Absolute fps says nothing about a wall's GPU; the ratios say how the points
//      scale against the map under the same renderer. Frames are capped at 60/s (a ratio near 1 at 60 fps
//      would mean "not measurable here", not "free").
//   2. Layer build in Node: buildPointCloud + pointLayers for 100k points, against the same for 1k
//      (100× means linear in the points).
// BENCH_WALL_MAP_SECONDS: seconds timed per scene, split over the turns (default 8; each turn after a 2 s
// warm-up). BENCH_WALL_MAP_SHOTS=<dir>: also save a PNG of each scene (first turn) to look at.
// Figures are printed and recorded as bench `wall-map` (bench/results.ts), never asserted; the run fails only
// if the page cannot draw.

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const WIDTH = 1920;
const HEIGHT = 1080;
const SCALE = Math.min(4, Math.max(0.75, Math.min(WIDTH, HEIGHT) / 1000)); // as OutageMapPanel at this size
const MEASURE_MS = Number(process.env.BENCH_WALL_MAP_SECONDS ?? 8) * 1000;
const SHOTS = process.env.BENCH_WALL_MAP_SHOTS;
const WARM_MS = 2000;
const ROUNDS = 2;
/** Software rendering draws a frame in seconds: a turn lasts until this many frames were drawn (3 intervals)… */
const MIN_FRAMES = 4;
/** … but no longer than this. */
const MAX_TURN_MS = 30_000;

const SCENES: { label: string; scene: MapScene }[] = [
  { label: 'counties only (baseline)', scene: { kind: 'points', points: 0 } },
  { label: 'panel, visitor zone (1 circle + 1 dot per county)', scene: { kind: 'panel' } },
  { label: '10,000 points', scene: { kind: 'points', points: 10_000 } },
  { label: '100,000 points', scene: { kind: 'points', points: 100_000 } },
];

function pct(xs: number[], p: number) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}

const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer after ${ms / 1000} s`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/** The county GeoJSON the panel loads: DEFAULT_COUNTIES_URL of ProvinceMap.tsx, a file under public/. */
function countiesUrl(): string {
  const src = readFileSync(path.join(ROOT, 'app/_components/map/ProvinceMap.tsx'), 'utf8');
  const m = /export const DEFAULT_COUNTIES_URL = '([^']+)'/.exec(src);
  if (!m) throw new Error('DEFAULT_COUNTIES_URL not found in ProvinceMap.tsx');
  return m[1]!;
}

// ---- 2. layer build in Node ----

function timeBuild(counties: CountyCollection) {
  const small = syntheticItems(counties, 1_000, SCALE);
  const large = syntheticItems(counties, 100_000, SCALE);
  let sink = 0;
  const once = (items: typeof small) => {
    const t = performance.now();
    const layers = pointLayers(buildPointCloud(items.calls), buildPointCloud(items.halls), SCALE);
    const ms = performance.now() - t;
    sink += layers.length;
    return ms;
  };
  for (let i = 0; i < 5; i++) {
    once(small);
    once(large);
  }
  const smallMs: number[] = [];
  const largeMs: number[] = [];
  const reps = 50; // 1k builds are too short to time one by one
  for (let r = 0; r < 30; r++) {
    let s = 0;
    for (let i = 0; i < reps; i++) s += once(small);
    smallMs.push(s / reps);
    largeMs.push(once(large));
  }
  if (sink === 0) throw new Error('no layers built');
  return { small: pct(smallMs, 50), large: pct(largeMs, 50), largeP95: pct(largeMs, 95) };
}

// ---- 1. frame rate in Chromium ----

async function bundlePage() {
  const t = performance.now();
  const out = await build({
    entryPoints: [path.join(ROOT, 'bench/wall-map/page.ts')],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    define: { 'process.env.NODE_ENV': '"production"' },
    tsconfig: path.join(ROOT, 'tsconfig.json'),
    logLevel: 'error',
  });
  return { js: out.outputFiles[0]!.contents, ms: performance.now() - t };
}

function serve(files: Map<string, { type: string; body: Uint8Array | string }>): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    const f = files.get(new URL(req.url ?? '/', 'http://x').pathname);
    if (!f || req.method !== 'GET') {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': f.type, 'cache-control': 'no-store' }).end(f.body);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

async function heap(cdp: CDPSession) {
  await cdp.send('HeapProfiler.collectGarbage');
  const h = await cdp.send('Runtime.getHeapUsage');
  return { used: h.usedSize, arrayBuffers: h.backingStorageSize };
}

interface SceneResult {
  instances: number;
  frames: number;
  spanMs: number;
  intervals: number[];
  heapUsed: number[];
  arrayBuffers: number[];
}

async function measureScenes(page: Page, cdp: CDPSession, pageErrors: string[]) {
  const results = new Map<string, SceneResult>();
  const perTurn = MEASURE_MS / ROUNDS;
  for (let round = 0; round < ROUNDS; round++) {
    for (const { label, scene } of round % 2 ? [...SCENES].reverse() : SCENES) {
      const info = await withTimeout<SceneInfo>(
        page.evaluate((s) => window.__wallMapBench!.show(s), scene),
        180_000,
        `${label}: first frames`,
      );
      const expected = scene.kind === 'points' ? scene.points : null;
      if (expected !== null && info.instances !== expected) throw new Error(`${label}: deck.gl holds ${info.instances} point instances`);
      await page.waitForTimeout(WARM_MS);
      const frames = await withTimeout<number[]>(
        page.evaluate(([a, b, c]) => window.__wallMapBench!.measure(a, b, c), [
          perTurn,
          MIN_FRAMES,
          Math.max(perTurn, MAX_TURN_MS),
        ] as const),
        Math.max(perTurn, MAX_TURN_MS) + 60_000,
        `${label}: frames`,
      );
      const h = await heap(cdp);
      if (SHOTS && round === 0) {
        mkdirSync(SHOTS, { recursive: true });
        await page.screenshot({
          path: path.join(SHOTS, `wall-map-${scene.kind === 'panel' ? 'panel' : scene.points}.png`),
          timeout: 120_000,
        });
      }
      const err = await page.evaluate(() => window.__wallMapBench!.error());
      if (err) throw new Error(`deck.gl: ${err}`);
      if (pageErrors.length) throw new Error(`page error: ${pageErrors[0]}`);
      if (frames.length < 2) throw new Error(`${label}: ${frames.length} frame(s) drawn in ${Math.max(perTurn, MAX_TURN_MS) / 1000} s`);
      const r = results.get(label) ?? { instances: info.instances, frames: 0, spanMs: 0, intervals: [], heapUsed: [], arrayBuffers: [] };
      r.frames += frames.length - 1;
      r.spanMs += frames.at(-1)! - frames[0]!;
      for (let i = 1; i < frames.length; i++) r.intervals.push(frames[i]! - frames[i - 1]!);
      r.heapUsed.push(h.used);
      r.arrayBuffers.push(h.arrayBuffers);
      results.set(label, r);
    }
  }
  return results;
}

async function main() {
  const geoUrl = countiesUrl();
  const geoFile = path.join(ROOT, 'public', geoUrl);
  const geo = readFileSync(geoFile);
  const counties = JSON.parse(geo.toString('utf8')) as CountyCollection;

  const b = timeBuild(counties);

  const bundle = await bundlePage();
  const html = `<!doctype html><html><head><meta charset="utf-8"><title>wall map bench</title></head>
<body style="margin:0;background:#06101c"><canvas id="map" style="display:block;width:${WIDTH}px;height:${HEIGHT}px"></canvas>
<script type="module" src="/page.js"></script></body></html>`;
  const server = await serve(
    new Map<string, { type: string; body: Uint8Array | string }>([
      ['/', { type: 'text/html; charset=utf-8', body: html }],
      ['/page.js', { type: 'text/javascript; charset=utf-8', body: bundle.js }],
      [geoUrl, { type: 'application/json', body: geo }],
    ]),
  );
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  let browser: Browser | null = null;
  try {
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
    const context = await browser.newContext({ viewport: { width: WIDTH, height: HEIGHT }, deviceScaleFactor: 1 });
    // Only the bench server: anything else the page might ask for is refused, never fetched.
    await context.route('**/*', (route) => (route.request().url().startsWith(`${origin}/`) ? route.continue() : route.abort()));
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') pageErrors.push(m.text());
    });
    const cdp = await context.newCDPSession(page);
    await page.goto(`${origin}/?w=${WIDTH}&h=${HEIGHT}&geo=${encodeURIComponent(geoUrl)}`);
    await page.waitForFunction(() => window.__wallMapBench !== undefined, null, { timeout: 60_000 });
    const t = performance.now();
    const ready = await withTimeout(
      page.evaluate(() => window.__wallMapBench!.ready),
      180_000,
      'county layer first frame',
    );
    const readyMs = performance.now() - t;
    const results = await measureScenes(page, cdp, pageErrors);

    console.log(
      `outage map: ${ready.width}×${ready.height}, ${ready.counties} counties (${geoUrl}), renderer ${ready.renderer}; ` +
        `page bundle ${(bundle.js.length / 1024).toFixed(0)} KB built in ${bundle.ms.toFixed(0)} ms; ` +
        `first frame with the counties ${(readyMs / 1000).toFixed(1)} s; per scene ${ROUNDS} turns of ≥ ${MEASURE_MS / 1000 / ROUNDS} s and ≥ ${MIN_FRAMES} frames (≤ ${MAX_TURN_MS / 1000} s)`,
    );
    console.log(
      '\n| scene | points drawn | frames timed | fps | frame interval p50 / p95 | fps vs baseline | JS heap after GC (Δ baseline) | ArrayBuffers (Δ baseline) |',
    );
    console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
    const base = results.get(SCENES[0]!.label)!;
    const baseFps = (base.frames / base.spanMs) * 1000;
    const baseHeap = Math.min(...base.heapUsed);
    const baseBuffers = Math.min(...base.arrayBuffers);
    const signed = (bytes: number) => `${bytes >= 0 ? '+' : '−'}${mb(Math.abs(bytes))}`;
    const figures: Figure[] = [];
    for (const { label, scene } of SCENES) {
      const r = results.get(label)!;
      const fps = (r.frames / r.spanMs) * 1000;
      if (scene.kind !== 'points' || scene.points > 0)
        figures.push(
          figure({
            id: `wall.map.fps.${scene.kind === 'panel' ? 'panel-visitor' : scene.points}`,
            measure: `outage map frame rate: ${label} (software WebGL)`,
            value: Math.round(fps * 100) / 100,
            unit: 'fps',
            baseline: { label: 'counties only', value: Math.round(baseFps * 100) / 100, unit: 'fps' },
            better: 'higher',
            note: `frame interval p50 ${pct(r.intervals, 50).toFixed(0)} ms; JS heap ${mb(Math.min(...r.heapUsed))} MB`,
          }),
        );
      const used = Math.min(...r.heapUsed);
      const buffers = Math.min(...r.arrayBuffers);
      console.log(
        `| ${label} | ${r.instances.toLocaleString('en')} | ${r.frames} | ${fps.toFixed(2)} | ` +
          `${pct(r.intervals, 50).toFixed(0)} / ${pct(r.intervals, 95).toFixed(0)} ms | ${(fps / baseFps).toFixed(2)}× | ` +
          `${mb(used)} MB (${signed(used - baseHeap)}) | ${mb(buffers)} MB (${signed(buffers - baseBuffers)}) |`,
      );
    }
    console.log('\n| layer build in Node (buildPointCloud + pointLayers) | p50 | baseline: 1,000 points p50 | ratio |');
    console.log('| --- | --- | --- | --- |');
    console.log(
      `| 100,000 points | ${b.large.toFixed(2)} ms (p95 ${b.largeP95.toFixed(2)}) | ${b.small.toFixed(3)} ms | ${(b.large / b.small).toFixed(0)}× (100× = linear) |`,
    );
    figures.push(
      figure({
        id: 'wall.map.layer-build.100k',
        measure: 'outage map layers built in Node for 100,000 points (p50)',
        value: Math.round(b.large * 100) / 100,
        unit: 'ms',
        baseline: { label: '1,000 points ×100', value: Math.round(b.small * 100 * 100) / 100, unit: 'ms' },
        better: 'lower',
        note: 'ratio near 1 = linear in the points',
      }),
    );
    // Its own record: the wall soak's figures are bench `wall`.
    recordFigures('wall-map', figures);
  } finally {
    await browser?.close().catch(() => undefined);
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});

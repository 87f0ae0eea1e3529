import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { chromium } from 'playwright-core';
import superjson from 'superjson';
import { ADMIN_AUTH, CHROMIUM_ARGS, pairScreenToken, startApp, waitFor } from '../tests/browser/server';
import { saveSoakLayout, soakWall } from '../tests/browser/wall-soak';
import { figure, recordFigures, type Figure } from './results';

// `npm run bench` (part 5), or alone: `node --import tsx bench/wall-soak.ts`. Two parts, figures recorded as
// bench `wall` (bench/results.ts); BENCH_WALL_ANSWER_SECONDS=0 or BENCH_WALL_SOAK_STEPS=0 leaves one out.
// Part 1 (below): the zone answers in-process under the scheduler's load. Part 2: the wall's heap after a
// long soak in Chromium: `npm start` on a fresh data directory, the demo wall's accelerated copy
// (every panel 5 s, every zone refreshed every 2 s) on one 1920×1080 screen showing the whole canvas, its
// time run fast in 5 s steps (tests/browser/wall-soak.ts). Default 720 steps = one hour of wall time, ≈ 2,900
// rotations and as many refreshes; BENCH_WALL_SOAK_STEPS changes it.
// Baseline: the same page's heap after the warm-up (every panel shown once, the map's context made, charts
// drawn), read after a forced GC. Printed: heap and DOM node count at ten checkpoints and at the end, as
// ratios to the baseline, and the real time per step. The soak test (tests/browser/wall-soak.test.ts) holds
// the bound on a shorter run; here the figure is watched over a longer one.

const STEPS = Number(process.env.BENCH_WALL_SOAK_STEPS ?? 720);
const MB = 1024 * 1024;

// ---- part 1: the demo wall's monitoring zone answered in-process, on a fresh data directory,
// while the product's own background work runs in the same process (the Scheduler of `npm start`: simulator,
// ETL runs, rollup refreshes, alert rounds, duty desk and the history back-fill). A screen holds the layout's
// push stream (the clock keeps the answers fresh, as when screens are connected) and, once a second, asks:
//   - the stored answer, packed for a screen holding the static part (wall.zoneDataPacked), serialized as the
//     HTTP answer would be (superjson + JSON);
//   - baseline, same moment, same data: the answer computed on request (one KPI batch past the KPI layer's short
//     result cache, alerts, freshness, hall places) serialized whole, as each refresh did before.
// Also: the refresh's bytes against the full ZoneData JSON, the first load's (static part included), commit →
// push (the first commit the scheduler reports to the wall → the `zone` event of the monitoring zone) and →
// screen (the push, then the screen's fetch and decode), and the process heap after the run (after a GC)
// against the heap when the measuring began.

const SECONDS = Number(process.env.BENCH_WALL_ANSWER_SECONDS ?? 120);
const ZONE = { layoutId: 'demo', zoneId: 'monitoring', scene: null } as const;

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  const v = s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]! : NaN;
  return Math.round(v * 10) / 10;
};
const bytes = (v: unknown) => Buffer.byteLength(JSON.stringify(superjson.serialize(v)));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function gc(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

async function zoneAnswerFigures(): Promise<Figure[]> {
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-wall-'));
  Object.assign(process.env, {
    DATA_DIR: dir,
    SIMULATOR_HISTORY_DAYS: process.env.BENCH_WALL_HISTORY_DAYS ?? '30',
    SIMULATOR_CUSTOMERS: process.env.BENCH_WALL_CUSTOMERS ?? '5000',
    ADMIN_PASSWORD: 'Bench-wall-2026-pass',
  });
  // Imported after the environment is set: the runtime reads it once.
  const { getRuntime, shutdownRuntime } = await import('../server/runtime');
  const { Scheduler } = await import('../server/jobs/scheduler');
  const { createCaller } = await import('../server/trpc/root');
  const { unpackZone } = await import('../server/wall/zone-pack');
  const { commitTopics } = await import('../server/wall/zone-data');
  const collect = gc();

  const rt = await getRuntime();
  await rt.duty.bus.start();
  rt.duty.desk.start();
  const scheduler = new Scheduler(rt);
  const t0 = Date.now();
  await scheduler.start();
  const caller = createCaller({
    rt,
    user: { id: 'bench', name: 'bench', role: 'viewer', orgCode: '53' },
    headers: new Headers(),
    now: () => Date.now(),
  } as never);

  // Commit → push: from the first commit the wall hears (a window of commits makes one recompute).
  const svc = rt.wall;
  // Counted from commits the monitoring zone is made of (a billing export's does not recompute it).
  let firstCommit: number | null = null;
  const commit = svc.dataCommitted.bind(svc);
  const monitoring = await svc.zones.topicsOf({ ...ZONE, version: 1, refreshSec: 10 });
  svc.dataCommitted = (what) => {
    if (!what || !monitoring || commitTopics(what).some((t) => monitoring.has(t))) firstCommit ??= performance.now();
    commit(what);
  };
  const toPush: number[] = [];
  const toScreen: number[] = [];
  let held: Awaited<ReturnType<typeof caller.wall.zoneDataPacked>>['st'];
  const off = rt.wallEvents.subscribe('demo', (e) => {
    if (e.type !== 'zone' || e.zoneId !== 'monitoring' || e.scene !== null || firstCommit === null) return;
    const from = firstCommit;
    firstCommit = null;
    toPush.push(performance.now() - from);
    // The screen fetches the announced answer and decodes it.
    void caller.wall.zoneDataPacked({ ...ZONE, staticVersion: held?.v ?? null }).then((p) => {
      unpackZone(p, p.st ?? held);
      toScreen.push(performance.now() - from);
    });
  });
  const release = svc.zones.watch('demo');

  // Until the halls' queues are in (the first ETL pass of the hall-queue system).
  for (;;) {
    const d = await caller.wall.zoneData(ZONE).catch(() => null);
    if ((d?.panels.queue?.kpi[0]?.kpis[0]?.points.length ?? 0) > 100) break;
    if (Date.now() - t0 > 600_000) throw new Error('no hall queue figures after 10 minutes');
    await sleep(2_000);
  }
  const first = await caller.wall.zoneDataPacked({ ...ZONE, staticVersion: null });
  held = first.st;
  console.log(`  data in after ${Math.round((Date.now() - t0) / 1000)} s; measuring ${SECONDS} s under the scheduler's load`);
  collect();
  const heapStart = process.memoryUsage().heapUsed;
  const counts0 = { ...svc.zones.answers.counts };

  const stored: number[] = [];
  const computed: number[] = [];
  const refreshBytes: number[] = [];
  const fullBytes: number[] = [];
  const end = Date.now() + SECONDS * 1000;
  for (let i = 0; Date.now() < end; i++) {
    const askStored = async () => {
      const t = performance.now();
      const p = await caller.wall.zoneDataPacked({ ...ZONE, staticVersion: held?.v ?? null });
      const n = bytes(p);
      stored.push(performance.now() - t);
      if (p.st) held = p.st;
      else refreshBytes.push(n);
    };
    const askComputed = async () => {
      const t = performance.now();
      const d = await svc.zones.computeOnce(ZONE.layoutId, ZONE.zoneId, null, Date.now());
      const n = bytes(d);
      computed.push(performance.now() - t);
      fullBytes.push(n);
    };
    // Turns alternate, so a load spike falls on both.
    if (i % 2) await askStored().then(askComputed);
    else await askComputed().then(askStored);
    await sleep(1_000);
  }
  const counts = Object.fromEntries(Object.entries(svc.zones.answers.counts).map(([k, v]) => [k, v - counts0[k as keyof typeof counts0]]));
  collect();
  const heapEnd = process.memoryUsage().heapUsed;
  off();
  release();
  console.log(`  ${stored.length} refreshes; recomputes during the run: ${JSON.stringify(counts)}; commits→pushes: ${toPush.length}`);

  await scheduler.stop();
  await shutdownRuntime();

  const MB = 1024 * 1024;
  const KB = 1024;
  const load = `scheduler load: simulator, ETL, rollups, alert rounds, ${process.env.SIMULATOR_HISTORY_DAYS}-day history back-fill`;
  return [
    figure({
      id: 'wall.zone.answer.p50',
      measure: 'demo monitoring zone: a refresh answered (p50)',
      value: pct(stored, 50),
      unit: 'ms',
      baseline: { label: 'computed on request', value: pct(computed, 50), unit: 'ms' },
      better: 'lower',
      note: `stored answer, packed and serialized; ${stored.length} refreshes, ${load}`,
    }),
    figure({
      id: 'wall.zone.answer.p95',
      measure: 'demo monitoring zone: a refresh answered (p95)',
      value: pct(stored, 95),
      unit: 'ms',
      baseline: { label: 'computed on request', value: pct(computed, 95), unit: 'ms' },
      better: 'lower',
      aim: 50,
      note: load,
    }),
    figure({
      id: 'wall.zone.refresh.bytes',
      measure: 'demo monitoring zone: bytes per refresh',
      value: Math.round(pct(refreshBytes, 50) / KB),
      unit: 'KB',
      baseline: { label: 'full ZoneData JSON', value: Math.round(pct(fullBytes, 50) / KB), unit: 'KB' },
      better: 'lower',
      aim: 100,
      note: 'packed figures; names and hall places sent once per page',
    }),
    figure({
      id: 'wall.zone.first-load.bytes',
      measure: 'demo monitoring zone: bytes of the first load (static part included)',
      value: Math.round(bytes(first) / KB),
      unit: 'KB',
      baseline: { label: 'full ZoneData JSON', value: Math.round(pct(fullBytes, 50) / KB), unit: 'KB' },
      better: 'lower',
    }),
    figure({
      id: 'wall.zone.commit-to-push.p95',
      measure: 'commit → `zone` push of the monitoring zone (p95)',
      value: Math.round(pct(toPush, 95)),
      unit: 'ms',
      better: 'lower',
      aim: 2000,
      note: `${toPush.length} pushes; p50 ${Math.round(pct(toPush, 50))} ms`,
    }),
    figure({
      id: 'wall.zone.commit-to-screen.p95',
      measure: 'commit → answer decoded on the screen (push, fetch, decode; p95)',
      value: Math.round(pct(toScreen, 95)),
      unit: 'ms',
      better: 'lower',
      aim: 2000,
      note: `p50 ${Math.round(pct(toScreen, 50))} ms`,
    }),
    figure({
      id: 'wall.server.heap',
      measure: 'server heap after the run (after GC)',
      value: Math.round((heapEnd / MB) * 10) / 10,
      unit: 'MB',
      baseline: { label: 'when measuring began', value: Math.round((heapStart / MB) * 10) / 10, unit: 'MB' },
      better: 'lower',
    }),
  ];
}

// ---- part 2: the soak in Chromium ----

async function soakFigures(): Promise<Figure[]> {
  const app = await startApp();
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  try {
    await waitFor(
      'the wall to answer',
      async () => ((await fetch(`${app.url}/wall/demo/control`, { headers: ADMIN_AUTH })).status === 200 ? true : undefined),
      300_000,
      app.logs,
    );
    await saveSoakLayout(app.url, 'demo', 'soak');
    const t0 = Date.now();
    const r = await soakWall(browser, app.url, {
      displayToken: await pairScreenToken(app, 'soak'),
      path: '/wall/soak',
      viewport: { width: 1920, height: 1080 },
      stepMs: 5_000,
      warmupSteps: 30,
      steps: STEPS,
      onStep: (i) => {
        if ((i + 1) % 100 === 0) console.log(`  … step ${i + 1}/${STEPS} (${Math.round((Date.now() - t0) / 1000)} s)`);
      },
    });
    if (r.errors.length) throw new Error(`page errors: ${r.errors.join('; ')}`);
    const base = r.before.heapUsed;
    console.log(`\nWall soak: /wall/soak (demo, accelerated) at 1920×1080, ${STEPS} steps of 5 s`);
    console.log(
      `  ${Math.round(r.pageTimeMs / 60_000)} min of wall time in ${Math.round(r.wallTimeMs / 1000)} s ` +
        `(${(r.wallTimeMs / STEPS).toFixed(0)} ms per step): ${r.rotations} rotations, ${r.refreshes} zone refreshes`,
    );
    console.log(`  baseline (after warm-up, GC): heap ${(base / MB).toFixed(1)} MB, ${r.before.nodes} DOM nodes`);
    console.log(`  checkpoint   heap MB   × baseline`);
    r.heapTrail.forEach((h, i) =>
      console.log(`  ${String(i + 1).padStart(10)}   ${(h / MB).toFixed(1).padStart(7)}   ${(h / base).toFixed(3).padStart(9)}`),
    );
    console.log(
      `  end: heap ${(r.after.heapUsed / MB).toFixed(1)} MB = ${(r.after.heapUsed / base).toFixed(3)}× baseline ` +
        `(${((r.after.heapUsed - base) / MB).toFixed(2)} MB), DOM nodes ${r.after.nodes} = ${(r.after.nodes / r.before.nodes).toFixed(2)}×, ` +
        `listeners ${r.after.listeners} = ${(r.after.listeners / r.before.listeners).toFixed(2)}×`,
    );
    return [
      figure({
        id: 'wall.soak.page-heap',
        measure: `wall page heap after a soak of ${STEPS} steps (${Math.round(r.pageTimeMs / 60_000)} min of wall time, after GC)`,
        value: Math.round((r.after.heapUsed / MB) * 10) / 10,
        unit: 'MB',
        baseline: { label: 'after warm-up', value: Math.round((base / MB) * 10) / 10, unit: 'MB' },
        better: 'lower',
        note: `${r.rotations} rotations, ${r.refreshes} zone refreshes; DOM nodes ${r.before.nodes} → ${r.after.nodes}`,
      }),
    ];
  } finally {
    await browser.close().catch(() => {});
    await app.stop();
  }
}

async function main() {
  const figures: Figure[] = [];
  if (SECONDS > 0) {
    console.log('Wall zone answers: the demo monitoring zone in-process, under the scheduler’s load');
    figures.push(...(await zoneAnswerFigures()));
  }
  if (STEPS > 0) figures.push(...(await soakFigures()));
  console.log('');
  for (const f of figures)
    console.log(
      `  ${f.measure}: ${f.value} ${f.unit}` +
        (f.baseline ? ` (${f.baseline.label}: ${f.baseline.value} ${f.baseline.unit}${f.ratio ? `, ${f.ratio}×` : ''})` : '') +
        (f.aim ? ` — aim ${f.better === 'lower' ? '≤' : '≥'} ${f.aim.value}: ${f.aim.met ? 'met' : 'NOT met'}` : '') +
        (f.note ? ` [${f.note}]` : ''),
    );
  recordFigures('wall', figures);
  // The scheduler's and the embedded stores' handles would keep the process.
  process.exit(0);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});

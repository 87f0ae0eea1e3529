import { chromium } from 'playwright-core';
import { ADMIN_AUTH, CHROMIUM_ARGS, pairScreenToken, startApp, waitFor } from '../tests/browser/server';
import { saveSoakLayout, soakWall } from '../tests/browser/wall-soak';

// `npm run bench` (part 5), or alone: `node --import tsx bench/wall-soak.ts`.
// The wall's heap after a long soak: `npm start` on a fresh data directory, the demo wall's accelerated copy
// (every panel 5 s, every zone refreshed every 2 s) on one 1920×1080 screen showing the whole canvas, its
// time run fast in 5 s steps (tests/browser/wall-soak.ts). Default 720 steps = one hour of wall time, ≈ 2,900
// rotations and as many refreshes; BENCH_WALL_SOAK_STEPS changes it.
// Baseline: the same page's heap after the warm-up (every panel shown once, the map's context made, charts
// drawn), read after a forced GC. Printed: heap and DOM node count at ten checkpoints and at the end, as
// ratios to the baseline, and the real time per step. The soak test (tests/browser/wall-soak.test.ts) holds
// the bound on a shorter run; here the figure is watched over a longer one.

const STEPS = Number(process.env.BENCH_WALL_SOAK_STEPS ?? 720);
const MB = 1024 * 1024;

async function main() {
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
  } finally {
    await browser.close().catch(() => {});
    await app.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});

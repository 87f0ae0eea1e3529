import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { figure, recordFigures } from './results';

// A fresh start as a user makes it (`npm start`, the simulator's defaults), watched from outside over
// /api/health: how fast the history back-fill loads days while the live sources keep running, how far the
// live sources fall behind their own limits meanwhile, and the process's resident memory. The day rate
// projects the time for the whole 13 months (the aim: ≤ 10 minutes) without waiting for all of it.
//
//   HISTORY_BENCH_SECONDS  how long to watch after the first history day (default 300)
//   HISTORY_BENCH_DAYS     SIMULATOR_HISTORY_DAYS of the started app (default 395)
//   HISTORY_BENCH_DEV=1    start `server/main.ts --dev` instead of `npm start` (no build needed)

const WATCH_S = Number(process.env.HISTORY_BENCH_SECONDS ?? 300);
const DAYS = Number(process.env.HISTORY_BENCH_DAYS ?? 395);
const DEV = process.env.HISTORY_BENCH_DEV === '1';
const TOKEN = 'bench-history-admin-token-0123456789abcdef';
const AIM_MINUTES = 10;

interface Health {
  history?: { state: string; daysTotal: number; daysDone: number; oldestDay: string | null };
  sources?: { source: string; ok: boolean; lagSeconds: number | null; limitSeconds?: number }[];
  memory?: { rssMb: number; heapTotalMb?: number; externalMb?: number; engineMb?: number | null };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Resident memory of a process and its descendants (the supervisor's child is the server), apart from the
 * simulator's process: it plays the utility's source systems, which are not the product's memory.
 */
function rssMb(pid: number): { product: number; simulator: number } {
  const total = { product: 0, simulator: 0 };
  const walk = (p: number) => {
    try {
      const status = readFileSync(`/proc/${p}/status`, 'utf8');
      const mb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
      if (readFileSync(`/proc/${p}/cmdline`, 'utf8').includes('simulator/worker-entry')) total.simulator += mb;
      else total.product += mb;
      const kids = readFileSync(`/proc/${p}/task/${p}/children`, 'utf8').trim();
      for (const k of kids ? kids.split(/\s+/) : []) walk(Number(k));
    } catch {
      // gone meanwhile
    }
  };
  walk(pid);
  return total;
}

async function main() {
  const port = 3900 + Math.floor(Math.random() * 90);
  const dataDir = mkdtempSync(path.join(tmpdir(), 'bench-history-'));
  const args = DEV ? ['--import', 'tsx', 'server/main.ts', '--dev'] : ['scripts/start.mjs'];
  const child = spawn(process.execPath, args, {
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      SIMULATOR_HISTORY_DAYS: String(DAYS),
      ADMIN_API_TOKEN: TOKEN,
      ADMIN_PASSWORD: 'bench-history-password',
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
    detached: true,
  });
  const url = `http://127.0.0.1:${port}/api/health`;
  const health = async (): Promise<Health | null> => {
    try {
      const r = await fetch(url, { headers: { authorization: `Bearer ${TOKEN}` } });
      return r.ok || r.status === 503 ? ((await r.json()) as Health) : null;
    } catch {
      return null;
    }
  };
  const started = Date.now();
  let firstDayAt: number | null = null;
  let firstDays = 0;
  let last: Health | null = null;
  let peakRss = 0;
  let buildPeakRss = 0;
  let peakSimulatorRss = 0;
  let worstLagShare = 0;
  let worstSource = '';
  const rssSamples: number[] = [];
  /** The server's own account of its memory at the health answer with the highest resident figure. */
  let memAtPeak: Health['memory'] | null = null;
  try {
    for (;;) {
      await sleep(5000);
      if (child.exitCode !== null) throw new Error(`the app exited (${child.exitCode})`);
      const h = await health();
      const mem = rssMb(child.pid!);
      const rss = mem.product;
      if (!h?.history) {
        // Before the server answers, the tree is `npm start` building the web app: not the running product.
        buildPeakRss = Math.max(buildPeakRss, rss);
        if (Date.now() - started > 900_000) throw new Error('no health answer within 15 minutes');
        continue;
      }
      rssSamples.push(rss);
      if (h.history.state === 'running') {
        peakRss = Math.max(peakRss, rss);
        peakSimulatorRss = Math.max(peakSimulatorRss, mem.simulator);
      }
      last = h;
      if (h.memory && (!memAtPeak || h.memory.rssMb > memAtPeak.rssMb)) memAtPeak = h.memory;
      const done = h.history.daysDone;
      if (firstDayAt === null && done > 0) {
        firstDayAt = Date.now();
        firstDays = done;
        console.log(`first history day after ${((firstDayAt - started) / 1000).toFixed(0)} s; watching ${WATCH_S} s`);
      }
      // Lag of the live sources against each one's limit, while the back-fill runs (after the first pass).
      if (firstDayAt !== null && h.history.state === 'running')
        for (const s of h.sources ?? []) {
          if (s.lagSeconds === null || !s.limitSeconds) continue;
          const share = s.lagSeconds / s.limitSeconds;
          if (share > worstLagShare) [worstLagShare, worstSource] = [share, `${s.source} ${s.lagSeconds} s of ${s.limitSeconds} s`];
        }
      const t = ((Date.now() - started) / 1000).toFixed(0);
      console.log(
        `${t} s: history ${h.history.state} ${done}/${h.history.daysTotal} days, RSS ${rss.toFixed(0)} MB (simulator ${mem.simulator.toFixed(0)} MB)`,
      );
      if (h.history.state === 'done' || h.history.state === 'failed') break;
      if (firstDayAt !== null && Date.now() - firstDayAt > WATCH_S * 1000) break;
    }
  } finally {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
    rmSync(dataDir, { recursive: true, force: true });
  }
  if (!last?.history || firstDayAt === null) throw new Error('the history back-fill loaded no day');
  if (last.history.state === 'failed') throw new Error('the history back-fill failed');
  const minutes = (Date.now() - firstDayAt) / 60_000;
  const perMinute = (last.history.daysDone - firstDays) / minutes;
  const projected = perMinute > 0 ? (firstDayAt - started) / 60_000 + DAYS / perMinute : Infinity;
  // The first answers, before the history starts: the server with its live sources only.
  const idle = rssSamples[0] ?? 0;
  console.log(
    `\n${last.history.daysDone} days in ${minutes.toFixed(1)} min after the first: ${perMinute.toFixed(2)} days/min → ${DAYS} days ≈ ${projected.toFixed(0)} min after start (aim ${AIM_MINUTES}); worst live lag ${(worstLagShare * 100).toFixed(0)}% of its limit (${worstSource || 'none'}); RSS peak ${peakRss.toFixed(0)} MB (simulator process ${peakSimulatorRss.toFixed(0)} MB)`,
  );
  console.log(`before the server answered (npm start building the web app): RSS peak ${buildPeakRss.toFixed(0)} MB, not counted above`);
  if (memAtPeak)
    // V8's heap, external buffers (PGlite's WASM memory among them), the engine's tracked memory; the rest is
    // code, malloc's free lists and native memory neither counts.
    console.log(
      `server memory at the highest health answer: rss ${memAtPeak.rssMb} MB = heap ${memAtPeak.heapTotalMb ?? '?'} + external ${memAtPeak.externalMb ?? '?'} + engine ${memAtPeak.engineMb ?? '?'} MB + the rest`,
    );
  recordFigures('history', [
    figure({
      id: 'history.projected-minutes',
      measure: `fresh start → ${DAYS} days of history loaded (projected from the day rate)`,
      value: Math.round(projected * 10) / 10,
      unit: 'min',
      better: 'lower',
      aim: AIM_MINUTES,
      note: `${perMinute.toFixed(2)} days/min over ${minutes.toFixed(1)} min; ${DEV ? 'dev server' : 'npm start'}`,
    }),
    figure({
      id: 'history.live-lag-share',
      measure: 'worst live source lag during the back-fill, as a share of its own limit',
      value: Math.round(worstLagShare * 100) / 100,
      unit: '× limit',
      better: 'lower',
      aim: 1,
      note: worstSource,
    }),
    figure({
      id: 'history.rss-peak',
      measure: 'server resident memory, peak during the back-fill',
      value: Math.round(peakRss),
      unit: 'MB',
      baseline: { label: 'same process shortly after start', value: Math.round(idle), unit: 'MB' },
      better: 'lower',
      aim: 1536,
      note: `the simulator's own process (the source systems) peaked at ${Math.round(peakSimulatorRss)} MB, not counted`,
    }),
  ]);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

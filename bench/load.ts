// Load test (issue 17): wall screens and desktop users refreshing every few seconds against one production
// process while its ETL runs, with the server's resident memory sampled throughout.
//
//   node --import tsx bench/load.ts
//
// LOAD_WALLS (50), LOAD_DESKTOPS (200), LOAD_SECONDS (240), LOAD_REFRESH_MS (5000), LOAD_TIMEOUT_MS (60000).
// LOAD_BASE_URL: a running app to load (then LOAD_SERVER_PID names its server process for the memory figures).
// Unset: a built app (`npm run build` first) is started here with `npm start` semantics on a fresh DATA_DIR
// (LOAD_HISTORY_DAYS, 30, and LOAD_CUSTOMERS, 100000, size its simulated history back-fill), and stopped after.
//
// A wall screen asks, per refresh, what WallScreen's zones ask (`wall.zoneDataPacked` for each zone with the
// static part it holds, one batched request); a desktop user asks what a dashboard asks (`kpi.query`
// batches, app/_components/desktop/batch.ts).
// Both go as tRPC batch GETs split like the browser's httpBatchLink. The baseline is the same requests from
// one client, one after another, before the load starts.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chunk, dashboardQueries, UI_BATCH, type DefLite } from '@/app/_components/desktop/batch';
import { DOMAINS } from '@/app/_components/desktop/domains';
import { defaultView } from '@/app/_components/desktop/url-state';
import { figure, recordFigures, type Figure } from './results';
import { freePort } from '../tests/helpers/free-port';

const num = (name: string, dflt: number) => {
  const v = process.env[name];
  if (v === undefined || v === '') return dflt;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name}=${v}: expected a non-negative number`);
  return n;
};
const WALLS = num('LOAD_WALLS', 50);
const DESKTOPS = num('LOAD_DESKTOPS', 200);
const SECONDS = num('LOAD_SECONDS', 240);
const REFRESH_MS = num('LOAD_REFRESH_MS', 5000);
/** A request not answered by then counts as failed (so the run ends on time). */
const TIMEOUT_MS = num('LOAD_TIMEOUT_MS', 60_000);
const TOKEN = process.env.LOAD_ADMIN_TOKEN ?? 'load-admin-service-token-0123456789abcdef';
const PASSWORD = process.env.LOAD_ADMIN_PASSWORD ?? 'Load-Admin-passw0rd!';
/** Sign-in allows 10 a minute per address: desktop users share this many real sessions. */
const SESSIONS = Math.min(DESKTOPS, 8);
/** Orgs a desktop user looks at: province, a city, a county. */
const ORGS = ['53', '5301', '530102'];

// ---- the app ----

interface App {
  url: string;
  serverPid: () => number | undefined;
  stop: () => Promise<void>;
}

/** `npm start` on a fresh DATA_DIR; the server process is the supervisor's (scripts/start.mjs) child. */
async function startApp(): Promise<App> {
  const port = await freePort();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'monitor-load-'));
  const child: ChildProcess = spawn(process.execPath, ['scripts/start.mjs'], {
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      SIMULATOR_HISTORY_DAYS: String(num('LOAD_HISTORY_DAYS', 30)),
      SIMULATOR_CUSTOMERS: String(num('LOAD_CUSTOMERS', 100_000)),
      ADMIN_API_TOKEN: TOKEN,
      ADMIN_PASSWORD: PASSWORD,
    },
    stdio: ['ignore', 'inherit', 'inherit'],
    detached: true,
  });
  console.log(`[load] app on :${port}, DATA_DIR ${dataDir}`);
  const serverPid = () => {
    try {
      const kids = readFileSync(`/proc/${child.pid}/task/${child.pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
      return kids.length ? Number(kids[0]) : undefined;
    } catch {
      return undefined;
    }
  };
  const stop = async () => {
    if (child.exitCode !== null) return;
    process.kill(-child.pid!, 'SIGTERM');
    await new Promise((r) => setTimeout(r, 3000));
    if (child.exitCode === null) process.kill(-child.pid!, 'SIGKILL');
  };
  return { url: `http://127.0.0.1:${port}`, serverPid, stop };
}

// ---- memory ----

const rssMb = (pid: number | undefined): number | undefined => {
  if (!pid) return undefined;
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
};

// ---- tRPC over HTTP ----

interface Call {
  path: string;
  input: unknown;
}

/** Splits calls like app/_trpc/client.tsx's httpBatchLink: at most 20 per request, URLs under 6000 bytes. */
function batchUrls(base: string, calls: readonly Call[]): string[] {
  const urls: string[] = [];
  let cur: Call[] = [];
  const url = (cs: Call[]) => {
    const input = Object.fromEntries(cs.map((c, i) => [i, { json: c.input }]));
    return `${base}/api/trpc/${cs.map((c) => c.path).join(',')}?batch=1&input=${encodeURIComponent(JSON.stringify(input))}`;
  };
  for (const c of calls) {
    if (cur.length > 0 && (cur.length >= 20 || url([...cur, c]).length > 6000)) {
      urls.push(url(cur));
      cur = [];
    }
    cur.push(c);
  }
  if (cur.length) urls.push(url(cur));
  return urls;
}

interface Outcome {
  ms: number;
  calls: number;
  failed: number;
  error?: string;
}

async function getBatch(url: string, headers: Record<string, string>): Promise<Outcome> {
  const t0 = performance.now();
  try {
    const res = await fetch(url, { headers, signal: AbortSignal.timeout(TIMEOUT_MS) });
    const body = (await res.json().catch(() => null)) as { result?: unknown; error?: { json?: { message?: string } } }[] | null;
    const ms = performance.now() - t0;
    if (!Array.isArray(body)) return { ms, calls: 1, failed: 1, error: `HTTP ${res.status}` };
    const errs = body.filter((b) => b.error);
    return { ms, calls: body.length, failed: errs.length, error: errs[0]?.error?.json?.message?.slice(0, 160) };
  } catch (err) {
    return { ms: performance.now() - t0, calls: 1, failed: 1, error: String(err).slice(0, 160) };
  }
}

async function getOne<T>(base: string, proc: string, input: unknown, headers: Record<string, string>): Promise<T> {
  const res = await fetch(`${base}/api/trpc/${proc}?input=${encodeURIComponent(JSON.stringify({ json: input }))}`, { headers });
  if (!res.ok) throw new Error(`${proc}: HTTP ${res.status} ${(await res.text()).slice(0, 300)}`);
  return ((await res.json()) as { result: { data: { json: T } } }).result.data.json;
}

async function signIn(base: string): Promise<string> {
  const res = await fetch(`${base}/api/auth/sign-in/username`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: base },
    body: JSON.stringify({ username: 'admin', password: PASSWORD }),
  });
  if (!res.ok) throw new Error(`sign-in: HTTP ${res.status} ${(await res.text()).slice(0, 200)}`);
  return res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
}

// ---- clients ----

type Kind = 'wall.zoneData' | 'kpi.query';

interface Client {
  kind: Kind;
  headers: Record<string, string>;
  /** The HTTP requests one refresh makes. */
  urls: string[];
}

async function buildClients(base: string): Promise<{ walls: Client[]; desktops: Client[] }> {
  const admin = { authorization: `Bearer ${TOKEN}` };
  const layouts = await getOne<{ id: string }[]>(base, 'wall.layouts', undefined, admin);
  if (!layouts.length) throw new Error('no wall layouts');
  const wallUrls = await Promise.all(
    layouts.map(async (l) => {
      const view = await getOne<{ layout: { zones: { id: string }[] } }>(base, 'wall.layout', { layoutId: l.id }, admin);
      // As a screen asks after its first load: packed, holding the static part (org names, hall places).
      const held = await Promise.all(
        view.layout.zones.map(
          async (z) => (await getOne<{ sv: string }>(base, 'wall.zoneDataPacked', { layoutId: l.id, zoneId: z.id, scene: null }, admin)).sv,
        ),
      );
      return batchUrls(
        base,
        view.layout.zones.map((z, i) => ({
          path: 'wall.zoneDataPacked',
          input: { layoutId: l.id, zoneId: z.id, scene: null, staticVersion: held[i] ?? null },
        })),
      );
    }),
  );
  const walls = Array.from({ length: WALLS }, (_, i): Client => ({
    kind: 'wall.zoneData',
    headers: admin,
    urls: wallUrls[i % wallUrls.length]!,
  }));

  const defs = new Map((await getOne<DefLite[]>(base, 'kpi.definitions', undefined, admin)).map((d) => [d.id, d]));
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());
  const cookies: string[] = [];
  for (let i = 0; i < SESSIONS; i++) cookies.push(await signIn(base));
  const desktops = Array.from({ length: DESKTOPS }, (_, i): Client => {
    const spec = DOMAINS[i % DOMAINS.length]!;
    const org = ORGS[Math.floor(i / DOMAINS.length) % ORGS.length]!;
    const queries = dashboardQueries({ spec, defs, view: defaultView(spec), org, today });
    return {
      kind: 'kpi.query',
      headers: { cookie: cookies[i % cookies.length]! },
      urls: batchUrls(
        base,
        chunk(queries, UI_BATCH).map((b) => ({ path: 'kpi.query', input: { queries: b } })),
      ),
    };
  });
  return { walls, desktops };
}

class Stats {
  readonly ms: Record<Kind, number[]> = { 'wall.zoneData': [], 'kpi.query': [] };
  readonly calls: Record<Kind, number> = { 'wall.zoneData': 0, 'kpi.query': 0 };
  readonly failed: Record<Kind, number> = { 'wall.zoneData': 0, 'kpi.query': 0 };
  readonly errors = new Map<string, number>();
  add(kind: Kind, o: Outcome) {
    this.ms[kind].push(o.ms);
    this.calls[kind] += o.calls;
    this.failed[kind] += o.failed;
    if (o.error) this.errors.set(o.error, (this.errors.get(o.error) ?? 0) + 1);
  }
}

const pct = (xs: number[], p: number) => {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};

/** One client's refreshes until `until`: a refresh's requests go out together, as the browser's would. */
async function run(c: Client, stats: Stats, until: number): Promise<void> {
  await new Promise((r) => setTimeout(r, Math.random() * REFRESH_MS));
  while (Date.now() < until) {
    const started = Date.now();
    const outs = await Promise.all(c.urls.map((u) => getBatch(u, c.headers)));
    for (const o of outs) stats.add(c.kind, o);
    await new Promise((r) => setTimeout(r, Math.max(0, started + REFRESH_MS - Date.now())));
  }
}

async function main() {
  const app = process.env.LOAD_BASE_URL
    ? { url: process.env.LOAD_BASE_URL.replace(/\/$/, ''), serverPid: () => num('LOAD_SERVER_PID', 0) || undefined, stop: async () => {} }
    : await startApp();
  const samples: { t: number; mb: number; phase: string; history: string }[] = [];
  let phase = 'start';
  let history = '?';
  const loopStalls: { p99Ms: number; maxMs: number }[] = [];
  /** The server's own account of its memory, at the health poll with the highest resident figure. */
  const memAtPeak: { at: { rssMb: number; heapTotalMb?: number; externalMb?: number; engineMb?: number | null } | null } = { at: null };
  const t0 = Date.now();
  const sample = () => {
    const mb = rssMb(app.serverPid());
    if (mb !== undefined) samples.push({ t: Date.now() - t0, mb, phase, history });
  };
  const sampler = setInterval(sample, 1000);
  const healthPoll = setInterval(() => {
    void fetch(`${app.url}/api/health`, { headers: { authorization: `Bearer ${TOKEN}` } })
      .then((r) => r.json())
      .then(
        (h: {
          history?: { state: string; daysDone: number; daysTotal: number };
          eventLoop?: { windowSeconds: number; p99Ms: number; maxMs: number };
          memory?: { rssMb: number; heapTotalMb?: number; externalMb?: number; engineMb?: number | null };
        }) => {
          if (h.memory && (!memAtPeak.at || h.memory.rssMb > memAtPeak.at.rssMb)) memAtPeak.at = h.memory;
          if (h.history) history = `${h.history.state} ${h.history.daysDone}/${h.history.daysTotal}`;
          // The server's event loop held by synchronous work, per minute: a stall there delays every request.
          if (h.eventLoop && phase === 'load') loopStalls.push(h.eventLoop);
        },
      )
      .catch(() => {});
  }, 5000);
  try {
    const deadline = Date.now() + 180_000;
    for (;;) {
      const ok = await fetch(`${app.url}/api/health`)
        .then((r) => r.ok)
        .catch(() => false);
      if (ok) break;
      if (Date.now() > deadline) throw new Error('the app did not answer /api/health within 3 minutes');
      await new Promise((r) => setTimeout(r, 1000));
    }
    phase = 'idle';
    await new Promise((r) => setTimeout(r, 10_000));
    sample();
    const idleMb = samples.at(-1)?.mb;
    const { walls, desktops } = await buildClients(app.url);
    console.log(
      `[load] ${walls.length} walls (${walls[0]?.urls.length} request(s) a refresh), ${desktops.length} desktop users (${desktops[0]?.urls.length} a refresh)`,
    );

    // Baseline: the same requests from one client, one after another (three rounds of one of each kind).
    phase = 'baseline';
    const base = new Stats();
    for (let round = 0; round < 3; round++) {
      for (const c of [...walls.slice(0, 3), ...desktops.slice(0, DOMAINS.length * ORGS.length)])
        for (const u of c.urls) base.add(c.kind, await getBatch(u, c.headers));
    }

    phase = 'load';
    const stats = new Stats();
    const startMb = rssMb(app.serverPid());
    const until = Date.now() + SECONDS * 1000;
    const progress = setInterval(() => {
      const n = stats.ms['wall.zoneData'].length + stats.ms['kpi.query'].length;
      console.log(
        `[load] ${Math.round((until - Date.now()) / 1000)} s left, ${n} requests, rss ${rssMb(app.serverPid())?.toFixed(0)} MB, history ${history}`,
      );
    }, 30_000);
    await Promise.all([...walls, ...desktops].map((c) => run(c, stats, until)));
    clearInterval(progress);
    sample();
    const endMb = samples.at(-1)?.mb;
    const loadSamples = samples.filter((s) => s.phase === 'load').map((s) => s.mb);
    const peakMb = Math.max(...loadSamples, 0);
    const allPeak = Math.max(...samples.map((s) => s.mb), 0);

    const figs: Figure[] = [];
    console.log(`\n[load] ${WALLS} walls + ${DESKTOPS} desktop users, refresh ${REFRESH_MS} ms, ${SECONDS} s; history ${history}`);
    for (const kind of ['wall.zoneData', 'kpi.query'] as const) {
      const xs = stats.ms[kind];
      const b50 = pct(base.ms[kind], 50);
      const line = [50, 95, 99].map((p) => `p${p} ${pct(xs, p).toFixed(0)} ms`).join(', ');
      console.log(
        `[load] ${kind}: ${xs.length} requests (${stats.calls[kind]} calls, ${stats.failed[kind]} failed); ${line}; single client p50 ${b50.toFixed(0)} ms`,
      );
      for (const p of [50, 95, 99])
        figs.push(
          figure({
            id: `load.${kind}.p${p}`,
            measure: `${kind} batch request under ${WALLS} walls + ${DESKTOPS} desktop users (refresh ${REFRESH_MS / 1000} s), p${p}`,
            value: Math.round(pct(xs, p)),
            unit: 'ms',
            baseline: { label: 'same requests, one client, idle server, p50', value: Math.round(b50), unit: 'ms' },
            better: 'lower',
          }),
        );
      figs.push(
        figure({
          id: `load.${kind}.failed`,
          measure: `${kind} calls that failed under load (of ${stats.calls[kind]})`,
          value: stats.failed[kind],
          unit: 'calls',
          baseline: { label: 'failed calls, one client', value: base.failed[kind], unit: 'calls' },
          better: 'lower',
          aim: 0,
        }),
      );
    }
    for (const [msg, n] of stats.errors) console.log(`[load]   ${n}× ${msg}`);
    if (loopStalls.length)
      console.log(
        `[load] server event loop under load (per minute, from /api/health): p99 up to ${Math.max(...loopStalls.map((l) => l.p99Ms)).toFixed(0)} ms, longest hold ${Math.max(...loopStalls.map((l) => l.maxMs)).toFixed(0)} ms`,
      );
    console.log(
      `[load] server RSS: idle ${idleMb?.toFixed(0)} MB, load start ${startMb?.toFixed(0)} MB, load peak ${peakMb.toFixed(0)} MB, end ${endMb?.toFixed(0)} MB, whole-run peak ${allPeak.toFixed(0)} MB`,
    );
    // Where the resident memory was (V8's heap, external buffers incl. PGlite's WASM memory, the engine's
    // tracked memory); the rest is code, malloc's free lists and untracked native memory.
    const m = memAtPeak.at;
    if (m)
      console.log(
        `[load] server memory at the highest health sample: rss ${m.rssMb} MB = heap ${m.heapTotalMb ?? '?'} + external ${m.externalMb ?? '?'} + engine ${m.engineMb ?? '?'} MB + the rest`,
      );
    const byPhase = new Map<string, number>();
    for (const s of samples) byPhase.set(s.phase, Math.max(byPhase.get(s.phase) ?? 0, s.mb));
    console.log(`[load] RSS peak by phase: ${[...byPhase].map(([p, mb]) => `${p} ${mb.toFixed(0)} MB`).join(', ')}`);
    const running = samples.filter((s) => s.history.startsWith('running'));
    if (running.length)
      console.log(
        `[load] RSS peak while the history back-fill ran: ${Math.max(...running.map((s) => s.mb)).toFixed(0)} MB (${running.length} samples)`,
      );
    if (idleMb !== undefined && endMb !== undefined) {
      const mem = (id: string, measure: string, value: number) =>
        figure({
          id,
          measure,
          value: Math.round(value),
          unit: 'MB',
          baseline: { label: 'idle after start', value: Math.round(idleMb), unit: 'MB' },
          better: 'lower',
          aim: 1536,
        });
      figs.push(
        mem('load.rss.peak', 'server resident memory (VmRSS), peak under load with the ETL running', peakMb),
        mem('load.rss.end', 'server resident memory (VmRSS) at the end of the load', endMb),
      );
    }
    recordFigures('load', figs);
  } finally {
    clearInterval(sampler);
    clearInterval(healthPoll);
    await app.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});

// `npm start`: builds the web app when there is no build yet or the sources changed since the last one,
// then starts the single process (web + scheduler) with tsx, and restarts it when it dies. A fresh clone
// needs nothing else.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { totalmem } from 'node:os';
import path from 'node:path';

const BUILD_ID = '.next/BUILD_ID';
const SOURCES = ['app', 'core', 'etl', 'server', 'public', 'next.config.js', 'package-lock.json'];

function newestMtime(p) {
  if (!existsSync(p)) return 0;
  const st = statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const entry of readdirSync(p)) {
    if (entry === 'node_modules' || entry === 'generated' || entry.startsWith('.')) continue;
    newest = Math.max(newest, newestMtime(path.join(p, entry)));
  }
  return newest;
}

const built = existsSync(BUILD_ID) ? statSync(BUILD_ID).mtimeMs : 0;
if (built === 0 || Math.max(...SOURCES.map(newestMtime)) > built) {
  console.log(
    built === 0 ? '[start] first start: building the web app (about a minute)…' : '[start] sources changed: rebuilding the web app…',
  );
  const r = spawnSync(process.execPath, ['node_modules/next/dist/bin/next', 'build'], {
    stdio: 'inherit',
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' },
  });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

// The supervisor: the server process exits on a fatal error (heap exhausted, an uncaught throw) instead of
// lingering, and comes back here after a back-off that grows while it keeps failing soon after start.
// SIGINT/SIGTERM go to the child, which shuts down gracefully; then this process exits with its code.
// Exit code 2 is a configuration error (a variable named in the log): restarting would only repeat it.
// 1 GB by default (less on a machine under 2.5 GB): V8 grows its heap to what it is allowed before collecting
// hard, so a 4 GB bound let the server sit at 4 GB under load; at 1 GB the load test (bench/load.ts, 50 walls +
// 200 desktops) ran with no failure and a lower peak.
const heapMb = Number(process.env.NODE_MAX_OLD_SPACE_MB) || Math.min(1024, Math.floor((totalmem() / 1048576) * 0.4));
const CONFIG_ERROR = 2;
const STABLE_MS = 60_000;
let child = null;
let stopping = false;
let backoffMs = 1000;

function run() {
  const started = Date.now();
  child = spawn(process.execPath, [`--max-old-space-size=${heapMb}`, '--import', 'tsx', 'server/main.ts', ...process.argv.slice(2)], {
    stdio: 'inherit',
    // glibc gives each thread (chDB's query and merge pools) its own malloc arena, which keeps freed memory:
    // two arenas bound that growth (MALLOC_ARENA_MAX in the environment overrides).
    env: { NODE_ENV: 'production', NEXT_TELEMETRY_DISABLED: '1', MALLOC_ARENA_MAX: '2', ...process.env },
  });
  child.on('exit', (code, signal) => {
    child = null;
    if (stopping || code === 0 || code === CONFIG_ERROR) process.exit(code ?? (signal ? 1 : 0));
    if (Date.now() - started > STABLE_MS) backoffMs = 1000;
    console.error(`[start] server exited (${signal ?? `code ${code}`}); restarting in ${backoffMs / 1000} s`);
    setTimeout(run, backoffMs);
    backoffMs = Math.min(backoffMs * 2, 30_000);
  });
}

for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    stopping = true;
    if (child) child.kill(sig);
    else process.exit(0);
  });
}
run();

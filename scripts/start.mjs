// `npm start`: builds the web app when there is no build yet or the sources changed since the last one,
// then starts the single process (web + scheduler) with tsx. A fresh clone needs nothing else.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
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

const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts', ...process.argv.slice(2)], {
  stdio: 'inherit',
  env: { NODE_ENV: 'production', NEXT_TELEMETRY_DISABLED: '1', ...process.env },
});
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));

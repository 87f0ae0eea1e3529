import './source-map-policy';
import http from 'node:http';
import next from 'next';
import { EnvError, env } from '@/core/env';
import { assertWritableDataDir, DataDirError } from './data-dir';
import { guardRequest } from './http-guards';
import { startScheduling } from './jobs/leader';
import { watchEventLoop } from './event-loop';
import { armExitWatchdog } from './exit-watchdog';
import { getRuntime, shutdownRuntime } from './runtime';

// `npm start`: one process serves the web app and, in the embedded default, owns chDB and runs the
// simulator and ETL schedules (chDB permits one process per data directory). With SCHEDULER=worker the
// jobs run in `npm run worker` instead and this process schedules nothing.

/** How long a graceful stop may take before the process exits without finishing it. */
const SHUTDOWN_DEADLINE_MS = 15_000;
/** After this, the process is killed from outside (exit-watchdog.ts): its exit itself may hang in native code. */
const SHUTDOWN_KILL_MS = SHUTDOWN_DEADLINE_MS + 10_000;

async function main() {
  let e;
  try {
    e = env();
    assertWritableDataDir(e.dataDir);
  } catch (err) {
    // Exit 2: a configuration the supervisor (scripts/start.mjs) must not restart into.
    if (err instanceof EnvError || err instanceof DataDirError) {
      console.error(err.message);
      process.exit(2);
    }
    throw err;
  }
  const dev = process.argv.includes('--dev');
  const t0 = Date.now();
  watchEventLoop();
  const rt = await getRuntime();
  // Every process hears duty events (LISTEN) and works the duty outbox; claims keep each message single.
  await rt.duty.bus.start();
  rt.duty.desk.start();
  // Background exports: files land in this process's DATA_DIR/exports, which its own /api/export/<id> serves.
  rt.exports.runner.start();
  console.log(
    `[boot] ClickHouse ${rt.ch.engine} (${rt.ch.database}), database ${rt.db.kind}, data in ${e.dataDir} — ${Date.now() - t0} ms`,
  );

  const app = next({ dev, dir: process.cwd(), hostname: e.HOST, port: e.PORT });
  const handle = app.getRequestHandler();
  await app.prepare();
  const limits = { maxBodyBytes: e.MAX_BODY_BYTES, maxUrlBytes: e.MAX_URL_BYTES };
  const server = http.createServer((req, res) => {
    // The client's address as the socket saw it (sign-in rate limits key on it); a client-sent value is overwritten.
    req.headers['x-monitor-client-ip'] = req.socket.remoteAddress ?? '';
    if (guardRequest(req, res, limits)) void handle(req, res);
  });
  // An idle keep-alive connection outlives the clients' own idle timeout (undici 4 s, browsers and proxies
  // up to 60 s), so the client is the one to close it: a server closing first races a request the client is
  // just sending on it, which the client sees as ECONNRESET.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(e.PORT, e.HOST, resolve);
  });
  console.log(`[web] http://localhost:${e.PORT} ready (${dev ? 'development' : 'production'})`);

  const scheduling = e.SCHEDULER === 'web' ? await startScheduling(rt, 'web') : null;
  if (!scheduling) console.log('[scheduler] SCHEDULER=worker: jobs run in `npm run worker`');

  let stopping: string | null = null;
  const stop = async (signal: string) => {
    // A repeated signal is usually the same stop twice (Ctrl-C reaches the whole process group, and the
    // supervisor passes it on too), so it does not cut the graceful stop short; the deadline below does, when
    // a step cannot finish (one waiting on a statement the engine will not give up).
    if (stopping) return;
    stopping = 'scheduler';
    console.log(`[web] ${signal}: shutting down`);
    armExitWatchdog(SHUTDOWN_KILL_MS, `[web] pid ${process.pid}`);
    setTimeout(() => {
      console.error(`[web] shutdown still at "${stopping}" after ${SHUTDOWN_DEADLINE_MS / 1000} s: exiting without it`);
      process.exit(1);
    }, SHUTDOWN_DEADLINE_MS).unref();
    await scheduling?.stop();
    stopping = 'http';
    server.close();
    // Open event streams and keep-alive sockets would otherwise hold the server open.
    server.closeAllConnections();
    stopping = 'stores';
    await shutdownRuntime();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

// A background task's stray rejection must not take the wall down; it is logged loudly instead.
process.on('unhandledRejection', (reason) => {
  console.error('[web] unhandled rejection:', reason instanceof Error ? (reason.stack ?? reason.message) : reason);
});
// A thrown error nothing caught leaves the process in an unknown state (a store half-open, a timer gone):
// exit instead of lingering, and the supervisor (scripts/start.mjs) starts a fresh one. Heap exhaustion
// aborts on its own under --max-old-space-size, which start.mjs sets.
process.on('uncaughtException', (err) => {
  console.error('[web] fatal:', err.stack ?? err.message);
  process.exit(70);
});

main().catch((err) => {
  console.error('[boot] failed:', err instanceof Error ? err.message : err);
  process.exit(1);
});

import http from 'node:http';
import next from 'next';
import { EnvError, env } from '@/core/env';
import { assertWritableDataDir, DataDirError } from './data-dir';
import { guardRequest } from './http-guards';
import { startScheduling } from './jobs/leader';
import { getRuntime, shutdownRuntime } from './runtime';

// `npm start`: one process serves the web app and, in the embedded default, owns chDB and runs the
// simulator and ETL schedules (chDB permits one process per data directory). With SCHEDULER=worker the
// jobs run in `npm run worker` instead and this process schedules nothing.

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

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`[web] ${signal}: shutting down`);
    await scheduling?.stop();
    server.close();
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

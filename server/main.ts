import http from 'node:http';
import next from 'next';
import { EnvError, env } from '@/core/env';
import { startScheduling } from './jobs/leader';
import { getRuntime, shutdownRuntime } from './runtime';

// `npm start`: one process serves the web app and, in the embedded default, owns chDB and runs the
// simulator and ETL schedules (chDB permits one process per data directory). With SCHEDULER=worker the
// jobs run in `npm run worker` instead and this process schedules nothing.

async function main() {
  let e;
  try {
    e = env();
  } catch (err) {
    if (err instanceof EnvError) {
      console.error(err.message);
      process.exit(2);
    }
    throw err;
  }
  const dev = process.argv.includes('--dev');
  const t0 = Date.now();
  const rt = await getRuntime();
  console.log(
    `[boot] ClickHouse ${rt.ch.engine} (${rt.ch.database}), database ${rt.db.kind}, data in ${e.dataDir} — ${Date.now() - t0} ms`,
  );

  const app = next({ dev, dir: process.cwd(), hostname: e.HOST, port: e.PORT });
  const handle = app.getRequestHandler();
  await app.prepare();
  const server = http.createServer((req, res) => void handle(req, res));
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

main().catch((err) => {
  console.error('[boot] failed:', err instanceof Error ? err.message : err);
  process.exit(1);
});

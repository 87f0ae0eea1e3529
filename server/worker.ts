import './source-map-policy';
import { EnvError, env } from '@/core/env';
import { startScheduling } from './jobs/leader';
import { getRuntime, shutdownRuntime } from './runtime';

// `npm run worker`: runs the simulator and ETL schedules against a ClickHouse server, apart from the web
// servers (which then run with SCHEDULER=worker). Several workers may be started for failover; a lease in
// the relational database lets exactly one of them schedule at a time.

async function main() {
  try {
    const e = env();
    if (!e.CLICKHOUSE_URL) {
      console.error('CLICKHOUSE_URL: the worker needs a ClickHouse server; with embedded ClickHouse, `npm start` runs the jobs itself.');
      process.exit(2);
    }
  } catch (err) {
    if (err instanceof EnvError) {
      console.error(err.message);
      process.exit(2);
    }
    throw err;
  }
  const rt = await getRuntime();
  // Every process hears duty events (LISTEN) and works the duty outbox; claims keep each message single.
  await rt.duty.bus.start();
  rt.duty.desk.start();
  const scheduling = await startScheduling(rt, 'worker');
  const stop = async () => {
    await scheduling.stop();
    await shutdownRuntime();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

// A background task's stray rejection must not stop the schedules; it is logged loudly instead.
process.on('unhandledRejection', (reason) => {
  console.error('[worker] unhandled rejection:', reason instanceof Error ? (reason.stack ?? reason.message) : reason);
});

main().catch((err) => {
  console.error('[worker] failed:', err instanceof Error ? err.message : err);
  process.exit(1);
});

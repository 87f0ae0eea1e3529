import path from 'node:path';
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { ClickHouse } from '@/core/clickhouse/client';
import { clickHouseConfig } from '@/core/clickhouse/from-env';
import { migrateClickHouse } from '@/core/clickhouse/migrate';
import { loadEnv, type Env } from '@/core/env';
import { etlJobs, startSimulator, type Simulator } from '@/etl/simulator/start';
import { sourceFreshness } from '@/etl/runtime/run-records';
import { runBackfill } from './runtime/backfill';
import type { EtlJob } from './runtime/job';
import type { ReconcileResult } from './runtime/reconcile';
import { runEtlJob, type RunOutcome } from './runtime/run-job';

// `npm run etl -- <command>`: operator tools beside the scheduler, on the same configuration as the server
// (environment, sources file). Exit codes: 0 done, 1 a failed run or a reconcile difference, 2 usage or setup.

const USAGE = `usage: npm run etl -- <command>
  backfill <source> --from YYYY-MM-DD --to YYYY-MM-DD [--restart]
                      re-load those local dates (both included); re-running the same command resumes
  run <source>        one incremental run now
  status              per source: last success, rows, lag, failures, quarantined
  reconcile <source> --day YYYY-MM-DD
                      compare the day's counts in the source and in ClickHouse (exit 1 when they differ)`;

class UsageError extends Error {}

/**
 * chDB refuses a data directory another process holds. Its engine prints "Cannot lock file" to stderr and the
 * binding throws a generic "Failed to create connection", so for the embedded engine either one counts.
 */
function isLockError(err: unknown, embedded: boolean): boolean {
  for (let e: unknown = err; e; e = (e as { cause?: unknown }).cause) {
    if (!(e instanceof Error)) break;
    if (e.message.includes('Cannot lock file') || (embedded && e.message.includes('Failed to create connection'))) return true;
  }
  return false;
}

class LockedError extends Error {}

interface Ctx {
  env: Env;
  ch: ClickHouse;
  jobs: EtlJob[];
}

function findJob(jobs: EtlJob[], source: string | undefined): EtlJob {
  if (!source) throw new UsageError(`which source? one of: ${jobs.map((j) => j.source).join(', ')}`);
  const job = jobs.find((j) => j.source === source);
  if (!job) throw new UsageError(`unknown source ${source}; configured: ${jobs.map((j) => j.source).join(', ')}`);
  return job;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
function date(name: string, value: string | undefined): string {
  if (!value || !DATE.test(value)) throw new UsageError(`--${name} YYYY-MM-DD is required`);
  return value;
}

function printOutcome(o: RunOutcome): void {
  const secs = (o.durationMs / 1000).toFixed(1);
  if (o.status === 'ok')
    console.log(
      `${o.source}: ok in ${secs} s — read ${o.rowsRead ?? 0}, loaded ${o.rowsLoaded ?? 0}, quarantined ${o.rowsQuarantined ?? 0}; ` +
        `position ${o.watermarkFrom || '(start)'} → ${o.watermarkTo || '(unchanged)'}`,
    );
  else console.log(`${o.source}: FAILED after ${secs} s — ${o.error}`);
}

async function backfill(c: Ctx, positionals: string[], values: Record<string, string | boolean | undefined>): Promise<number> {
  const job = findJob(c.jobs, positionals[0]);
  if (!job.backfill) {
    const able = c.jobs.filter((j) => j.backfill).map((j) => j.source);
    throw new UsageError(`${job.source} cannot be backfilled; sources that can: ${able.join(', ') || 'none'}`);
  }
  const from = date('from', values.from as string | undefined);
  const to = date('to', values.to as string | undefined);
  const bar = new cliProgress.SingleBar(
    { format: `${job.source} {bar} {value}/{total} pages/windows | {rows} rows | {rate} rows/s | {duration_formatted}`, hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
  const started = Date.now();
  let barStarted = false;
  const outcome = await runBackfill(c.ch, job, {
    from,
    to,
    tz: c.env.BUSINESS_TZ,
    restart: values.restart === true,
    progress: (p) => {
      const payload = { rows: p.rows, rate: Math.round(p.rows / Math.max(0.001, (Date.now() - started) / 1000)) };
      if (!barStarted) {
        bar.start(p.total ?? p.done + 1, p.done, payload);
        barStarted = true;
      } else bar.update(p.done, payload);
      if (p.total !== undefined) bar.setTotal(Math.max(p.total, p.done));
    },
  });
  if (barStarted) bar.stop();
  printOutcome(outcome);
  if (outcome.status === 'failed') console.log(`re-run the same command to continue from the last committed page/window.`);
  return outcome.status === 'ok' ? 0 : 1;
}

async function status(c: Ctx): Promise<number> {
  const fresh = await sourceFreshness(c.ch);
  const now = Date.now();
  const at = (ms: number | null) => (ms === null ? '—' : new Date(ms).toISOString().replace('T', ' ').slice(0, 19) + 'Z');
  const configured = new Set(c.jobs.map((j) => j.source));
  const rows = [...new Set([...configured, ...fresh.map((f) => f.source)])].sort().map((source) => {
    const f = fresh.find((x) => x.source === source);
    return {
      source: configured.has(source) ? source : `${source} (not configured)`,
      'last success': at(f?.lastSuccessAt ?? null),
      rows: f?.rowsInLastSuccess ?? 0,
      'lag s': f?.completeUpTo ? Math.round((now - f.completeUpTo) / 1000) : '—',
      failures: f?.failuresSinceSuccess ?? 0,
      quarantined: f?.quarantinedTotal ?? 0,
      'last error': f?.lastStatus === 'failed' ? (f.lastError ?? '').slice(0, 60) : '',
    };
  });
  console.table(rows);
  return 0;
}

function printReconcile(r: ReconcileResult): void {
  console.table(r.counts.map((c) => ({ count: c.key, source: c.source, clickhouse: c.clickhouse, difference: c.clickhouse - c.source })));
  console.log(
    r.differences.length === 0
      ? `${r.source} ${r.day}: source and ClickHouse agree.`
      : `${r.source} ${r.day}: ${r.differences.length} count(s) differ — backfill the day (or look for quarantined rows).`,
  );
}

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      from: { type: 'string' },
      to: { type: 'string' },
      day: { type: 'string' },
      restart: { type: 'boolean' },
      help: { type: 'boolean' },
    },
  });
  const [command, ...rest] = positionals;
  if (values.help || !command) {
    console.log(USAGE);
    return command || values.help ? 0 : 2;
  }
  if (!['backfill', 'run', 'status', 'reconcile'].includes(command)) throw new UsageError(`unknown command ${command}`);

  const env = loadEnv();
  // The same engine bounds as the server's: a back-fill from here is as able to exhaust the machine.
  const ch = new ClickHouse(clickHouseConfig(env));
  let sim: Simulator | undefined;
  try {
    // Embedded chDB can be opened by one process only: this is where a running `npm start` shows up.
    await migrateClickHouse(ch).catch((err: unknown) => {
      throw isLockError(err, !env.CLICKHOUSE_URL) ? new LockedError(path.join(env.dataDir, 'chdb'), { cause: err }) : err;
    });
    // The simulated CTI's address is only known to the process that started it, so start one here too.
    sim = command === 'status' ? undefined : await startSimulator(env);
    // Bring the simulated hall queue up to now, as the server's tick does, so a stand-alone CLI has its data;
    // the simulator is deterministic, so a server ticking the same database meanwhile writes the same rows.
    for (const task of sim?.tasks ?? []) await task.tick(Date.now());
    const c: Ctx = { env, ch, jobs: etlJobs(env, sim?.vars ?? {}) };
    switch (command) {
      case 'backfill':
        return await backfill(c, rest, values);
      case 'run': {
        const outcome = await runEtlJob(ch, findJob(c.jobs, rest[0]));
        printOutcome(outcome);
        return outcome.status === 'ok' ? 0 : 1;
      }
      case 'status':
        return await status(c);
      default: {
        const job = findJob(c.jobs, rest[0]);
        if (!job.reconcile) {
          const able = c.jobs.filter((j) => j.reconcile).map((j) => j.source);
          throw new UsageError(`${job.source} cannot be reconciled; sources that can: ${able.join(', ') || 'none'}`);
        }
        const result = await job.reconcile(ch, date('day', values.day));
        printReconcile(result);
        return result.differences.length === 0 ? 0 : 1;
      }
    }
  } finally {
    await sim?.close().catch(() => undefined);
    await ch.close().catch(() => undefined);
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof UsageError || (err instanceof Error && 'code' in err && String(err.code).startsWith('ERR_PARSE_ARGS'))) {
      console.error(`etl: ${err.message}\n\n${USAGE}`);
    } else if (err instanceof LockedError) {
      console.error(
        `etl: the embedded ClickHouse in ${err.message} is in use by another process (chDB: one process per data directory).\n` +
          `     stop npm start first, or point CLICKHOUSE_URL at a server.`,
      );
    } else console.error(`etl: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(2);
  },
);

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { openSqlite } from '@/etl/connectors/sqlite-source';
import { formatLocal, parseLocal } from '@/core/time';
import { runEtlJob } from '@/etl/runtime/run-job';
import { hallQueueJobs } from '@/etl/sources/hall-queue/jobs';
import { HallQueueSimulator } from '@/etl/simulator/hall-queue-source';
import { ClickHouse } from '@/core/clickhouse/client';
import { migrateClickHouse } from '@/core/clickhouse/migrate';
import { benchFileEtl } from './etl-file';
import { figure, recordFigures, type Figure } from './results';

// `npm run bench`: figures are printed as ratios against a baseline measured in the same run on the same
// machine, never asserted as absolute times.
//   1. ETL: SQLite source → ClickHouse rows/s for the hall-queue job, against a bare read of the same rows
//      from the source (the floor any ETL pays).
//   2. Queue overview KPI latency (p50/p95), against a trivial ClickHouse round trip.

const TZ = 'Asia/Shanghai';

function pct(xs: number[], p: number) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}

async function timeIt(n: number, fn: () => Promise<unknown>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn();
    out.push(performance.now() - t);
  }
  return out;
}

async function main() {
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-'));
  const url = `file:${path.join(dir, 'hall-queue.db')}`;
  const now = parseLocal('2026-11-24 16:00:00', TZ)!;
  const db = openSqlite(url);
  const sim = new HallQueueSimulator(db, { seed: 1, tz: TZ });
  await sim.init();
  const t0 = performance.now();
  const written = await sim.advanceTo(now);
  console.log(`simulator: ${written} ticket rows for 2 business days in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  const readT = performance.now();
  const all = await db.execute('SELECT * FROM q_ticket ORDER BY updated_at, ticket_id');
  const readMs = performance.now() - readT;
  db.close();
  const figures: Figure[] = [];
  const sqlLines = await benchSqlBackfill(url, now, all.rows.length / (readMs / 1000), figures);

  const ch = new ClickHouse({ database: 'bench', embeddedPath: ':memory:' });
  await migrateClickHouse(ch);
  const jobs = hallQueueJobs({ connection: { dialect: 'sqlite', url }, tz: TZ });
  await runEtlJob(ch, jobs[0]!, now);
  const etlT = performance.now();
  const run = await runEtlJob(ch, jobs[1]!, now);
  const etlMs = performance.now() - etlT;
  const etlRate = run.rowsRead! / (etlMs / 1000);
  const readRate = all.rows.length / (readMs / 1000);

  // Incremental lag: a ticket committed in the source, then the job's next run, until it is visible.
  const src = openSqlite(url);
  const lag: number[] = [];
  for (let i = 1; i <= 15; i++) {
    const at = formatLocal(now + i * 1000, TZ);
    const id = `bench-lag-${i}`;
    await src.execute({
      sql: `INSERT INTO q_ticket (ticket_id, hall_id, ticket_no, biz_type, window_no, take_time, call_time, finish_time, state, evaluation, updated_at)
            VALUES (?, '530102001', 'Z001', '收费', NULL, ?, NULL, NULL, 0, NULL, ?)`,
      args: [id, at, at],
    });
    const t = performance.now();
    await runEtlJob(ch, jobs[1]!, now);
    const seen = await ch.query(
      'bench.lag',
      'SELECT count() AS n FROM fact_queue_ticket WHERE ticket_id = {id:String}',
      { id },
      z.object({ n: z.coerce.number() }),
    );
    if (seen[0]!.n !== 1) throw new Error(`ticket ${id} not visible after the run`);
    lag.push(performance.now() - t);
  }
  src.close();

  const trivial = await timeIt(30, () => ch.query('bench.trivial', 'SELECT 1 AS x', {}, z.object({ x: z.number() })));

  console.log('\n| measure | value | baseline | ratio |');
  console.log('| --- | --- | --- | --- |');
  console.log(
    `| ETL hall-queue.tickets, source → ClickHouse | ${Math.round(etlRate).toLocaleString()} rows/s | bare source read ${Math.round(readRate).toLocaleString()} rows/s | ${(etlRate / readRate).toFixed(2)}× |`,
  );
  console.log(
    `| incremental lag hall-queue (commit → visible, one run) p50 / p95 | ${pct(lag, 50).toFixed(0)} / ${pct(lag, 95).toFixed(0)} ms | SELECT 1 p50 ${pct(trivial, 50).toFixed(2)} ms | ${(pct(lag, 50) / pct(trivial, 50)).toFixed(0)}× |`,
  );
  console.log(`  (worst case on the default schedule adds the 30 s interval between runs)`);
  for (const line of sqlLines) console.log(line);
  for (const line of await benchFileEtl(ch, figures)) console.log(line);
  recordFigures('etl', figures);
  await ch.close();
}

/**
 * SQL back-fill of the hall-queue tickets: the whole simulated range through the job's `backfill`, in one
 * statement over the SQLite file (bulk) into one database and page by page (row path) into another, beside a
 * bare read of the same rows from the source in this run; then one day alone, as the history back-fill calls it.
 */
async function benchSqlBackfill(url: string, now: number, bareRate: number, figures: Figure[]): Promise<string[]> {
  const out: string[] = [];
  const range = { from: parseLocal('2026-11-01 00:00:00', TZ)!, to: now };
  const rates: Record<string, number> = {};
  let rows = 0;
  for (const mode of [true, false]) {
    const db = new ClickHouse({ database: mode ? 'bench_bulk' : 'bench_rows', embeddedPath: ':memory:' });
    await migrateClickHouse(db);
    const [halls, tickets] = hallQueueJobs({ connection: { dialect: 'sqlite', url }, tz: TZ, bulk: mode });
    await runEtlJob(db, halls!, now);
    const t = performance.now();
    const r = await tickets!.backfill!({ ch: db, now, runId: '00000000-0000-4000-8000-000000000001' }, range, () => undefined, 'bench');
    const ms = performance.now() - t;
    rows = r.rowsRead;
    rates[mode ? 'bulk' : 'row'] = r.rowsRead / (ms / 1000);
    if (mode) {
      // One day, a fresh key: the per-call cost the history back-fill pays day after day.
      const day = { from: parseLocal('2026-11-23 00:00:00', TZ)!, to: parseLocal('2026-11-24 00:00:00', TZ)! };
      const d = performance.now();
      const r1 = await tickets!.backfill!(
        { ch: db, now, runId: '00000000-0000-4000-8000-000000000002' },
        day,
        () => undefined,
        'bench-day',
      );
      const dayMs = performance.now() - d;
      rates.day = r1.rowsRead / (dayMs / 1000);
      out.push(`| SQL back-fill hall-queue.tickets, one day (${r1.rowsRead.toLocaleString()} rows), bulk | ${dayMs.toFixed(0)} ms | | |`);
      figures.push(
        figure({
          id: 'etl.hall-queue.backfill.day',
          measure: `SQL back-fill hall-queue.tickets, one day (${r1.rowsRead} rows), bulk path`,
          value: Math.round(rates.day),
          unit: 'rows/s',
          baseline: { label: 'bare source read (libsql SELECT *)', value: Math.round(bareRate), unit: 'rows/s' },
          better: 'higher',
          aim: 300_000,
        }),
      );
    }
    await db.raw('bench.drop', `DROP DATABASE IF EXISTS ${db.database}`);
    await db.close();
  }
  for (const path_ of ['bulk', 'row'] as const)
    figures.push(
      figure({
        id: `etl.hall-queue.backfill.${path_}`,
        measure: `SQL back-fill hall-queue.tickets (SQLite), ${rows} rows, ${path_ === 'bulk' ? 'bulk path (INSERT … SELECT over sqlite())' : 'row path (keyset pages)'}`,
        value: Math.round(rates[path_]!),
        unit: 'rows/s',
        baseline: { label: 'bare source read (libsql SELECT *)', value: Math.round(bareRate), unit: 'rows/s' },
        better: 'higher',
        aim: 300_000,
      }),
    );
  out.push(
    `| SQL back-fill hall-queue.tickets, ${rows.toLocaleString()} rows, bulk | ${Math.round(rates.bulk!).toLocaleString()} rows/s | row path ${Math.round(rates.row!).toLocaleString()} rows/s; bare source read ${Math.round(bareRate).toLocaleString()} rows/s | ${(rates.bulk! / bareRate).toFixed(2)}× |`,
  );
  return out;
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

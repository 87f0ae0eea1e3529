import { mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { parseLocal } from '@/core/time';
import { runEtlJob } from '@/etl/runtime/run-job';
import { BillingSimulator } from '@/etl/simulator/billing-source';
import { billingJobs } from '@/etl/sources/billing/jobs';
import type { ClickHouse } from '@/core/clickhouse/client';
import type { TableName } from '@/core/clickhouse/tables';

// Bulk file back-fill: the simulated marketing system's first-start exports (the customer master and six
// months of bills as xlsx, a month and a half of payments and disconnection records as GBK CSV, dunning as
// UTF-8 CSV) dropped at once and loaded through the file-drop jobs into ClickHouse. Each kind's rows/s is
// set against a bare ClickHouse INSERT of the very rows it loaded (read back from the table), the floor any
// loader of those rows pays in this process.

const TZ = 'Asia/Shanghai';
const CUSTOMERS = Number(process.env.BENCH_CUSTOMERS ?? 100_000);

const KINDS: { source: string; table: TableName; format: string }[] = [
  { source: 'billing.customers', table: 'dim_customer', format: 'xlsx' },
  { source: 'billing.bills', table: 'fact_bill', format: 'xlsx' },
  { source: 'billing.payments', table: 'fact_payment', format: 'CSV (GBK)' },
  { source: 'billing.dunning', table: 'fact_dunning', format: 'CSV (UTF-8)' },
  { source: 'billing.reconnections', table: 'fact_reconnection', format: 'CSV (GBK)' },
];

/** Loads the exports through the file-drop jobs into `ch` and returns the rows of a markdown table. */
export async function benchFileEtl(ch: ClickHouse): Promise<string[]> {
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-file-'));
  const folder = { dir: path.join(dir, 'drop'), archiveDir: path.join(dir, 'archive'), rejectedDir: path.join(dir, 'rejected') };
  const sim = new BillingSimulator({
    seed: 1,
    tz: TZ,
    customers: CUSTOMERS,
    dropDir: folder.dir,
    stateFile: path.join(dir, 'state.json'),
  });
  await sim.init();
  const t0 = performance.now();
  const written = await sim.advanceTo(parseLocal('2026-11-20 12:00:00', TZ)!);
  const files = readdirSync(folder.dir);
  const mb = files.reduce((s, f) => s + statSync(path.join(folder.dir, f)).size, 0) / 1e6;
  console.log(
    `billing exports: ${written.toLocaleString()} records in ${files.length} files (${mb.toFixed(0)} MB) for ${CUSTOMERS.toLocaleString()} customers, written in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );

  const jobs = billingJobs({ folder, tz: TZ });
  const out: string[] = [];
  let rows = 0;
  let fileMs = 0;
  let bareMs = 0;
  for (const kind of KINDS) {
    const job = jobs.find((j) => j.source === kind.source)!;
    const t = performance.now();
    const run = await runEtlJob(ch, job);
    const ms = performance.now() - t;
    if (run.status !== 'ok') throw new Error(`${kind.source}: ${run.error}`);
    const loaded = await ch.query('bench.file.rows', `SELECT * FROM ${kind.table} FINAL`, {}, z.record(z.string(), z.unknown()));
    // loaded_at is the table's own default; the rest is what the job inserted.
    for (const r of loaded) delete r.loaded_at;
    const b = performance.now();
    await ch.insert('bench.file.bare', kind.table, loaded);
    const bare = performance.now() - b;
    rows += run.rowsLoaded!;
    fileMs += ms;
    bareMs += bare;
    const rate = run.rowsLoaded! / (ms / 1000);
    const bareRate = loaded.length / (bare / 1000);
    out.push(
      `| file-drop ${kind.source} (${kind.format}) → ClickHouse, ${run.rowsLoaded!.toLocaleString()} rows | ${Math.round(rate).toLocaleString()} rows/s | bare INSERT ${Math.round(bareRate).toLocaleString()} rows/s | ${(rate / bareRate).toFixed(2)}× |`,
    );
  }
  const total = rows / (fileMs / 1000);
  const totalBare = rows / (bareMs / 1000);
  out.push(
    `| file-drop bulk back-fill, all exports, ${rows.toLocaleString()} rows | ${Math.round(total).toLocaleString()} rows/s | bare INSERT ${Math.round(totalBare).toLocaleString()} rows/s | ${(total / totalBare).toFixed(2)}× |`,
  );
  return out;
}

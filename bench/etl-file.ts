import { cpSync, mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import { parseLocal } from '@/core/time';
import { runEtlJob } from '@/etl/runtime/run-job';
import { BillingSimulator } from '@/etl/simulator/billing-source';
import { billingJobs } from '@/etl/sources/billing/jobs';
import { ClickHouse } from '@/core/clickhouse/client';
import { migrateClickHouse } from '@/core/clickhouse/migrate';
import type { TableName } from '@/core/clickhouse/tables';
import { figure, recordFigures, type Figure } from './results';

// Bulk file back-fill: the simulated marketing system's first-start exports (the customer master and six
// months of bills as xlsx, a month and a half of payments and disconnection records as GBK CSV, dunning as
// UTF-8 CSV) dropped at once and loaded through the file-drop jobs into ClickHouse. Each kind's rows/s is
// set against a bare ClickHouse INSERT of the very rows it loaded (read back from the table), the floor any
// loader of those rows pays in this process. The CSV kinds load twice, from two copies of the drops: through
// the bulk path (staged in ClickHouse, checked as set operations, etl/sources/billing/bulk.ts) into `ch`, and
// row by row (the path before issue 17) into a database of their own, so each has its figure in the same run.

const TZ = 'Asia/Shanghai';
const CUSTOMERS = Number(process.env.BENCH_CUSTOMERS ?? 100_000);

const KINDS: { source: string; table: TableName; format: string; csv?: true }[] = [
  { source: 'billing.customers', table: 'dim_customer', format: 'xlsx' },
  { source: 'billing.bills', table: 'fact_bill', format: 'xlsx' },
  { source: 'billing.payments', table: 'fact_payment', format: 'CSV (GBK)', csv: true },
  { source: 'billing.dunning', table: 'fact_dunning', format: 'CSV (UTF-8)', csv: true },
  { source: 'billing.reconnections', table: 'fact_reconnection', format: 'CSV (GBK)', csv: true },
];

/** Loads the exports through the file-drop jobs into `ch` and returns the rows of a markdown table. */
export async function benchFileEtl(ch: ClickHouse, figures: Figure[] = []): Promise<string[]> {
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

  // The same drops for the row path, loaded into a database of its own (the ledgers must not meet).
  const rowFolder = {
    dir: path.join(dir, 'row-drop'),
    archiveDir: path.join(dir, 'row-archive'),
    rejectedDir: path.join(dir, 'row-rejected'),
  };
  cpSync(folder.dir, rowFolder.dir, { recursive: true });
  const rowCh = new ClickHouse({ database: `${ch.database}_rows`, embeddedPath: ':memory:' });
  await migrateClickHouse(rowCh);
  const rowJobs = billingJobs({ folder: rowFolder, tz: TZ, bulk: false });

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
    // Row by row: the customer master (facts look their customer up), then each CSV kind, timed.
    let rowRate: number | null = null;
    if (kind.source === 'billing.customers' || kind.csv) {
      const rt = performance.now();
      const rowRun = await runEtlJob(
        rowCh,
        rowJobs.find((j) => j.source === kind.source)!,
      );
      const rowMs = performance.now() - rt;
      if (rowRun.status !== 'ok') throw new Error(`${kind.source} (row path): ${rowRun.error}`);
      if (kind.csv) {
        if (rowRun.rowsLoaded !== run.rowsLoaded || rowRun.rowsQuarantined !== run.rowsQuarantined)
          throw new Error(
            `${kind.source}: bulk loaded ${run.rowsLoaded}/${run.rowsQuarantined}, row path ${rowRun.rowsLoaded}/${rowRun.rowsQuarantined}`,
          );
        rowRate = rowRun.rowsLoaded! / (rowMs / 1000);
      }
    }
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
    const path_ = kind.csv ? 'bulk path' : 'row path';
    const id = kind.source.replace('billing.', 'etl.billing.');
    const bareBase = { label: 'bare JSON INSERT of the loaded rows', value: Math.round(bareRate), unit: 'rows/s' };
    figures.push(
      figure({
        id: `${id}.${kind.csv ? 'bulk' : 'row'}`,
        measure: `file-drop ${kind.source} (${kind.format}), ${run.rowsLoaded} rows, ${path_}`,
        value: Math.round(rate),
        unit: 'rows/s',
        baseline: bareBase,
        better: 'higher',
        ...(kind.csv ? { aim: 300_000 } : {}),
      }),
    );
    if (rowRate !== null)
      figures.push(
        figure({
          id: `${id}.row`,
          measure: `file-drop ${kind.source} (${kind.format}), ${run.rowsLoaded} rows, row path`,
          value: Math.round(rowRate),
          unit: 'rows/s',
          baseline: bareBase,
          better: 'higher',
        }),
      );
    const rowBeside =
      rowRate === null ? '' : `row path ${Math.round(rowRate).toLocaleString()} rows/s (bulk ${(rate / rowRate).toFixed(1)}×); `;
    out.push(
      `| file-drop ${kind.source} (${kind.format}, ${path_}) → ClickHouse, ${run.rowsLoaded!.toLocaleString()} rows | ${Math.round(rate).toLocaleString()} rows/s | ${rowBeside}bare JSON INSERT ${Math.round(bareRate).toLocaleString()} rows/s | ${(rate / bareRate).toFixed(2)}× |`,
    );
  }
  const total = rows / (fileMs / 1000);
  const totalBare = rows / (bareMs / 1000);
  out.push(
    `| file-drop bulk back-fill, all exports, ${rows.toLocaleString()} rows | ${Math.round(total).toLocaleString()} rows/s | bare INSERT ${Math.round(totalBare).toLocaleString()} rows/s | ${(total / totalBare).toFixed(2)}× |`,
  );
  await rowCh.raw('bench.file.drop', `DROP DATABASE IF EXISTS ${rowCh.database}`);
  await rowCh.close();
  return out;
}

// `node --import tsx bench/etl-file.ts`: the file part alone.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const ch = new ClickHouse({ database: 'bench', embeddedPath: ':memory:' });
  await migrateClickHouse(ch);
  console.log('\n| measure | value | baseline | ratio |');
  console.log('| --- | --- | --- | --- |');
  const figures: Figure[] = [];
  for (const line of await benchFileEtl(ch, figures)) console.log(line);
  recordFigures('etl', figures);
  await ch.close();
}

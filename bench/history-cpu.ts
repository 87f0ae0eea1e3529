import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { ClickHouse } from '@/core/clickhouse/client';
import { clickHouseConfig } from '@/core/clickhouse/from-env';
import { migrateClickHouse } from '@/core/clickhouse/migrate';
import { loadEnv } from '@/core/env';
import { formatLocal } from '@/core/time';
import { EXPORT_READ } from '@/etl/runtime/export-file';
import { engineReadsFiles, type EtlJob } from '@/etl/runtime/job';
import { runRecorded } from '@/etl/runtime/run-job';
import { loadHistoryDay, shiftDay } from '@/etl/simulator/history';
import { etlJobs, startSimulator } from '@/etl/simulator/start';
import { PARAM_DEFAULTS } from '@/server/kpi/params';
import { RollupRefresher } from '@/server/kpi/rollup/refresher';
import { figure, recordFigures, type Figure } from './results';

// Where a history day's CPU goes: the simulator's write of each system's day, each source's load of it and the
// rollups' recompute of what it marked, measured in one process (process.cpuUsage counts every thread: the
// engine's query and merge threads too) on a quiet machine, with the default 100,000 customers. The refresher
// runs once after each day (the server's runs after every commit and every 10 s, so at least as often).
// bench/history.ts gives the day rate of a real start; this says what each day costs and so what bounds that
// rate on two cores.
//
// Baselines, same run: the CPU the aim allows a day (two cores for ten minutes over 395 days), and for each
// load from export files a bare engine read of the same files (every column parsed, nothing checked or kept).
//
//   HISTORY_CPU_DAYS   past days measured after the first, which warms caches (default 4)

const DAYS = Number(process.env.HISTORY_CPU_DAYS ?? 4);
const WRITE = " (simulator's write)";
const ROLLUPS = 'rollups (refresher passes)';
const AIM_CPU_S = (2 * 600) / 395;

const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

async function main() {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'bench-history-cpu-'));
  const env = loadEnv({ DATA_DIR: dataDir, SIMULATOR_HISTORY_DAYS: '0' });
  const sim = await startSimulator(env);
  const jobs = etlJobs(env, sim.vars);
  const ch = new ClickHouse(clickHouseConfig(env));
  await migrateClickHouse(ch);
  // The first start: the live catch-up written and loaded, so the history's checks find halls and customers.
  const now = Date.now();
  for (const t of sim.tasks) await t.tick(now);
  for (const j of jobs) {
    const r = await runRecorded(ch, j.source, 'run', (ctx) => j.run(ctx));
    if (r.status === 'failed') throw new Error(`${j.source}: ${r.error}`);
  }
  const tz = env.BUSINESS_TZ;
  const anchor = formatLocal((await sim.history!.liveSince())!, tz).slice(0, 10);
  const rollups = new RollupRefresher(ch, async () => ({
    params: structuredClone(PARAM_DEFAULTS),
    now: Date.now(),
    cal: { tz, resetHour: 0 },
  }));
  await rollups.refresh(); // the first build, over the live catch-up

  interface Part {
    cpu: number;
    rows: number;
    bare: number;
  }
  const parts = new Map<string, Part>();
  const add = (key: string, c: number, rows = 0, bare = 0) => {
    const p = parts.get(key) ?? { cpu: 0, rows: 0, bare: 0 };
    p.cpu += c;
    p.rows += rows;
    p.bare += bare;
    parts.set(key, p);
  };
  const bareRead = async (files: string[]) => {
    const c = cpu();
    for (const file of files)
      await ch.query(
        'bench.history-cpu.bare-read',
        `SELECT count() AS n FROM file({file:String}, CSVWithNames) WHERE NOT ignore(*) ${EXPORT_READ}`,
        { file },
        z.object({ n: z.coerce.number() }),
      );
    return cpu() - c;
  };

  for (let i = 0; i <= DAYS; i++) {
    const day = shiftDay(anchor, -(i + 1), tz);
    const measured = i > 0;
    for (const system of sim.history!.systems) {
      const own = system.sources.map((s) => jobs.find((j) => j.source === s)).filter((j): j is EtlJob => j !== undefined);
      const viaExport = !!system.exportDay && engineReadsFiles(ch) && own.every((j) => j.loadExport);
      let c = cpu();
      const files = viaExport ? await system.exportDay!(day) : (await system.prepareDay?.(day), undefined);
      if (measured) add(`${system.name}${WRITE}`, cpu() - c);
      for (const job of own) {
        c = cpu();
        const r = await loadHistoryDay(ch, job, day, tz, files);
        const used = cpu() - c;
        if (r.status === 'failed') throw new Error(`${job.source} ${day}: ${r.error}`);
        if (measured) add(`  ${job.source}`, used, r.rowsRead ?? 0, files?.[job.source] ? await bareRead(files[job.source]!) : 0);
      }
    }
    const c = cpu();
    await rollups.refresh();
    if (measured) add(ROLLUPS, cpu() - c);
  }
  await sim.close();
  await ch.close();

  const perDay = (x: number) => Math.round((x / DAYS) * 1000) / 1000;
  const total = [...parts.values()].reduce((s, p) => s + p.cpu, 0);
  const writes = [...parts].filter(([k]) => k.endsWith(WRITE)).reduce((s, [, p]) => s + p.cpu, 0);
  const rollupCpu = parts.get(ROLLUPS)?.cpu ?? 0;
  const rows = [...parts.values()].reduce((s, p) => s + p.rows, 0);
  console.log(
    `a history day over ${DAYS} days: ${perDay(total)} CPU-s (${perDay(writes)} the simulator's writes, ${perDay(rollupCpu)} the rollups), ${Math.round(rows / DAYS)} rows`,
  );
  for (const [k, p] of parts)
    console.log(
      `${k.padEnd(36)} ${perDay(p.cpu).toFixed(3)} CPU-s a day${p.rows ? `, ${Math.round(p.rows / DAYS)} rows` : ''}${p.bare ? `, bare read ${perDay(p.bare).toFixed(3)}` : ''}`,
    );

  const figures: Figure[] = [
    figure({
      id: 'history.cpu.day',
      measure: 'CPU-seconds a history day costs (simulator writes + loads + rollups, every thread), quiet machine',
      value: perDay(total),
      unit: 'CPU-s',
      baseline: {
        label: 'what 13 months in 10 minutes on 2 cores allows a day',
        value: Math.round(AIM_CPU_S * 1000) / 1000,
        unit: 'CPU-s',
      },
      better: 'lower',
      aim: Math.round(AIM_CPU_S * 1000) / 1000,
      note: `${Math.round(rows / DAYS)} rows a day; the simulator's writes ${perDay(writes)} CPU-s of it, the rollups ${perDay(rollupCpu)}`,
    }),
    figure({
      id: 'history.cpu.rollups',
      measure: "CPU-seconds a day of the rollups' recompute of the days loaded (a refresher pass after each day)",
      value: perDay(rollupCpu),
      unit: 'CPU-s',
      baseline: { label: 'a history day in all', value: perDay(total), unit: 'CPU-s' },
      better: 'lower',
    }),
    figure({
      id: 'history.cpu.writes',
      measure: "CPU-seconds a day of the simulator's writes (the source systems' side)",
      value: perDay(writes),
      unit: 'CPU-s',
      baseline: { label: 'a history day in all', value: perDay(total), unit: 'CPU-s' },
      better: 'lower',
    }),
  ];
  for (const [k, p] of parts) {
    if (!p.bare) continue;
    const source = k.trim();
    figures.push(
      figure({
        id: `history.cpu.load.${source}`,
        measure: `CPU-seconds a day of ${source}'s load from its export file (checks, facts, quarantine, run record)`,
        value: perDay(p.cpu),
        unit: 'CPU-s',
        baseline: { label: 'a bare engine read of the same file', value: perDay(p.bare), unit: 'CPU-s' },
        better: 'lower',
        note: `${Math.round(p.rows / DAYS)} rows a day`,
      }),
    );
  }
  recordFigures('history-cpu', figures);
  process.exit(0);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});

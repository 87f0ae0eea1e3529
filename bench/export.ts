import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { ClickHouse } from '@/core/clickhouse/client';
import { migrateClickHouse } from '@/core/clickhouse/migrate';
import { parseLocal } from '@/core/time';
import { allHalls } from '@/etl/simulator/halls';
import { prepareExport, type DocumentContext } from '@/server/exports/document';
import { exportInput } from '@/server/exports/request';
import { writeExport } from '@/server/exports/writers';
import { PARAM_DEFAULTS } from '@/server/kpi/params';
import type { CompileContext } from '@/server/kpi/query/compile';
import { openKpiRowsStream } from '@/server/kpi/query/rows-stream';
import type { KpiService } from '@/server/kpi/service';
import { figure, recordFigures } from './results';

// Exports at size (`npm run bench`, export part): 500k queue tickets of one day in Kunming, generated inside a
// temporary chDB (INSERT … SELECT FROM numbers()), exported as xlsx and CSV through the product's own path
// (chunked drill-down rows → header block → streaming writer → file). Beside them, in the same process, the
// baseline: the bare read of the same rows in the same chunks, written nowhere. Rows/s, peak RSS and peak heap
// (sampled every 20 ms, after a GC) show what the writers add. BENCH_EXPORT_ROWS changes the volume. Figures
// are recorded in bench/results/export.json.

const TZ = 'Asia/Shanghai';
const ROWS = Number(process.env.BENCH_EXPORT_ROWS ?? 500_000);
const NOW = parseLocal('2026-11-23 10:00:00', TZ)!;
const DAY_START = parseLocal('2026-11-22 00:00:00', TZ)!;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const mb = (b: number) => (b / 1024 / 1024).toFixed(0);

interface Run {
  name: string;
  rows: number;
  ms: number;
  peakRss: number;
  peakHeap: number;
  baseRss: number;
  baseHeap: number;
  bytes: number | null;
}

async function measure(name: string, work: () => Promise<{ rows: number; bytes: number | null }>): Promise<Run> {
  gc();
  const base = process.memoryUsage();
  let peakRss = base.rss;
  let peakHeap = base.heapUsed;
  const timer = setInterval(() => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
  }, 20);
  const t = performance.now();
  const r = await work();
  const ms = performance.now() - t;
  clearInterval(timer);
  return { name, ...r, ms, peakRss, peakHeap, baseRss: base.rss, baseHeap: base.heapUsed };
}

async function main() {
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-export-'));
  const ch = new ClickHouse({ database: 'bench_export', embeddedPath: path.join(dir, 'chdb') });
  try {
    await migrateClickHouse(ch);
    const halls = allHalls(20_261_123).filter((h) => h.cityCode === '5301');
    let t = performance.now();
    await ch.command(
      'bench.export.tickets',
      `INSERT INTO fact_queue_ticket (ticket_id, source, province_code, city_code, county_code, hall_code, window_no, business_type, issued_at,
         called_at, ended_at, status, rating, src_updated_at)
       SELECT concat('BT', toString(number)), 'bench', '53', '5301', {counties:Array(String)}[hi], {halls:Array(String)}[hi], 1 + h % 6,
         ['fee', 'new_connection', 'change', 'inquiry', 'repair', 'other'][1 + bitShiftRight(h, 4) % 6], issued,
         issued + toIntervalSecond(bitShiftRight(h, 16) % 2400), issued + toIntervalSecond(bitShiftRight(h, 16) % 2400 + 300), 'served',
         ['satisfied', 'basically_satisfied', 'none', 'dissatisfied'][1 + bitShiftRight(h, 24) % 4], issued
       FROM (
         SELECT number, cityHash64(number, 15) AS h, 1 + bitShiftRight(h, 8) % {n:UInt32} AS hi,
           {start:DateTime64(3, 'UTC')} + toIntervalMillisecond(bitShiftRight(h, 20) % 86400000) AS issued
         FROM numbers({rows:UInt64}))`,
      {
        counties: halls.map((x) => x.countyCode),
        halls: halls.map((x) => x.code),
        n: halls.length,
        start: new Date(DAY_START).toISOString().replace('T', ' ').replace('Z', ''),
        rows: ROWS,
      },
    );
    console.log(`generated ${ROWS} tickets in ${halls.length} Kunming halls in ${((performance.now() - t) / 1000).toFixed(1)} s`);

    const ctx: CompileContext = { params: PARAM_DEFAULTS, now: NOW, cal: { tz: TZ, resetHour: 0 } };
    const deps = { ch, ctx, rollupReady: () => false };
    const kpi = {
      rowsStream: (q: Parameters<KpiService['rowsStream']>[0]) => openKpiRowsStream(q, deps),
      orgNames: async () => (code: string) => (code === '5301' ? '昆明市' : code),
      query: () => Promise.reject(new Error('not used')),
    } as unknown as DocumentContext['kpi'];
    const request = {
      kind: 'kpi.rows' as const,
      kpi: 'queue.tickets' as const,
      orgCode: '5301',
      time: { from: '2026-11-22', to: '2026-11-22' },
      filters: {},
    };
    const ctxOf = (): DocumentContext => ({
      kpi,
      tz: TZ,
      locale: 'zh-CN',
      asOf: NOW,
      exportedAt: NOW,
      exportedBy: { id: 'bench', name: 'bench' },
    });

    const runs: Run[] = [];
    // Warm-up: the first read pays for loading parts and compiling; not what an export pays.
    t = performance.now();
    const rowsQuery = { kpi: 'queue.tickets' as const, orgCode: '5301', time: request.time, filters: {}, part: 'numerator' as const };
    const warm = await openKpiRowsStream(rowsQuery, deps);
    console.log(`counted ${warm.total} rows in ${(performance.now() - t).toFixed(0)} ms`);

    runs.push(
      await measure('baseline: read only', async () => {
        const stream = await openKpiRowsStream(rowsQuery, deps);
        let rows = 0;
        for await (const b of stream.batches()) rows += b.length;
        return { rows, bytes: null };
      }),
    );
    for (const format of ['csv', 'xlsx'] as const) {
      runs.push(
        await measure(`${format} to file`, async () => {
          const spec = exportInput.parse({ format, request });
          const prepared = await prepareExport(spec.request, ctxOf());
          const file = path.join(dir, `bench.${format}`);
          const out = createWriteStream(file);
          const closed = once(out, 'close');
          const r = await writeExport(format, prepared.doc, out);
          await closed;
          return { rows: r.rows, bytes: statSync(file).size };
        }),
      );
    }

    console.log(`\nexport of ${ROWS} rows (chunks of 20k; peak = highest sample minus the value before the run)`);
    console.log('workload               rows      seconds   rows/s     file MB   peak RSS +MB (abs)   peak heap +MB (abs)');
    for (const r of runs) {
      console.log(
        `${r.name.padEnd(22)} ${String(r.rows).padStart(7)}   ${(r.ms / 1000).toFixed(1).padStart(7)}   ${String(Math.round(r.rows / (r.ms / 1000))).padStart(7)}   ${(r.bytes === null ? '—' : mb(r.bytes)).padStart(7)}   ${`${mb(r.peakRss - r.baseRss)} (${mb(r.peakRss)})`.padStart(18)}   ${`${mb(r.peakHeap - r.baseHeap)} (${mb(r.peakHeap)})`.padStart(19)}`,
      );
    }
    const base = runs[0]!;
    for (const r of runs.slice(1)) {
      if (r.rows !== base.rows) throw new Error(`${r.name} wrote ${r.rows} rows, the read gave ${base.rows}`);
      console.log(`${r.name}: ${(r.ms / base.ms).toFixed(1)}× the bare read's time`);
    }
    const rate = (r: Run) => Math.round(r.rows / (r.ms / 1000));
    recordFigures(
      'export',
      runs.slice(1).map((r) =>
        figure({
          id: `export.${r.name.split(' ')[0]}`,
          measure: `export of ${ROWS.toLocaleString('en-US')} drill-down rows to ${r.name}`,
          value: rate(r),
          unit: 'rows/s',
          baseline: { label: 'bare read of the same rows in the same chunks', value: rate(base), unit: 'rows/s' },
          better: 'higher',
          note: `${r.bytes === null ? '' : `${mb(r.bytes)} MB file; `}peak RSS +${mb(r.peakRss - r.baseRss)} MB (${mb(r.peakRss)} MB), peak heap +${mb(r.peakHeap - r.baseHeap)} MB`,
        }),
      ),
    );
  } finally {
    await ch.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});

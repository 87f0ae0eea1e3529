import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import type { ClickHouse } from '@/core/clickhouse/client';
import { parseLocal } from '@/core/time';
import { openSqlite } from '@/etl/connectors/sqlite-source';
import type { JobContext, JobResult } from '@/etl/runtime/job';
import { runEtlJob, runRecorded } from '@/etl/runtime/run-job';
import { readWatermark } from '@/etl/runtime/watermark';
import { hallQueueJobs } from '@/etl/sources/hall-queue/jobs';
import { HallQueueSimulator } from '@/etl/simulator/hall-queue-source';
import { exportCsv, writeExport } from '@/etl/simulator/export-csv';
import { TICKET_COLUMNS } from '@/etl/sources/hall-queue/source-schema';
import { dropTestClickHouse, testClickHouse } from '../helpers/clickhouse';

// Issue 17: the hall-queue tickets' back-fill as one INSERT … SELECT over the SQLite file (bulk.ts) against the
// page-by-page row path. One simulated day, plus rows breaking each rule of transformTicket, loaded both ways
// into two databases with the same run id and clock: facts, quarantine and position must come out identical.

const TZ = 'Asia/Shanghai';
const NOW = parseLocal('2026-11-23 20:00:00', TZ)!;
const RUN = '2b7e2a4c-5d1f-4e63-9a8b-1c2d3e4f5a6b';
const DAY = { from: parseLocal('2026-11-23 00:00:00', TZ)!, to: parseLocal('2026-11-24 00:00:00', TZ)! };
const HALL = '530102001';

// ticket_id, hall_id, ticket_no, biz_type, window_no, take_time, call_time, finish_time, state, evaluation, updated_at
type Bad = [
  string | null,
  string | null,
  string | null,
  string,
  unknown,
  string | null,
  string | null,
  string | null,
  unknown,
  unknown,
  string,
];
const U = '2026-11-23 18:00:00';
const BAD: Bad[] = [
  ['x-take', HALL, 'A1', '收费', 1, '2026-11-23 25:00:00', null, null, 0, null, U], // bad take_time: quarantined
  ['x-upd', HALL, 'A2', '收费', 1, '2026-11-23 09:00:00', null, null, 0, null, '2026-11-23 18:00:0x'], // bad updated_at
  ['x-feb', HALL, 'A3', '收费', 1, '2026-02-30 09:00:00', null, null, 0, null, U], // no such day
  ['x-hall', '999999999', 'A4', '收费', 1, '2026-11-23 09:00:00', null, null, 0, null, U], // unknown hall
  ['x-state', HALL, 'A5', '收费', 1, '2026-11-23 09:00:00', null, null, 9, null, U], // unknown state code
  ['', HALL, 'A6', '收费', 1, '2026-11-23 09:00:00', null, null, 0, null, U], // empty id
  ['x-nohall', '', 'A7', '收费', 1, '2026-11-23 09:00:00', null, null, 0, null, U], // empty hall
  ['x-before', HALL, 'A8', '业扩报装', 2, '2026-11-23 09:00:00', '2026-11-23 08:00:00', '2026-11-23 09:30:00', 2, 1, U], // call before take
  ['x-late', HALL, 'A9', '收费', 2, '2026-11-22 09:00:00', '2026-11-23 09:00:01', null, 1, null, U], // call a day after
  ['x-end', HALL, 'B1', '收费', 2, '2026-11-23 09:00:00', '2026-11-23 09:10:00', '2026-11-23 09:05:00', 2, 2, U], // finish before call
  ['x-endlate', HALL, 'B2', '收费', 2, '2026-11-23 09:00:00', '2026-11-23 09:10:00', '2026-11-24 09:10:01', 2, 3, U], // finish a day after
  ['x-nocall', HALL, 'B3', '收费', 2, '2026-11-23 09:00:00', null, '2026-11-23 09:05:00', 2, null, U], // finish, no call, served
  ['x-badcall', HALL, 'B4', '收费', 2, '2026-11-23 09:00:00', 'soon', '2026-11-23 09:05:00', 4, null, U], // bad call text
  ['x-badend', HALL, 'B5', '收费', 2, '2026-11-23 09:00:00', '2026-11-23 09:01:00', '2026-13-01 09:05:00', 2, null, U],
  ['x-eval', HALL, 'B6', '收费', 2, '2026-11-23 09:00:00', '2026-11-23 09:01:00', '2026-11-23 09:05:00', 2, 7, U], // unknown rating
  ['x-trim', HALL, 'B7', '其他业务', 0, ' 2026-11-23T09:00\u3000', '2026-11-23 09:01:00.5', null, 3, null, U], // trim, T, no seconds, fraction
  ['x-slash', HALL, 'B8', '收费', null, '2026-11-23 09:00:00', null, null, 0, null, '2026-11-23 18:00:00.123'],
  ['x-json', HALL, 'B9 "/\\', '收费', 1, '2026/11/23 09:00', null, null, 0, null, U], // raw JSON escapes
  // Storage classes SQL cannot see as JavaScript does: the row path takes these.
  ['x-textstate', HALL, 'C1', '收费', 1, '2026-11-23 09:00:00', null, null, 'abc', null, U],
  ['x-realwin', HALL, 'C2', '收费', 1.5, '2026-11-23 09:00:00', null, null, 0, null, U],
  [null, HALL, 'C4', '收费', 1, '2026-11-23 09:00:00', null, null, 0, null, U],
  // Outside the day: neither path reads it.
  ['x-tomorrow', HALL, 'C5', '收费', 1, '2026-11-24 09:00:00', null, null, 0, null, '2026-11-24 09:00:00'],
];

const anyRow = z.record(z.string(), z.unknown());
let url: string;
let row: ClickHouse;
let bulk: ClickHouse;
let exported: ClickHouse;

beforeAll(async () => {
  url = `file:${path.join(mkdtempSync(path.join(tmpdir(), 'hq-bulk-')), 'hall-queue.db')}`;
  const db = openSqlite(url);
  const sim = new HallQueueSimulator(db, { seed: 11, tz: TZ, faultRate: 0.002 });
  await sim.init();
  await sim.advanceTo(NOW);
  for (const b of BAD)
    await db.execute({
      sql: `INSERT INTO q_ticket (ticket_id, hall_id, ticket_no, biz_type, window_no, take_time, call_time, finish_time, state, evaluation, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      args: b as never,
    });
  db.close();
  [row, bulk, exported] = [await testClickHouse(), await testClickHouse(), await testClickHouse()];
});
afterAll(async () => {
  for (const ch of [row, bulk, exported]) if (ch) await dropTestClickHouse(ch);
});

const dump = (ch: ClickHouse, sql: string) => ch.query('test.dump', sql, {}, anyRow);

describe('hall-queue back-fill in one statement', () => {
  it('loads one day with the same facts, quarantine and position as page by page', async () => {
    const results: JobResult[] = [];
    const bulkStatements = vi.spyOn(bulk, 'command');
    for (const [ch, mode] of [
      [row, false],
      [bulk, true],
    ] as const) {
      const [halls, tickets] = hallQueueJobs({ connection: { dialect: 'sqlite', url }, tz: TZ, pageSize: 700, bulk: mode });
      expect((await runEtlJob(ch, halls!, NOW)).status).toBe('ok');
      const ctx: JobContext = { ch, now: NOW, runId: RUN };
      results.push(await tickets!.backfill!(ctx, DAY, () => undefined, 'backfill:test'));
    }
    expect(bulkStatements.mock.calls.map((c) => c[0])).toEqual([
      // A table of the load's own for its rows, then one for its checked rows (the checks evaluated once).
      'etl.bulk.stage-open',
      'etl.hall-queue.bulk.stage',
      'etl.hall-queue.bulk.check',
      'etl.hall-queue.bulk.facts',
      'etl.hall-queue.bulk.quarantine',
      'etl.bulk.stage-close',
      'etl.bulk.stage-close',
    ]);
    const [a, b] = results;
    expect(b).toEqual(a);
    expect(a!.rowsRead).toBeGreaterThan(1000);
    expect(a!.rowsQuarantined).toBeGreaterThanOrEqual(9);

    const facts = 'SELECT * EXCEPT loaded_at FROM fact_queue_ticket FINAL ORDER BY ALL';
    const [fa, fb] = [await dump(row, facts), await dump(bulk, facts)];
    expect(fb.length).toBe(fa.length);
    expect(fb).toEqual(fa);

    // raw is compared as the JSON it encodes (escaping of '/' or U+2028 may differ, never the values).
    const quarantine =
      "SELECT record_key, reason, raw FROM etl_quarantine FINAL WHERE source = 'hall-queue.tickets' ORDER BY record_key, reason";
    const parsed = (rows: Record<string, unknown>[]): Record<string, unknown>[] =>
      rows.map((r) => ({ ...r, raw: JSON.parse(r.raw as string) as unknown }));
    const [qa, qb] = [parsed(await dump(row, quarantine)), parsed(await dump(bulk, quarantine))];
    expect(qb).toEqual(qa);
    const reasons = new Map(qa.map((q) => [`${q.record_key}|${q.reason}`, q]));
    const expected: [string, string][] = [
      ['x-take', 'bad date in take_time: "2026-11-23 25:00:00"'],
      ['x-upd', 'bad date in updated_at: "2026-11-23 18:00:0x"'],
      ['x-hall', 'unknown hall 999999999'],
      ['x-state', 'unknown state code 9'],
      ['x-before', 'flagged, row loaded without call_time: call_time before take_time'],
      ['x-late', 'flagged, row loaded without call_time: call_time more than a day after take_time'],
      ['x-end', 'flagged, row loaded without finish_time: finish_time before call_time'],
      ['x-endlate', 'flagged, row loaded without finish_time: finish_time more than a day after call_time'],
      ['x-nocall', 'flagged, row loaded without finish_time: finish_time without call_time'],
      ['x-nocall', 'flagged, row loaded without call_time: state served without call_time'],
      ['x-badcall', 'flagged, row loaded without call_time: bad date in call_time: "soon"'],
      ['x-eval', 'flagged, row loaded without evaluation: unknown evaluation code 7'],
      ['x-textstate', 'malformed row: state Invalid input: expected number, received NaN'],
    ];
    for (const [key, reason] of expected)
      expect(reasons.has(`${key}|${reason}`), `${key}: ${reason}\n${[...reasons.keys()].filter((k) => k.startsWith(key)).join('\n')}`).toBe(
        true,
      );
    expect([...reasons.keys()].some((k) => k.startsWith('x-nohall|malformed row: hall_id'))).toBe(true);
    expect([...reasons.keys()].some((k) => k.startsWith('x-tomorrow'))).toBe(false);

    expect(await readWatermark(bulk, 'backfill:test')).toEqual(await readWatermark(row, 'backfill:test'));
  });

  it("loads the day's export file whole with the same facts and quarantine as page by page", async () => {
    // The export: the day's rows of q_ticket as SQLite holds them (numbers, text, NULLs, the odd storage
    // classes above), in the file format the simulator's history in bulk writes.
    const db = openSqlite(url);
    const rs = await db.execute({
      sql: `SELECT ${TICKET_COLUMNS.join(', ')} FROM q_ticket WHERE updated_at >= ? AND updated_at < ? ORDER BY updated_at, ticket_id`,
      args: ['2026-11-23 00:00:00', '2026-11-24 00:00:00'],
    });
    db.close();
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'hq-export-')), 'q_ticket_20261123.csv');
    await writeExport(
      file,
      exportCsv(
        TICKET_COLUMNS,
        rs.rows.map((r) => TICKET_COLUMNS.map((c) => r[c])),
      ),
    );
    // Recounted from the file's own lines, not through any loader: one header, then one line per row.
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    expect(lines[0]).toBe(TICKET_COLUMNS.join(','));
    expect(lines.length - 1).toBe(rs.rows.length);
    expect(existsSync(`${file}.part`)).toBe(false);

    const [, tickets] = hallQueueJobs({ connection: { dialect: 'sqlite', url }, tz: TZ });
    const statements = vi.spyOn(exported, 'command');
    const r = await tickets!.loadExport!({ ch: exported, now: NOW, runId: RUN }, [file]);
    expect(statements.mock.calls.map((c) => c[0])).toEqual([
      // The file read once, straight into a table of the load's own for its checked rows (the checks evaluated once).
      'etl.hall-queue.bulk.check',
      'etl.hall-queue.bulk.facts',
      'etl.hall-queue.bulk.quarantine',
      'etl.bulk.stage-close',
    ]);
    expect(r.rowsRead).toBe(rs.rows.length);

    const facts = 'SELECT * EXCEPT loaded_at FROM fact_queue_ticket FINAL ORDER BY ALL';
    const [fa, fe] = [await dump(row, facts), await dump(exported, facts)];
    expect(fa.length).toBeGreaterThan(1000);
    expect(fe).toEqual(fa);
    const quarantine =
      "SELECT record_key, reason, raw FROM etl_quarantine FINAL WHERE source = 'hall-queue.tickets' ORDER BY record_key, reason";
    const parsed = (rows: Record<string, unknown>[]): Record<string, unknown>[] =>
      rows.map((q) => ({ ...q, raw: JSON.parse(q.raw as string) as unknown }));
    const [qa, qe] = [parsed(await dump(row, quarantine)), parsed(await dump(exported, quarantine))];
    expect(qa.length).toBeGreaterThanOrEqual(9);
    expect(qe).toEqual(qa);

    // Loaded again (a restart before the file was removed): nothing doubles.
    await tickets!.loadExport!({ ch: exported, now: NOW, runId: RUN }, [file]);
    expect(await dump(exported, facts)).toEqual(fa);
  });

  it('refuses an export file that is not whole CSV, saying why, and loads nothing of it', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'hq-export-')), 'q_ticket_broken.csv');
    const good = `"x-ok","${HALL}","A1","收费",1,"2026-11-23 09:00:00",\\N,\\N,0,\\N,"${U}"`;
    await writeExport(file, `${TICKET_COLUMNS.join(',')}\n${good}\n"x-cut","${HALL}","A2"\n`);
    const before = await dump(exported, 'SELECT count() AS n FROM fact_queue_ticket');
    const [, tickets] = hallQueueJobs({ connection: { dialect: 'sqlite', url }, tz: TZ });
    const r = await runRecorded(exported, 'hall-queue.tickets', 'backfill', (ctx) => tickets!.loadExport!(ctx, [file]), NOW);
    expect(r.status).toBe('failed');
    expect(r.error).toMatch(/^\[clickhouse:etl\.hall-queue\.bulk\.check\] Cannot parse input: .*\(at row 2\)/);
    expect(await dump(exported, 'SELECT count() AS n FROM fact_queue_ticket')).toEqual(before);
  });

  it('resumes after its committed position and adds nothing when called again', async () => {
    const [, tickets] = hallQueueJobs({ connection: { dialect: 'sqlite', url }, tz: TZ });
    const before = await dump(bulk, 'SELECT count() AS n FROM fact_queue_ticket');
    const again = await tickets!.backfill!({ ch: bulk, now: NOW, runId: RUN }, DAY, () => undefined, 'backfill:test');
    expect(again).toMatchObject({ rowsRead: 0, rowsLoaded: 0, rowsQuarantined: 0 });
    expect(await dump(bulk, 'SELECT count() AS n FROM fact_queue_ticket')).toEqual(before);
  });
});

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { ClickHouse } from '@/core/clickhouse/client';
import { openSqlSource, placeholderPositions, shiftWallClock } from '@/etl/connectors/sql';
import { openSqlite } from '@/etl/connectors/sqlite-source';
import type { SqlConnectionConfig, SqlDialect, SqlIncrementalConfig, SqlSource, SqlWatermark } from '@/etl/connectors/types';
import { parseLocal } from '@/core/time';
import { runEtlJob } from '@/etl/runtime/run-job';
import { HallQueueSimulator } from '@/etl/simulator/hall-queue-source';
import { hallQueueJobs } from '@/etl/sources/hall-queue/jobs';
import { dropTestClickHouse, testClickHouse } from '../helpers/clickhouse';
import { hallTableDdl, MYSQL_URL, PG_URL, ticketTableDdl, uniqueName, type TimeStorage } from '../helpers/sql-sources';

const TZ = 'Asia/Shanghai';
const tmp = mkdtempSync(path.join(tmpdir(), 'sqlc-'));
const COLUMNS = [
  'ticket_id',
  'hall_id',
  'ticket_no',
  'biz_type',
  'window_no',
  'take_time',
  'call_time',
  'finish_time',
  'state',
  'evaluation',
  'updated_at',
];
const INJECTION = `x'); DROP TABLE q_ticket; --`;
const SNEAKY_HALL = `H1' OR '1'='1`;

const connections: Record<SqlDialect, SqlConnectionConfig> = {
  postgresql: { dialect: 'postgresql', url: PG_URL },
  mysql: { dialect: 'mysql', url: MYSQL_URL },
  sqlite: { dialect: 'sqlite', url: `file:${path.join(tmp, 'source.db')}` },
};

const cases: { dialect: SqlDialect; storage: TimeStorage }[] = [
  { dialect: 'sqlite', storage: 'text' },
  { dialect: 'postgresql', storage: 'text' },
  { dialect: 'postgresql', storage: 'timestamp' },
  { dialect: 'postgresql', storage: 'timestamptz' },
  { dialect: 'mysql', storage: 'text' },
  { dialect: 'mysql', storage: 'timestamp' },
];

// Four rows tie on the first instant and two on a later one, so a page of three ends inside both ties.
const BASE = [
  ['T01', '2026-11-23 09:00:00.000'],
  ['T02', '2026-11-23 09:00:00.000'],
  ['T03', '2026-11-23 09:00:00.000'],
  ['T04', '2026-11-23 09:00:00.000'],
  ['T05', '2026-11-23 09:00:01.000'],
  ['T06', '2026-11-23 09:00:02.500'],
  ['T07', '2026-11-23 09:00:02.500'],
  ['T08', '2026-11-23 09:00:03.123'],
] as const;

function ticket(id: string, updatedAt: string, hall = 'H1', ticketNo = 'A001') {
  return [id, hall, ticketNo, '收费', 1, '2026-11-23 08:59:00.000', null, null, 0, null, updatedAt];
}

async function readAll(src: SqlSource, cfg: SqlIncrementalConfig, from: SqlWatermark | null) {
  const pages: { ids: string[]; next: SqlWatermark }[] = [];
  const rows: Record<string, unknown>[] = [];
  for await (const page of src.readIncremental(cfg, from)) {
    pages.push({ ids: page.rows.map((r) => String(r.ticket_id)), next: page.next });
    rows.push(...page.rows);
  }
  return { pages, rows, ids: rows.map((r) => String(r.ticket_id)), last: pages.at(-1)?.next ?? null };
}

describe.each(cases)('SQL connector: $dialect, updated_at as $storage', ({ dialect, storage }) => {
  const table = uniqueName('sqlc');
  let src: SqlSource;
  // timestamptz rows are written as instants with an offset; the connector must hand back Shanghai wall clock.
  const write = (ts: string) => (storage === 'timestamptz' ? `${ts}+08:00` : ts);
  const cfg = (over: Partial<SqlIncrementalConfig> = {}): SqlIncrementalConfig => ({
    table,
    columns: COLUMNS,
    updatedAtColumn: 'updated_at',
    idColumn: 'ticket_id',
    lookbackMs: 0,
    pageSize: 3,
    timeZone: TZ,
    ...over,
  });
  const insert = (row: unknown[]) =>
    src.query(`INSERT INTO ${table} (${COLUMNS.join(', ')}) VALUES (${COLUMNS.map(() => '?').join(', ')})`, row);

  beforeAll(async () => {
    src = openSqlSource(connections[dialect]);
    for (const ddl of ticketTableDdl(dialect, table, storage)) await src.query(ddl);
    for (const [id, ts] of BASE) await insert(ticket(id, write(ts), id === 'T08' ? SNEAKY_HALL : 'H1', id === 'T08' ? INJECTION : 'A001'));
  });
  afterAll(async () => {
    await src.query(`DROP TABLE IF EXISTS ${table}`);
    await src.close();
  });

  // Native columns come back with microseconds, text columns as the vendor wrote them.
  const shown = (ts: string) => (storage === 'text' ? ts : `${ts}000`);

  it('reads every row exactly once, in (updated_at, id) order, without losing ties at page boundaries', async () => {
    const { pages, ids, rows } = await readAll(src, cfg(), null);
    expect(ids).toEqual(BASE.map(([id]) => id));
    expect(pages.map((p) => p.ids.length)).toEqual([3, 3, 2]);
    expect(pages[0]!.next).toEqual({ ts: shown('2026-11-23 09:00:00.000'), id: 'T03' });
    expect(rows.map((r) => r.updated_at)).toEqual(BASE.map(([, ts]) => shown(ts)));
    // A page size of one walks through every tie one row at a time.
    expect((await readAll(src, cfg({ pageSize: 1 }), null)).ids).toEqual(BASE.map(([id]) => id));
  });

  it('round-trips the watermark exactly, and catches a late row inside the lookback', async () => {
    const first = await readAll(src, cfg(), null);
    const wm = first.last!;
    expect(wm).toEqual({ ts: shown('2026-11-23 09:00:03.123'), id: 'T08' });
    // Re-reading from the watermark without lookback starts exactly at its row: the text compares equal.
    expect((await readAll(src, cfg(), wm)).ids).toEqual(['T08']);

    // Committed after the watermark was taken, with an older updated_at; and a genuinely new row.
    await insert(ticket('T09', write('2026-11-23 09:00:02.000')));
    await insert(ticket('T10', write('2026-11-23 09:00:05.000')));
    expect((await readAll(src, cfg(), wm)).ids).toEqual(['T08', 'T10']);
    const withLookback = await readAll(src, cfg({ lookbackMs: 2000 }), wm);
    expect(withLookback.ids).toEqual(['T09', 'T06', 'T07', 'T08', 'T10']);
    expect(withLookback.last).toEqual({ ts: shown('2026-11-23 09:00:05.000'), id: 'T10' });
  });

  it('treats injection-looking text as a value, and refuses identifiers that are not plain names', async () => {
    const { rows } = await readAll(src, cfg(), null);
    const t08 = rows.find((r) => r.ticket_id === 'T08')!;
    expect(t08.ticket_no).toBe(INJECTION);
    expect(t08.hall_id).toBe(SNEAKY_HALL);
    const byHall = await src.query(`SELECT ticket_id FROM ${table} WHERE hall_id = ? AND ticket_no <> '?'`, [SNEAKY_HALL]);
    expect(byHall.map((r) => r.ticket_id)).toEqual(['T08']);
    expect(await src.query(`SELECT ticket_id FROM ${table} WHERE hall_id = ?`, [`' OR '1'='1`])).toEqual([]);
    const n = await src.query(`SELECT count(*) AS n FROM ${table}`);
    expect(Number(n[0]!.n)).toBeGreaterThanOrEqual(BASE.length);

    await expect(readAll(src, cfg({ table: `${table}; DROP TABLE ${table}` }), null)).rejects.toThrow(/invalid SQL identifier/);
    await expect(readAll(src, cfg({ columns: ['ticket_id', 'state) FROM x --'] }), null)).rejects.toThrow(/invalid SQL identifier/);
    await expect(src.query(`SELECT ? AS a`, [])).rejects.toThrow(/1 placeholders but 0 values/);
  });
});

describe('SQL connector: placeholders, wall clock, failures', () => {
  it('finds ? only outside literals, quoted names and comments', () => {
    const sql = `SELECT '?', "a?", \`b?\` FROM t -- what?\nWHERE a = ? /* ? */ AND b = ?`;
    expect(placeholderPositions(sql).map((i) => sql.slice(i - 4, i + 1))).toEqual(['a = ?', 'b = ?']);
  });

  it('shifts a watermark back in the shape the source writes it', () => {
    expect(shiftWallClock('2026-11-23 09:00:03.123', 2000, TZ)).toBe('2026-11-23 09:00:01.123');
    expect(shiftWallClock('2026-11-23 09:00:03.123456', 2000, TZ)).toBe('2026-11-23 09:00:01.123000');
    expect(shiftWallClock('2026-11-23 00:00:01', 2000, TZ)).toBe('2026-11-22 23:59:59');
    expect(shiftWallClock('2026-11-23T09:00', 60_000, TZ)).toBe('2026-11-23T08:59');
    expect(() => shiftWallClock('yesterday', 1, TZ)).toThrow(/not a local date-time/);
  });

  it.each([
    { dialect: 'postgresql' as const, url: 'postgresql://postgres@127.0.0.1:1/postgres' },
    { dialect: 'mysql' as const, url: 'mysql://root@127.0.0.1:1/test' },
  ])('surfaces an unreachable $dialect server as an error', async (conn) => {
    const src = openSqlSource(conn);
    try {
      await expect(src.query('SELECT 1')).rejects.toThrow();
    } finally {
      await src.close();
    }
  });
});

// ---- the hall queue job over MariaDB gives what it gives over SQLite ------------------------------------

const rowsOf = (ch: ClickHouse, sql: string) => ch.query('t.rows', sql, {}, z.record(z.string(), z.unknown()));

describe('hall queue job: the same schema on MariaDB', () => {
  const database = uniqueName('hq');
  const sqliteUrl = `file:${path.join(tmp, 'hall-queue.db')}`;
  let admin: SqlSource;
  let fromSqlite: ClickHouse;
  let fromMaria: ClickHouse;

  beforeAll(async () => {
    admin = openSqlSource(connections.mysql);
    await admin.query(`CREATE DATABASE ${database} CHARACTER SET utf8mb4`);
    fromSqlite = await testClickHouse();
    fromMaria = await testClickHouse();
  });
  afterAll(async () => {
    await admin.query(`DROP DATABASE IF EXISTS ${database}`);
    await admin.close();
    await dropTestClickHouse(fromSqlite);
    await dropTestClickHouse(fromMaria);
  });

  it('loads the same fact and dimension rows, and quarantines the same tickets', async () => {
    const db = openSqlite(sqliteUrl);
    const sim = new HallQueueSimulator(db, { seed: 3, tz: TZ, faultRate: 0.01 });
    await sim.init();
    await sim.advanceTo(parseLocal('2026-11-23 09:15:00', TZ)!);
    db.close();

    // Copy the vendor's tables as they are into MariaDB.
    const sqlite = openSqlSource({ dialect: 'sqlite', url: sqliteUrl });
    const maria = openSqlSource({ dialect: 'mysql', url: MYSQL_URL.replace(/\/test$/, `/${database}`) });
    try {
      await maria.query(hallTableDdl('mysql', 'q_hall'));
      for (const ddl of ticketTableDdl('mysql', 'q_ticket')) await maria.query(ddl);
      for (const t of ['q_hall', 'q_ticket']) {
        const rows = await sqlite.query(`SELECT * FROM ${t}`);
        expect(rows.length).toBeGreaterThan(0);
        const cols = Object.keys(rows[0]!);
        for (let i = 0; i < rows.length; i += 500) {
          const batch = rows.slice(i, i + 500);
          await maria.query(
            `INSERT INTO ${t} (${cols.join(', ')}) VALUES ${batch.map(() => `(${cols.map(() => '?').join(', ')})`).join(', ')}`,
            batch.flatMap((r) => cols.map((c) => r[c])),
          );
        }
      }
    } finally {
      await sqlite.close();
      await maria.close();
    }

    const runAll = async (ch: ClickHouse, connection: SqlConnectionConfig) => {
      for (const job of hallQueueJobs({ connection, tz: TZ, pageSize: 700 })) expect((await runEtlJob(ch, job)).status).toBe('ok');
    };
    await runAll(fromSqlite, { dialect: 'sqlite', url: sqliteUrl });
    await runAll(fromMaria, { dialect: 'mysql', url: MYSQL_URL.replace(/\/test$/, `/${database}`) });

    const facts = 'SELECT * EXCEPT loaded_at FROM fact_queue_ticket FINAL ORDER BY ticket_id';
    const a = await rowsOf(fromSqlite, facts);
    expect(a.length).toBeGreaterThan(500);
    expect(await rowsOf(fromMaria, facts)).toEqual(a);
    const halls = 'SELECT * EXCEPT loaded_at FROM dim_hall FINAL ORDER BY hall_code';
    expect(await rowsOf(fromMaria, halls)).toEqual(await rowsOf(fromSqlite, halls));
    const quarantined = 'SELECT record_key, reason FROM etl_quarantine FINAL ORDER BY record_key';
    const q = await rowsOf(fromSqlite, quarantined);
    expect(q.length).toBeGreaterThan(0);
    expect(await rowsOf(fromMaria, quarantined)).toEqual(q);
    const wm = 'SELECT watermark FROM etl_watermark FINAL';
    expect(await rowsOf(fromMaria, wm)).toEqual(await rowsOf(fromSqlite, wm));
    // Two full loads on a shared 2-core machine: generous, since a timeout here says nothing about correctness.
  }, 240_000);
});

import { createClient, type Client, type InValue } from '@libsql/client';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { formatLocal, parseLocal } from '@/core/time';
import type { SourcePage, SqlConnectionConfig, SqlDialect, SqlIncrementalConfig, SqlRange, SqlSource, SqlWatermark } from './types';

// One SQL source interface over PostgreSQL, MySQL/MariaDB and SQLite (libsql).
//
// Supported updated-at column types, for incremental reads:
//   - text (TEXT / VARCHAR / CHAR) holding fixed-width local wall-clock time, 'YYYY-MM-DD HH:mm:ss[.fff]', as the
//     hall queue vendor writes it: compared as text, so every row of the column must use the same width;
//   - PostgreSQL `timestamp [without time zone]` (naive local time) and `timestamp with time zone` (rendered
//     in the source's zone);
//   - MySQL/MariaDB `DATETIME(n)` and `TIMESTAMP(n)` (TIMESTAMP as the connection's session time_zone shows it,
//     which must then be the source's zone).
// Native timestamps are selected as text with microseconds so the watermark is exactly the value in the row:
// a watermark truncated to milliseconds would re-read the same rows forever at a page boundary.
// The id column may be of any type the database can compare to its text form (text, integer).

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function assertIdentifier(name: string): string {
  if (!IDENT.test(name)) throw new Error(`invalid SQL identifier: ${JSON.stringify(name)}`);
  return name;
}

function quoteIdent(dialect: SqlDialect, name: string): string {
  assertIdentifier(name);
  return dialect === 'mysql' ? `\`${name}\`` : `"${name}"`;
}

/**
 * Positions of `?` placeholders outside string literals, quoted identifiers and comments. PostgreSQL needs them
 * numbered; every dialect gets the count checked against the values, like the ClickHouse wrapper does.
 */
export function placeholderPositions(sql: string): number[] {
  const at: number[] = [];
  for (let i = 0; i < sql.length; i++) {
    const c = sql[i]!;
    if (c === "'" || c === '"' || c === '`') {
      // Doubled quotes are escapes and simply re-enter the loop as a new literal.
      const end = sql.indexOf(c, i + 1);
      i = end === -1 ? sql.length : end;
    } else if (c === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i);
      i = end === -1 ? sql.length : end;
    } else if (c === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2);
      i = end === -1 ? sql.length : end + 1;
    } else if (c === '?') at.push(i);
  }
  return at;
}

function toDollarParams(sql: string, positions: number[]): string {
  let out = '';
  let last = 0;
  positions.forEach((p, n) => {
    out += `${sql.slice(last, p)}$${n + 1}`;
    last = p + 1;
  });
  return out + sql.slice(last);
}

interface Driver {
  run(sql: string, params: unknown[]): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}

function pgDriver(url: string): Driver {
  // Naive timestamps and dates stay the source's text: turning them into JS Dates would read them in the
  // process's zone, not the source's.
  const types = {
    getTypeParser: (oid: number, format?: 'text' | 'binary') =>
      oid === pg.types.builtins.TIMESTAMP || oid === pg.types.builtins.DATE ? (v: string) => v : pg.types.getTypeParser(oid, format),
  };
  const pool = new pg.Pool({ connectionString: url, max: 4, connectionTimeoutMillis: 10_000, types });
  // An idle connection dropped by the server is reported here; unhandled, it would end the process.
  pool.on('error', (err) => console.error(`[etl] postgresql source: ${err.message}`));
  return {
    async run(sql, params) {
      const positions = placeholderPositions(sql);
      const res = await pool.query(toDollarParams(sql, positions), params);
      return res.rows as Record<string, unknown>[];
    },
    close: () => pool.end(),
  };
}

function mysqlDriver(url: string): Driver {
  // dateStrings for the same reason as PostgreSQL's type parsers above.
  const pool = mysql.createPool({ uri: url, connectionLimit: 4, connectTimeout: 10_000, dateStrings: true });
  return {
    async run(sql, params) {
      // execute() binds values server-side (a prepared statement), never splices them into the text.
      const [rows] = await pool.execute(sql, params as never[]);
      return Array.isArray(rows) ? (rows as Record<string, unknown>[]).map((r) => ({ ...r })) : [];
    },
    close: () => pool.end(),
  };
}

function sqliteDriver(url: string): Driver {
  let client: Client | null = null;
  return {
    async run(sql, params) {
      client ??= createClient({ url });
      const rs = await client.execute({ sql, args: params as InValue[] });
      return rs.rows.map((r) => Object.fromEntries(rs.columns.map((c, i) => [c, r[i]])));
    },
    async close() {
      client?.close();
      client = null;
    },
  };
}

/** Text → the comparable form of the updated-at column, and the column → its text form, per column type. */
interface TimeColumn {
  select: string;
  /** SQL for the bound watermark text as a value comparable with the column; `?` for the text itself. */
  param: string;
  /** Values bound for one `param` occurrence. */
  bind(ts: string): unknown[];
}

async function timeColumn(driver: Driver, dialect: SqlDialect, cfg: SqlIncrementalConfig): Promise<TimeColumn> {
  const col = quoteIdent(dialect, cfg.updatedAtColumn);
  const asIs: TimeColumn = { select: col, param: '?', bind: (ts) => [ts] };
  if (dialect === 'sqlite') return asIs;
  if (dialect === 'postgresql') {
    const rows = await driver.run(
      'SELECT data_type FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ? AND column_name = ?',
      [cfg.table, cfg.updatedAtColumn],
    );
    const type = String(rows[0]?.data_type ?? '');
    const fmt = `'YYYY-MM-DD HH24:MI:SS.US'`;
    if (type === 'timestamp without time zone') return { select: `to_char(${col}, ${fmt})`, param: '?::timestamp', bind: (ts) => [ts] };
    if (type === 'timestamp with time zone')
      return {
        select: `to_char(${col} AT TIME ZONE ?::text, ${fmt})`,
        param: '(?::timestamp AT TIME ZONE ?::text)',
        bind: (ts) => [ts, cfg.timeZone],
      };
    if (type === 'text' || type === 'character varying' || type === 'character') return asIs;
    throw new Error(`${cfg.table}.${cfg.updatedAtColumn}: ${type ? `unsupported column type ${type}` : 'no such column'}`);
  }
  const rows = await driver.run(
    'SELECT DATA_TYPE AS t FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = ? AND column_name = ?',
    [cfg.table, cfg.updatedAtColumn],
  );
  const type = String(rows[0]?.t ?? '').toLowerCase();
  if (type === 'datetime' || type === 'timestamp')
    return { select: `DATE_FORMAT(${col}, '%Y-%m-%d %H:%i:%s.%f')`, param: '?', bind: (ts) => [ts] };
  if (['varchar', 'char', 'text', 'tinytext', 'mediumtext', 'longtext'].includes(type)) return asIs;
  throw new Error(`${cfg.table}.${cfg.updatedAtColumn}: ${type ? `unsupported column type ${type}` : 'no such column'}`);
}

const WALL = /^(\d{4}-\d{2}-\d{2})([ T])(\d{2}:\d{2}(?::\d{2})?)(?:\.(\d+))?$/;

/**
 * `ts` minus `ms`, written the way the source writes `ts` (separator, fraction width), so a text column
 * compares it like its own values.
 */
export function shiftWallClock(ts: string, ms: number, tz: string): string {
  const m = WALL.exec(ts.trim());
  const base = m ? parseLocal(`${m[1]} ${m[3]}${m[4] ? `.${m[4].slice(0, 3)}` : ''}`, tz) : null;
  if (!m || base === null) throw new Error(`watermark is not a local date-time: ${JSON.stringify(ts)}`);
  const text = formatLocal(base - ms, tz); // YYYY-MM-DD HH:mm:ss.SSS
  const width = m[4]?.length ?? 0;
  const frac = width === 0 ? '' : `.${text.slice(20).padEnd(width, '0').slice(0, width)}`;
  const hm = m[3]!.length === 5 ? text.slice(11, 16) : text.slice(11, 19);
  return `${text.slice(0, 10)}${m[2]}${hm}${width && hm.length === 8 ? frac : ''}`;
}

function checkPaging(cfg: SqlIncrementalConfig): void {
  if (!Number.isInteger(cfg.pageSize) || cfg.pageSize < 1) throw new Error(`pageSize must be a positive integer, got ${cfg.pageSize}`);
  if (!Number.isFinite(cfg.lookbackMs) || cfg.lookbackMs < 0) throw new Error(`lookbackMs must be ≥ 0, got ${cfg.lookbackMs}`);
}

export function openSqlSource(cfg: SqlConnectionConfig): SqlSource {
  const { dialect } = cfg;
  const driver =
    dialect === 'postgresql'
      ? pgDriver(cfg.url)
      : dialect === 'mysql'
        ? mysqlDriver(cfg.url)
        : dialect === 'sqlite'
          ? sqliteDriver(cfg.url)
          : null;
  if (!driver) throw new Error(`unknown SQL dialect: ${String(dialect)}`);
  const q = (name: string) => quoteIdent(dialect, name);

  async function query(sql: string, params: unknown[] = []): Promise<Record<string, unknown>[]> {
    const wanted = placeholderPositions(sql).length;
    if (wanted !== params.length) throw new Error(`query has ${wanted} placeholders but ${params.length} values`);
    // undefined is not a SQL value; the drivers disagree on what to do with it.
    return driver!.run(
      sql,
      params.map((p) => (p === undefined ? null : p)),
    );
  }

  /**
   * Keyset pages in (updated-at, id) order. `start` (inclusive, no id) applies until the first page has been
   * read; `cursor` continues strictly after a row; `until` (exclusive) bounds every page.
   */
  async function* pages(
    inc: SqlIncrementalConfig,
    start: string | null,
    after: SqlWatermark | null,
    until: string | null,
  ): AsyncGenerator<SourcePage<SqlWatermark>> {
    checkPaging(inc);
    const table = q(inc.table);
    // Qualified, because the select list aliases the text form of the updated-at column to the column's own
    // name, and an unqualified ORDER BY would sort by that text instead of the (indexed) column.
    const upd = `${table}.${q(inc.updatedAtColumn)}`;
    const id = `${table}.${q(inc.idColumn)}`;
    const time = await timeColumn(driver!, dialect, inc);
    const wanted = [...new Set([...inc.columns, inc.updatedAtColumn, inc.idColumn])];
    const select = wanted.map((c) => (c === inc.updatedAtColumn ? `${time.select} AS ${q(c)}` : q(c))).join(', ');
    const selectBinds = time.select.includes('?') ? [inc.timeZone] : [];
    const order = `ORDER BY ${upd}, ${id} LIMIT ?`;
    const bound = until === null ? '' : ` AND ${upd} < ${time.param}`;
    const boundBinds = until === null ? [] : time.bind(until);

    // Ties at a page boundary are neither skipped nor repeated: later pages continue strictly after the last
    // (updated-at, id) read.
    let cursor = after;
    for (;;) {
      let sql: string;
      let params: unknown[];
      if (cursor) {
        sql = `SELECT ${select} FROM ${table} WHERE (${upd} > ${time.param} OR (${upd} = ${time.param} AND ${id} > ?))${bound} ${order}`;
        params = [...selectBinds, ...time.bind(cursor.ts), ...time.bind(cursor.ts), cursor.id, ...boundBinds, inc.pageSize];
      } else if (start !== null) {
        sql = `SELECT ${select} FROM ${table} WHERE ${upd} >= ${time.param}${bound} ${order}`;
        params = [...selectBinds, ...time.bind(start), ...boundBinds, inc.pageSize];
      } else {
        sql = `SELECT ${select} FROM ${table}${until === null ? '' : ` WHERE ${upd} < ${time.param}`} ${order}`;
        params = [...selectBinds, ...boundBinds, inc.pageSize];
      }
      const rows = await query(sql, params);
      if (rows.length === 0) return;
      const last = rows[rows.length - 1]!;
      cursor = { ts: String(last[inc.updatedAtColumn]), id: String(last[inc.idColumn]) };
      yield { rows, next: cursor };
      if (rows.length < inc.pageSize) return;
    }
  }

  function readIncremental(inc: SqlIncrementalConfig, from: SqlWatermark | null): AsyncGenerator<SourcePage<SqlWatermark>> {
    // The first page starts at the lookback point with no id: every row at or after it.
    return pages(inc, from ? shiftWallClock(from.ts, inc.lookbackMs, inc.timeZone) : null, null, null);
  }

  function readRange(inc: SqlIncrementalConfig, range: SqlRange, after: SqlWatermark | null): AsyncGenerator<SourcePage<SqlWatermark>> {
    // No lookback: a backfill is asked for exactly this range, and resumes exactly after its last page.
    return pages(inc, range.from, after, range.until);
  }

  async function countRange(inc: SqlIncrementalConfig, range: SqlRange, after: SqlWatermark | null): Promise<number> {
    const table = q(inc.table);
    const upd = `${table}.${q(inc.updatedAtColumn)}`;
    const id = `${table}.${q(inc.idColumn)}`;
    const time = await timeColumn(driver!, dialect, inc);
    const [sql, params] = after
      ? [
          `SELECT count(*) AS n FROM ${table} WHERE (${upd} > ${time.param} OR (${upd} = ${time.param} AND ${id} > ?)) AND ${upd} < ${time.param}`,
          [...time.bind(after.ts), ...time.bind(after.ts), after.id, ...time.bind(range.until)],
        ]
      : [
          `SELECT count(*) AS n FROM ${table} WHERE ${upd} >= ${time.param} AND ${upd} < ${time.param}`,
          [...time.bind(range.from), ...time.bind(range.until)],
        ];
    const rows = await query(sql, params);
    return Number(rows[0]?.n ?? 0);
  }

  return { dialect, query, readIncremental, readRange, countRange, close: () => driver.close() };
}

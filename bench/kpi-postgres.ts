import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { z } from 'zod';
import type { ClickHouse } from '@/core/clickhouse/client';
import { levelOf, basePool, type AggregateSpec, type CompileContext } from '@/server/kpi/query/compile';
import { planQuery } from '@/server/kpi/query/plan';
import { kpiQueryInput, type KpiQueryInput } from '@/server/kpi/query/schema';
import { businessDate, ymd } from '@/server/kpi/query/time';
import type { Family, Measure } from '@/server/kpi/families/types';

// The PostgreSQL baseline of bench/kpi.ts: the same fact rows in PostgreSQL with the indexes that suit the
// workloads, and the same KPI questions answered there in plain SQL. The rows are the ClickHouse ones
// (written by chDB as tab-separated files and read by a server-side COPY, so PostgreSQL must run on this
// host); a few checksums per table and every workload part's figures are compared between the two engines
// before anything is timed. The SQL is the engine's naive plan (planQuery with forceRaw: the same families,
// measures, periods, org and dimension filters, buckets) rendered in PostgreSQL's dialect: FILTER aggregates,
// CASE for multiIf, intervals for dateDiff. Figures are a baseline column, never a pass/fail.

export const PG_URL = process.env.BENCH_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';
const SCHEMA = 'bench_kpi';

type Col = [name: string, type: string];
const T = 'timestamptz';
/** The generated fact tables, with the columns ClickHouse holds (ETL bookkeeping `source` and `loaded_at` left out). */
const TABLES: Record<string, { cols: Col[]; time: string; id: string; indexes: string[] }> = {
  fact_call: {
    cols: [
      ['call_id', 'text'],
      ['province_code', 'text'],
      ['city_code', 'text'],
      ['county_code', 'text'],
      ['skill_group', 'text'],
      ['category', 'text'],
      ['ivr_at', T],
      ['requested_agent_at', T],
      ['ring_at', T],
      ['answered_at', T],
      ['ended_at', T],
      ['outcome', 'text'],
      ['short_abandon', 'smallint'],
      ['agent_id', 'text'],
      ['src_updated_at', T],
    ],
    time: 'ivr_at',
    id: 'call_id',
    // Province-wide windows (a day of the wall) read by time; a city's drill step by city, then time.
    indexes: ['(ivr_at)', '(city_code, ivr_at)'],
  },
  fact_queue_ticket: {
    cols: [
      ['ticket_id', 'text'],
      ['province_code', 'text'],
      ['city_code', 'text'],
      ['county_code', 'text'],
      ['hall_code', 'text'],
      ['window_no', 'integer'],
      ['business_type', 'text'],
      ['issued_at', T],
      ['called_at', T],
      ['ended_at', T],
      ['status', 'text'],
      ['rating', 'text'],
      ['src_updated_at', T],
    ],
    time: 'issued_at',
    id: 'ticket_id',
    indexes: ['(issued_at)', '(city_code, issued_at)'],
  },
  fact_work_order: {
    cols: [
      ['order_id', 'text'],
      ['type', 'text'],
      ['province_code', 'text'],
      ['city_code', 'text'],
      ['county_code', 'text'],
      ['area_class', 'text'],
      ['created_at', T],
      ['limit_value', 'integer'],
      ['limit_unit', 'text'],
      ['time_limit_minutes', 'integer'],
      ['arrive_due_at', T],
      ['due_at', T],
      ['due_step', 'text'],
      ['accepted_at', T],
      ['dispatched_at', T],
      ['arrived_at', T],
      ['handled_at', T],
      ['replied_at', T],
      ['callback_at', T],
      ['closed_at', T],
      ['status', 'text'],
      ['result', 'text'],
      ['cause_tag', 'text'],
      ['satisfaction', 'text'],
      ['src_updated_at', T],
    ],
    time: 'created_at',
    id: 'order_id',
    indexes: ['(created_at)', '(city_code, created_at)'],
  },
  fact_outage: {
    cols: [
      ['outage_id', 'text'],
      ['province_code', 'text'],
      ['city_code', 'text'],
      ['county_code', 'text'],
      ['outage_type', 'text'],
      ['feeder', 'text'],
      ['area', 'text'],
      ['created_at', T],
      ['planned_start', T],
      ['planned_end', T],
      ['actual_start', T],
      ['actual_end', T],
      ['affected_customers', 'integer'],
      ['status', 'text'],
      ['src_updated_at', T],
    ],
    time: 'planned_start',
    id: 'outage_id',
    indexes: ['(planned_start)', '(city_code, planned_start)', '(outage_id)'],
  },
  fact_outage_customer: {
    cols: [
      ['outage_id', 'text'],
      ['customer_id', 'text'],
      ['important', 'smallint'],
      ['src_updated_at', T],
    ],
    time: 'src_updated_at',
    id: 'customer_id',
    // An outage's customers, joined from the outages a window selects.
    indexes: ['(outage_id) INCLUDE (customer_id, important)'],
  },
  fact_notice: {
    cols: [
      ['notice_id', 'text'],
      ['outage_id', 'text'],
      ['customer_id', 'text'],
      ['channel', 'text'],
      ['msg_id', 'text'],
      ['sent_at', T],
      ['delivery_status', 'text'],
      ['failure_reason', 'text'],
      ['src_updated_at', T],
    ],
    time: 'sent_at',
    id: 'notice_id',
    indexes: ['(outage_id, customer_id) INCLUDE (sent_at, channel, delivery_status)'],
  },
  fact_bill: {
    cols: [
      ['bill_id', 'text'],
      ['customer_id', 'text'],
      ['province_code', 'text'],
      ['city_code', 'text'],
      ['county_code', 'text'],
      ['class', 'text'],
      ['bill_month', 'date'],
      ['amount', 'numeric(14,2)'],
      ['due_date', 'date'],
      ['issued_at', T],
      ['src_updated_at', T],
    ],
    time: 'issued_at',
    id: 'bill_id',
    indexes: ['(bill_month)', '(city_code, bill_month)'],
  },
  fact_payment: {
    cols: [
      ['payment_id', 'text'],
      ['bill_id', 'text'],
      ['customer_id', 'text'],
      ['province_code', 'text'],
      ['city_code', 'text'],
      ['county_code', 'text'],
      ['class', 'text'],
      ['amount', 'numeric(14,2)'],
      ['paid_at', T],
      ['channel', 'text'],
      ['bank', 'text'],
      ['result', 'text'],
      ['failure_reason', 'text'],
      ['src_updated_at', T],
    ],
    time: 'paid_at',
    id: 'payment_id',
    // A bill's payments (index-only, for the paid amount per bill) and the payment family's own windows.
    indexes: ['(bill_id) INCLUDE (result, amount)', '(paid_at)', '(city_code, paid_at)'],
  },
};

/**
 * The families' leaf rows in PostgreSQL (same joins as server/kpi/families). A bill with no payment has a
 * paid amount of 0, as ClickHouse's LEFT JOIN gives; SMS gateway reports are left out (the bench has none).
 */
const FROM: Record<string, string> = {
  queue: `(SELECT * FROM fact_queue_ticket WHERE {{where}}) AS s`,
  call: `(SELECT * FROM fact_call WHERE {{where}}) AS s`,
  work_order: `(SELECT * FROM fact_work_order WHERE {{where}}) AS s`,
  payment: `(SELECT * FROM fact_payment WHERE {{where}}) AS s`,
  outage: `(
    SELECT o.outage_id, o.city_code, o.county_code, o.outage_type, o.planned_start, o.actual_start, c.customer_id, c.important,
           n.first_delivered_at, coalesce(n.attempts, 0) AS attempts, coalesce(n.sms_failed, 0) AS sms_failed
    FROM (SELECT * FROM fact_outage WHERE status != 'cancelled' AND {{where}}) AS o
    JOIN fact_outage_customer AS c ON c.outage_id = o.outage_id
    LEFT JOIN LATERAL (
      SELECT min(sent_at) FILTER (WHERE delivery_status = 'delivered') AS first_delivered_at, count(*) AS attempts,
             count(*) FILTER (WHERE channel = 'sms' AND delivery_status = 'failed') AS sms_failed
      FROM fact_notice AS nt WHERE nt.outage_id = c.outage_id AND nt.customer_id = c.customer_id
    ) AS n ON true) AS s`,
  bill: `(
    SELECT b.*, coalesce(p.paid_amount, 0) AS paid_amount
    FROM (SELECT * FROM fact_bill WHERE {{where}}) AS b
    LEFT JOIN LATERAL (SELECT sum(amount) AS paid_amount FROM fact_payment AS p WHERE p.bill_id = b.bill_id AND p.result = 'success') AS p ON true
  ) AS s`,
};

export const PG_FAMILIES = new Set(Object.keys(FROM));

// ---- ClickHouse expression text → PostgreSQL -------------------------------------------------------------

/** Splits `a, f(b, c), d` at top-level commas. */
function splitArgs(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quote = false;
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === "'") quote = !quote;
    else if (!quote && c === '(') depth++;
    else if (!quote && c === ')') depth--;
    else if (!quote && depth === 0 && c === ',') {
      out.push(s.slice(start, i).trim());
      start = i + 1;
    }
  }
  out.push(s.slice(start).trim());
  return out;
}

const FUNCS: Record<string, (a: string[]) => string> = {
  dateDiff: ([unit, a, b]) =>
    unit === "'millisecond'"
      ? `(date_part('epoch', (${b}) - (${a})) * 1000)`
      : unit === "'day'"
        ? `((${b}) - (${a}))`
        : bad(`dateDiff ${unit}`),
  assumeNotNull: ([a]) => `(${a})`,
  if: ([c, a, b]) => `(CASE WHEN ${c} THEN ${a} ELSE ${b} END)`,
  multiIf: (a) => {
    let s = '(CASE';
    for (let i = 0; i + 1 < a.length; i += 2) s += ` WHEN ${a[i]} THEN ${a[i + 1]}`;
    return `${s} ELSE ${a[a.length - 1]} END)`;
  },
  toIntervalHour: ([a]) => `((${a}) * interval '1 hour')`,
  toIntervalMinute: ([a]) => `((${a}) * interval '1 minute')`,
  toString: (a: string[]) => `((${a[0]})::text)`,
};
function bad(what: string): never {
  throw new Error(`no PostgreSQL rendering for ${what}`);
}

function literal(v: unknown, type: string): string {
  if (type.startsWith('DateTime64')) return `timestamptz '${String(v)}+00'`;
  if (type === 'Date') return `date '${String(v)}'`;
  if (type === 'String') return `'${String(v).replaceAll("'", "''")}'`;
  if (type === 'Array(String)') return `ARRAY[${(v as string[]).map((x) => `'${x.replaceAll("'", "''")}'`).join(', ')}]`;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return bad(`parameter ${type}`);
}

/** Renders a measure's, dimension's or predicate's ClickHouse text in PostgreSQL, values inlined as literals. */
export function toPg(sql: string, pool: Record<string, unknown>): string {
  let s = sql.replace(/\{([A-Za-z_][A-Za-z0-9_]*):([^}]+)\}/g, (_, name: string, type: string) => {
    if (!(name in pool)) bad(`{${name}}`);
    return literal(pool[name], type);
  });
  s = s.replace(/INTERVAL (\d+) (DAY|HOUR|MINUTE)/g, (_, n: string, u: string) => `interval '${n} ${u.toLowerCase()}'`);
  return rewriteCalls(s);
}

/** Index of the parenthesis closing the one at `open`. */
function closing(s: string, open: number): number {
  let depth = 0;
  let quote = false;
  for (let i = open; i < s.length; i++) {
    const c = s[i]!;
    if (c === "'") quote = !quote;
    else if (!quote && c === '(') depth++;
    else if (!quote && c === ')' && --depth === 0) return i;
  }
  return bad(`unbalanced ${s}`);
}

function rewriteCalls(s: string): string {
  const call = /\b(dateDiff|assumeNotNull|if|multiIf|toIntervalHour|toIntervalMinute|toString)\(/g;
  let out = '';
  let at = 0;
  for (let m = call.exec(s); m; m = call.exec(s)) {
    const open = m.index + m[0].length - 1;
    const close = closing(s, open);
    out += s.slice(at, m.index) + FUNCS[m[1]!]!(splitArgs(s.slice(open + 1, close)).map(rewriteCalls));
    at = close + 1;
    call.lastIndex = at;
  }
  return out + s.slice(at);
}

const isTrue = (w: string) => w.trim() === '1';

function pgAgg(m: Measure, pool: Record<string, unknown>): string {
  const where = isTrue(m.where) ? '' : ` FILTER (WHERE ${toPg(m.where, pool)})`;
  switch (m.kind) {
    case 'count':
      return `count(*)${where}`;
    // ClickHouse's sumIf / maxIf of no row is 0, PostgreSQL's NULL.
    case 'sum':
      return `coalesce(sum(${toPg(m.expr, pool)})${where}, 0)`;
    case 'max':
      return `coalesce(max(${toPg(m.expr, pool)})${where}, 0)`;
    case 'min_time':
      return `(extract(epoch from min(${toPg(m.expr, pool)})${where}) * 1000)`;
    case 'uniq':
      return `count(DISTINCT ${toPg(m.expr, pool)})${where}`;
  }
}

const tsLit = (ms: number) => `timestamptz '${new Date(ms).toISOString()}'`;

/** One workload part (a family, its periods, org, buckets and filters) as one PostgreSQL statement. */
export function compilePg(spec: AggregateSpec, ctx: CompileContext): string {
  const f: Family = spec.family;
  const from = FROM[f.id];
  if (!from) bad(`family ${f.id}`);
  const pool = { ...basePool(f, ctx), orgCode: spec.orgCode };
  const level = levelOf(spec.orgCode);
  const org = level === 'province' ? 'true' : `${level}_code = ${literal(spec.orgCode, 'String')}`;
  const group = spec.by === 'total' || spec.by === 'province' ? literal(spec.orgCode, 'String') : `${spec.by}_code`;
  const t = f.timeColumn;
  const preds = spec.periods.map((r) => {
    if (f.timeType === 'datetime') return `(${t} >= ${tsLit(r.from)} AND ${t} < ${tsLit(r.to)})`;
    const b = businessDate(ctx.cal, r.from);
    return `(${t} >= date '${ymd({ ...b, d: 1 })}' AND ${t} < date '${ymd(businessDate(ctx.cal, r.to))}')`;
  });
  const period = preds.length === 1 ? '0' : `(CASE ${preds.map((p, i) => `WHEN ${p} THEN ${i}`).join(' ')} ELSE -1 END)`;
  const tz = literal(ctx.cal.tz, 'String');
  const local = f.timeType === 'date' ? t : `(${t} AT TIME ZONE ${tz})`;
  // Grouped by the truncated time, formatted once per group.
  const bucket = {
    total: null,
    hour: { key: `date_trunc('hour', ${t} AT TIME ZONE 'UTC')`, fmt: 'YYYY-MM-DD HH24:MI:SS' },
    day: { key: `date_trunc('day', ${local})`, fmt: 'YYYY-MM-DD' },
    month: { key: `date_trunc('month', ${local})`, fmt: 'YYYY-MM-DD' },
  }[spec.granularity];
  const dims = Object.entries(spec.filters).map(
    ([name, values]) => `${toPg(f.dims[name]!.sql, pool)} = ANY(${literal([...values], 'Array(String)')})`,
  );
  const ms = spec.measures.map((n) => `(${pgAgg(f.measures[n]!, pool)})::float8`);
  return `SELECT ${group} AS org, ${bucket ? `to_char(${bucket.key}, '${bucket.fmt}')` : "''"} AS b, ${period} AS period, ARRAY[${ms.join(', ')}] AS m
FROM ${from.replaceAll('{{where}}', `(${preds.join(' OR ')}) AND ${org}`)}
WHERE ${dims.length ? dims.join(' AND ') : 'true'}
GROUP BY 1${bucket ? `, ${bucket.key}` : ''}, 3`;
}

// ---- Load ---------------------------------------------------------------------------------------------------

export interface PgLoad {
  pool: pg.Pool;
  rows: number;
  copyMs: number;
  indexMs: number;
  bytes: number;
  indexes: string[];
}

/** Copies the generated facts from chDB into PostgreSQL, builds the indexes, checks the copies are equal. */
export async function loadPostgres(ch: ClickHouse): Promise<PgLoad> {
  const pool = new pg.Pool({
    connectionString: PG_URL,
    max: 2,
    // Two cores: as many connections as cores, each allowed PostgreSQL's usual two parallel workers.
    options: `-c search_path=${SCHEMA} -c timezone=UTC -c work_mem=64MB -c maintenance_work_mem=512MB`,
  });
  await pool.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
  await pool.query(`CREATE SCHEMA ${SCHEMA}`);
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-kpi-pg-'));
  chmodSync(dir, 0o755); // the PostgreSQL server reads the files as its own user
  let rows = 0;
  const indexes: string[] = [];
  let copyMs = 0;
  let indexMs = 0;
  try {
    await copyTables();
    await checkCopies(ch, pool);
  } catch (err) {
    await dropPostgres(pool);
    throw err;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const size = await pool.query<{ n: string }>(
    `SELECT sum(pg_total_relation_size(c.oid))::text AS n FROM pg_class c JOIN pg_namespace s ON s.oid = c.relnamespace WHERE s.nspname = $1 AND c.relkind = 'r'`,
    [SCHEMA],
  );
  return { pool, rows, copyMs, indexMs, bytes: Number(size.rows[0]!.n), indexes };

  async function copyTables() {
    for (const [table, def] of Object.entries(TABLES)) {
      // Unlogged: no WAL for a table that is rebuilt every run; reads are the same as a logged table's.
      await pool.query(`CREATE UNLOGGED TABLE ${table} (${def.cols.map(([n, ty]) => `${n} ${ty}`).join(', ')})`);
      const file = path.join(dir, `${table}.tsv`);
      let t = performance.now();
      await ch.command(
        'bench.pg.export',
        `INSERT INTO FUNCTION file('${file}', 'TabSeparated') SELECT ${def.cols.map(([n]) => n).join(', ')} FROM ${table}`,
      );
      chmodSync(file, 0o644);
      const res = await pool.query(`COPY ${table} FROM '${file}'`);
      rows += res.rowCount ?? 0;
      rmSync(file);
      copyMs += performance.now() - t;
      t = performance.now();
      for (const cols of def.indexes) {
        await pool.query(`CREATE INDEX ON ${table} ${cols}`);
        indexes.push(`${table} ${cols}`);
      }
      await pool.query(`VACUUM ANALYZE ${table}`);
      indexMs += performance.now() - t;
    }
  }
}

/** Row count, time-column and id checksums per table, in both engines. */
async function checkCopies(ch: ClickHouse, pool: pg.Pool): Promise<void> {
  for (const [table, def] of Object.entries(TABLES)) {
    const [c] = await ch.query(
      'bench.pg.check',
      `SELECT toString(count()) AS n, toString(sum(toUnixTimestamp(${def.time}))) AS t, toString(sum(length(${def.id}))) AS id FROM ${table}`,
      {},
      z.object({ n: z.string(), t: z.string(), id: z.string() }),
    );
    const { rows } = await pool.query<{ n: string; t: string; id: string }>(
      `SELECT count(*)::text AS n, coalesce(sum(floor(extract(epoch from ${def.time}))), 0)::bigint::text AS t, coalesce(sum(length(${def.id})), 0)::text AS id FROM ${table}`,
    );
    const p = rows[0]!;
    if (c!.n !== p.n || c!.t !== p.t || c!.id !== p.id)
      throw new Error(`PostgreSQL copy of ${table} differs: chDB ${JSON.stringify(c)}, PostgreSQL ${JSON.stringify(p)}`);
  }
}

export async function dropPostgres(pool: pg.Pool): Promise<void> {
  await pool.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
  await pool.end();
}

// ---- Workloads ----------------------------------------------------------------------------------------------

export interface PgWorkload {
  run: () => Promise<unknown>;
  /** Parts of families the bench has no facts for (dunning, reconnection, balance), left out. */
  skipped: string[];
  statements: number;
  /** Figures compared with ClickHouse's (rows × measures). */
  compared: number;
}

const chRow = z.object({ org: z.string(), b: z.string(), period: z.coerce.number(), m: z.array(z.union([z.null(), z.coerce.number()])) });
type Row = z.infer<typeof chRow>;

/**
 * The same KPI questions as PostgreSQL statements, run over the pool (two at a time). `check` compares each
 * statement's rows with the naive ClickHouse part's before timing, so both engines are known to answer alike.
 */
export async function pgWorkload(
  pool: pg.Pool,
  queries: readonly KpiQueryInput[],
  ctx: CompileContext,
  check?: ClickHouse,
): Promise<PgWorkload> {
  const parts = queries.flatMap((q) => planQuery(kpiQueryInput.parse(q), { ctx, rollupReady: () => false, forceRaw: true }).parts);
  const mine = parts.filter((p) => PG_FAMILIES.has(p.spec.family.id) && p.spec.periods.length > 0);
  const skipped = [...new Set(parts.filter((p) => !mine.includes(p)).map((p) => p.spec.family.id))];
  const statements = mine.map((p) => compilePg(p.spec, ctx));
  let compared = 0;
  if (check) {
    for (const [i, p] of mine.entries()) {
      const want = await check.query('bench.pg.compare', p.sql, p.params, chRow);
      const got = (await pool.query<Row>(statements[i]!)).rows;
      compareRows(p.spec.family.id, p.spec.measures, want, got);
      compared += want.reduce((n, r) => n + r.m.length, 0);
    }
  }
  return {
    run: () => Promise.all(statements.map((s) => pool.query(s))),
    skipped,
    statements: statements.length,
    compared,
  };
}

const norm = (b: string) => b.replace(/\.000$/, '');

function compareRows(family: string, measures: readonly string[], want: Row[], got: Row[]): void {
  const key = (r: Row) => `${r.org}|${norm(r.b)}|${r.period}`;
  const g = new Map(got.map((r) => [key(r), r]));
  const problem = (why: string) => new Error(`PostgreSQL answers ${family} differently from ClickHouse: ${why}`);
  if (want.length !== got.length) throw problem(`${want.length} rows in ClickHouse, ${got.length} in PostgreSQL`);
  for (const w of want) {
    const r = g.get(key(w));
    if (!r) throw problem(`no row ${key(w)}`);
    w.m.forEach((v, i) => {
      const x = r.m[i] === null || r.m[i] === undefined ? null : Number(r.m[i]);
      const same = v === null || x === null ? v === x : Math.abs(v - x) <= 1e-6 * Math.max(1, Math.abs(v));
      if (!same) throw problem(`${key(w)} ${measures[i]}: ${v} vs ${x}`);
    });
  }
}

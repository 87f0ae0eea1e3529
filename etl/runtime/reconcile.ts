import { z } from 'zod';
import type { ClickHouse } from '@/core/clickhouse/client';
import { chNumber } from '@/core/clickhouse/row-types';
import { pageUrl, valueAt } from '../connectors/http';
import { assertIdentifier } from '../connectors/sql';
import type { HttpSourceConfig, SqlSource } from '../connectors/types';
import { chTime, parseLocal } from '@/core/time';
import { STATE } from '../sources/hall-queue/source-schema';

// Does ClickHouse hold what the source holds for a day? Counts only: cheap on both sides, and a difference
// says which day (and, for tickets, which status) to backfill.

export interface ReconcileCount {
  /** `total`, or `status:<status>` for a per-status count. */
  key: string;
  source: number;
  clickhouse: number;
}

export interface ReconcileResult {
  source: string;
  day: string;
  counts: ReconcileCount[];
  /** The counts that differ; empty when the day matches. */
  differences: ReconcileCount[];
}

const DAY_RE = /^\d{4}-\d{2}-\d{2}$/;

/** [start, end) of a local calendar day in epoch ms. */
export function localDayRange(day: string, tz: string): { from: number; to: number } {
  const from = DAY_RE.test(day) ? parseLocal(`${day} 00:00:00`, tz) : null;
  if (from === null) throw new Error(`not a date (YYYY-MM-DD): ${JSON.stringify(day)}`);
  // Noon of the next day, then back to its midnight: right across a DST change too.
  const next = new Date(Date.UTC(+day.slice(0, 4), +day.slice(5, 7) - 1, +day.slice(8, 10) + 1)).toISOString().slice(0, 10);
  return { from, to: parseLocal(`${next} 00:00:00`, tz)! };
}

/** One row per key present on either side, sorted with `total` first. */
export function compareCounts(source: string, day: string, src: Map<string, number>, ch: Map<string, number>): ReconcileResult {
  const keys = [...new Set([...src.keys(), ...ch.keys()])].sort((a, b) => (a === 'total' ? -1 : b === 'total' ? 1 : a.localeCompare(b)));
  const counts = keys.map((key) => ({ key, source: src.get(key) ?? 0, clickhouse: ch.get(key) ?? 0 }));
  return { source, day, counts, differences: counts.filter((c) => c.source !== c.clickhouse) };
}

const statusByCode = new Map<number, string>(Object.entries(STATE).map(([k, v]) => [v, k]));
const statusCount = z.object({ status: z.string(), n: chNumber });

function withTotal(byStatus: Map<string, number>): Map<string, number> {
  let total = 0;
  for (const n of byStatus.values()) total += n;
  return new Map([['total', total], ...byStatus]);
}

/**
 * Hall queue tickets taken on `day` (local), by status: the source's q_ticket by take_time against
 * fact_queue_ticket FINAL by issued_at. Tickets the ETL quarantined show up as differences, on purpose:
 * they are missing from the screens.
 */
export async function reconcileHallQueueTickets(
  ch: ClickHouse,
  db: SqlSource,
  day: string,
  tz: string,
  opts: { table?: string; source?: string } = {},
): Promise<ReconcileResult> {
  const { from, to } = localDayRange(day, tz);
  const table = assertIdentifier(opts.table ?? 'q_ticket');
  const nextDay = new Date(Date.UTC(+day.slice(0, 4), +day.slice(5, 7) - 1, +day.slice(8, 10) + 1)).toISOString().slice(0, 10);
  // take_time is the vendor's local wall-clock text: bare dates as bounds compare right whatever the width.
  const rows = await db.query(`SELECT state, count(*) AS n FROM ${table} WHERE take_time >= ? AND take_time < ? GROUP BY state`, [
    day,
    nextDay,
  ]);
  const src = new Map<string, number>();
  for (const r of rows) {
    const key = `status:${statusByCode.get(Number(r.state)) ?? `code ${String(r.state)}`}`;
    src.set(key, (src.get(key) ?? 0) + Number(r.n));
  }
  const chRows = await ch.query(
    'etl.reconcile.tickets',
    `SELECT status, count() AS n FROM fact_queue_ticket FINAL
     WHERE source = {source:String} AND issued_at >= {from:DateTime64(3, 'UTC')} AND issued_at < {to:DateTime64(3, 'UTC')}
     GROUP BY status`,
    { source: opts.source ?? 'hall-queue', from: chTime(from), to: chTime(to) },
    statusCount,
  );
  const inCh = new Map(chRows.map((r) => [`status:${r.status}`, r.n]));
  return compareCounts('hall-queue.tickets', day, withTotal(src), withTotal(inCh));
}

const countRow = z.object({ n: chNumber });

/**
 * CTI calls released on `day` (local): the API's `total` for the day window (the API lists calls by their
 * release time) against fact_call FINAL by ended_at.
 */
export async function reconcileCtiCalls(
  ch: ClickHouse,
  http: HttpSourceConfig,
  day: string,
  tz: string,
  opts: { totalPath?: string; source?: string } = {},
): Promise<ReconcileResult> {
  const { from, to } = localDayRange(day, tz);
  // One record per page is enough: only the total is wanted.
  const url = pageUrl({ ...http, pageSize: 1 }, { from: new Date(from).toISOString(), to: new Date(to).toISOString() }, 1);
  const res = await fetch(url, { headers: { accept: 'application/json', ...http.headers }, signal: AbortSignal.timeout(http.timeoutMs) });
  if (!res.ok) throw new Error(`GET ${url} failed: HTTP ${res.status}`);
  const totalPath = opts.totalPath ?? 'data.total';
  const total = Number(valueAt(await res.json(), totalPath));
  if (!Number.isFinite(total)) throw new Error(`GET ${url}: no total at "${totalPath}"`);
  const rows = await ch.query(
    'etl.reconcile.calls',
    `SELECT count() AS n FROM fact_call FINAL
     WHERE source = {source:String} AND ended_at >= {from:DateTime64(3, 'UTC')} AND ended_at < {to:DateTime64(3, 'UTC')}`,
    { source: opts.source ?? 'cti', from: chTime(from), to: chTime(to) },
    countRow,
  );
  return compareCounts('cti.calls', day, new Map([['total', total]]), new Map([['total', rows[0]?.n ?? 0]]));
}

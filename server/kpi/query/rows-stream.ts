import { z } from 'zod';
import { drillMeasures, KPI_BY_ID } from '../definitions';
import { FAMILY_BY_ID } from '../families';
import { compileRows, KpiQueryError } from './compile';
import { kpiRange, withFixedFilters } from './plan';
import type { KpiRowsResult } from './result';
import { rowTime, type EngineDeps } from './run';
import type { KpiRowsQuery } from './schema';

// The records behind a KPI figure without paging, for exports (导出): the same compiled SQL as the drill-down
// (runKpiRows → compileRows), so a file holds exactly the rows the table counts, read in chunks so that memory
// stays bounded however many rows there are.
//
// Why chunks and not `resultSet.stream()`: embedded chDB's connection (chdb/connection) materialises the whole
// answer before handing back a one-shot Readable, so a stream over it would hold every row at once. Each chunk
// is the drill-down's own `LIMIT … OFFSET …` page over its stable order (the sort column, then the record id),
// and its own statement, bounded like any other read (row, memory and time limits of the ClickHouse wrapper).

export type KpiRowsStreamQuery = Omit<KpiRowsQuery, 'page' | 'pageSize'>;

/** Rows per statement: small enough to keep a chunk a few MB, large enough that 500k rows are 25 reads. */
export const ROWS_CHUNK = 20_000;

export interface KpiRowsStream {
  kpi: string;
  part: 'numerator' | 'denominator';
  /** The figure's count when the stream was opened: the stream yields at most this many rows. */
  total: number;
  columns: KpiRowsResult['columns'];
  /** The time range the records were selected by (epoch ms, `to` exclusive), null for a snapshot "now". */
  range: { from: number; to: number } | null;
  /** The column and direction the rows are sorted by (the family's default when the query did not say). */
  sort: { column: string; dir: 'asc' | 'desc' };
  /** Batches of rows in the drill-down's order; times as ISO 8601 instants (UTC) or null, as `kpi.rows` serves them. */
  batches(): AsyncGenerator<Record<string, unknown>[], void, undefined>;
}

const anyRow = z.record(z.string(), z.unknown());

/** Opens the rows of a drill-down query: counts them now, reads them when `batches()` is iterated. */
export async function openKpiRowsStream(
  q: KpiRowsStreamQuery,
  deps: EngineDeps & { hidePersonal?: boolean; chunkSize?: number },
): Promise<KpiRowsStream> {
  const k = KPI_BY_ID.get(q.kpi)!;
  const f = FAMILY_BY_ID.get(k.family)!;
  const parts = drillMeasures(k);
  const measure = q.part === 'numerator' ? parts.numerator : parts.denominator;
  if (!measure) throw new KpiQueryError(`指标 ${k.id} 没有分母 (${k.id} has no denominator)`);
  const range = kpiRange(k, q, deps.ctx.now, deps.ctx.cal);
  const filters = withFixedFilters(f, q.filters ?? {}, k.fixedFilters);
  const sort = q.sort ?? { column: f.defaultSort, dir: 'desc' as const };
  const chunk = Math.max(1, Math.floor(deps.chunkSize ?? ROWS_CHUNK));
  const compile = (offset: number) =>
    compileRows(
      { family: f, measure, orgCode: q.orgCode, range, filters, sort, limit: chunk, offset, hidePersonal: deps.hidePersonal },
      deps.ctx,
    );
  const first = compile(0);
  const n = await deps.ch.query(`kpi.rows.count.${f.id}`, first.count.sql, first.count.params, z.object({ n: z.coerce.number() }));
  const total = n[0]?.n ?? 0;
  const times = first.columns.filter((c) => c.type === 'time').map((c) => c.name);

  async function* batches(): AsyncGenerator<Record<string, unknown>[], void, undefined> {
    let offset = 0;
    while (offset < total) {
      const { rows } = offset === 0 ? first : compile(offset);
      const data = await deps.ch.query(`kpi.rows.export.${f.id}`, rows.sql, rows.params, anyRow, { maxResultRows: chunk });
      // Rows that arrived after the count are left out: the file holds the figure it was asked for.
      const take = data.length > total - offset ? data.slice(0, total - offset) : data;
      for (const r of take) for (const name of times) if (name in r) r[name] = rowTime(r[name]);
      if (take.length > 0) yield take;
      offset += data.length;
      if (data.length < chunk) return;
    }
  }

  return { kpi: k.id, part: q.part, total, columns: first.columns, range, sort, batches };
}

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { ClickHouse } from '@/core/clickhouse/client';
import { outageFamily } from '@/server/kpi/families/outage';
import { PARAM_DEFAULTS } from '@/server/kpi/params';
import type { CompileContext } from '@/server/kpi/query/compile';
import { compileRefreshFromFacts } from '@/server/kpi/rollup/refresh-sql';
import { dropTestClickHouse, testClickHouse } from '../helpers/clickhouse';

// A rollup pass recomputes a few hours' buckets and runs every few seconds while data loads. What it reads must
// follow those buckets, not the size of the tables: the outage family read every affected customer of every
// outage ever (a year's back-fill puts millions in fact_outage_customer) for each pass, about a second each at a
// year's size. Here the engine's own limit on rows read (max_rows_to_read) holds a pass to its outages.

const OTHER_CUSTOMERS = 300_000;
const LIMIT = 100_000;
let ch: ClickHouse;

beforeAll(async () => {
  ch = await testClickHouse();
  const planned = '2026-11-23 02:00:00.000';
  await ch.insert('test.outage', 'fact_outage', [
    {
      outage_id: 'O-1',
      source: 'test',
      province_code: '53',
      city_code: '5301',
      county_code: '530102',
      outage_type: 'planned',
      feeder: 'F1',
      area: 'A',
      created_at: '2026-11-15 02:00:00.000',
      planned_start: planned,
      planned_end: '2026-11-23 06:00:00.000',
      actual_start: null,
      actual_end: null,
      affected_customers: 2,
      status: 'announced',
      src_updated_at: '2026-11-15 02:00:00.000',
    },
  ]);
  await ch.insert('test.outage-customers', 'fact_outage_customer', [
    { outage_id: 'O-1', customer_id: 'C-1', source: 'test', important: 0, src_updated_at: planned },
    { outage_id: 'O-1', customer_id: 'C-2', source: 'test', important: 1, src_updated_at: planned },
  ]);
  // The customers of other outages, as a year's history leaves them.
  await ch.command(
    'test.outage-customers.others',
    `INSERT INTO fact_outage_customer (outage_id, customer_id, source, important, src_updated_at)
     SELECT concat('P-', toString(number % 20000)), toString(number), 'test', 0, now64(3) FROM numbers({n:UInt64})`,
    { n: OTHER_CUSTOMERS },
  );
});

afterAll(async () => {
  if (ch) await dropTestClickHouse(ch);
});

describe("a rollup pass reads its buckets' rows, not the tables", () => {
  it("the outage family's pass over one hour stays under a row limit a full read of the customers breaks", async () => {
    const ctx: CompileContext = {
      params: structuredClone(PARAM_DEFAULTS),
      now: Date.parse('2026-11-23T12:00:00Z'),
      cal: { tz: 'Asia/Shanghai', resetHour: 0 },
    };
    const { sql, params } = compileRefreshFromFacts(outageFamily, 'hour', ['2026-11-23 02:00:00'], 4, ctx);
    const select = sql.replace(/^INSERT INTO \S+ \([^)]*\)\n/, '');
    expect(select).not.toBe(sql);
    const limited = `SETTINGS max_rows_to_read = ${LIMIT}, read_overflow_mode = 'throw'`;
    // The control: the limit does stop a read of every customer.
    await expect(
      ch.query(
        'test.outage-customers.all',
        `SELECT count() AS n FROM fact_outage_customer FINAL ${limited}`,
        {},
        z.object({ n: z.coerce.number() }),
      ),
    ).rejects.toThrow(/Limit for rows|too many rows|TOO_MANY_ROWS/i);
    const rows = await ch.query(
      'test.outage-pass',
      `SELECT k_important, m_affected AS affected FROM (${select}) ORDER BY k_important ${limited}`,
      params,
      z.object({ k_important: z.string(), affected: z.coerce.number() }),
    );
    // The pass still finds the outage's two customers, one of them important.
    expect(rows.filter((r) => r.affected > 0)).toEqual([
      { k_important: '0', affected: 1 },
      { k_important: '1', affected: 1 },
    ]);
  });
});

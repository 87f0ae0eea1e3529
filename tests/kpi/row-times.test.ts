import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseLocal } from '@/core/time';
import type { ClickHouse } from '@/core/clickhouse/client';
import { rowTime } from '@/server/kpi/query/run';
import { createDb, type Db } from '@/server/db/client';
import { applyMigrations } from '@/server/db/migrate';
import type { Runtime } from '@/server/runtime';
import { formatDrillTime } from '@/app/_components/alerts/drill-cell';
import { dropTestClickHouse, testClickHouse } from '../helpers/clickhouse';
import { testRuntime } from '../helpers/runtime';
import { MIGRATIONS_DIR } from '../db/helpers';

// Issue 12 #5: times in drill-down rows leave the server as instants with their zone (ClickHouse writes UTC
// text without one, which the record table printed 8 h early), and a zero DateTime ("never") is null.

const TZ = 'Asia/Shanghai';
const NOW = parseLocal('2026-11-23 10:00:00', TZ)!;
const ISSUED = parseLocal('2026-11-23 09:05:00', TZ)!; // 01:05:00 UTC
const CALLED = parseLocal('2026-11-23 09:17:30', TZ)!;
const utc = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
let ch: ClickHouse;
let db: Db;
let rt: Runtime;

beforeAll(async () => {
  ch = await testClickHouse();
  db = await createDb({ dataDir: '/nonexistent', memory: true });
  await applyMigrations(db, MIGRATIONS_DIR);
  rt = testRuntime({ ch, db, env: { BUSINESS_TZ: TZ }, bootedAt: NOW - 3_600_000 });
  await ch.insert('t.tickets', 'fact_queue_ticket', [
    {
      ticket_id: 'T1',
      source: 'test',
      province_code: '53',
      city_code: '5301',
      county_code: '530102',
      hall_code: '530102001',
      window_no: 1,
      business_type: 'fee',
      issued_at: utc(ISSUED),
      called_at: utc(CALLED),
      ended_at: null,
      status: 'serving',
      rating: 'none',
      src_updated_at: utc(CALLED),
    },
  ]);
  await ch.insert('t.bills', 'fact_bill', [
    {
      bill_id: 'B1',
      customer_id: 'C1',
      province_code: '53',
      city_code: '5301',
      county_code: '530102',
      class: 'residential',
      bill_month: '2026-09-01',
      amount: '120.50',
      due_date: '2026-10-15',
      issued_at: utc(parseLocal('2026-10-01 08:00:00', TZ)!),
      src_updated_at: utc(parseLocal('2026-10-01 08:00:00', TZ)!),
    },
  ]);
});
afterAll(async () => {
  await db?.close();
  if (ch) await dropTestClickHouse(ch);
});

describe('kpi.rows times', () => {
  it('serves DateTime64 columns as ISO 8601 with Z, equal to the inserted instant', async () => {
    const res = await rt.kpi.rows(
      { kpi: 'queue.avg_wait', orgCode: '530102', time: { preset: 'today' }, filters: {}, part: 'numerator', page: 1, pageSize: 50 },
      NOW,
    );
    expect(res.total).toBe(1);
    const row = res.rows[0]!;
    expect(row.issued_at).toBe('2026-11-23T01:05:00.000Z');
    expect(Date.parse(row.issued_at as string)).toBe(ISSUED);
    expect(Date.parse(row.called_at as string)).toBe(CALLED);
    expect(row.ended_at).toBeNull();
    // Every time column carries its zone.
    for (const c of res.columns.filter((x) => x.type === 'time'))
      expect(row[c.name] === null || /(Z|[+-]\d{2}:\d{2})$/.test(String(row[c.name]))).toBe(true);
    // …and the record table shows it in Beijing time.
    expect(formatDrillTime(row.issued_at)).toBe('2026-11-23 09:05:00');
  });

  it('serves the zero DateTime of a bill never paid as null', async () => {
    const res = await rt.kpi.rows(
      { kpi: 'arrears.amount', orgCode: '530102', time: { preset: 'today' }, filters: {}, part: 'numerator', page: 1, pageSize: 50 },
      NOW,
    );
    const bill = res.rows.find((r) => r.bill_id === 'B1');
    expect(bill).toBeDefined();
    expect(res.columns.find((c) => c.name === 'last_paid_at')?.type).toBe('time');
    expect(bill!.last_paid_at).toBeNull();
    expect(formatDrillTime(bill!.last_paid_at)).toBe('—');
  });
});

describe('rowTime', () => {
  it('reads ClickHouse UTC text and marks its zone; epoch zero is never', () => {
    expect(rowTime('2026-11-23 01:05:00.000')).toBe('2026-11-23T01:05:00.000Z');
    expect(rowTime('2026-11-23 01:05:00')).toBe('2026-11-23T01:05:00.000Z');
    expect(rowTime('1970-01-01 00:00:00.000')).toBeNull();
    expect(rowTime('1970-01-01 00:00:00')).toBeNull();
    expect(rowTime(null)).toBeNull();
  });
});

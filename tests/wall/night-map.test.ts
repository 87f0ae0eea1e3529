import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTranslator } from '@/app/_i18n/locale';
import { outageMapData, outageMapTooltip, type OutageMapData } from '@/app/_components/wall/panels/outage-map-layers';
import { chTime, parseLocal } from '@/core/time';
import type { ClickHouse } from '@/core/clickhouse/client';
import { createDb, type Db } from '@/server/db/client';
import { applyMigrations } from '@/server/db/migrate';
import type { Runtime } from '@/server/runtime';
import { panelSchema } from '@/server/wall/layout';
import { PANEL_CATALOG } from '@/server/wall/panel-catalog';
import type { PanelData } from '@/server/wall/types';
import { MIGRATIONS_DIR } from '../db/helpers';
import { dropTestClickHouse, testClickHouse } from '../helpers/clickhouse';
import { testRuntime } from '../helpers/runtime';

// The wall's outage & service map at night (issue 12, finding 10): at 02:30 Beijing time the halls are closed
// and today has no ticket; the map colours each hall by the last business day's average wait, and says which
// day, as the queue board, ranking and tiles do. In the daytime the halls keep their queue now. The clock is
// injected: the panel's questions are asked of the KPI layer "at" 02:30 and at 10:00 of the same day.

const TZ = 'Asia/Shanghai';
const NIGHT = parseLocal('2026-12-05 02:30:00', TZ)!;
const MORNING = parseLocal('2026-12-05 10:00:00', TZ)!;
const ZONE = { orgCode: '530102' };
const MIN = 60_000;

let ch: ClickHouse;
let db: Db;
let rt: Runtime;

/** A ticket of `hall` issued at a Beijing time and called `waitMin` later (null: still waiting). */
const ticket = (id: string, hall: string, issued: string, waitMin: number | null) => {
  const at = parseLocal(issued, TZ)!;
  return {
    ticket_id: id,
    source: 'test',
    province_code: '53',
    city_code: hall.slice(0, 4),
    county_code: hall.slice(0, 6),
    hall_code: hall,
    window_no: 1,
    business_type: 'fee',
    issued_at: chTime(at),
    called_at: waitMin === null ? null : chTime(at + waitMin * MIN),
    ended_at: waitMin === null ? null : chTime(at + (waitMin + 5) * MIN),
    status: waitMin === null ? 'waiting' : 'served',
    rating: 'none',
    src_updated_at: chTime(at + 60 * MIN),
  };
};

// Yesterday (4 Dec): 五华 001 waited 40 min on average (alarm: > 30), 002 10 min (ok). 003 had no ticket.
const YESTERDAY = [
  ticket('Y1', '530102001', '2026-12-04 09:00:00', 35),
  ticket('Y2', '530102001', '2026-12-04 10:00:00', 45),
  ticket('Y3', '530102002', '2026-12-04 09:30:00', 10),
];

async function mapAt(now: number): Promise<OutageMapData> {
  const panel = panelSchema.parse({ id: 'map', type: 'outage_map', params: {} });
  const needs = PANEL_CATALOG.outage_map!.needs(panel, ZONE);
  const answer = await rt.kpi.query(needs.kpi, now, { cached: false });
  const data: PanelData = { kpi: answer.results, dataAsOf: answer.asOf, stale: false, hallPositions: { '530102001': [102.7, 25.04] } };
  return outageMapData(data);
}

beforeAll(async () => {
  ch = await testClickHouse();
  db = await createDb({ dataDir: '/nonexistent', memory: true });
  await applyMigrations(db, MIGRATIONS_DIR);
  rt = testRuntime({ ch, db, env: { BUSINESS_TZ: TZ }, bootedAt: NIGHT - 3_600_000 });
  // The zone's halls (the KPI layer breaks down by the halls of the hall directory).
  const hall = (code: string, name: string) => ({
    hall_code: code,
    hall_name: name,
    province_code: '53',
    city_code: code.slice(0, 4),
    county_code: code.slice(0, 6),
    lon: 0,
    lat: 0,
    windows: 4,
    src_updated_at: chTime(NIGHT - 86_400_000),
  });
  await ch.insert('t.halls', 'dim_hall', [
    hall('530102001', '五华供电营业厅'),
    hall('530102002', '五华城东营业厅'),
    hall('530102003', '五华城西营业厅'),
  ]);
  await ch.insert('t.tickets', 'fact_queue_ticket', YESTERDAY);
}, 120_000);

afterAll(async () => {
  await db?.close();
  if (ch) await dropTestClickHouse(ch);
});

describe('outage map at night', () => {
  it('asks the last business day and the two ticket questions besides the halls now', () => {
    const needs = PANEL_CATALOG.outage_map!.needs(panelSchema.parse({ id: 'map', type: 'outage_map', params: {} }), ZONE);
    expect(needs.kpi.map((q) => [q.key, q.kpis, q.by, q.time])).toEqual(
      expect.arrayContaining([
        ['map:halls', ['queue.length', 'queue.longest_wait_now', 'queue.avg_wait'], 'hall', { preset: 'today' }],
        ['map:halls~yesterday', ['queue.avg_wait'], 'hall', { preset: 'yesterday' }],
        ['map:day-tickets', ['queue.tickets'], 'total', { preset: 'today' }],
        ['map:day-before', ['queue.tickets'], 'total', { preset: 'yesterday' }],
      ]),
    );
  });

  it('at 02:30 colours each hall by its average wait of the last business day, and names the day', async () => {
    const d = await mapAt(NIGHT);
    expect(d.previousDay).toBe(true);
    expect(d.day).toBe('2026-12-04');
    // Before: every hall coloured by today's empty queue (status ok / none), the alarm of yesterday invisible.
    expect(d.sites!.get('530102001')).toMatchObject({ status: 'alarm', dayWait: 40, position: [102.7, 25.04] });
    expect(d.sites!.get('530102002')).toMatchObject({ status: 'ok', dayWait: 10 });
    // 003 had no ticket that day: no colour ('none'), not a green 'ok'.
    expect(d.sites!.get('530102003')).toMatchObject({ status: 'none', dayWait: null });
    expect(d.halls.get('530102')).toMatchObject({ halls: 3, alarm: 1, warn: 0, dayWait: 40, status: 'alarm' });
    // The tooltip says which day the colour is.
    const t = createTranslator('zh-CN');
    const clouds = {
      calls: { length: 0, ids: [] } as never,
      halls: { ids: ['530102001'] } as never,
    };
    const tip = outageMapTooltip({ layer: { id: 'hall-status' } as never, index: 0, object: null }, d, clouds, new Map(), t);
    expect(tip?.html).toContain('上一营业日 12月4日 平均等候：40.0 分钟');
  });

  it('once today has a ticket, the halls show their queue now again', async () => {
    await ch.insert('t.tickets', 'fact_queue_ticket', [ticket('T1', '530102002', '2026-12-05 08:40:00', null)]);
    const d = await mapAt(MORNING);
    expect(d.previousDay).toBe(false);
    expect(d.day).toBeNull();
    // 530102002 has one ticket waiting for 80 minutes: the live longest wait is an alarm; 001 has no queue.
    expect(d.sites!.get('530102002')).toMatchObject({ status: 'alarm', waiting: 1, dayWait: null });
    expect(d.sites!.get('530102001')?.status).not.toBe('alarm');
  });
});

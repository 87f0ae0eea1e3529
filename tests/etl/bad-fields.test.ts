import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseLocal } from '@/core/time';
import type { ClickHouse } from '@/core/clickhouse/client';
import { createDb, type Db } from '@/server/db/client';
import { applyMigrations } from '@/server/db/migrate';
import type { Runtime } from '@/server/runtime';
import { type Context } from '@/server/trpc/context';
import { PROVINCE_DUTY } from '../helpers/trpc';
import { createCaller } from '@/server/trpc/root';
import { transformTicket, type HallOrg } from '@/etl/sources/hall-queue/transform';
import { transformNotice, transformOutage, transformOutageCustomer, transformSmsReport } from '@/etl/sources/outage/transform';
import { smsBatches } from '@/server/repositories/alert-records';
import { dropTestClickHouse, testClickHouse } from '../helpers/clickhouse';
import { testRuntime } from '../helpers/runtime';
import { MIGRATIONS_DIR } from '../db/helpers';

// Issue 12 #6, DOMAIN.md §2 (opening): a row with one impossible field is kept, the field emptied and flagged;
// only the figures that need that field leave the row out.

const TZ = 'Asia/Shanghai';
const NOW = parseLocal('2026-11-23 10:00:00', TZ)!;
const HALLS = new Map<string, HallOrg>([['530102001', { countyCode: '530102', cityCode: '5301', provinceCode: '53' }]]);
let ch: ClickHouse;
let db: Db;
let rt: Runtime;
const caller = () => createCaller({ rt, user: PROVINCE_DUTY, headers: new Headers(), now: () => NOW } satisfies Context);
const rowsTotal = async (
  kpi: 'queue.tickets' | 'queue.avg_wait' | 'outage.notified_rate',
  part: 'numerator' | 'denominator' = 'numerator',
) => (await rt.kpi.rows({ kpi, orgCode: '530102', time: { preset: 'today' }, filters: {}, part, page: 1, pageSize: 50 }, NOW)).total;

const ticket = (id: string, take: string, call: string | null, finish: string | null, state: number) => ({
  ticket_id: id,
  hall_id: '530102001',
  ticket_no: id,
  biz_type: '收费',
  window_no: 1,
  take_time: take,
  call_time: call,
  finish_time: finish,
  state,
  evaluation: null,
  updated_at: '2026-11-23 09:59:00',
});

function loaded<T extends { ok: true } | { ok: false; reason: string }>(t: T): Extract<T, { ok: true }> {
  if (!t.ok) throw new Error(`quarantined: ${(t as { reason: string }).reason}`);
  return t as Extract<T, { ok: true }>;
}

beforeAll(async () => {
  ch = await testClickHouse();
  db = await createDb({ dataDir: '/nonexistent', memory: true });
  await applyMigrations(db, MIGRATIONS_DIR);
  rt = testRuntime({ ch, db, env: { BUSINESS_TZ: TZ }, bootedAt: NOW - 3_600_000 });
});
afterAll(async () => {
  await db?.close();
  if (ch) await dropTestClickHouse(ch);
});

describe('hall queue: a ticket with an impossible call time', () => {
  it('is loaded with its call time emptied and flagged, not quarantined', () => {
    const t = transformTicket(ticket('B', '2026-11-23 09:00:00', '2026-11-23 08:50:00', '2026-11-23 09:20:00', 2), HALLS, TZ, 'test');
    expect(t.ok).toBe(true);
    const ok = loaded(t);
    expect(ok.row.called_at).toBeNull();
    expect(ok.row.issued_at).toBe('2026-11-23 01:00:00.000');
    expect(ok.row.status).toBe('served');
    expect(ok.flags).toEqual([{ field: 'call_time', reason: 'call_time before take_time' }]);

    const absurd = loaded(transformTicket(ticket('Y', '2026-11-23 09:00:00', '2062-11-23 09:10:00', null, 1), HALLS, TZ, 'test'));
    expect(absurd.row.called_at).toBeNull();
    expect(absurd.flags[0]).toMatchObject({ field: 'call_time' });

    const unreadable = loaded(transformTicket(ticket('U', '2026-11-23 09:00:00', '2026-11-23 24:61:00', null, 1), HALLS, TZ, 'test'));
    expect(unreadable.row.called_at).toBeNull();
    expect(unreadable.flags[0]!.reason).toContain('bad date in call_time');

    // A ticket that cannot be placed at all is still quarantined.
    expect(transformTicket(ticket('X', 'not a time', null, null, 0), HALLS, TZ, 'test')).toMatchObject({ ok: false });
  });

  it('counts in tickets issued but not in the waiting-time average', async () => {
    const rows = [
      ticket('G1', '2026-11-23 09:00:00', '2026-11-23 09:10:00', '2026-11-23 09:15:00', 2),
      ticket('G2', '2026-11-23 09:00:00', '2026-11-23 09:20:00', '2026-11-23 09:25:00', 2),
      // Called "before" it was issued: the clock of the queue machine was wrong.
      ticket('BAD', '2026-11-23 09:30:00', '2026-11-23 08:00:00', '2026-11-23 09:40:00', 2),
    ].map((r) => loaded(transformTicket(r, HALLS, TZ, 'test')).row);
    await ch.insert('t.tickets', 'fact_queue_ticket', rows);

    expect(await rowsTotal('queue.tickets')).toBe(3);
    expect(await rowsTotal('queue.avg_wait')).toBe(2);
    const r = await caller().kpi.query({ queries: [{ kpis: ['queue.tickets', 'queue.avg_wait', 'queue.length'], orgCode: '530102' }] });
    const [issued, avgWait, length] = r.results[0]!.kpis.map((k) => k.points[0]!);
    expect(issued!.value).toBe(3);
    expect(avgWait!.value).toBeCloseTo(15, 6); // (10 + 20) / 2 minutes: the bad ticket's −90 min is left out
    expect(length!.value).toBe(0); // served, not waiting, though it has no call time
  });
});

describe('outage: an SMS delivery report with an impossible time', () => {
  it('is loaded with the time emptied and flagged, and still says delivered', () => {
    const t = loaded(
      transformSmsReport(
        {
          短信ID: 'M1',
          手机号码: '13800001111',
          发送时间: '2026-11-20 09:00:00',
          报告时间: '2026-11-20 24:61:00',
          状态报告: 'DELIVRD',
          失败原因: '',
        },
        TZ,
        'test',
        'r.csv',
      ),
    );
    expect(t.row).toMatchObject({ msg_id: 'M1', delivery_status: 'delivered', reported_at: null, sent_at: '2026-11-20 01:00:00.000' });
    expect(t.flags).toEqual([{ field: '报告时间', reason: 'bad date in 报告时间: "2026-11-20 24:61:00"' }]);
    const before = loaded(
      transformSmsReport(
        {
          短信ID: 'M9',
          手机号码: '13800001111',
          发送时间: '2026-11-20 09:00:00',
          报告时间: '2026-11-20 08:00:00',
          状态报告: 'DELIVRD',
          失败原因: '',
        },
        TZ,
        'test',
        'r.csv',
      ),
    );
    expect(before.row.reported_at).toBeNull();
    expect(before.flags![0]!.reason).toBe('报告时间 before 发送时间');
  });

  it('still counts the customer as notified', async () => {
    const outage = loaded(
      transformOutage(
        {
          outage_id: 'O1',
          outage_type: '计划停电',
          county_code: '530102',
          feeder_name: '10kV 一回线',
          area_desc: '某小区',
          plan_start: '2026-11-23 14:00:00',
          plan_end: '2026-11-23 18:00:00',
          actual_start: null,
          actual_end: null,
          affected_count: 2,
          status: '01',
          create_time: '2026-11-15 09:00:00',
          updated_at: '2026-11-15 09:00:00',
        },
        TZ,
        'test',
      ),
    ).row;
    const customers = ['C1', 'C2'].map(
      (c) =>
        loaded(
          transformOutageCustomer(
            { rec_id: `R${c}`, outage_id: 'O1', cust_no: c, important_flag: 0, updated_at: '2026-11-15 09:00:00' },
            TZ,
            'test',
          ),
        ).row,
    );
    const notices = ['C1', 'C2'].map(
      (c) =>
        loaded(
          transformNotice(
            {
              notice_id: `N${c}`,
              outage_id: 'O1',
              cust_no: c,
              channel: '短信',
              msg_id: `M${c}`,
              send_time: '2026-11-15 10:00:00',
              send_result: null,
              fail_desc: null,
              updated_at: '2026-11-15 10:00:00',
            },
            TZ,
            'test',
          ),
        ).row,
    );
    const report = (msg: string, reportedAt: string) =>
      loaded(
        transformSmsReport(
          {
            短信ID: msg,
            手机号码: '13800001111',
            发送时间: '2026-11-15 10:00:00',
            报告时间: reportedAt,
            状态报告: 'DELIVRD',
            失败原因: '',
          },
          TZ,
          'test',
          'r.csv',
        ),
      ).row;
    await ch.insert('t.outage', 'fact_outage', [outage]);
    await ch.insert('t.customers', 'fact_outage_customer', customers);
    await ch.insert('t.notices', 'fact_notice', notices);
    await ch.insert('t.reports', 'fact_sms_report', [report('MC1', '2026-11-15 10:00:05'), report('MC2', '2026-11-15 24:61:00')]);

    expect(await rowsTotal('outage.notified_rate', 'denominator')).toBe(2);
    expect(await rowsTotal('outage.notified_rate')).toBe(2);
    const r = await caller().kpi.query({ queries: [{ kpis: ['outage.notified_rate'], orgCode: '530102' }] });
    expect(r.results[0]!.kpis[0]!.points[0]!.value).toBe(1);
  });

  it('keeps a failed report whose send time was impossible in the SMS batch alert', async () => {
    const notice = transformNotice(
      {
        notice_id: 'NF',
        outage_id: 'O1',
        cust_no: 'C1',
        channel: '短信',
        msg_id: 'MF',
        send_time: '2026-11-23 09:00:00',
        send_result: null,
        fail_desc: null,
        updated_at: '2026-11-23 09:00:00',
      },
      TZ,
      'test',
    );
    const report = loaded(
      transformSmsReport(
        {
          短信ID: 'MF',
          手机号码: '13800001111',
          发送时间: '2026-13-45 09:00:00',
          报告时间: '2026-11-23 09:00:09',
          状态报告: 'UNDELIV',
          失败原因: '空号',
        },
        TZ,
        'test',
        'r.csv',
      ),
    );
    expect(report.row.sent_at).toBeNull();
    expect(report.flags![0]!.field).toBe('发送时间');
    await ch.insert('t.notice', 'fact_notice', [loaded(notice).row]);
    await ch.insert('t.report', 'fact_sms_report', [report.row]);
    const batches = await smsBatches(ch, { orgCode: '530102', from: NOW - 3_600_000, now: NOW });
    expect(batches).toEqual([expect.objectContaining({ outage_id: 'O1', sent: 1, failed: 1 })]);
    // C1 was notified by an earlier delivered text: still notified.
    expect(await rowsTotal('outage.notified_rate')).toBe(2);
  });
});

import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { ClickHouse } from '@/core/clickhouse/client';
import { openSqlite } from '@/etl/connectors/sqlite-source';
import type { FileDropConfig } from '@/etl/connectors/types';
import { parseLocal } from '@/core/time';
import { CITIES, COUNTIES } from '@/core/org/divisions';
import { runEtlJob } from '@/etl/runtime/run-job';
import { source as outage } from '@/etl/sources/outage';
import { outageJobs } from '@/etl/sources/outage/jobs';
import { OUTAGE_LEAD_TIME_MS, SMS_REPORT_COLUMNS } from '@/etl/sources/outage/source-schema';
import { outageNotices, outagesAffecting, planOutageDay, type PlannedOutage } from '@/etl/simulator/outage-plan';
import { OutageSimulator } from '@/etl/simulator/outage-source';
import { dropTestClickHouse, testClickHouse } from '../helpers/clickhouse';

const TZ = 'Asia/Shanghai';
const SEED = 7;
const count = z.object({ n: z.coerce.number() });
const KUNMING = CITIES.find((c) => c.name === '昆明市')!.counties.map((c) => c.code);
const days = (from: number, n: number) => Array.from({ length: n }, (_, i) => `2026-11-${String(from + i).padStart(2, '0')}`);

describe('outage simulator: deterministic and realistic', () => {
  // Four weeks of every county: enough outages for shares to be stable.
  const outages: PlannedOutage[] = days(1, 28).flatMap((d) => COUNTIES.flatMap((c) => planOutageDay(c.code, d, SEED, TZ)));

  it('replays the same plan from the same seed, and another from another seed', () => {
    const a = days(20, 3).flatMap((d) => KUNMING.flatMap((c) => planOutageDay(c, d, SEED, TZ)));
    const b = days(20, 3).flatMap((d) => KUNMING.flatMap((c) => planOutageDay(c, d, SEED, TZ)));
    expect(b).toEqual(a);
    expect(a.slice(0, 5).map((o) => outageNotices(o, SEED))).toEqual(b.slice(0, 5).map((o) => outageNotices(o, SEED)));
    const other = days(20, 3).flatMap((d) => KUNMING.flatMap((c) => planOutageDay(c, d, SEED + 1, TZ)));
    expect(other).not.toEqual(a);
  });

  it('has a handful of outages per county and week, of hundreds to a few thousand customers', () => {
    const perCountyWeek = outages.length / COUNTIES.length / 4;
    expect(perCountyWeek).toBeGreaterThan(2);
    expect(perCountyWeek).toBeLessThan(8);
    const sizes = outages.map((o) => o.affectedCustomers).sort((x, y) => x - y);
    expect(sizes[Math.floor(sizes.length / 2)]!).toBeGreaterThan(150);
    expect(sizes[Math.floor(sizes.length / 2)]!).toBeLessThan(1000);
    expect(sizes.at(-1)!).toBeLessThanOrEqual(4000);
    expect(new Set(outages.map((o) => o.type))).toEqual(new Set(['planned', 'temporary', 'peak_shifting', 'fault']));
    expect(new Set(outages.map((o) => o.outageId)).size).toBe(outages.length);
  });

  it('announces planned outages mostly 7 days ahead, temporary ones about a day ahead, faults never before', () => {
    const lead = (o: PlannedOutage) => o.plannedStart - o.createdAt;
    const planned = outages.filter((o) => o.type === 'planned');
    const onTime = planned.filter((o) => lead(o) >= OUTAGE_LEAD_TIME_MS.planned).length / planned.length;
    expect(onTime).toBeGreaterThan(0.85);
    expect(onTime).toBeLessThan(1); // some are late, or the timely rate would have nothing to show
    const temporary = outages.filter((o) => o.type === 'temporary');
    const tempOnTime = temporary.filter((o) => lead(o) >= OUTAGE_LEAD_TIME_MS.temporary).length / temporary.length;
    expect(tempOnTime).toBeGreaterThan(0.8);
    expect(tempOnTime).toBeLessThan(1);
    expect(Math.max(...temporary.map(lead))).toBeLessThan(3 * 86_400_000);

    const sample = outages.filter((_, i) => i % 20 === 0);
    for (const o of sample.filter((x) => x.type === 'fault'))
      for (const n of outageNotices(o, SEED)) expect(n.sentAt, o.outageId).toBeGreaterThanOrEqual(o.actualStart);
    for (const o of sample.filter((x) => x.type === 'planned'))
      for (const n of outageNotices(o, SEED)) expect(n.sentAt).toBeGreaterThanOrEqual(o.createdAt);
  });

  it('fails 3–6% of text messages, with the gateway’s reasons', () => {
    const sms = outages
      .filter((_, i) => i % 10 === 0)
      .flatMap((o) => outageNotices(o, SEED))
      .filter((n) => n.sms);
    expect(sms.length).toBeGreaterThan(10_000);
    const failed = sms.filter((n) => n.sms!.failure);
    expect(failed.length / sms.length).toBeGreaterThan(0.03);
    expect(failed.length / sms.length).toBeLessThan(0.06);
    expect(new Set(failed.map((n) => n.sms!.failure))).toEqual(new Set(['空号', '停机', '黑名单拦截', '关机超时']));
    for (const n of sms.slice(0, 2000)) expect(n.sms!.reportAt).toBeGreaterThan(n.sentAt);
  });

  it('tells which outages interrupt a county in a window (for the fault-repair call surge)', () => {
    const county = KUNMING.find((c) => days(10, 7).some((d) => planOutageDay(c, d, SEED, TZ).length > 0))!;
    const from = parseLocal('2026-11-10 00:00:00', TZ)!;
    const to = parseLocal('2026-11-17 00:00:00', TZ)!;
    const hit = outagesAffecting(county, from, to, SEED, TZ);
    expect(hit.length).toBeGreaterThan(0);
    for (const o of hit) expect(o.actualStart < to && o.actualEnd > from).toBe(true);
    const all = days(8, 10).flatMap((d) => planOutageDay(county, d, SEED, TZ));
    expect(hit.map((o) => o.outageId).sort()).toEqual(
      all
        .filter((o) => o.actualStart < to && o.actualEnd > from)
        .map((o) => o.outageId)
        .sort(),
    );
  });
});

// ---- source → ClickHouse ------------------------------------------------------------------------------

let root: string;
let url: string;
let drop: FileDropConfig;
let ch: ClickHouse;
const T1 = parseLocal('2026-11-23 10:02:00', TZ)!;
const T2 = parseLocal('2026-11-23 10:33:00', TZ)!;

beforeAll(async () => {
  ch = await testClickHouse();
  root = mkdtempSync(path.join(tmpdir(), 'outage-'));
  url = `file:${path.join(root, 'outage.db')}`;
  drop = {
    dir: path.join(root, 'sms'),
    archiveDir: path.join(root, 'sms-archive'),
    rejectedDir: path.join(root, 'sms-rejected'),
    extensions: ['.csv'],
    encoding: 'auto',
  };
});
afterAll(() => dropTestClickHouse(ch));

async function simulate(now: number): Promise<number> {
  const db = openSqlite(url);
  try {
    const sim = new OutageSimulator(db, { seed: SEED, tz: TZ, smsReportDir: drop.dir, countyCodes: KUNMING.slice(0, 8), faultRate: 0 });
    await sim.init();
    return await sim.advanceTo(now);
  } finally {
    db.close();
  }
}

async function sourceRows(sql: string): Promise<Record<string, unknown>[]> {
  const db = openSqlite(url);
  try {
    const rs = await db.execute(sql);
    return rs.rows.map((r) => Object.fromEntries(rs.columns.map((c, i) => [c, r[i]])));
  } finally {
    db.close();
  }
}

/** Every report row the gateway wrote, read straight from the files (archived or still waiting). */
function gatewayReports(): Record<string, string>[] {
  const dirs = [drop.dir, drop.archiveDir].filter(existsSync);
  return dirs.flatMap((d) =>
    readdirSync(d)
      .filter((f) => f.startsWith('sms_report_'))
      .flatMap((f) => parse(iconv.decode(readFileSync(path.join(d, f)), 'gbk'), { columns: true }) as Record<string, string>[]),
  );
}

const chCount = async (sql: string) => (await ch.query('t.n', sql, {}, count))[0]!.n;

/** DOMAIN §2.3, straight from the source data: the outage system's tables and the gateway's report files. */
async function sourceRates() {
  const outages = new Map(
    (await sourceRows('SELECT outage_id, outage_type, plan_start, status FROM td_outage')).map((o) => [String(o.outage_id), o]),
  );
  const customers = await sourceRows('SELECT outage_id, cust_no FROM td_outage_customer');
  const notices = await sourceRows(
    'SELECT outage_id, cust_no, channel, msg_id, send_time, send_result FROM td_notice WHERE cust_no IS NOT NULL',
  );
  const report = new Map(gatewayReports().map((r) => [r['短信ID']!, r['状态报告'] === 'DELIVRD']));
  const firstDelivered = new Map<string, number>();
  for (const n of notices) {
    const ok = n.channel === '短信' ? report.get(String(n.msg_id)) === true : Number(n.send_result) === 1;
    if (!ok) continue;
    const key = `${n.outage_id}|${n.cust_no}`;
    const at = parseLocal(String(n.send_time), TZ)!;
    firstDelivered.set(key, Math.min(at, firstDelivered.get(key) ?? Infinity));
  }
  const lead: Record<string, number> = {
    计划停电: OUTAGE_LEAD_TIME_MS.planned,
    临时停电: OUTAGE_LEAD_TIME_MS.temporary,
    错峰停电: OUTAGE_LEAD_TIME_MS.peak_shifting,
  };
  let affected = 0;
  let notified = 0;
  let timelyBase = 0;
  let timely = 0;
  for (const c of customers) {
    const o = outages.get(String(c.outage_id))!;
    affected++;
    const at = firstDelivered.get(`${c.outage_id}|${c.cust_no}`);
    if (at !== undefined) notified++;
    const l = lead[String(o.outage_type)];
    if (l === undefined) continue;
    timelyBase++;
    if (at !== undefined && at <= parseLocal(String(o.plan_start), TZ)! - l) timely++;
  }
  return { affected, notified, timelyBase, timely };
}

// The effective delivery status of a notice: the gateway's report for SMS when there is one (fact_sms_report
// is joined at query time, see migration 0005), else what the outage system recorded.
const RATES_SQL = `
  WITH reached AS (
    SELECT n.outage_id AS outage_id, n.customer_id AS customer_id, min(n.sent_at) AS first_delivered
    FROM (SELECT * FROM fact_notice FINAL WHERE customer_id != '') AS n
    LEFT JOIN (SELECT msg_id, delivery_status FROM fact_sms_report FINAL) AS r ON r.msg_id = n.msg_id AND n.channel = 'sms'
    WHERE if(n.channel = 'sms', r.delivery_status, n.delivery_status) = 'delivered'
    GROUP BY n.outage_id, n.customer_id
  )
  SELECT
    count() AS affected,
    countIf(d.outage_id != '') AS notified,
    countIf(o.outage_type != 'fault') AS timely_base,
    countIf(o.outage_type != 'fault' AND d.outage_id != ''
      AND d.first_delivered <= o.planned_start - toIntervalSecond(if(o.outage_type = 'planned', {planned:UInt32}, {temporary:UInt32}))) AS timely
  FROM (SELECT outage_id, customer_id FROM fact_outage_customer FINAL) AS c
  INNER JOIN (SELECT outage_id, outage_type, planned_start FROM fact_outage FINAL WHERE status != 'cancelled') AS o ON o.outage_id = c.outage_id
  LEFT JOIN reached AS d ON d.outage_id = c.outage_id AND d.customer_id = c.customer_id`;

async function clickHouseRates() {
  const row = z.object({
    affected: z.coerce.number(),
    notified: z.coerce.number(),
    timely_base: z.coerce.number(),
    timely: z.coerce.number(),
  });
  const [r] = await ch.query(
    't.rates',
    RATES_SQL,
    { planned: OUTAGE_LEAD_TIME_MS.planned / 1000, temporary: OUTAGE_LEAD_TIME_MS.temporary / 1000 },
    row,
  );
  return { affected: r!.affected, notified: r!.notified, timelyBase: r!.timely_base, timely: r!.timely };
}

async function runAll() {
  const jobs = outageJobs({ connection: { dialect: 'sqlite', url }, tz: TZ, pageSize: 5000, smsReports: drop });
  expect(jobs.map((j) => j.source)).toEqual(['outage.events', 'outage.customers', 'outage.notices', 'outage.sms-reports']);
  const runs = [];
  for (const job of jobs) runs.push(await runEtlJob(ch, job));
  for (const r of runs) expect(r.status, `${r.source}: ${r.error}`).toBe('ok');
  return runs;
}

async function expectCountsEqualSource() {
  const src = async (sql: string) => Number(Object.values((await sourceRows(sql))[0]!)[0]);
  expect(await chCount('SELECT count() AS n FROM fact_outage FINAL')).toBe(await src('SELECT count(*) FROM td_outage'));
  expect(await chCount("SELECT count() AS n FROM fact_outage FINAL WHERE status = 'restored'")).toBe(
    await src("SELECT count(*) FROM td_outage WHERE status = '03'"),
  );
  expect(await chCount('SELECT count() AS n FROM fact_outage_customer FINAL')).toBe(await src('SELECT count(*) FROM td_outage_customer'));
  expect(await chCount('SELECT count() AS n FROM fact_notice FINAL')).toBe(await src('SELECT count(*) FROM td_notice'));
  expect(await chCount('SELECT count() AS n FROM fact_sms_report FINAL')).toBe(gatewayReports().length);
}

describe('outage: simulator → SQL source and SMS report drop → ClickHouse', () => {
  it('writes the outage system as of now, with planned outages for the coming days and GBK report files', async () => {
    const written = await simulate(T1);
    expect(written).toBeGreaterThan(10_000);
    const byStatus = await sourceRows('SELECT status, count(*) AS n FROM td_outage GROUP BY status');
    // Announced (coming), in progress or restored: the first start reaches back to yesterday and forward.
    expect(byStatus.map((r) => r.status).sort()).toContain('01');
    expect(byStatus.map((r) => r.status).sort()).toContain('03');
    const [future] = await sourceRows('SELECT max(plan_start) AS m FROM td_outage');
    expect(parseLocal(String(future!.m), TZ)! - T1).toBeGreaterThan(6 * 86_400_000);
    // Nothing from the future: no notice sent, no record created after now.
    const [late] = await sourceRows("SELECT count(*) AS n FROM td_notice WHERE send_time > '2026-11-23 10:02:00'");
    expect(Number(late!.n)).toBe(0);
    // Faults are notified after they start.
    const [early] = await sourceRows(
      "SELECT count(*) AS n FROM td_notice n JOIN td_outage o ON o.outage_id = n.outage_id WHERE o.outage_type = '故障停电' AND n.send_time < o.actual_start",
    );
    expect(Number(early!.n)).toBe(0);
    const files = readdirSync(drop.dir);
    expect(files.length).toBeGreaterThan(10);
    expect(files.every((f) => /^sms_report_\d{8}_\d{4}(_history)?\.csv$/.test(f))).toBe(true);
    const bytes = readFileSync(path.join(drop.dir, files[0]!));
    expect(iconv.decode(bytes, 'gbk').split('\r\n')[0]).toBe(SMS_REPORT_COLUMNS.join(','));
    expect(() => new TextDecoder('utf-8', { fatal: true }).decode(bytes)).toThrow(); // really GBK, not UTF-8
    const reports = gatewayReports();
    const failShare = reports.filter((r) => r['状态报告'] !== 'DELIVRD').length / reports.length;
    expect(failShare).toBeGreaterThan(0.03);
    expect(failShare).toBeLessThan(0.06);
  });

  it('loads everything once: counts and §2.3 rates in ClickHouse equal the source', async () => {
    const runs = await runAll();
    expect(runs.every((r) => r.rowsQuarantined === 0)).toBe(true);
    expect(readdirSync(drop.dir)).toEqual([]);
    await expectCountsEqualSource();
    const expected = await sourceRates();
    expect(expected.notified / expected.affected).toBeGreaterThan(0.9);
    expect(expected.notified).toBeLessThan(expected.affected);
    expect(expected.timely / expected.timelyBase).toBeGreaterThan(0.5);
    expect(expected.timely).toBeLessThan(expected.timelyBase);
    expect(await clickHouseRates()).toEqual(expected);
  });

  it('picks up what happened since, incrementally, and still agrees with the source', async () => {
    await simulate(T2);
    const runs = await runAll();
    const notices = runs.find((r) => r.source === 'outage.notices')!;
    expect(notices.rowsRead!).toBeLessThan(Number(Object.values((await sourceRows('SELECT count(*) FROM td_notice'))[0]!)[0]));
    await expectCountsEqualSource();
    expect(await clickHouseRates()).toEqual(await sourceRates());
    // Wired from a sources-file entry, the same jobs come out.
    const entry = outage.configSchema.parse({
      id: 'outage',
      kind: 'sql',
      domain: 'outage',
      connection: { dialect: 'sqlite', url },
      smsReports: drop,
    });
    expect(outage.jobs(entry).map((j) => [j.source, j.schedule])).toEqual([
      ['outage.events', '0 */5 * * * *'],
      ['outage.customers', '0 */5 * * * *'],
      ['outage.notices', '0 */5 * * * *'],
      ['outage.sms-reports', '0 */5 * * * *'],
    ]);
  });
});

describe('outage: SMS report files', () => {
  let fch: ClickHouse;
  let cfg: FileDropConfig;
  beforeAll(async () => {
    fch = await testClickHouse();
    const dir = mkdtempSync(path.join(tmpdir(), 'sms-'));
    cfg = {
      dir: path.join(dir, 'in'),
      archiveDir: path.join(dir, 'archive'),
      rejectedDir: path.join(dir, 'rejected'),
      extensions: ['.csv'],
      encoding: 'auto',
    };
    await mkdir(cfg.dir, { recursive: true });
  });
  afterAll(() => dropTestClickHouse(fch));

  const job = () => outageJobs({ connection: { dialect: 'sqlite', url: 'file:/nonexistent/none.db' }, tz: TZ, smsReports: cfg }).at(-1)!;
  const gbk = (rows: string[][]) => iconv.encode([[...SMS_REPORT_COLUMNS], ...rows].map((r) => r.join(',')).join('\r\n') + '\r\n', 'gbk');
  const REPORT = gbk([
    ['T0001', '13812345678', '2026-11-23 09:00:01', '2026-11-23 09:00:05', 'DELIVRD', ''],
    ['T0002', '13912345678', '2026-11-23 09:00:01', '2026-11-23 09:01:40', 'UNDELIV', '空号'],
    ['T0003', '8613712345678', '2026-11-23 09:00:02', '2026-11-23 09:00:09', 'DELIVRD', ''],
    ['T0004', '1371234', '2026-11-23 09:00:02', '2026-11-23 09:00:09', 'DELIVRD', ''],
    ['T0005', '13612345678', '2026-11-23 09:00:03', '2026-11-23 25:00:00', 'DELIVRD', ''],
  ]);
  const chN = async (sql: string) => (await fch.query('t.n', sql, {}, count))[0]!.n;

  it('loads a GBK report once, quarantining its malformed rows while the rest loads', async () => {
    writeFileSync(path.join(cfg.dir, 'sms_report_20261123_0905.csv'), REPORT);
    const run = await runEtlJob(fch, job());
    expect(run.status).toBe('ok');
    // T0005's report time (25:00) is impossible: loaded without it, still delivered, and flagged.
    expect([run.rowsRead, run.rowsLoaded, run.rowsQuarantined]).toEqual([5, 4, 1]);
    const rows = await fch.query(
      't.r',
      'SELECT msg_id, phone_masked, delivery_status, failure_reason FROM fact_sms_report FINAL ORDER BY msg_id',
      {},
      z.object({ msg_id: z.string(), phone_masked: z.string(), delivery_status: z.string(), failure_reason: z.string() }),
    );
    expect(rows).toEqual([
      { msg_id: 'T0001', phone_masked: '138****5678', delivery_status: 'delivered', failure_reason: '' },
      { msg_id: 'T0002', phone_masked: '139****5678', delivery_status: 'failed', failure_reason: '空号' },
      { msg_id: 'T0003', phone_masked: '137****5678', delivery_status: 'delivered', failure_reason: '' },
      { msg_id: 'T0005', phone_masked: '136****5678', delivery_status: 'delivered', failure_reason: '' },
    ]);
    const reasons = await fch.query(
      't.q',
      "SELECT reason FROM etl_quarantine FINAL WHERE source = 'outage.sms-reports' ORDER BY reason",
      {},
      z.object({ reason: z.string() }),
    );
    expect(reasons.map((r) => r.reason)).toEqual([
      'sms_report_20261123_0905.csv line 5: malformed row: 手机号码 not a mobile number',
      'sms_report_20261123_0905.csv line 6: flagged, row loaded without 报告时间: bad date in 报告时间: "2026-11-23 25:00:00"',
    ]);
    expect(readdirSync(cfg.archiveDir)).toEqual(['sms_report_20261123_0905.csv']);
  });

  it('loads nothing when the same content is dropped again under another name', async () => {
    writeFileSync(path.join(cfg.dir, 'copy-of-report.csv'), REPORT);
    const run = await runEtlJob(fch, job());
    expect([run.status, run.rowsRead, run.rowsLoaded]).toEqual(['ok', 0, 0]);
    expect(await chN('SELECT count() AS n FROM fact_sms_report')).toBe(4);
    expect(readdirSync(cfg.dir)).toEqual([]);
  });

  it('rejects a file that is not a report, with a reason, and carries on with the next', async () => {
    const garbage = Buffer.concat([Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'), createHash('sha512').update('x').digest()]);
    writeFileSync(path.join(cfg.dir, 'a-garbage.csv'), garbage);
    writeFileSync(path.join(cfg.dir, 'b-wrong.csv'), iconv.encode('户号,户名\r\n0530012345,张三\r\n', 'gbk'));
    writeFileSync(
      path.join(cfg.dir, 'c-good.csv'),
      gbk([['T0010', '15012345678', '2026-11-23 09:10:00', '2026-11-23 09:10:04', 'DELIVRD', '']]),
    );
    const run = await runEtlJob(fch, job());
    expect([run.status, run.rowsLoaded]).toEqual(['ok', 1]);
    expect(readdirSync(cfg.rejectedDir).sort()).toEqual([
      'a-garbage.csv',
      'a-garbage.csv.reason.txt',
      'b-wrong.csv',
      'b-wrong.csv.reason.txt',
    ]);
    expect(readFileSync(path.join(cfg.rejectedDir, 'a-garbage.csv.reason.txt'), 'utf8')).toMatch(/a-garbage\.csv: not UTF-8 or GBK text/);
    expect(readFileSync(path.join(cfg.rejectedDir, 'b-wrong.csv.reason.txt'), 'utf8')).toMatch(
      /not an SMS delivery report, missing column\(s\) 短信ID/,
    );
    expect(await chN("SELECT count() AS n FROM etl_file FINAL WHERE source = 'outage.sms-reports' AND status = 'rejected'")).toBe(2);
    expect(await chN('SELECT count() AS n FROM fact_sms_report FINAL')).toBe(5);
  });
});

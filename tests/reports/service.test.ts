import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClickHouse } from '@/core/clickhouse/client';
import type { Db } from '@/server/db/client';
import { createToken } from '@/server/auth/tokens';
import { kpiQueryInput } from '@/server/kpi/query/schema';
import { REPORT_KPI_IDS } from '@/server/reports/shared';
import { ReportService } from '@/server/reports/service';
import type { DailyContent, MonthlyContent, ReportContent, WeeklyContent } from '@/server/reports/types';
import type { Runtime } from '@/server/runtime';
import type { Context, SessionUser } from '@/server/trpc/context';
import { createCaller } from '@/server/trpc/root';
import { GET as downloadXlsx } from '@/app/api/reports/[id]/xlsx/route';
import { dropTestClickHouse, testClickHouse } from '../helpers/clickhouse';
import { loadSimulatorData } from '../helpers/kpi-fixture';
import { testRuntime } from '../helpers/runtime';
import { trpcError } from '../helpers/trpc';
import { at, dutyDb, HOUR, TZ } from '../duty/helpers';

// The report service on simulator data (chDB) and PGlite: a daily report's figures are what `kpi.query`
// answers for the same day, its alert counts what the alert table holds; a re-run replaces; the start-up
// catch-up generates a missing report once; scope holds; the xlsx carries the same numbers.

const NOW = at('2026-11-24 10:00'); // a Tuesday: yesterday 2026-11-23 is loaded by the simulator
const DAY = '2026-11-23';
const ADMIN_TOKEN = 'report-test-admin-token-0123456789abcdef';
let ch: ClickHouse;
let db: Db;
let rt: Runtime;
let svc: ReportService;
const KM_MANAGER: SessionUser = { id: 'km-li', name: '李昆明', role: 'manager', orgCode: '5301', kind: 'user' };
const caller = (user: SessionUser) => createCaller({ rt, user, headers: new Headers(), now: () => NOW } satisfies Context);

async function alertRule(name: string, spec: object) {
  return db.prisma.alertRule.create({ data: { name, kind: 'threshold', scopeCode: '53', spec, updatedBy: 'test' } });
}

let seq = 0;
async function alert(ruleId: string, severity: 'red' | 'orange' | 'yellow' | 'blue', orgCode: string, firedAt: number, extra: object = {}) {
  const id = `rep-${++seq}`;
  await db.prisma.alertEvent.create({
    data: {
      id,
      ruleId,
      ruleVersion: 1,
      dedupKey: id,
      condition: 'breach',
      subject: orgCode,
      orgCode,
      orgName: orgCode,
      severity,
      state: 'firing',
      title: `告警 ${id}`,
      titleEn: id,
      figures: {},
      firedAt: new Date(firedAt),
      updatedAt: new Date(firedAt),
      ...extra,
    },
  });
}

beforeAll(async () => {
  ch = await testClickHouse();
  const { outcomes } = await loadSimulatorData(ch, NOW, { customers: 1500 });
  expect(outcomes.filter((o) => o.status !== 'ok')).toEqual([]);
  db = await dutyDb();
  rt = testRuntime({ ch, db, env: { BUSINESS_TZ: TZ, ADMIN_API_TOKEN: ADMIN_TOKEN }, bootedAt: NOW - HOUR });
  svc = new ReportService(rt);
  const wait = (await alertRule('排队等待超时', { kind: 'threshold', kpi: 'queue.avg_wait' })).id;
  const wo = (await alertRule('工单超期', { kind: 'time_limit', check: 'work_order_due' })).id;
  // That day (Beijing): 2 red in Kunming (one in a county), 1 orange in Qujing, 1 yellow at 23:59 in Kunming.
  await alert(wait, 'red', '5301', at(`${DAY} 00:00`));
  await alert(wait, 'red', '530102', at(`${DAY} 09:30`), { phase: 'closed', closedAt: new Date(at(`${DAY} 11:00`)) });
  await alert(wo, 'orange', '5303', at(`${DAY} 14:00`), { recoveredAt: new Date(at(`${DAY} 15:00`)) });
  await alert(wo, 'yellow', '5301', at(`${DAY} 23:59`));
  // Outside the day: the evening before (still open at the end of the day) and the next morning.
  await alert(wait, 'blue', '5304', at('2026-11-22 23:59'));
  await alert(wait, 'red', '5301', at('2026-11-24 00:00'));
}, 600_000);

afterAll(async () => {
  await db?.close();
  if (ch) await dropTestClickHouse(ch);
});

const content = async (id: string) => (await svc.get(id)).content as ReportContent;

describe('the daily report', () => {
  let id = '';
  let c: DailyContent;
  beforeAll(async () => {
    const r = await svc.generate({ kind: 'daily', orgCode: '53', date: DAY, generatedBy: 'schedule' }, NOW);
    expect(r).toMatchObject({ replaced: false, period: { start: DAY, end: DAY }, title: `云南省 预警日报 ${DAY}` });
    id = r.id;
    c = (await content(id)) as DailyContent;
  }, 300_000);

  it('holds what kpi.query answers for the same day, for the node and its cities', async () => {
    const q = (by: 'total' | 'city') =>
      kpiQueryInput.parse({ kpis: REPORT_KPI_IDS, orgCode: '53', by, time: { from: DAY, to: DAY }, compare: ['previous'] });
    const a = await rt.kpi.query([q('total'), q('city')], NOW, { cached: false });
    const tickets = a.results[0]!.kpis.find((k) => k.kpi === 'queue.tickets')!.points[0]!;
    expect(tickets.value).toBeGreaterThan(0);
    for (const series of a.results[0]!.kpis) {
      const p = series.points[0]!;
      const f = c.node[series.kpi]!;
      expect([series.kpi, f.value, f.count, f.status]).toEqual([series.kpi, p.value, p.count, p.status]);
      // The day before holds no data here (the simulator loaded two days): a comparison with nothing is dropped.
      expect([series.kpi, f.previous ?? 0]).toEqual([series.kpi, p.compare.previous ?? 0]);
    }
    for (const series of a.results[1]!.kpis)
      for (const p of series.points) {
        const u = c.units.find((x) => x.code === p.orgCode)!;
        expect([p.orgCode, series.kpi, u.figures[series.kpi]!.value, u.figures[series.kpi]!.status]).toEqual([
          p.orgCode,
          series.kpi,
          p.value,
          p.status,
        ]);
      }
    expect(c.units).toHaveLength(16);
  });

  it('counts the alerts raised that day as the alert table holds them', async () => {
    const counted = await db.prisma.alertEvent.count({
      where: { firedAt: { gte: new Date(at(`${DAY} 00:00`)), lt: new Date(at('2026-11-24 00:00')) } },
    });
    expect(counted).toBe(4);
    expect(c.alerts.total).toBe(counted);
    expect(c.alerts.bySeverity).toEqual({ red: 2, orange: 1, yellow: 1, blue: 0 });
    expect(c.alerts.byDomain.filter((d) => d.total > 0).map((d) => [d.domain, d.total])).toEqual([
      ['queue', 2],
      ['work_order', 2],
    ]);
    expect(c.alerts.byUnit.filter((u) => u.total > 0).map((u) => [u.code, u.total])).toEqual([
      ['5301', 3],
      ['5303', 1],
    ]);
    expect(c.alerts.major.map((m) => [m.severity, m.ruleName, m.orgCode, m.phase])).toEqual([
      ['red', '排队等待超时', '5301', 'raised'],
      ['red', '排队等待超时', '530102', 'closed'],
      ['orange', '工单超期', '5303', 'raised'],
    ]);
    // Open at the end of the day: not closed, not recovered — the two from Kunming and the blue one from the evening before.
    expect(c.alerts.openAtEnd).toEqual({ total: 3, bySeverity: { red: 1, orange: 0, yellow: 1, blue: 1 } });
  });

  it('replaces its content on a re-run and says so, one row per kind, unit and period', async () => {
    const again = await svc.generate({ kind: 'daily', orgCode: '53', date: DAY, generatedBy: 'admin' }, NOW + 60_000);
    expect(again).toMatchObject({ id, replaced: true });
    expect(await db.prisma.report.count({ where: { kind: 'daily', orgCode: '53' } })).toBe(1);
    const row = await svc.get(id);
    expect(row.generatedBy).toBe('admin');
    expect(row.content.generatedAt).toBe(new Date(NOW + 60_000).toISOString());
  });

  it('writes the same numbers into the xlsx, to the same callers as reports.get', async () => {
    const g = globalThis as { [k: symbol]: unknown };
    g[Symbol.for('yingxiao.runtime')] = Promise.resolve(rt);
    const get = (headers: Record<string, string>) =>
      downloadXlsx(new Request(`http://x/api/reports/${id}/xlsx`, { headers }), { params: Promise.resolve({ id }) });
    expect((await get({})).status).toBe(401);
    const km = await createToken(db, { kind: 'service', name: 'km', role: 'manager', orgCode: '5301', createdBy: 'test' });
    expect((await get({ authorization: `Bearer ${km.token}` })).status).toBe(403);
    const res = await get({ authorization: `Bearer ${ADMIN_TOKEN}` });
    expect(res.status).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await res.arrayBuffer());
    const summary = wb.getWorksheet('概况')!;
    const text = summary.getSheetValues().flat().map(String).join('|');
    expect(text).toContain(`${DAY} 至 ${DAY}`);
    expect(text).toContain('云南省（53）');
    const ws = wb.getWorksheet('指标')!;
    const seen = new Map<string, unknown>();
    ws.eachRow((row, n) => {
      if (n > 1) seen.set(`${String(row.getCell(1).value)}|${String(row.getCell(4).value)}`, row.getCell(5).value);
    });
    const c2 = (await content(id)) as DailyContent;
    let compared = 0;
    for (const k of c2.kpis) {
      expect([k.id, seen.get(`53|${k.name.zh}`)]).toEqual([k.id, c2.node[k.id]!.value]);
      const km5301 = c2.units.find((u) => u.code === '5301')!;
      expect([k.id, seen.get(`5301|${k.name.zh}`)]).toEqual([k.id, km5301.figures[k.id]!.value]);
      compared++;
    }
    expect(compared).toBe(REPORT_KPI_IDS.length);
    const stats = wb.getWorksheet('预警统计')!;
    expect(stats.getRow(2).values).toEqual([undefined, '全部', '云南省', 4, 2, 1, 1, 0]);
  });
});

describe('the schedule', () => {
  it('catches up a missing daily report once', async () => {
    const first = await svc.runScheduled('daily', NOW, { orgs: ['53', '5301'], onlyMissing: true });
    expect(first).toMatchObject({ period: { start: DAY, end: DAY }, generated: ['5301'], skipped: 1, failed: [] });
    const second = await svc.runScheduled('daily', NOW, { orgs: ['53', '5301'], onlyMissing: true });
    expect(second).toMatchObject({ generated: [], skipped: 2 });
    expect(await db.prisma.report.count({ where: { kind: 'daily', periodStart: DAY } })).toBe(2);
  }, 300_000);

  it('builds a weekly bulletin and a monthly assessment for a city', async () => {
    const w = await svc.generate({ kind: 'weekly', orgCode: '5301', date: DAY, generatedBy: 'schedule' }, NOW);
    expect(w.period).toEqual({ start: '2026-11-23', end: '2026-11-29' });
    const wc = (await content(w.id)) as WeeklyContent;
    expect(wc.rankings.length).toBeGreaterThan(5);
    expect(wc.rankings[0]!.rows.length).toBe(wc.units.length);
    expect(wc.units.every((u) => u.code.startsWith('5301') && u.code.length === 6)).toBe(true);
    const m = await svc.generate({ kind: 'monthly', orgCode: '5301', date: DAY, generatedBy: 'schedule' }, NOW);
    const mc = (await content(m.id)) as MonthlyContent;
    expect(mc.assessment.map((a) => a.code).sort()).toEqual(wc.units.map((u) => u.code).sort());
    const scored = mc.assessment.filter((a) => a.score !== null);
    expect(scored.length).toBeGreaterThan(0);
    for (const a of scored) expect(a.score).toBe(Math.round((1000 * (a.ok + 0.5 * a.warn)) / a.assessed) / 10);
  }, 300_000);
});

describe('scope', () => {
  it('shows a Kunming manager Kunming’s reports only and refuses Qujing’s', async () => {
    const qj = await svc.generate({ kind: 'daily', orgCode: '5303', date: DAY, generatedBy: 'schedule' }, NOW);
    const km = caller(KM_MANAGER);
    const list = await km.reports.list({});
    expect(list.items.length).toBeGreaterThan(0);
    expect(list.items.filter((r) => !r.orgCode.startsWith('5301'))).toEqual([]);
    expect((await trpcError(km.reports.get({ id: qj.id }))).code).toBe('FORBIDDEN');
    expect((await trpcError(km.reports.list({ orgCode: '5303' }))).code).toBe('FORBIDDEN');
    expect((await trpcError(km.reports.generate({ kind: 'daily', orgCode: '5303', periodStart: DAY }))).code).toBe('FORBIDDEN');
    const viewer = caller({ ...KM_MANAGER, role: 'viewer' });
    expect((await trpcError(viewer.reports.generate({ kind: 'daily', orgCode: '5301', periodStart: DAY }))).code).toBe('FORBIDDEN');
    const mine = await km.reports.generate({ kind: 'daily', orgCode: '530102', periodStart: DAY });
    expect(mine.replaced).toBe(false);
    expect(await db.prisma.auditLog.count({ where: { action: 'report.generate', target: mine.id, actor: 'km-li' } })).toBe(1);
  }, 300_000);
});

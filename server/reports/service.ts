import { CITIES, findCity, findCounty, PROVINCE } from '@/core/org/divisions';
import { InvalidError, NotFoundError } from '@/core/errors';
import type { Prisma } from '../db/generated/client';
import type { Db } from '../db/client';
import { KPI_BY_ID } from '../kpi/definitions';
import type { KpiService } from '../kpi/service';
import { kpiQueryInput, type KpiQueryInput } from '../kpi/query/schema';
import { businessDate, dayStart, ymd, type Calendar } from '../kpi/query/time';
import { buildDaily, type AlertRow } from './daily';
import { buildMonthly } from './monthly';
import { isDate, lastComplete, periodOf, previousPeriod, reportTitle, yearEarlier, addDays } from './period';
import { REPORT_KPI_IDS } from './shared';
import type { KpiMeta, Period, ReportContent, ReportKind, Severity } from './types';
import { REPORT_KINDS } from './types';
import { buildWeekly } from './weekly';

// Generates and stores the periodic reports (定期报告): asks the KPI layer and the database for one report's
// figures, hands them to the pure builder of its kind, and upserts the row on (kind, orgCode, periodStart).
// A re-run replaces the content (and says so). Clock injected (`now`); nothing kept between calls.

export interface ReportDeps {
  kpi: KpiService;
  db: Db;
}

export interface GenerateRequest {
  kind: ReportKind;
  orgCode: string;
  /** Any date inside the period: the period is the day, the Monday–Sunday week or the month containing it. */
  date: string;
  /** 'schedule' or the user's id. */
  generatedBy: string;
}

export interface GenerateResult {
  id: string;
  kind: ReportKind;
  orgCode: string;
  period: Period;
  title: string;
  /** A report for the same kind, unit and period existed and its content was replaced. */
  replaced: boolean;
}

/** The nodes the schedule reports on: the province and each city. */
export const SCHEDULED_ORGS: readonly string[] = [PROVINCE.code, ...CITIES.map((c) => c.code)];

/** Name, and the units one level down, of a province, city or county node; null for anything else. */
export function reportNode(
  orgCode: string,
): { name: string; unitLevel: 'city' | 'county' | null; units: { code: string; name: string }[] } | null {
  if (orgCode === PROVINCE.code)
    return { name: PROVINCE.name, unitLevel: 'city', units: CITIES.map((c) => ({ code: c.code, name: c.name })) };
  const city = orgCode.length === 4 ? findCity(orgCode) : undefined;
  if (city) return { name: city.name, unitLevel: 'county', units: city.counties.map((c) => ({ code: c.code, name: c.name })) };
  const county = orgCode.length === 6 ? findCounty(orgCode) : undefined;
  if (county) return { name: county.name, unitLevel: null, units: [] };
  return null;
}

const REPORT_BUDGET = 1_000_000;

export class ReportService {
  constructor(private readonly deps: ReportDeps) {}

  private async calendar(now: number): Promise<Calendar> {
    return (await this.deps.kpi.context(now)).cal;
  }

  /** Today's business date. */
  async today(now: number): Promise<string> {
    return ymd(businessDate(await this.calendar(now), now));
  }

  private async kpiMetas(): Promise<KpiMeta[]> {
    const defs = this.deps.kpi.definitions(await this.deps.kpi.getParams());
    const byId = new Map(defs.map((d) => [d.id, d]));
    return REPORT_KPI_IDS.filter((id) => byId.has(id)).map((id) => {
      const d = byId.get(id)!;
      return {
        id,
        domain: d.domain,
        name: d.name,
        formula: d.formula,
        unit: d.unit,
        direction: d.direction,
        digits: d.digits,
        thresholds: d.thresholds,
      };
    });
  }

  async generate(req: GenerateRequest, now: number): Promise<GenerateResult> {
    if (!(REPORT_KINDS as readonly string[]).includes(req.kind)) throw new InvalidError(`未知报告类型 (unknown report kind ${req.kind})`);
    if (!isDate(req.date)) throw new InvalidError(`日期无效 (not a date: ${req.date})`);
    const node = reportNode(req.orgCode);
    if (!node) throw new InvalidError(`报告单位须为省、地市或区县 (reports are for the province, a city or a county: ${req.orgCode})`);
    const cal = await this.calendar(now);
    const today = ymd(businessDate(cal, now));
    const period = periodOf(req.kind, req.date);
    if (period.start > today) throw new InvalidError(`报告期尚未开始 (the period ${period.start} has not begun)`);

    const kpis = await this.kpiMetas();
    const ids = kpis.map((k) => k.id);
    const time = (p: Period) => ({ from: p.start, to: p.end });
    const ask = (p: Period, compare: ('previous' | 'yoy')[]): KpiQueryInput[] => [
      { kpis: ids, orgCode: req.orgCode, by: 'total', time: time(p), compare },
      ...(node.unitLevel ? [{ kpis: ids, orgCode: req.orgCode, by: node.unitLevel, time: time(p), compare }] : []),
    ];
    const prevP = previousPeriod(req.kind, period);
    const yoyP = yearEarlier(period);
    const queries =
      req.kind === 'daily'
        ? ask(period, ['previous'])
        : req.kind === 'weekly'
          ? ask(period, ['previous', 'yoy'])
          : [...ask(period, []), ...ask(prevP, []), ...ask(yoyP, [])];
    const answer = await this.deps.kpi.query(
      queries.map((q) => kpiQueryInput.parse(q)),
      now,
      {
        cached: false,
        maxCells: REPORT_BUDGET,
      },
    );
    const per = node.unitLevel ? 2 : 1;
    const pair = (n: number) => ({
      nodeResult: answer.results[n * per]!,
      unitsResult: node.unitLevel ? answer.results[n * per + 1]! : null,
    });

    const base = {
      orgCode: req.orgCode,
      orgName: node.name,
      period,
      generatedAt: now,
      unitLevel: node.unitLevel,
      units: node.units,
      kpis,
      ...pair(0),
    };
    // Instants of the period in the business calendar: [from, to).
    const at = (date: string) => {
      const [y, m, d] = date.split('-').map(Number) as [number, number, number];
      return dayStart(cal, y, m, d);
    };
    const from = new Date(at(period.start));
    const to = new Date(at(addDays(period.end, 1)));
    const p = this.deps.db.prisma;
    const inNode = { orgCode: { startsWith: req.orgCode } };

    let content: ReportContent;
    if (req.kind === 'daily') {
      const raised = await p.alertEvent.findMany({
        where: { ...inNode, firedAt: { gte: from, lt: to } },
        select: {
          id: true,
          ruleId: true,
          severity: true,
          orgCode: true,
          orgName: true,
          title: true,
          firedAt: true,
          phase: true,
          state: true,
          acknowledgedAt: true,
          closedAt: true,
          recoveredAt: true,
        },
      });
      const open = await p.alertEvent.groupBy({
        by: ['severity'],
        where: {
          ...inNode,
          firedAt: { lt: to },
          AND: [{ OR: [{ closedAt: null }, { closedAt: { gte: to } }] }, { OR: [{ recoveredAt: null }, { recoveredAt: { gte: to } }] }],
        },
        _count: { _all: true },
      });
      const rules = await this.rules([...new Set(raised.map((a) => a.ruleId))]);
      const closedIds = (
        await p.dutyTransition.findMany({
          where: { subjectType: 'supervision', toPhase: 'closed', at: { gte: from, lt: to } },
          select: { subjectId: true },
        })
      ).map((t) => t.subjectId);
      const [opened, closed, overdue] = await Promise.all([
        p.supervision.count({ where: { ...inNode, createdAt: { gte: from, lt: to } } }),
        closedIds.length ? p.supervision.count({ where: { ...inNode, id: { in: [...new Set(closedIds)] } } }) : 0,
        p.supervision.count({
          where: { ...inNode, createdAt: { lt: to }, dueAt: { lt: to }, OR: [{ repliedAt: null }, { repliedAt: { gte: to } }] },
        }),
      ]);
      const ms = (d: Date | null) => (d ? d.getTime() : null);
      content = buildDaily({
        ...base,
        kind: 'daily',
        previousPeriod: prevP,
        yoyPeriod: null,
        compare: { previous: true, yoy: false },
        alerts: raised.map((a): AlertRow => ({
          ...a,
          severity: a.severity as Severity,
          firedAt: a.firedAt.getTime(),
          acknowledgedAt: ms(a.acknowledgedAt),
          closedAt: ms(a.closedAt),
          recoveredAt: ms(a.recoveredAt),
        })),
        rules,
        kpiDomain: (id) => KPI_BY_ID.get(id)?.domain,
        openAtEnd: open.flatMap((g) => Array.from({ length: g._count._all }, () => ({ severity: g.severity as Severity }))),
        supervision: { opened, closed, overdue },
      });
    } else if (req.kind === 'weekly') {
      const alerts = await p.alertEvent.findMany({
        where: { ...inNode, firedAt: { gte: from, lt: to } },
        select: { ruleId: true, severity: true },
      });
      const rules = await this.rules([...new Set(alerts.map((a) => a.ruleId))]);
      content = buildWeekly({
        ...base,
        kind: 'weekly',
        previousPeriod: prevP,
        yoyPeriod: yoyP,
        compare: { previous: true, yoy: true },
        alerts: alerts.map((a) => ({ ruleId: a.ruleId, severity: a.severity as Severity })),
        ruleNames: new Map([...rules].map(([id, r]) => [id, r.name])),
      });
    } else {
      content = buildMonthly({
        ...base,
        kind: 'monthly',
        previousPeriod: prevP,
        yoyPeriod: yoyP,
        compare: { previous: false, yoy: false },
        previous: pair(1),
        yoy: pair(2),
      });
    }

    const title = reportTitle(req.kind, node.name, period);
    const key = { kind: req.kind, orgCode: req.orgCode, periodStart: period.start };
    const existing = await p.report.findUnique({ where: { kind_orgCode_periodStart: key }, select: { id: true } });
    const data = {
      periodEnd: period.end,
      title,
      content: content as unknown as Prisma.InputJsonValue,
      generatedBy: req.generatedBy,
      createdAt: new Date(now),
    };
    const row = await p.report.upsert({
      where: { kind_orgCode_periodStart: key },
      create: { ...key, ...data },
      update: data,
      select: { id: true },
    });
    return { id: row.id, kind: req.kind, orgCode: req.orgCode, period, title, replaced: existing !== null };
  }

  private async rules(ids: string[]): Promise<Map<string, { name: string; spec: unknown }>> {
    if (!ids.length) return new Map();
    const rows = await this.deps.db.prisma.alertRule.findMany({ where: { id: { in: ids } }, select: { id: true, name: true, spec: true } });
    return new Map(rows.map((r) => [r.id, { name: r.name, spec: r.spec }]));
  }

  /**
   * The scheduled run: the last complete period of `kind` (yesterday, last week, last month) for each node,
   * one after another (cheap on two cores). `onlyMissing`: the start-up catch-up, which leaves reports that
   * exist alone. Failures are collected, not thrown, so one node does not stop the others.
   */
  async runScheduled(
    kind: ReportKind,
    now: number,
    opts: { orgs?: readonly string[]; onlyMissing?: boolean } = {},
  ): Promise<{ period: Period; generated: string[]; skipped: number; failed: { orgCode: string; message: string }[] }> {
    const period = lastComplete(kind, await this.today(now));
    const orgs = opts.orgs ?? SCHEDULED_ORGS;
    const have = opts.onlyMissing
      ? new Set(
          (
            await this.deps.db.prisma.report.findMany({
              where: { kind, periodStart: period.start, orgCode: { in: [...orgs] } },
              select: { orgCode: true },
            })
          ).map((r) => r.orgCode),
        )
      : new Set<string>();
    const generated: string[] = [];
    const failed: { orgCode: string; message: string }[] = [];
    for (const orgCode of orgs) {
      if (have.has(orgCode)) continue;
      try {
        await this.generate({ kind, orgCode, date: period.start, generatedBy: 'schedule' }, now);
        generated.push(orgCode);
      } catch (err) {
        failed.push({ orgCode, message: err instanceof Error ? err.message : String(err) });
      }
    }
    return { period, generated, skipped: have.size, failed };
  }

  async list(q: { scopeOrg: string; orgCode?: string; kind?: ReportKind; from?: string; to?: string; page: number; pageSize: number }) {
    const where: Prisma.ReportWhereInput = {
      orgCode: q.orgCode ? q.orgCode : { startsWith: q.scopeOrg },
      ...(q.kind ? { kind: q.kind } : {}),
      ...(q.from || q.to ? { periodStart: { ...(q.from ? { gte: q.from } : {}), ...(q.to ? { lte: q.to } : {}) } } : {}),
    };
    const p = this.deps.db.prisma;
    const [total, rows] = await Promise.all([
      p.report.count({ where }),
      p.report.findMany({
        where,
        orderBy: [{ periodStart: 'desc' }, { kind: 'asc' }, { orgCode: 'asc' }],
        skip: (q.page - 1) * q.pageSize,
        take: q.pageSize,
        select: {
          id: true,
          kind: true,
          orgCode: true,
          periodStart: true,
          periodEnd: true,
          title: true,
          generatedBy: true,
          createdAt: true,
        },
      }),
    ]);
    return {
      total,
      page: q.page,
      pageSize: q.pageSize,
      items: rows.map((r) => ({
        ...r,
        kind: r.kind as ReportKind,
        orgName: reportNode(r.orgCode)?.name ?? r.orgCode,
        createdAt: r.createdAt.toISOString(),
      })),
    };
  }

  async get(id: string) {
    const r = await this.deps.db.prisma.report.findUnique({ where: { id } });
    if (!r) throw new NotFoundError(`报告不存在 (no report ${id})`);
    return {
      id: r.id,
      kind: r.kind as ReportKind,
      orgCode: r.orgCode,
      periodStart: r.periodStart,
      periodEnd: r.periodEnd,
      title: r.title,
      generatedBy: r.generatedBy,
      createdAt: r.createdAt.toISOString(),
      content: r.content as unknown as ReportContent,
    };
  }
}

export type ReportDetail = Awaited<ReturnType<ReportService['get']>>;
export type ReportList = Awaited<ReturnType<ReportService['list']>>;

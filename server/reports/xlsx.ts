import type ExcelJS from 'exceljs';
import { DOMAIN_LABEL } from './shared';
import {
  changeOf,
  DIRECTION_TEXT,
  formatBeijing,
  PHASE_TEXT,
  SEVERITY_TEXT,
  STATUS_LABEL,
  thresholdText,
  TIER_LABEL,
  UNIT_TEXT,
} from './format';
import { KIND_LABEL } from './period';
import {
  SEVERITIES,
  type DailyContent,
  type Figure,
  type KpiMeta,
  type MonthlyContent,
  type ReportContent,
  type WeeklyContent,
} from './types';

// A stored report as an Excel workbook, one sheet per section, from the same content the page renders:
// numbers as numbers (percent cells formatted as %), the period, unit and generation time (Beijing) on the
// first sheet. Sheet and column names in Chinese, as the hall files its reports.

const numFmt = (k: KpiMeta) => (k.unit === 'percent' ? '0.0%' : k.unit === 'count' || k.unit === 'yuan' ? '#,##0' : '0.0');
const status = (s: string | null | undefined) => (s ? STATUS_LABEL[s as keyof typeof STATUS_LABEL].zh : '');

function header(ws: ExcelJS.Worksheet, cols: { header: string; width: number }[]) {
  ws.columns = cols.map((c) => ({ header: c.header, width: c.width }));
  ws.getRow(1).font = { bold: true };
  ws.views = [{ state: 'frozen', ySplit: 1 }];
}

function summary(wb: ExcelJS.Workbook, c: ReportContent, meta: { title: string; generatedBy: string }) {
  const ws = wb.addWorksheet('概况');
  ws.columns = [{ width: 18 }, { width: 100 }];
  const rows: [string, string][] = [
    ['报告', meta.title],
    ['类型', KIND_LABEL[c.kind].zh],
    ['单位', `${c.orgName}（${c.orgCode}）`],
    ['报告期', `${c.period.start} 至 ${c.period.end}`],
    ['环比期', c.previousPeriod ? `${c.previousPeriod.start} 至 ${c.previousPeriod.end}` : '—'],
    ['同比期', c.yoyPeriod ? `${c.yoyPeriod.start} 至 ${c.yoyPeriod.end}` : '—'],
    ['生成时间（北京时间）', formatBeijing(c.generatedAt)],
    ['生成方式', meta.generatedBy === 'schedule' ? '定时生成' : `按需生成（${meta.generatedBy}）`],
  ];
  for (const r of rows) ws.addRow(r);
  ws.getColumn(1).font = { bold: true };
  ws.addRow([]);
  for (const n of c.notes) ws.addRow(['说明', n.zh]);
  if (c.kind === 'daily') {
    ws.addRow([]);
    ws.addRow(['督办新开', c.supervision.opened]);
    ws.addRow(['督办关闭', c.supervision.closed]);
    ws.addRow(['督办超期', c.supervision.overdue]);
  }
  if (c.kind === 'monthly') {
    ws.addRow([]);
    ws.addRow(['得分公式', c.scoring.formula.zh]);
    ws.addRow(['分档', c.scoring.tiers.zh]);
  }
  const defs = wb.addWorksheet('指标口径');
  header(defs, [
    { header: '指标编码', width: 26 },
    { header: '领域', width: 12 },
    { header: '指标', width: 20 },
    { header: '单位', width: 8 },
    { header: '方向', width: 12 },
    { header: '阈值', width: 28 },
    { header: '计算公式', width: 100 },
  ]);
  for (const k of c.kpis)
    defs.addRow([
      k.id,
      DOMAIN_LABEL[k.domain].zh,
      k.name.zh,
      UNIT_TEXT[k.unit].zh,
      DIRECTION_TEXT[k.direction].zh,
      thresholdText(k, 'zh'),
      k.formula.zh,
    ]);
}

function figures(wb: ExcelJS.Workbook, c: ReportContent) {
  const ws = wb.addWorksheet('指标');
  const compares = c.kind === 'daily' ? ['previous'] : ['previous', 'yoy'];
  const prevName = c.kind === 'daily' ? '前一日' : c.kind === 'weekly' ? '上周' : '上月';
  header(ws, [
    { header: '单位编码', width: 10 },
    { header: '单位', width: 16 },
    { header: '领域', width: 12 },
    { header: '指标', width: 20 },
    { header: '数值', width: 12 },
    { header: '状态', width: 8 },
    { header: '记录数', width: 10 },
    { header: prevName, width: 12 },
    { header: `较${prevName}`, width: 12 },
    ...(compares.includes('yoy')
      ? [
          { header: '去年同期', width: 12 },
          { header: '较去年同期', width: 12 },
        ]
      : []),
  ]);
  const add = (code: string, name: string, f: Record<string, Figure>) => {
    for (const k of c.kpis) {
      const x = f[k.id];
      if (!x) continue;
      const row = ws.addRow([
        code,
        name,
        DOMAIN_LABEL[k.domain].zh,
        k.name.zh,
        x.value,
        status(x.status),
        x.count,
        x.previous ?? null,
        changeOf(x, 'previous'),
        ...(compares.includes('yoy') ? [x.yoy ?? null, changeOf(x, 'yoy')] : []),
      ]);
      for (const col of [5, 8, 9, 10, 11]) row.getCell(col).numFmt = numFmt(k);
    }
  };
  add(c.orgCode, c.orgName, c.node);
  for (const u of c.units) add(u.code, u.name, u.figures);
}

function daily(wb: ExcelJS.Workbook, c: DailyContent) {
  const ws = wb.addWorksheet('预警统计');
  header(ws, [
    { header: '分组', width: 10 },
    { header: '名称', width: 18 },
    { header: '合计', width: 8 },
    ...SEVERITIES.map((s) => ({ header: SEVERITY_TEXT[s].zh, width: 8 })),
  ]);
  ws.addRow(['全部', c.orgName, c.alerts.total, ...SEVERITIES.map((s) => c.alerts.bySeverity[s])]);
  ws.addRow(['日终未关闭', c.orgName, c.alerts.openAtEnd.total, ...SEVERITIES.map((s) => c.alerts.openAtEnd.bySeverity[s])]);
  for (const d of c.alerts.byDomain) ws.addRow(['领域', DOMAIN_LABEL[d.domain].zh, d.total, ...SEVERITIES.map((s) => d.bySeverity[s])]);
  for (const u of c.alerts.byUnit) ws.addRow(['单位', u.name, u.total, ...SEVERITIES.map((s) => u.bySeverity[s])]);
  const m = wb.addWorksheet('红橙预警');
  header(m, [
    { header: '级别', width: 8 },
    { header: '规则', width: 24 },
    { header: '单位', width: 20 },
    { header: '预警', width: 40 },
    { header: '触发时间', width: 18 },
    { header: '处置阶段', width: 10 },
    { header: '确认时间', width: 18 },
    { header: '关闭时间', width: 18 },
    { header: '恢复时间', width: 18 },
  ]);
  for (const a of c.alerts.major)
    m.addRow([
      SEVERITY_TEXT[a.severity].zh,
      a.ruleName,
      a.orgName,
      a.title,
      formatBeijing(a.firedAt),
      PHASE_TEXT[a.phase]?.zh ?? a.phase,
      a.acknowledgedAt ? formatBeijing(a.acknowledgedAt) : '',
      a.closedAt ? formatBeijing(a.closedAt) : '',
      a.recoveredAt ? formatBeijing(a.recoveredAt) : '',
    ]);
  if (c.alerts.majorTotal > c.alerts.major.length) m.addRow([`共 ${c.alerts.majorTotal} 条，列出前 ${c.alerts.major.length} 条`]);
}

function weekly(wb: ExcelJS.Workbook, c: WeeklyContent) {
  const byId = new Map(c.kpis.map((k) => [k.id, k]));
  const ws = wb.addWorksheet('红黄绿榜');
  header(ws, [
    { header: '指标', width: 20 },
    { header: '名次', width: 6 },
    { header: '单位编码', width: 10 },
    { header: '单位', width: 16 },
    { header: '数值', width: 12 },
    { header: '状态', width: 8 },
    { header: '榜', width: 6 },
  ]);
  for (const r of c.rankings) {
    const k = byId.get(r.kpi)!;
    for (const row of r.rows) {
      const x = ws.addRow([
        k.name.zh,
        row.rank,
        row.code,
        row.name,
        row.value,
        status(row.status),
        row.tier ? TIER_LABEL[row.tier].zh : '',
      ]);
      x.getCell(5).numFmt = numFmt(k);
    }
  }
  const a = wb.addWorksheet('预警统计');
  header(a, [
    { header: '规则', width: 30 },
    { header: '合计', width: 8 },
    ...SEVERITIES.map((s) => ({ header: SEVERITY_TEXT[s].zh, width: 8 })),
  ]);
  a.addRow(['全部', c.alerts.total, ...SEVERITIES.map((s) => c.alerts.bySeverity[s])]);
  for (const r of c.alerts.topRules) a.addRow([r.name, r.total, ...SEVERITIES.map((s) => r.bySeverity[s])]);
}

function monthly(wb: ExcelJS.Workbook, c: MonthlyContent) {
  const ws = wb.addWorksheet('月度考核');
  header(ws, [
    { header: '名次', width: 6 },
    { header: '单位编码', width: 10 },
    { header: '单位', width: 16 },
    { header: '得分', width: 8 },
    { header: '榜', width: 6 },
    { header: '正常', width: 6 },
    { header: '预警', width: 6 },
    { header: '告警', width: 6 },
    { header: '参评指标', width: 8 },
    { header: '上月得分', width: 8 },
    { header: '去年同月得分', width: 12 },
  ]);
  for (const r of c.assessment)
    ws.addRow([
      r.rank,
      r.code,
      r.name,
      r.score,
      r.tier ? TIER_LABEL[r.tier].zh : '',
      r.ok,
      r.warn,
      r.alarm,
      r.assessed,
      r.scorePrevious,
      r.scoreYoy,
    ]);
  ws.addRow([]);
  ws.addRow(['得分公式', c.scoring.formula.zh]);
  ws.addRow(['分档', c.scoring.tiers.zh]);
}

export async function reportWorkbook(c: ReportContent, meta: { title: string; generatedBy: string }): Promise<Buffer> {
  // Loaded on the first download, not with the web server's routes (tests/browser/bundle.test.ts).
  const { default: Excel } = await import('exceljs');
  const wb = new Excel.Workbook();
  wb.creator = '营销智能监控指挥中心';
  wb.created = new Date(c.generatedAt);
  summary(wb, c, meta);
  if (c.kind === 'daily') daily(wb, c);
  if (c.kind === 'weekly') weekly(wb, c);
  if (c.kind === 'monthly') monthly(wb, c);
  figures(wb, c);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

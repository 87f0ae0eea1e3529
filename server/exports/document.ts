import { maskValue } from '../auth/mask';
import { KPI_BY_ID } from '../kpi/definitions';
import { FAMILY_BY_ID } from '../kpi/families';
import type { KpiService } from '../kpi/service';
import { localTime, safeFileName, type CellType } from './cells';
import type { ExportLocale, ExportRequest } from './request';
import type { ExportColumn, ExportDocument } from './writers';

// What goes into an export file, from a validated request: the header block (title, unit, time range in
// Beijing time, filters, part, sort, export time, who), the column labels in the user's language, and the
// records — the drill-down's rows (personal columns masked as `kpi.rows` masks them unless revealed) or a
// view's figures (units × KPIs, from the same KPI batch the dashboards read).

export interface DocumentContext {
  kpi: Pick<KpiService, 'rowsStream' | 'query' | 'orgNames'>;
  tz: string;
  locale: ExportLocale;
  /** The time the question is asked at: "today" and the other presets resolve against it. */
  asOf: number;
  /** The export time written in the file (导出时间). */
  exportedAt: number;
  exportedBy: { id: string; name: string };
}

export interface PreparedExport {
  /** The file's title (the request's, or one made from the KPI). */
  title: string;
  /** Records (kpi.rows) or units (kpi.table) the file will hold. */
  total: number;
  /** Download name, e.g. 超时工单明细_昆明市_2026-12-06.xlsx. */
  fileName: (format: 'xlsx' | 'csv') => string;
  /** Personal columns written unmasked (to be audited as pii.reveal by the caller). */
  revealed: string[];
  doc: ExportDocument;
}

type Text = { zh: string; en: string };
const pick = (locale: ExportLocale, t: Text) => (locale === 'en' ? t.en : t.zh);

const L = {
  title: { zh: '标题', en: 'Title' },
  kpi: { zh: '指标', en: 'KPI' },
  unit: { zh: '单位', en: 'Unit' },
  range: { zh: '时间范围（北京时间）', en: 'Time range (Beijing time)' },
  asked: { zh: '查询时间', en: 'Asked for' },
  filters: { zh: '筛选条件', en: 'Filters' },
  part: { zh: '记录', en: 'Records' },
  sort: { zh: '排序', en: 'Sort' },
  count: { zh: '记录数', en: 'Rows' },
  by: { zh: '分组', en: 'Broken down by' },
  compare: { zh: '对比', en: 'Compared with' },
  personal: { zh: '个人信息', en: 'Personal data' },
  exportedAt: { zh: '导出时间', en: 'Exported at' },
  exportedBy: { zh: '导出人', en: 'Exported by' },
  none: { zh: '无', en: 'none' },
  now: { zh: '当前（实时）', en: 'now (live)' },
  to: { zh: ' 至 ', en: ' to ' },
  asc: { zh: '升序', en: 'ascending' },
  desc: { zh: '降序', en: 'descending' },
  masked: { zh: '已脱敏', en: 'masked' },
  revealed: { zh: '未脱敏（已审计）', en: 'unmasked (audited)' },
  rowsSuffix: { zh: '明细', en: ' records' },
  tableTitle: { zh: '指标汇总', en: 'KPI summary' },
  orgCode: { zh: '单位编码', en: 'Unit code' },
  orgName: { zh: '单位名称', en: 'Unit' },
  previous: { zh: '上期', en: 'previous period' },
  yoy: { zh: '去年同期', en: 'same period last year' },
  beijing: { zh: '（北京时间）', en: ' (Beijing time)' },
} satisfies Record<string, Text>;

const PRESET_LABELS: Record<string, Text> = {
  today: { zh: '今天', en: 'today' },
  yesterday: { zh: '昨天', en: 'yesterday' },
  last_24h: { zh: '近24小时', en: 'last 24 hours' },
  last_7d: { zh: '近7天', en: 'last 7 days' },
  last_30d: { zh: '近30天', en: 'last 30 days' },
  this_month: { zh: '本月', en: 'this month' },
  last_month: { zh: '上月', en: 'last month' },
  this_year: { zh: '今年', en: 'this year' },
  last_13_months: { zh: '近13个月', en: 'last 13 months' },
};

const BY_LABELS: Record<string, Text> = {
  total: { zh: '合计', en: 'total' },
  city: { zh: '按地市', en: 'by city' },
  county: { zh: '按区县', en: 'by county' },
  hall: { zh: '按营业厅', en: 'by hall' },
};

const UNIT_SUFFIX: Record<string, Text> = {
  percent: { zh: '（%）', en: ' (%)' },
  minutes: { zh: '（分钟）', en: ' (min)' },
  hours: { zh: '（小时）', en: ' (h)' },
  seconds: { zh: '（秒）', en: ' (s)' },
  yuan: { zh: '（元）', en: ' (yuan)' },
};

function timeText(locale: ExportLocale, time: ExportRequest['time'], range: { from: number; to: number } | null, tz: string) {
  if (range === null) return pick(locale, L.now);
  const span = `${localTime(range.from, tz)}${pick(locale, L.to)}${localTime(range.to, tz)}`;
  const asked = 'preset' in time ? pick(locale, PRESET_LABELS[time.preset] ?? { zh: time.preset, en: time.preset }) : null;
  return asked ? `${asked}：${span}` : span;
}

function filtersText(locale: ExportLocale, familyIds: readonly string[], filters: Record<string, readonly string[]>): string {
  const entries = Object.entries(filters);
  if (entries.length === 0) return pick(locale, L.none);
  return entries
    .map(([name, values]) => {
      const dim = familyIds.map((id) => FAMILY_BY_ID.get(id)?.dims[name]).find((d) => d !== undefined);
      return `${dim ? pick(locale, dim.label) : name}: ${values.join(locale === 'en' ? ', ' : '、')}`;
    })
    .join(locale === 'en' ? '; ' : '；');
}

const dateOf = (ms: number, tz: string) => localTime(ms, tz)!.slice(0, 10);

/** Builds the document of a request; for `kpi.rows` this counts the records (the rows are read when written). */
export async function prepareExport(req: ExportRequest, c: DocumentContext): Promise<PreparedExport> {
  return req.kind === 'kpi.rows' ? prepareRows(req, c) : prepareTable(req, c);
}

async function prepareRows(req: Extract<ExportRequest, { kind: 'kpi.rows' }>, c: DocumentContext): Promise<PreparedExport> {
  const k = KPI_BY_ID.get(req.kpi)!;
  const f = FAMILY_BY_ID.get(k.family)!;
  const { kind: _kind, title: _title, reveal, ...q } = req;
  const [stream, names] = await Promise.all([c.kpi.rowsStream(q, c.asOf), c.kpi.orgNames()]);
  const personal = stream.columns.filter((col) => f.rows[col.name]?.personal).map((col) => col.name);
  const partLabel = req.part === 'denominator' ? (k.parts.denominator ?? k.parts.numerator) : k.parts.numerator;
  const title = req.title ?? `${pick(c.locale, partLabel)}${pick(c.locale, L.rowsSuffix)}`;
  const orgName = names(req.orgCode);
  const sortCol = f.rows[stream.sort.column];
  const meta: [string, string][] = [
    [pick(c.locale, L.kpi), `${pick(c.locale, k.name)}（${k.id}）`],
    [pick(c.locale, L.unit), `${orgName}（${req.orgCode}）`],
    [pick(c.locale, L.range), timeText(c.locale, req.time, stream.range, c.tz)],
    [pick(c.locale, L.filters), filtersText(c.locale, [f.id], req.filters)],
    [pick(c.locale, L.part), pick(c.locale, partLabel)],
    [
      pick(c.locale, L.sort),
      `${sortCol ? pick(c.locale, sortCol.label) : stream.sort.column} ${pick(c.locale, stream.sort.dir === 'asc' ? L.asc : L.desc)}`,
    ],
    [pick(c.locale, L.count), String(stream.total)],
    ...(personal.length ? [[pick(c.locale, L.personal), pick(c.locale, reveal ? L.revealed : L.masked)] as [string, string]] : []),
    [pick(c.locale, L.exportedAt), `${localTime(c.exportedAt, c.tz)}${pick(c.locale, L.beijing)}`],
    [pick(c.locale, L.exportedBy), c.exportedBy.name === c.exportedBy.id ? c.exportedBy.id : `${c.exportedBy.name}（${c.exportedBy.id}）`],
  ];
  const columns: ExportColumn[] = stream.columns.map((col) => ({
    name: col.name,
    label: pick(c.locale, col.label),
    type: (col.type === 'time' || col.type === 'date' || col.type === 'money' || col.type === 'number' ? col.type : 'string') as CellType,
  }));
  async function* batches() {
    for await (const batch of stream.batches()) {
      if (!reveal) for (const r of batch) for (const name of personal) if (Object.hasOwn(r, name)) r[name] = maskValue(r[name]);
      yield batch;
    }
  }
  return {
    title,
    total: stream.total,
    fileName: (format) => `${safeFileName(`${title}_${orgName}_${dateOf(c.exportedAt, c.tz)}`)}.${format}`,
    revealed: reveal ? personal : [],
    doc: { title, meta, columns, tz: c.tz, batches },
  };
}

async function prepareTable(req: Extract<ExportRequest, { kind: 'kpi.table' }>, c: DocumentContext): Promise<PreparedExport> {
  const [answer, names] = await Promise.all([
    c.kpi.query(
      [
        {
          kpis: req.kpis,
          orgCode: req.orgCode,
          by: req.by,
          time: req.time,
          granularity: 'total',
          filters: req.filters,
          compare: req.compare,
        },
      ],
      c.asOf,
    ),
    c.kpi.orgNames(),
  ]);
  const series = answer.results[0]!.kpis;
  const title = req.title ?? pick(c.locale, L.tableTitle);
  const orgName = names(req.orgCode);
  const units: string[] = [];
  const rows = new Map<string, Record<string, unknown>>();
  const columns: ExportColumn[] = [
    { name: 'org_code', label: pick(c.locale, L.orgCode), type: 'string' },
    { name: 'org_name', label: pick(c.locale, L.orgName), type: 'string' },
  ];
  for (const s of series) {
    const k = KPI_BY_ID.get(s.kpi)!;
    const scale = k.unit === 'percent' ? 100 : 1;
    const digits = k.unit === 'percent' ? Math.max(0, k.digits - 2) : k.digits;
    const label = `${pick(c.locale, k.name)}${UNIT_SUFFIX[k.unit] ? pick(c.locale, UNIT_SUFFIX[k.unit]!) : ''}`;
    const type: CellType = k.unit === 'yuan' ? 'money' : 'number';
    columns.push({ name: k.id, label, type, digits });
    for (const cmp of req.compare) columns.push({ name: `${k.id}:${cmp}`, label: `${label} ${pick(c.locale, L[cmp])}`, type, digits });
    // × 100 in binary floating point leaves tails (0.9735 → 97.35000000000001): 12 significant digits are exact here.
    const scaled = (v: number | null | undefined) => (v === null || v === undefined ? null : Number((v * scale).toPrecision(12)));
    for (const p of s.points) {
      let row = rows.get(p.orgCode);
      if (!row) {
        row = { org_code: p.orgCode, org_name: p.orgName };
        rows.set(p.orgCode, row);
        units.push(p.orgCode);
      }
      row[k.id] = scaled(p.value);
      for (const cmp of req.compare) row[`${k.id}:${cmp}`] = scaled(p.compare[cmp]);
    }
  }
  const range = series.find((s) => s.range)?.range ?? null;
  const ms = range ? { from: Date.parse(range.from), to: Date.parse(range.to) } : null;
  const meta: [string, string][] = [
    [pick(c.locale, L.unit), `${orgName}（${req.orgCode}）`],
    [pick(c.locale, L.range), timeText(c.locale, req.time, ms, c.tz)],
    [
      pick(c.locale, L.filters),
      filtersText(
        c.locale,
        req.kpis.map((id) => KPI_BY_ID.get(id)!.family),
        req.filters,
      ),
    ],
    [pick(c.locale, L.by), pick(c.locale, BY_LABELS[req.by]!)],
    [pick(c.locale, L.compare), req.compare.length ? req.compare.map((x) => pick(c.locale, L[x])).join('、') : pick(c.locale, L.none)],
    [pick(c.locale, L.exportedAt), `${localTime(c.exportedAt, c.tz)}${pick(c.locale, L.beijing)}`],
    [pick(c.locale, L.exportedBy), c.exportedBy.name === c.exportedBy.id ? c.exportedBy.id : `${c.exportedBy.name}（${c.exportedBy.id}）`],
  ];
  const list = units.map((u) => rows.get(u)!);
  async function* batches() {
    yield list;
  }
  return {
    title,
    total: list.length,
    fileName: (format) => `${safeFileName(`${title}_${orgName}_${dateOf(c.exportedAt, c.tz)}`)}.${format}`,
    revealed: [],
    doc: { title, meta, columns, tz: c.tz, batches },
  };
}

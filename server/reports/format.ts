import type { Figure, KpiMeta, Severity, Status, Text, Tier } from './types';

// Labels and number formats the report page and the xlsx share, so both show one figure the same way.
// Pure; the browser imports it.

export const STATUS_LABEL: Record<Status, Text> = {
  ok: { zh: '正常', en: 'OK' },
  warn: { zh: '预警', en: 'Warning' },
  alarm: { zh: '告警', en: 'Alarm' },
};
export const TIER_LABEL: Record<Tier, Text> = {
  green: { zh: '绿', en: 'Green' },
  yellow: { zh: '黄', en: 'Yellow' },
  red: { zh: '红', en: 'Red' },
};
export const SEVERITY_TEXT: Record<Severity, Text> = {
  red: { zh: '红色', en: 'Red' },
  orange: { zh: '橙色', en: 'Orange' },
  yellow: { zh: '黄色', en: 'Yellow' },
  blue: { zh: '蓝色', en: 'Blue' },
};
export const UNIT_TEXT: Record<KpiMeta['unit'], Text> = {
  count: { zh: '', en: '' },
  percent: { zh: '%', en: '%' },
  minutes: { zh: '分钟', en: 'min' },
  seconds: { zh: '秒', en: 's' },
  hours: { zh: '小时', en: 'h' },
  yuan: { zh: '元', en: 'CNY' },
};
export const DIRECTION_TEXT: Record<KpiMeta['direction'], Text> = {
  higher_better: { zh: '越高越好', en: 'higher is better' },
  lower_better: { zh: '越低越好', en: 'lower is better' },
  neutral: { zh: '量（不评）', en: 'volume (not judged)' },
};
export const PHASE_TEXT: Record<string, Text> = {
  raised: { zh: '已触发', en: 'Raised' },
  acknowledged: { zh: '已确认', en: 'Acknowledged' },
  assigned: { zh: '已派发', en: 'Assigned' },
  supervised: { zh: '督办中', en: 'Supervised' },
  handled: { zh: '已处置', en: 'Handled' },
  verified: { zh: '已核实', en: 'Verified' },
  closed: { zh: '已关闭', en: 'Closed' },
  recovered: { zh: '已恢复', en: 'Recovered' },
};

export const NO_VALUE = '—';

const fixed = (v: number, digits: number) =>
  new Intl.NumberFormat('zh-CN', { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(v);

/** Digits shown: percents one decimal (98.8%), counts none, durations one. */
export function shownDigits(k: Pick<KpiMeta, 'unit'>): number {
  return k.unit === 'count' || k.unit === 'yuan' ? 0 : 1;
}

/** A KPI value for display: 0.9876 → "98.8%", 12.34 min → "12.3". Units go in the column head. */
export function formatValue(k: Pick<KpiMeta, 'unit'>, v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return NO_VALUE;
  return k.unit === 'percent' ? `${fixed(v * 100, 1)}%` : fixed(v, shownDigits(k));
}

/** value − compared value in the KPI's unit (percentage points for percents); null when either is missing. */
export function changeOf(f: Figure, against: 'previous' | 'yoy'): number | null {
  const other = f[against];
  if (f.value === null || other === null || other === undefined) return null;
  return f.value - other;
}

/** A change for display with its sign: "+1.2 个百分点" is written "+1.2pp"; counts "+35". */
export function formatChange(k: Pick<KpiMeta, 'unit'>, d: number | null): string {
  if (d === null || !Number.isFinite(d)) return NO_VALUE;
  const body = k.unit === 'percent' ? `${fixed(Math.abs(d) * 100, 1)}pp` : fixed(Math.abs(d), shownDigits(k));
  return `${d > 0 ? '+' : d < 0 ? '−' : '±'}${body}`;
}

/** Whether a change is for the better (true), the worse (false) or neither (null: neutral KPI or none). */
export function changeIsBetter(k: Pick<KpiMeta, 'direction'>, d: number | null): boolean | null {
  if (d === null || d === 0 || k.direction === 'neutral') return null;
  return k.direction === 'higher_better' ? d > 0 : d < 0;
}

/** The KPI's threshold text: "预警 < 95.0% · 告警 < 90.0%". */
export function thresholdText(k: KpiMeta, lang: 'zh' | 'en'): string {
  const t = k.thresholds;
  if (!t || k.direction === 'neutral') return NO_VALUE;
  const op = k.direction === 'higher_better' ? '<' : '>';
  const parts: string[] = [];
  if (t.warn !== undefined) parts.push(`${lang === 'zh' ? '预警' : 'warn'} ${op} ${formatValue(k, t.warn)}`);
  if (t.alarm !== undefined) parts.push(`${lang === 'zh' ? '告警' : 'alarm'} ${op} ${formatValue(k, t.alarm)}`);
  return parts.join(' · ') || NO_VALUE;
}

const beijing = new Intl.DateTimeFormat('sv-SE', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

/** An ISO instant as "YYYY-MM-DD HH:mm" Beijing time. */
export function formatBeijing(iso: string | null | undefined): string {
  if (!iso) return NO_VALUE;
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? NO_VALUE : beijing.format(d);
}

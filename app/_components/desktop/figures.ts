// How a KPI figure is written on the dashboards: value in its unit, comparison, the definition shown on
// hover/focus. Pure (no React), unit-tested in tests/desktop/figures.test.ts.
import type { Locale } from '../../_i18n/locale';
import type { DefLite } from './batch';

export const NO_VALUE = '—';

const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

const grouped = (v: number, digits: number) =>
  v.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits, useGrouping: true });

/** The figure in its unit: rates as %, money in 元 (万元 above 100,000), durations with their digits. */
export function formatValue(value: number | null | undefined, unit: string, digits: number): string {
  if (!isNum(value)) return NO_VALUE;
  switch (unit) {
    case 'percent':
      return `${(value * 100).toFixed(1)}`;
    case 'yuan':
      return Math.abs(value) >= 100_000 ? grouped(value / 10_000, 1) : grouped(value, 0);
    case 'count':
      return grouped(value, 0);
    default:
      return grouped(value, Math.min(digits, 2));
  }
}

/** The unit word after the figure. */
export function unitLabel(unit: string, value: number | null | undefined, locale: Locale): string {
  const zh = locale === 'zh-CN';
  switch (unit) {
    case 'percent':
      return '%';
    case 'yuan':
      return isNum(value) && Math.abs(value) >= 100_000 ? (zh ? '万元' : '10k CNY') : zh ? '元' : 'CNY';
    case 'minutes':
      return zh ? '分钟' : 'min';
    case 'seconds':
      return zh ? '秒' : 's';
    case 'hours':
      return zh ? '小时' : 'h';
    default:
      return '';
  }
}

export function formatWithUnit(value: number | null | undefined, unit: string, digits: number, locale: Locale): string {
  const v = formatValue(value, unit, digits);
  if (v === NO_VALUE) return v;
  const u = unitLabel(unit, value, locale);
  return u === '%' ? `${v}%` : u ? `${v} ${u}` : v;
}

/**
 * Change against a comparison value: percentage points for rates, relative % for the rest; null when either
 * side is missing or the base is zero (a relative change from nothing is not a number).
 */
export function formatDelta(value: number | null | undefined, base: number | null | undefined, unit: string): string | null {
  if (!isNum(value) || !isNum(base)) return null;
  if (unit === 'percent') {
    const pp = (value - base) * 100;
    return `${pp >= 0 ? '+' : ''}${pp.toFixed(1)}pp`;
  }
  if (base === 0) return null;
  const rel = ((value - base) / Math.abs(base)) * 100;
  return `${rel >= 0 ? '+' : ''}${rel.toFixed(1)}%`;
}

/** Whether a change is good, bad or neither under the KPI's direction. */
export function deltaTone(value: number | null | undefined, base: number | null | undefined, direction: string): 'good' | 'bad' | 'flat' {
  if (!isNum(value) || !isNum(base) || value === base || direction === 'neutral') return 'flat';
  const up = value > base;
  return (direction === 'higher_better') === up ? 'good' : 'bad';
}

/** A threshold in the KPI's unit, as written in the definition text. */
function thresholdText(v: number, unit: string, locale: Locale): string {
  return unit === 'percent' ? `${(v * 100).toFixed(0)}%` : formatWithUnit(v, unit, 2, locale);
}

/** The definition shown on hover/focus: name, formula, unit, thresholds. */
export function definitionText(def: DefLite, locale: Locale): string {
  const zh = locale === 'zh-CN';
  const l = (t: { zh: string; en: string }) => (zh ? t.zh : t.en);
  const lines = [l(def.name), `${zh ? '公式' : 'Formula'}: ${l(def.formula)}`];
  const u = unitLabel(def.unit, 0, locale);
  if (u) lines.push(`${zh ? '单位' : 'Unit'}: ${u}`);
  const th = def.thresholds;
  if (th && (isNum(th.warn) || isNum(th.alarm) || isNum(th.target))) {
    const cmp = def.direction === 'higher_better' ? '<' : '>';
    const parts: string[] = [];
    if (isNum(th.warn)) parts.push(`${zh ? '预警' : 'warning'} ${cmp} ${thresholdText(th.warn, def.unit, locale)}`);
    if (isNum(th.alarm)) parts.push(`${zh ? '告警' : 'alarm'} ${cmp} ${thresholdText(th.alarm, def.unit, locale)}`);
    if (isNum(th.target)) parts.push(`${zh ? '目标' : 'target'} ${thresholdText(th.target, def.unit, locale)}`);
    lines.push(`${zh ? '阈值' : 'Thresholds'}: ${parts.join(zh ? '，' : ', ')}`);
  } else {
    lines.push(zh ? '阈值：无（规模指标）' : 'Thresholds: none (a volume)');
  }
  return lines.join('\n');
}

/** Beijing time of an ISO instant: 'YYYY-MM-DD HH:mm:ss' (kpi.rows times are UTC with Z). */
export function beijingTime(iso: unknown): string {
  if (typeof iso !== 'string' || iso === '') return NO_VALUE;
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms)) return String(iso);
  const d = new Date(ms + 8 * 3_600_000);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
}

/** A bucket's label on a time axis, Beijing time. */
export function bucketLabel(iso: string, g: 'hour' | 'day' | 'month'): string {
  const t = beijingTime(iso);
  if (g === 'hour') return t.slice(11, 16);
  if (g === 'day') return t.slice(5, 10);
  return t.slice(0, 7);
}

import { formatLocal } from '@/core/time';
import type { KpiDef } from '../../kpi/definitions/types';

const UNIT: Record<KpiDef['unit'], { zh: string; en: string }> = {
  count: { zh: '', en: '' },
  percent: { zh: '%', en: '%' },
  minutes: { zh: '分钟', en: ' min' },
  seconds: { zh: '秒', en: ' s' },
  hours: { zh: '小时', en: ' h' },
  yuan: { zh: '元', en: ' CNY' },
};

/** A KPI value as the alert text shows it (percent KPIs are fractions in the layer, percent on screen). */
export function fmtKpi(k: KpiDef, v: number | null, lang: 'zh' | 'en'): string {
  if (v === null) return '—';
  const shown = k.unit === 'percent' ? v * 100 : v;
  return `${shown.toFixed(k.unit === 'count' ? 0 : Math.max(k.digits, 1))}${UNIT[k.unit][lang]}`;
}

export const fmtNum = (v: number, digits = 1) => (Number.isInteger(v) ? String(v) : v.toFixed(digits));

/** "YYYY-MM-DD HH:mm" local, the KPI query's bound format; `up` rounds to the next minute. */
export function localMinute(ms: number, tz: string, up = false): string {
  const t = up ? Math.ceil(ms / 60_000) * 60_000 : Math.floor(ms / 60_000) * 60_000;
  return formatLocal(t, tz).slice(0, 16);
}

export const localHm = (ms: number, tz: string) => formatLocal(ms, tz).slice(5, 16);

// The figures an alert carries (server/alerts/evaluators: value, base, threshold, records behind it, hours to
// an outage…) as labelled, formatted pairs. Values are put in the unit people read: KPI values in the KPI's
// unit (percent KPIs as percent), the graded value and the threshold in the rule's unit. Pure.

import { DISPLAY_TIME_ZONE } from '../../_i18n/format';
import type { MessageKey, Translate } from '../../_i18n/locale';
import { kpiValueScale, ruleValueScale, toDisplay, type SpecShape, type ValueScale } from '../rules/rule-values';

/** Beijing time (app/_i18n/format.ts): every time a person reads. */
export const DISPLAY_TZ = DISPLAY_TIME_ZONE;

const dateTimeFmt = new Intl.DateTimeFormat('en-GB', {
  timeZone: DISPLAY_TZ,
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

/** "11-30 14:05" in China Standard Time; — for missing or invalid. */
export function formatShortDateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '—';
  const parts = Object.fromEntries(dateTimeFmt.formatToParts(d).map((p) => [p.type, p.value]));
  return `${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`;
}

const COMPARATOR: Record<string, string> = { '>': '>', '>=': '≥', '<': '<', '<=': '≤' };
export const comparatorSymbol = (c: string | null | undefined) => (c ? (COMPARATOR[c] ?? c) : '');

/** A stored value in a unit: 0.052 percent → "5.2%", 1.5 ratio → "1.5 倍", 12 minutes → "12 分钟". */
export function formatValue(v: number | null | undefined, scale: ValueScale, t: Translate): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  const shown = toDisplay(v, scale.scale);
  const digits = scale.unit === 'count' ? (Number.isInteger(shown) ? 0 : 1) : Math.abs(shown) >= 100 ? 0 : Math.abs(shown) >= 10 ? 1 : 2;
  const text = Number(shown.toFixed(digits)).toLocaleString('zh-CN', { maximumFractionDigits: digits });
  return `${text}${t(`valueUnit.${scale.unit}` as MessageKey)}`;
}

/** Yuan to the fen: 1234.5 → "1,234.50 元". */
export function formatMoney(v: number | null | undefined, t: Translate): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  return `${v.toLocaleString('zh-CN', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}${t('valueUnit.yuan')}`;
}

/** A source system's code as its label (fault_repair → 故障报修), or the code when it has none. */
export function codeLabel(code: string, t: Translate): string {
  const k = `code.${code}` as MessageKey;
  const s = t(k);
  return s === k ? code : s;
}

/** The alert fields the figures need. */
export interface AlertFiguresInput {
  kind: string;
  condition: string;
  value: number | null;
  figures: Record<string, unknown>;
  drill: unknown;
}

export interface Figure {
  key: string;
  label: string;
  text: string;
}

const COUNT_KEYS = new Set(['count', 'affected', 'unnotified', 'sent', 'failed', 'outages', 'faultCalls']);
const HOUR_KEYS = new Set(['hoursToStart', 'hoursSincePayment']);
const TIME_KEYS = new Set(['dueAt', 'paidAt', 'at', 'firstSent', 'snapshotAt']);
/** Money in yuan, to the fen (a fee-controlled customer's balance and expected charge). */
const MONEY_KEYS = new Set(['balance', 'expectedCharge']);
/** Fractions shown as percent (the SMS failure share; balance / expected charge at the warning point). */
const PERCENT_KEYS = new Set(['share', 'ratio']);
/** Flags stored as 1/0 (or true/false), shown as 是/否. */
const FLAG_KEYS = new Set(['keyAccount']);
/** An ISO instant that no key above claims still reaches people in Beijing time, never raw. */
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;
const KPI_KEYS = new Set(['value', 'base', 'baseline', 'spread']);
/** Shown elsewhere or folded into another figure. */
const HIDDEN = new Set(['comparator']);
/** Code values (work-order type, status, customer class…) with a label in the dictionary (`code.<value>`). */
const CODE_KEYS = new Set(['type', 'status', 'class', 'businessType', 'reason', 'control']);
/** Figures first in this order, the rest after in the order the server wrote them. */
const ORDER = ['value', 'threshold', 'base', 'baseline', 'spread', 'z', 'count'];

/**
 * The alert's figures for display. `spec` is the rule's (for the threshold's unit); `unitOf` gives a KPI's
 * unit from `kpi.definitions`.
 */
export function alertFigures(
  alert: AlertFiguresInput,
  spec: SpecShape | undefined,
  unitOf: (kpi: string) => string | undefined,
  t: Translate,
): Figure[] {
  const f = alert.figures ?? {};
  const drillKpi =
    typeof alert.drill === 'object' && alert.drill && 'kpi' in alert.drill ? String((alert.drill as { kpi: unknown }).kpi) : undefined;
  const kpi = spec?.kpi ?? drillKpi;
  const kpiScale = kpiValueScale(kpi ? unitOf(kpi) : undefined);
  const ruleScale = ruleValueScale(spec ?? { kind: alert.kind }, unitOf);
  const label = (key: string) => {
    const k = `figure.${key}` as MessageKey;
    const s = t(k);
    return s === k ? key : s;
  };
  const out: Figure[] = [];
  const keys = [...ORDER.filter((k) => k in f), ...Object.keys(f).filter((k) => !ORDER.includes(k))];
  for (const key of keys) {
    if (HIDDEN.has(key)) continue;
    const v = f[key];
    if (v === null || v === undefined || v === '') continue;
    let text: string;
    if (key === 'threshold' && typeof v === 'number') text = `${comparatorSymbol(f.comparator as string)} ${formatValue(v, ruleScale, t)}`;
    else if (KPI_KEYS.has(key) && typeof v === 'number') text = formatValue(v, kpiScale, t);
    else if (PERCENT_KEYS.has(key) && typeof v === 'number') text = formatValue(v, { unit: 'percent', scale: 100 }, t);
    else if (MONEY_KEYS.has(key) && typeof v === 'number') text = formatMoney(v, t);
    else if (FLAG_KEYS.has(key) && (typeof v === 'number' || typeof v === 'boolean')) text = t(v ? 'figure.yes' : 'figure.no');
    else if (key === 'z' && typeof v === 'number') text = formatValue(v, { unit: 'sigma', scale: 1 }, t);
    else if (COUNT_KEYS.has(key) && typeof v === 'number') text = formatValue(v, { unit: 'count', scale: 1 }, t);
    else if (HOUR_KEYS.has(key) && typeof v === 'number') text = formatValue(v, { unit: 'hours', scale: 1 }, t);
    else if (key === 'faultCallsPerHour' && typeof v === 'number') text = formatValue(v, { unit: 'count', scale: 1 }, t);
    else if (TIME_KEYS.has(key) && typeof v === 'string') text = formatShortDateTime(v);
    else if (CODE_KEYS.has(key) && typeof v === 'string') text = codeLabel(v, t);
    else if (typeof v === 'number') text = formatValue(v, { unit: 'count', scale: 1 }, t);
    else if (typeof v === 'string' && ISO_TIME.test(v)) text = formatShortDateTime(v);
    else text = Array.isArray(v) ? v.join('、') : String(v);
    out.push({ key, label: label(key), text });
  }
  // The graded value, when it is not the KPI value itself (a ratio, a change, σ).
  const graded = ['change', 'compare', 'anomaly'].includes(alert.kind) && alert.condition !== 'no_data' && alert.value !== null;
  if (graded) out.splice(1, 0, { key: 'graded', label: label('graded'), text: formatValue(alert.value, ruleScale, t) });
  return out;
}

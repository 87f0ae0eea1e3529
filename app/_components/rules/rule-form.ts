// The rule editor's form and the spec it becomes (server/alerts/spec.ts). The form holds what people type
// (numbers as text, percent as percent); `buildRuleInput` turns it into the spec the server validates, and
// `formFromRule` reads a saved rule back. Pure functions, unit-tested.

import type { RuleSpecInput } from '@/server/alerts/spec';
import { SEVERITIES, type RuleKind, type Severity } from '../alerts/severity';
import { fromDisplay, parseNumber, ruleValueScale, toDisplay } from './rule-values';
import { PROVINCE } from '@/core/org/divisions';

export type Comparator = '>' | '>=' | '<' | '<=';
export type ScopeBy = 'total' | 'city' | 'county' | 'hall';
export type WindowChoice = 'minutes' | 'today' | 'this_month';
export type RecipientKind = 'duty_officer' | 'hall_manager' | 'unit' | 'user' | 'call_center';
export const RECIPIENT_KINDS: readonly RecipientKind[] = ['duty_officer', 'hall_manager', 'unit', 'user', 'call_center'];
export const OUTAGE_TYPES = ['planned', 'temporary', 'fault', 'peak_shifting'] as const;
export const TIME_CHECKS = ['work_order_due', 'outage_notice', 'reconnection'] as const;
export const RECORD_EVENTS = ['dissatisfied_rating', 'sms_batch_failed', 'balance_low'] as const;
/** Kinds whose rule reads a KPI (the editor shows the KPI picker and the level to judge at). */
export const KPI_KINDS: readonly RuleKind[] = ['threshold', 'change', 'compare', 'anomaly'];

export interface RuleForm {
  name: string;
  nameEn: string;
  enabled: boolean;
  kind: RuleKind;
  kpi: string;
  baseKpi: string;
  /** threshold / compare: a rolling window in minutes, or a calendar preset. */
  window: WindowChoice;
  /** Minutes of the window (every kind but time_limit). */
  windowMinutes: string;
  changeMode: 'previous_window' | 'versus_kpi';
  against: 'previous' | 'yoy';
  compareMode: 'relative' | 'difference';
  weeks: string;
  direction: 'up' | 'down' | 'both';
  minSpread: string;
  check: (typeof TIME_CHECKS)[number];
  outageTypes: string[];
  /** Work-order types, comma separated. */
  orderTypes: string;
  event: (typeof RECORD_EVENTS)[number];
  /** balance_low: key accounts only. */
  keyOnly: boolean;
  linkKinds: RuleKind[];
  minCount: string;
  orgCode: string;
  by: ScopeBy;
  /** Hall codes, comma or space separated. */
  halls: string;
  /** Dimension filters as text: "category=fault_repair,complaint; class=resident". */
  filters: string;
  comparator: Comparator;
  /** Per-severity thresholds as typed (percent shown as percent). */
  levels: Record<Severity, string>;
  fireAfter: string;
  recoverAfter: string;
  calendarDays: 'all' | 'workdays' | 'non_workdays';
  hoursOn: boolean;
  hoursFrom: string;
  hoursTo: string;
  recipients: { kind: RecipientKind; ref: string }[];
  noDataSeverity: Severity;
}

export type UnitOf = (kpi: string) => string | undefined;

/** A fresh form for a kind, scoped to the province. */
export function defaultForm(kind: RuleKind = 'threshold', orgCode = PROVINCE.code, firstKpi = 'queue.avg_wait'): RuleForm {
  return {
    name: '',
    nameEn: '',
    enabled: true,
    kind,
    kpi: firstKpi,
    baseKpi: '',
    window: 'minutes',
    windowMinutes: kind === 'anomaly' ? '60' : kind === 'correlation' ? '120' : '30',
    changeMode: 'previous_window',
    against: 'previous',
    compareMode: 'relative',
    weeks: '4',
    direction: 'up',
    minSpread: '1',
    check: 'work_order_due',
    outageTypes: [],
    orderTypes: '',
    event: 'dissatisfied_rating',
    keyOnly: false,
    linkKinds: ['threshold', 'change', 'anomaly', 'compare'],
    minCount: '0',
    orgCode,
    by: 'total',
    halls: '',
    filters: '',
    comparator: '>=',
    levels: { red: '', orange: '', yellow: '', blue: '' },
    fireAfter: '1',
    recoverAfter: '1',
    calendarDays: 'all',
    hoursOn: false,
    hoursFrom: '08:30',
    hoursTo: '18:00',
    recipients: [{ kind: 'duty_officer', ref: '' }],
    noDataSeverity: 'yellow',
  };
}

/** "category=fault_repair,complaint; class=resident" → { category: [...], class: [...] }; null when malformed. */
export function parseFilters(text: string): Record<string, string[]> | null {
  const out: Record<string, string[]> = {};
  for (const part of text.split(/[;；\n]/)) {
    const p = part.trim();
    if (!p) continue;
    const m = /^([a-z_]{1,32})\s*[=:：]\s*(.+)$/.exec(p);
    if (!m) return null;
    const values = m[2]!
      .split(/[,，\s]+/)
      .map((v) => v.trim())
      .filter(Boolean);
    if (!values.length) return null;
    out[m[1]!] = [...(out[m[1]!] ?? []), ...values];
  }
  return out;
}

export function formatFilters(filters: Record<string, readonly string[]> | undefined): string {
  return Object.entries(filters ?? {})
    .map(([k, v]) => `${k}=${v.join(',')}`)
    .join('; ');
}

/** A problem with one field, for the editor to mark; `code` picks the message. */
export interface FormError {
  field: string;
  code: 'required' | 'number' | 'integer' | 'levels' | 'time' | 'filters' | 'halls' | 'baseKpi';
}

export type BuildResult =
  { ok: true; rule: { name: string; nameEn?: string; enabled: boolean; spec: RuleSpecInput } } | { ok: false; errors: FormError[] };

/** The form as the rule the server takes (`rules.create` / `rules.update` / the spec for `rules.preview`). */
export function buildRuleInput(form: RuleForm, unitOf: UnitOf): BuildResult {
  const errors: FormError[] = [];
  const int = (field: keyof RuleForm, text: string): number => {
    const n = parseNumber(text);
    if (n === null || !Number.isInteger(n)) errors.push({ field, code: 'integer' });
    return n ?? 0;
  };
  const num = (field: keyof RuleForm, text: string): number => {
    const n = parseNumber(text);
    if (n === null) errors.push({ field, code: 'number' });
    return n ?? 0;
  };

  if (form.name.trim().length < 2) errors.push({ field: 'name', code: 'required' });

  const isKpi = KPI_KINDS.includes(form.kind);
  const scaleOf = ruleValueScale(
    {
      kind: form.kind,
      kpi: form.kpi,
      mode: form.kind === 'compare' ? form.compareMode : form.changeMode,
      check: form.check,
      event: form.event,
    },
    unitOf,
  );
  const levels: Partial<Record<Severity, number>> = {};
  for (const s of SEVERITIES) {
    const text = form.levels[s];
    if (text.trim() === '') continue;
    const n = parseNumber(text);
    if (n === null) errors.push({ field: `levels.${s}`, code: 'number' });
    else levels[s] = fromDisplay(n, scaleOf.scale);
  }
  if (!Object.keys(levels).length && !errors.some((e) => e.field.startsWith('levels.'))) errors.push({ field: 'levels', code: 'levels' });

  const filters = parseFilters(form.filters);
  if (filters === null) errors.push({ field: 'filters', code: 'filters' });
  const halls = form.halls
    .split(/[,，\s]+/)
    .map((h) => h.trim())
    .filter(Boolean);
  if (halls.some((h) => !/^\d{9}$/.test(h))) errors.push({ field: 'halls', code: 'halls' });

  const hhmm = /^([01]\d|2[0-3]):[0-5]\d$/;
  if (form.hoursOn && (!hhmm.test(form.hoursFrom) || !hhmm.test(form.hoursTo))) errors.push({ field: 'hours', code: 'time' });

  const base = {
    scope: {
      orgCode: form.orgCode,
      by: isKpi ? form.by : ('total' as const),
      ...(isKpi && halls.length ? { halls } : {}),
      filters: filters ?? {},
    },
    comparator: form.comparator,
    levels,
    hysteresis: { fireAfter: int('fireAfter', form.fireAfter), recoverAfter: int('recoverAfter', form.recoverAfter) },
    calendar: { days: form.calendarDays, ...(form.hoursOn ? { hours: { from: form.hoursFrom, to: form.hoursTo } } : {}) },
    recipients: form.recipients.map((r) => ({ kind: r.kind, ...(r.ref.trim() ? { ref: r.ref.trim() } : {}) })),
    noDataSeverity: form.noDataSeverity,
  };
  const window = () => (form.window === 'minutes' ? { minutes: int('windowMinutes', form.windowMinutes) } : { preset: form.window });

  let spec: RuleSpecInput;
  switch (form.kind) {
    case 'threshold':
      spec = { kind: 'threshold', kpi: form.kpi, window: window(), minCount: int('minCount', form.minCount), ...base } as RuleSpecInput;
      break;
    case 'change':
      if (form.changeMode === 'versus_kpi' && !form.baseKpi) errors.push({ field: 'baseKpi', code: 'baseKpi' });
      spec = {
        kind: 'change',
        kpi: form.kpi,
        windowMinutes: int('windowMinutes', form.windowMinutes),
        mode: form.changeMode,
        ...(form.changeMode === 'versus_kpi' && form.baseKpi ? { baseKpi: form.baseKpi } : {}),
        minCount: int('minCount', form.minCount),
        ...base,
      } as RuleSpecInput;
      break;
    case 'compare':
      spec = {
        kind: 'compare',
        kpi: form.kpi,
        window: window(),
        against: form.against,
        mode: form.compareMode,
        minCount: int('minCount', form.minCount),
        ...base,
      } as RuleSpecInput;
      break;
    case 'anomaly':
      spec = {
        kind: 'anomaly',
        kpi: form.kpi,
        windowMinutes: int('windowMinutes', form.windowMinutes),
        weeks: int('weeks', form.weeks),
        direction: form.direction,
        minSpread: num('minSpread', form.minSpread),
        minCount: int('minCount', form.minCount),
        ...base,
      } as RuleSpecInput;
      break;
    case 'time_limit': {
      const orderTypes = form.orderTypes
        .split(/[,，\s]+/)
        .map((v) => v.trim())
        .filter(Boolean);
      spec = {
        kind: 'time_limit',
        check: form.check,
        ...(form.check === 'outage_notice' && form.outageTypes.length ? { outageTypes: form.outageTypes } : {}),
        ...(form.check === 'work_order_due' && orderTypes.length ? { orderTypes } : {}),
        ...base,
      } as RuleSpecInput;
      break;
    }
    case 'record_event':
      spec = {
        kind: 'record_event',
        event: form.event,
        ...(form.event === 'balance_low' ? { keyOnly: form.keyOnly } : {}),
        windowMinutes: int('windowMinutes', form.windowMinutes),
        minCount: int('minCount', form.minCount),
        ...base,
      } as RuleSpecInput;
      break;
    case 'correlation':
      spec = {
        kind: 'correlation',
        windowMinutes: int('windowMinutes', form.windowMinutes),
        linkKinds: form.linkKinds,
        ...base,
      } as RuleSpecInput;
      break;
  }
  if (errors.length) return { ok: false, errors };
  const nameEn = form.nameEn.trim();
  return { ok: true, rule: { name: form.name.trim(), ...(nameEn ? { nameEn } : {}), enabled: form.enabled, spec } };
}

type AnySpec = Record<string, unknown> & { kind: RuleKind };
const str = (v: unknown, fallback: string) => (typeof v === 'number' ? String(v) : typeof v === 'string' ? v : fallback);

/** A saved rule (as `rules.list` / `rules.get` return it) back into the form, thresholds in display units. */
export function formFromRule(rule: { name: string; nameEn?: string | null; enabled: boolean; spec: unknown }, unitOf: UnitOf): RuleForm {
  const s = rule.spec as AnySpec;
  const scope = (s.scope ?? {}) as { orgCode?: string; by?: ScopeBy; halls?: string[]; filters?: Record<string, string[]> };
  const f = defaultForm(s.kind, scope.orgCode ?? PROVINCE.code);
  const win = s.window as { minutes?: number; preset?: 'today' | 'this_month' } | undefined;
  const hyst = (s.hysteresis ?? {}) as { fireAfter?: number; recoverAfter?: number };
  const cal = (s.calendar ?? {}) as { days?: RuleForm['calendarDays']; hours?: { from: string; to: string } };
  const recipients = (s.recipients ?? []) as { kind: RecipientKind; ref?: string }[];
  const scale = ruleValueScale(
    {
      kind: s.kind,
      kpi: s.kpi as string | undefined,
      mode: s.mode as string | undefined,
      check: s.check as string | undefined,
      event: s.event as string | undefined,
    },
    unitOf,
  ).scale;
  const levels = (s.levels ?? {}) as Partial<Record<Severity, number>>;
  return {
    ...f,
    name: rule.name,
    nameEn: rule.nameEn ?? '',
    enabled: rule.enabled,
    kpi: (s.kpi as string | undefined) ?? f.kpi,
    baseKpi: (s.baseKpi as string | undefined) ?? '',
    window: win?.preset ?? 'minutes',
    windowMinutes: str(win?.minutes ?? s.windowMinutes, f.windowMinutes),
    changeMode: s.kind === 'change' ? ((s.mode as RuleForm['changeMode']) ?? f.changeMode) : f.changeMode,
    against: (s.against as RuleForm['against']) ?? f.against,
    compareMode: s.kind === 'compare' ? ((s.mode as RuleForm['compareMode']) ?? f.compareMode) : f.compareMode,
    weeks: str(s.weeks, f.weeks),
    direction: (s.direction as RuleForm['direction']) ?? f.direction,
    minSpread: str(s.minSpread, f.minSpread),
    check: (s.check as RuleForm['check']) ?? f.check,
    outageTypes: (s.outageTypes as string[] | undefined) ?? [],
    orderTypes: ((s.orderTypes as string[] | undefined) ?? []).join(', '),
    event: (s.event as RuleForm['event']) ?? f.event,
    keyOnly: (s.keyOnly as boolean | undefined) ?? false,
    linkKinds: (s.linkKinds as RuleKind[] | undefined) ?? f.linkKinds,
    minCount: str(s.minCount, f.minCount),
    orgCode: scope.orgCode ?? f.orgCode,
    by: scope.by ?? 'total',
    halls: (scope.halls ?? []).join(', '),
    filters: formatFilters(scope.filters),
    comparator: (s.comparator as Comparator) ?? f.comparator,
    levels: Object.fromEntries(
      SEVERITIES.map((sev) => [sev, levels[sev] === undefined ? '' : String(toDisplay(levels[sev]!, scale))]),
    ) as Record<Severity, string>,
    fireAfter: str(hyst.fireAfter, '1'),
    recoverAfter: str(hyst.recoverAfter, '1'),
    calendarDays: cal.days ?? 'all',
    hoursOn: !!cal.hours,
    hoursFrom: cal.hours?.from ?? f.hoursFrom,
    hoursTo: cal.hours?.to ?? f.hoursTo,
    recipients: recipients.map((r) => ({ kind: r.kind, ref: r.ref ?? '' })),
    noDataSeverity: (s.noDataSeverity as Severity) ?? f.noDataSeverity,
  };
}

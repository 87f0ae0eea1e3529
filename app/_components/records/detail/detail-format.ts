// How a record detail page shows values: field types per record kind, enumeration values translated, org
// codes named (GB/T 2260 divisions), times in Beijing time, durations. Pure functions.
import { findCity, findCounty, PROVINCE } from '@/core/org/divisions';
import { formatDrillTime } from '../../alerts/drill-cell';
import { NO_VALUE } from '../../../_i18n/format';
import type { MessageKey, Translate } from '../../../_i18n/locale';

export type RecordKindName = 'work_order' | 'ticket' | 'call' | 'outage' | 'customer';

/** How one field is shown: a time, a date, an org code, an enumeration (by its dictionary name), … */
export type FieldType = 'time' | 'date' | 'org' | 'bool' | 'number' | 'money' | 'text' | `enum:${string}`;

const COMMON: Record<string, FieldType> = {
  province_code: 'org',
  city_code: 'org',
  county_code: 'org',
  hall_code: 'org',
  src_updated_at: 'time',
  loaded_at: 'time',
};

/** The type of every field the server returns per kind; a field not listed is shown as text. */
export const FIELD_TYPES: Record<RecordKindName, Record<string, FieldType>> = {
  work_order: {
    ...COMMON,
    type: 'enum:type',
    area_class: 'enum:area_class',
    created_at: 'time',
    limit_value: 'number',
    limit_unit: 'enum:limit_unit',
    time_limit_minutes: 'number',
    arrive_due_at: 'time',
    due_at: 'time',
    due_step: 'enum:due_step',
    accepted_at: 'time',
    dispatched_at: 'time',
    arrived_at: 'time',
    handled_at: 'time',
    replied_at: 'time',
    callback_at: 'time',
    closed_at: 'time',
    status: 'enum:wo_status',
    result: 'enum:result',
    cause_tag: 'enum:cause_tag',
    satisfaction: 'enum:satisfaction',
  },
  ticket: {
    ...COMMON,
    window_no: 'number',
    business_type: 'enum:business_type',
    issued_at: 'time',
    called_at: 'time',
    ended_at: 'time',
    status: 'enum:ticket_status',
    rating: 'enum:rating',
  },
  call: {
    ...COMMON,
    skill_group: 'enum:skill_group',
    category: 'enum:category',
    ivr_at: 'time',
    requested_agent_at: 'time',
    ring_at: 'time',
    answered_at: 'time',
    ended_at: 'time',
    outcome: 'enum:outcome',
    short_abandon: 'bool',
  },
  outage: {
    ...COMMON,
    outage_type: 'enum:outage_type',
    created_at: 'time',
    planned_start: 'time',
    planned_end: 'time',
    actual_start: 'time',
    actual_end: 'time',
    affected_customers: 'number',
    status: 'enum:outage_status',
  },
  customer: {
    ...COMMON,
    class: 'enum:class',
    key_account: 'bool',
    prepaid: 'bool',
    opened_on: 'date',
  },
};

/** A dictionary lookup that falls back when the key is not there (a value the dictionary does not know). */
export function lookup(t: Translate, key: string, fallback: string): string {
  const s = t(key as MessageKey);
  return s === key ? fallback : s;
}

/** An enumeration value's name, or the raw value when the dictionary has none; '' is "none" (—). */
export function enumName(t: Translate, enumeration: string, value: unknown): string {
  if (value === null || value === undefined || value === '') return NO_VALUE;
  return lookup(t, `records.e.${enumeration}.${String(value)}`, String(value));
}

/** The label of a field, the kind's own wording first. */
export function fieldLabel(t: Translate, kind: RecordKindName, name: string): string {
  return lookup(t, `records.f.${kind}.${name}`, lookup(t, `records.f.${name}`, name));
}

/** An org code with its name: province, city or county from the divisions; a hall by the name given. */
export function orgName(code: string, hallName?: string | null): string {
  if (code === PROVINCE.code) return PROVINCE.name;
  if (code.length === 4) return findCity(code)?.name ?? code;
  if (code.length === 6) return findCounty(code)?.name ?? code;
  return hallName ?? code;
}

/** A Date column ('YYYY-MM-DD'): shown as is (a calendar date has no zone). */
function formatDate(v: unknown): string {
  return typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v) && v !== '1970-01-01' ? v : NO_VALUE;
}

const money = new Intl.NumberFormat('zh-CN', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

export function formatMoney(v: unknown): string {
  return typeof v === 'number' && Number.isFinite(v) ? money.format(v) : NO_VALUE;
}

/** One field's value as shown. */
export function formatField(t: Translate, type: FieldType | undefined, v: unknown, hallName?: string | null): string {
  if (v === null || v === undefined || v === '') return NO_VALUE;
  switch (type) {
    case 'time':
      return formatDrillTime(v);
    case 'date':
      return formatDate(v);
    case 'org':
      return `${orgName(String(v), hallName)}（${String(v)}）`;
    case 'bool':
      return v === true || v === 1 ? t('records.yes') : t('records.no');
    case 'money':
      return formatMoney(v);
    case 'number':
      return typeof v === 'number' ? String(v) : String(v);
    case undefined:
    case 'text':
      return String(v);
    default:
      return enumName(t, type.slice(5), v);
  }
}

/** A duration in ms as "45 秒" / "12 分 5 秒" / "3 小时 2 分" / "2 天 4 小时" (en: 45 s / 12 min 5 s / …). */
export function formatDuration(ms: number | null | undefined, locale: 'zh-CN' | 'en'): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return NO_VALUE;
  const neg = ms < 0;
  const s = Math.round(Math.abs(ms) / 1000);
  const zh = locale === 'zh-CN';
  let out: string;
  if (s < 60) out = zh ? `${s} 秒` : `${s} s`;
  else if (s < 3600) out = zh ? `${Math.floor(s / 60)} 分 ${s % 60} 秒` : `${Math.floor(s / 60)} min ${s % 60} s`;
  else if (s < 86_400) {
    const h = Math.floor(s / 3600);
    const m = Math.floor((s % 3600) / 60);
    out = zh ? `${h} 小时 ${m} 分` : `${h} h ${m} min`;
  } else {
    const d = Math.floor(s / 86_400);
    const h = Math.floor((s % 86_400) / 3600);
    out = zh ? `${d} 天 ${h} 小时` : `${d} d ${h} h`;
  }
  return neg ? `−${out}` : out;
}

/** The dashboard of the record's domain at its unit (the breadcrumb's last link before the record). */
export const DASHBOARD_PATH: Record<RecordKindName, string> = {
  work_order: '/work-orders',
  ticket: '/queue',
  call: '/calls',
  outage: '/outages',
  customer: '/arrears',
};

export function dashboardHref(kind: RecordKindName, orgCode: string): string {
  return `${DASHBOARD_PATH[kind]}?org=${encodeURIComponent(orgCode)}`;
}

/** The org chain of a record's unit, province first: [code, name] pairs for the breadcrumb. */
export function orgChain(org: {
  provinceCode: string;
  cityCode: string;
  countyCode: string;
  hallCode: string | null;
  hallName: string | null;
}) {
  const chain: { code: string; name: string }[] = [
    { code: org.provinceCode, name: orgName(org.provinceCode) },
    { code: org.cityCode, name: orgName(org.cityCode) },
    { code: org.countyCode, name: orgName(org.countyCode) },
  ];
  if (org.hallCode) chain.push({ code: org.hallCode, name: org.hallName ?? org.hallCode });
  return chain;
}

/** The tone a step state is drawn in. */
export function stateTone(state: string): 'ok' | 'warn' | 'bad' | 'muted' | 'info' {
  switch (state) {
    case 'on_time':
    case 'done':
      return 'ok';
    case 'warn':
    case 'near_due':
      return 'warn';
    case 'late':
    case 'overdue':
      return 'bad';
    case 'pending':
      return 'info';
    default:
      return 'muted';
  }
}

/** The detail page of a related record. */
export function recordPath(kind: RecordKindName, id: string): string {
  const seg = encodeURIComponent(id);
  switch (kind) {
    case 'work_order':
      return `/work-orders/${seg}`;
    case 'ticket':
      return `/queue/tickets/${seg}`;
    case 'call':
      return `/calls/${seg}`;
    case 'outage':
      return `/outages/${seg}`;
    case 'customer':
      return `/arrears/customers/${seg}`;
  }
}

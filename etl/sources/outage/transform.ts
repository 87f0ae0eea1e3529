import { z } from 'zod';
import { findCounty } from '@/core/org/divisions';
import { chTime, parseLocal } from '@/core/time';
import type { FlaggedField } from '../../runtime/job';
import { NOTICE_CHANNEL, OUTAGE_STATUS, OUTAGE_TYPE, SEND_RESULT, SMS_DELIVERED } from './source-schema';

// Outage system rows and SMS gateway report records → fact rows. A record that cannot be read is returned as a
// reason instead of a row, so one bad record is quarantined while the rest of the page or file loads. A record
// with one impossible field (DOMAIN.md §2, opening) is loaded with that field emptied and named in `flags`.

export type Transform = { ok: true; row: Record<string, unknown>; flags?: FlaggedField[] } | { ok: false; reason: string };

const invert = <K extends string, V extends string | number>(m: Record<K, V>): Map<V, K> =>
  new Map(Object.entries(m).map(([k, v]) => [v as V, k as K]));

const TYPE = invert(OUTAGE_TYPE);
const STATUS = invert(OUTAGE_STATUS);
const CHANNEL = invert(NOTICE_CHANNEL);
const RESULT = invert(SEND_RESULT);

const malformed = (error: z.ZodError) => ({
  ok: false as const,
  reason: `malformed row: ${error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`,
});

/** Local wall-clock fields → epoch ms; the first bad one is the reason. */
function times<K extends string>(
  row: Record<K, string | null>,
  fields: readonly K[],
  tz: string,
): { ok: true; ms: Partial<Record<K, number>> } | { ok: false; reason: string } {
  const ms: Partial<Record<K, number>> = {};
  for (const f of fields) {
    const v = row[f];
    if (v === null || v === '') continue;
    const t = parseLocal(v, tz);
    if (t === null) return { ok: false, reason: `bad date in ${f}: ${JSON.stringify(v)}` };
    ms[f] = t;
  }
  return { ok: true, ms };
}

const text = z.coerce.string();
const optionalText = z
  .string()
  .nullable()
  .optional()
  .transform((v) => v ?? null);

export const sourceOutageSchema = z.object({
  outage_id: z.string().min(1),
  outage_type: z.string(),
  county_code: text,
  feeder_name: z.string(),
  area_desc: z.string(),
  plan_start: z.string(),
  plan_end: z.string(),
  actual_start: optionalText,
  actual_end: optionalText,
  affected_count: z.coerce.number().int().min(0),
  status: text,
  create_time: z.string(),
  updated_at: z.string(),
});

export function transformOutage(raw: unknown, tz: string, source: string): Transform {
  const parsed = sourceOutageSchema.safeParse(raw);
  if (!parsed.success) return malformed(parsed.error);
  const o = parsed.data;
  const county = findCounty(o.county_code);
  if (!county) return { ok: false, reason: `unknown county code ${o.county_code}` };
  const type = TYPE.get(o.outage_type as never);
  if (!type) return { ok: false, reason: `unknown outage type ${JSON.stringify(o.outage_type)}` };
  const status = STATUS.get(o.status as never);
  if (!status) return { ok: false, reason: `unknown status code ${o.status}` };
  const t = times(o, ['plan_start', 'plan_end', 'actual_start', 'actual_end', 'create_time', 'updated_at'] as const, tz);
  if (!t.ok) return t;
  const { plan_start: ps, plan_end: pe, actual_start: as, actual_end: ae, create_time: created, updated_at: updated } = t.ms;
  if (ps === undefined || pe === undefined || created === undefined || updated === undefined)
    return { ok: false, reason: 'plan_start, plan_end, create_time and updated_at are required' };
  if (pe < ps) return { ok: false, reason: 'plan_end before plan_start' };
  if (ae !== undefined && (as === undefined || ae < as)) return { ok: false, reason: 'actual_end before actual_start' };
  if ((status === 'in_progress' || status === 'restored') && as === undefined)
    return { ok: false, reason: `status ${status} without actual_start` };
  return {
    ok: true,
    row: {
      outage_id: o.outage_id,
      source,
      province_code: county.cityCode.slice(0, 2),
      city_code: county.cityCode,
      county_code: county.code,
      outage_type: type,
      feeder: o.feeder_name,
      area: o.area_desc,
      created_at: chTime(created),
      planned_start: chTime(ps),
      planned_end: chTime(pe),
      actual_start: as === undefined ? null : chTime(as),
      actual_end: ae === undefined ? null : chTime(ae),
      affected_customers: o.affected_count,
      status,
      src_updated_at: chTime(updated),
    },
  };
}

export const sourceOutageCustomerSchema = z.object({
  rec_id: z.string().min(1),
  outage_id: z.string().min(1),
  cust_no: z.coerce.string().min(1),
  important_flag: z.coerce.number().int().min(0).max(1),
  updated_at: z.string(),
});

export function transformOutageCustomer(raw: unknown, tz: string, source: string): Transform {
  const parsed = sourceOutageCustomerSchema.safeParse(raw);
  if (!parsed.success) return malformed(parsed.error);
  const c = parsed.data;
  const updated = parseLocal(c.updated_at, tz);
  if (updated === null) return { ok: false, reason: `bad date in updated_at: ${JSON.stringify(c.updated_at)}` };
  return {
    ok: true,
    row: {
      outage_id: c.outage_id,
      customer_id: c.cust_no,
      source,
      important: c.important_flag,
      src_updated_at: chTime(updated),
    },
  };
}

export const sourceNoticeSchema = z.object({
  notice_id: z.string().min(1),
  outage_id: z.string().min(1),
  cust_no: z.coerce.string().nullable().optional(),
  channel: z.string(),
  msg_id: z.coerce.string().nullable().optional(),
  send_time: z.string(),
  send_result: z.coerce.number().int().nullable().optional(),
  fail_desc: optionalText,
  updated_at: z.string(),
});

export function transformNotice(raw: unknown, tz: string, source: string): Transform {
  const parsed = sourceNoticeSchema.safeParse(raw);
  if (!parsed.success) return malformed(parsed.error);
  const n = parsed.data;
  const channel = CHANNEL.get(n.channel as never);
  if (!channel) return { ok: false, reason: `unknown channel ${JSON.stringify(n.channel)}` };
  const t = times(n, ['send_time', 'updated_at'] as const, tz);
  if (!t.ok) return t;
  const { send_time: sent, updated_at: updated } = t.ms;
  if (sent === undefined || updated === undefined) return { ok: false, reason: 'send_time and updated_at are required' };
  const msgId = n.msg_id ?? '';
  if (channel === 'sms' && !msgId) return { ok: false, reason: 'SMS notice without msg_id' };
  const customer = n.cust_no ?? '';
  if (!customer && channel !== 'announcement') return { ok: false, reason: `${channel} notice without cust_no` };
  let status: 'pending' | 'delivered' | 'failed' = 'pending';
  if (n.send_result !== null && n.send_result !== undefined) {
    const r = RESULT.get(n.send_result as never);
    if (!r) return { ok: false, reason: `unknown send_result ${n.send_result}` };
    status = r;
  }
  return {
    ok: true,
    row: {
      notice_id: n.notice_id,
      source,
      outage_id: n.outage_id,
      customer_id: customer,
      channel,
      msg_id: msgId,
      sent_at: chTime(sent),
      delivery_status: status,
      failure_reason: n.fail_desc ?? '',
      src_updated_at: chTime(updated),
    },
  };
}

/** One record of the SMS gateway's delivery report (短信状态报告), keyed by its Chinese column names. */
export const smsReportSchema = z.object({
  短信ID: z.string().trim().min(1),
  手机号码: z
    .string()
    .trim()
    .regex(/^(\+?86)?1\d{10}$/, 'not a mobile number'),
  发送时间: z.string(),
  报告时间: z.string(),
  状态报告: z.string().trim().min(1),
  失败原因: z.string().optional().default(''),
});

/** 138****5678: the report table keeps enough of the number to recognise it, not the number. */
export const maskMobile = (phone: string) => {
  const p = phone.replace(/^\+?86/, '');
  return `${p.slice(0, 3)}****${p.slice(7)}`;
};

/** Longest a gateway takes to report on a message: operators give up delivering after 72 h, so a week is impossible. */
export const MAX_SMS_REPORT_DELAY_MS = 7 * 86_400_000;

/**
 * A delivery report is read from its message id and status; its times are needed by no figure (a customer is
 * notified when the report says delivered, at the notice's own send time). An impossible 发送时间 or 报告时间
 * (24:61, a report before its message was sent, a year away) is emptied and flagged, and the report still
 * counts. fact_sms_report.sent_at / reported_at are not Nullable: an emptied time is stored as the column's
 * default, the zero DateTime, which readers treat as none.
 */
export function transformSmsReport(raw: unknown, tz: string, source: string, fileName: string): Transform {
  const parsed = smsReportSchema.safeParse(raw);
  if (!parsed.success) return malformed(parsed.error);
  const r = parsed.data;
  const flags: FlaggedField[] = [];
  const at = (field: '发送时间' | '报告时间'): number | null => {
    const v = r[field].trim();
    if (v === '') {
      flags.push({ field, reason: `${field} missing` });
      return null;
    }
    const ms = parseLocal(v, tz);
    if (ms === null) flags.push({ field, reason: `bad date in ${field}: ${JSON.stringify(r[field])}` });
    return ms;
  };
  const sent = at('发送时间');
  let reported = at('报告时间');
  if (sent !== null && reported !== null && reported < sent) {
    flags.push({ field: '报告时间', reason: '报告时间 before 发送时间' });
    reported = null;
  } else if (sent !== null && reported !== null && reported - sent > MAX_SMS_REPORT_DELAY_MS) {
    flags.push({ field: '报告时间', reason: '报告时间 more than 7 days after 发送时间' });
    reported = null;
  }
  const delivered = r.状态报告 === SMS_DELIVERED;
  return {
    ok: true,
    flags,
    row: {
      msg_id: r.短信ID,
      source,
      phone_masked: maskMobile(r.手机号码),
      sent_at: sent === null ? null : chTime(sent),
      reported_at: reported === null ? null : chTime(reported),
      delivery_status: delivered ? 'delivered' : 'failed',
      status_code: r.状态报告,
      failure_reason: delivered ? '' : r.失败原因.trim() || r.状态报告,
      file_name: fileName,
      // The version of the report: a later report on the same message replaces this one.
      src_updated_at: chTime(reported ?? sent ?? 0),
    },
  };
}

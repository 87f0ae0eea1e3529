import { z } from 'zod';
import { findCounty } from '@/core/org/divisions';
import { chTime, offsetMs, parseLocal } from '@/core/time';
import {
  BANKS,
  CHANNEL_LABEL,
  CLASS_LABEL,
  CONTROL_LABEL,
  DUNNING_CHANNEL_LABEL,
  HEADERS,
  invert,
  NO,
  RESULT_LABEL,
  YES,
  type BillingKind,
  type CustomerClass,
} from './source-schema';

// Export records → dimension and fact rows. Anything that cannot be trusted is returned as a reason instead of
// a row, so one bad line is quarantined while the rest of the file loads.

export type Transform = { ok: true; row: Record<string, unknown> } | { ok: false; reason: string };

/** The customer's org and class, denormalised onto every fact row. */
export interface CustomerOrg {
  provinceCode: string;
  cityCode: string;
  countyCode: string;
  cls: string;
  /** 重点户, from the customer master. */
  keyAccount?: boolean;
}

/** An export record (Chinese headers) → the same record under the field names of HEADERS[kind]. */
export function fieldsOf(kind: BillingKind, record: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [field, header] of Object.entries(HEADERS[kind])) out[field] = (record[header] ?? '').trim();
  return out;
}

/** Headers of HEADERS[kind] the file does not have: a file without them is rejected, not quarantined line by line. */
export function missingHeaders(kind: BillingKind, record: Record<string, string>): string[] {
  return Object.values(HEADERS[kind]).filter((h) => !(h in record));
}

const text = z.string();
const id = z.string().min(1, 'required');
const malformed = (e: z.ZodError) => `malformed row: ${e.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`;

/** Yuan text → cents; null when it is not a number. Excel may hand over 1234.5 or 1234.5600000001. */
function cents(v: string): number | null {
  if (!/^-?\d+(\.\d+)?$/.test(v)) return null;
  return Math.round(Number(v) * 100);
}
const decimal = (c: number) => `${c < 0 ? '-' : ''}${Math.floor(Math.abs(c) / 100)}.${String(Math.abs(c) % 100).padStart(2, '0')}`;

/** An amount that must be a non-negative number of yuan. */
function amount(field: string, v: string): { ok: true; value: string } | { ok: false; reason: string } {
  const c = cents(v);
  if (c === null) return { ok: false, reason: `bad amount in ${field}: ${JSON.stringify(v)}` };
  if (c < 0) return { ok: false, reason: `negative amount in ${field}: ${v}` };
  return { ok: true, value: decimal(c) };
}

/** 'YYYY-MM-DD' (or 'YYYY-MM' for a month) that is a real calendar day. */
function dateOnly(v: string, month = false): string | null {
  const m = (month ? /^(\d{4})-(\d{1,2})$/ : /^(\d{4})-(\d{1,2})-(\d{1,2})$/).exec(v);
  if (!m) return null;
  const [y, mo, d = '1'] = m.slice(1) as [string, string, string?];
  const date = new Date(Date.UTC(+y, +mo - 1, +d));
  if (date.getUTCMonth() !== +mo - 1 || date.getUTCDate() !== +d) return null;
  return date.toISOString().slice(0, 10);
}

function time(field: string, v: string, tz: string): { ok: true; ms: number } | { ok: false; reason: string } {
  const ms = parseLocal(v, tz);
  return ms === null ? { ok: false, reason: `bad date in ${field}: ${JSON.stringify(v)}` } : { ok: true, ms };
}

const classByLabel = invert(CLASS_LABEL);
const channelByLabel = invert(CHANNEL_LABEL);
const resultByLabel = invert(RESULT_LABEL);
const dunningByLabel = invert(DUNNING_CHANNEL_LABEL);
const flag = (v: string) =>
  v === YES || v === '1' || v.toUpperCase() === 'Y' ? 1 : v === NO || v === '0' || v.toUpperCase() === 'N' || v === '' ? 0 : null;

export const customerRecordSchema = z.object({
  customer_id: id,
  name: text,
  county_code: id,
  class: id,
  industry: text,
  key_account: text,
  prepaid: text,
  bank: text,
  opened_on: text,
});

/** One line of the customer master (客户档案); `exportedAt` versions it (a later export wins). */
export function transformCustomer(raw: Record<string, string>, exportedAt: number): Transform {
  const parsed = customerRecordSchema.safeParse(raw);
  if (!parsed.success) return { ok: false, reason: malformed(parsed.error) };
  const c = parsed.data;
  const county = findCounty(c.county_code);
  if (!county) return { ok: false, reason: `unknown county code ${c.county_code}` };
  const cls = classByLabel.get(c.class);
  if (!cls) return { ok: false, reason: `unknown customer class ${JSON.stringify(c.class)}` };
  const key = flag(c.key_account);
  const prepaid = flag(c.prepaid);
  if (key === null || prepaid === null) return { ok: false, reason: `bad yes/no flag: ${JSON.stringify([c.key_account, c.prepaid])}` };
  if (c.bank && !(BANKS as readonly string[]).includes(c.bank)) return { ok: false, reason: `unknown bank ${JSON.stringify(c.bank)}` };
  const opened = c.opened_on === '' ? '1970-01-01' : dateOnly(c.opened_on);
  if (!opened) return { ok: false, reason: `bad date in opened_on: ${JSON.stringify(c.opened_on)}` };
  return {
    ok: true,
    row: {
      customer_id: c.customer_id,
      customer_name: c.name,
      province_code: county.cityCode.slice(0, 2),
      city_code: county.cityCode,
      county_code: county.code,
      class: cls satisfies CustomerClass,
      industry: c.industry,
      key_account: key,
      prepaid,
      bank: c.bank,
      opened_on: opened,
      src_updated_at: chTime(exportedAt),
    },
  };
}

const orgColumns = (o: CustomerOrg) => ({ province_code: o.provinceCode, city_code: o.cityCode, county_code: o.countyCode, class: o.cls });

export const billRecordSchema = z.object({
  bill_id: id,
  customer_id: id,
  bill_month: id,
  amount: id,
  due_date: id,
  issued_at: id,
});

/** One line of a bills export (电费账单). */
export function transformBill(raw: Record<string, string>, customers: Map<string, CustomerOrg>, tz: string): Transform {
  const parsed = billRecordSchema.safeParse(raw);
  if (!parsed.success) return { ok: false, reason: malformed(parsed.error) };
  const b = parsed.data;
  const a = amount('amount', b.amount);
  if (!a.ok) return a;
  const month = dateOnly(b.bill_month, true);
  if (!month) return { ok: false, reason: `bad date in bill_month: ${JSON.stringify(b.bill_month)}` };
  const due = dateOnly(b.due_date);
  if (!due) return { ok: false, reason: `bad date in due_date: ${JSON.stringify(b.due_date)}` };
  const issued = time('issued_at', b.issued_at, tz);
  if (!issued.ok) return issued;
  const org = customers.get(b.customer_id);
  if (!org) return { ok: false, reason: `unknown customer ${b.customer_id}` };
  return {
    ok: true,
    row: {
      bill_id: b.bill_id,
      customer_id: b.customer_id,
      ...orgColumns(org),
      bill_month: month,
      amount: a.value,
      due_date: due,
      issued_at: chTime(issued.ms),
      src_updated_at: chTime(issued.ms),
    },
  };
}

export const paymentRecordSchema = z.object({
  payment_id: id,
  bill_id: id,
  customer_id: id,
  amount: id,
  paid_at: id,
  channel: id,
  bank: text,
  result: id,
  failure_reason: text,
});

/** One line of a payments export (缴费流水): a payment, or a bank debit attempt that failed. */
export function transformPayment(raw: Record<string, string>, customers: Map<string, CustomerOrg>, tz: string): Transform {
  const parsed = paymentRecordSchema.safeParse(raw);
  if (!parsed.success) return { ok: false, reason: malformed(parsed.error) };
  const p = parsed.data;
  const a = amount('amount', p.amount);
  if (!a.ok) return a;
  const paid = time('paid_at', p.paid_at, tz);
  if (!paid.ok) return paid;
  const channel = channelByLabel.get(p.channel);
  if (!channel) return { ok: false, reason: `unknown channel ${JSON.stringify(p.channel)}` };
  const result = resultByLabel.get(p.result);
  if (!result) return { ok: false, reason: `unknown debit result ${JSON.stringify(p.result)}` };
  if (channel === 'bank_debit' && !p.bank) return { ok: false, reason: 'bank debit without a bank' };
  if (result === 'failed' && !p.failure_reason) return { ok: false, reason: 'failed payment without a reason' };
  const org = customers.get(p.customer_id);
  if (!org) return { ok: false, reason: `unknown customer ${p.customer_id}` };
  return {
    ok: true,
    row: {
      payment_id: p.payment_id,
      bill_id: p.bill_id,
      customer_id: p.customer_id,
      ...orgColumns(org),
      amount: a.value,
      paid_at: chTime(paid.ms),
      channel,
      bank: p.bank,
      result,
      failure_reason: result === 'failed' ? p.failure_reason : '',
      src_updated_at: chTime(paid.ms),
    },
  };
}

export const dunningRecordSchema = z.object({
  dunning_id: id,
  customer_id: id,
  bill_id: text,
  dunned_at: id,
  channel: id,
  amount_owed: id,
});

/** One line of a dunning export (催费记录). */
export function transformDunning(raw: Record<string, string>, customers: Map<string, CustomerOrg>, tz: string): Transform {
  const parsed = dunningRecordSchema.safeParse(raw);
  if (!parsed.success) return { ok: false, reason: malformed(parsed.error) };
  const d = parsed.data;
  const a = amount('amount_owed', d.amount_owed);
  if (!a.ok) return a;
  const at = time('dunned_at', d.dunned_at, tz);
  if (!at.ok) return at;
  const channel = dunningByLabel.get(d.channel);
  if (!channel) return { ok: false, reason: `unknown dunning channel ${JSON.stringify(d.channel)}` };
  const org = customers.get(d.customer_id);
  if (!org) return { ok: false, reason: `unknown customer ${d.customer_id}` };
  return {
    ok: true,
    row: {
      dunning_id: d.dunning_id,
      customer_id: d.customer_id,
      bill_id: d.bill_id,
      ...orgColumns(org),
      dunned_at: chTime(at.ms),
      channel,
      amount_owed: a.value,
      src_updated_at: chTime(at.ms),
    },
  };
}

export const reconnectionRecordSchema = z.object({
  disconnection_id: id,
  customer_id: id,
  notice_at: id,
  disconnected_at: id,
  paid_at: text,
  reconnected_at: text,
  updated_at: id,
});

/** One line of a disconnection/reconnection export (停复电记录), as of the export. */
export function transformReconnection(raw: Record<string, string>, customers: Map<string, CustomerOrg>, tz: string): Transform {
  const parsed = reconnectionRecordSchema.safeParse(raw);
  if (!parsed.success) return { ok: false, reason: malformed(parsed.error) };
  const r = parsed.data;
  const times: Partial<Record<'notice_at' | 'disconnected_at' | 'paid_at' | 'reconnected_at' | 'updated_at', number>> = {};
  for (const field of ['notice_at', 'disconnected_at', 'paid_at', 'reconnected_at', 'updated_at'] as const) {
    if (r[field] === '') continue;
    const t = time(field, r[field], tz);
    if (!t.ok) return t;
    times[field] = t.ms;
  }
  const { notice_at: notice, disconnected_at: cut, paid_at: paid, reconnected_at: back, updated_at: updated } = times;
  if (notice === undefined || cut === undefined || updated === undefined)
    return { ok: false, reason: 'notice, disconnection and update times are required' };
  if (cut < notice) return { ok: false, reason: 'disconnected_at before notice_at' };
  if (back !== undefined && paid === undefined) return { ok: false, reason: 'reconnected_at without paid_at' };
  if (back !== undefined && back < paid!) return { ok: false, reason: 'reconnected_at before paid_at' };
  const org = customers.get(r.customer_id);
  if (!org) return { ok: false, reason: `unknown customer ${r.customer_id}` };
  return {
    ok: true,
    row: {
      disconnection_id: r.disconnection_id,
      customer_id: r.customer_id,
      ...orgColumns(org),
      notice_at: chTime(notice),
      disconnected_at: chTime(cut),
      paid_at: paid === undefined ? null : chTime(paid),
      reconnected_at: back === undefined ? null : chTime(back),
      src_updated_at: chTime(updated),
    },
  };
}

export const balanceRecordSchema = z.object({
  customer_id: id,
  control: id,
  balance: id,
  expected_charge: id,
  snapshot_at: id,
});

const controlByLabel = invert(CONTROL_LABEL);

/**
 * Text a wrong decode leaves behind: U+FFFD, '锟斤拷' (U+FFFD's UTF-8 bytes read as GBK), '?' runs from a lossy
 * conversion to a code page, C1 controls. The file-drop reader rejects a whole file it cannot decode; a line
 * garbled upstream (one record re-encoded by hand) passes it and is caught here.
 */
const GARBLED = /\uFFFD|锟斤拷|\?{2,}|[\u0080-\u009F]/;

/** One line of a balance snapshot export (余额快照) of a prepaid or load-controlled customer. */
export function transformBalance(raw: Record<string, string>, customers: Map<string, CustomerOrg>, tz: string): Transform {
  const parsed = balanceRecordSchema.safeParse(raw);
  if (!parsed.success) return { ok: false, reason: malformed(parsed.error) };
  const b = parsed.data;
  for (const field of ['customer_id', 'control', 'balance', 'expected_charge', 'snapshot_at'] as const)
    if (GARBLED.test(b[field])) return { ok: false, reason: `wrong encoding in ${field}: ${JSON.stringify(b[field])}` };
  const control = controlByLabel.get(b.control);
  if (!control) return { ok: false, reason: `unknown control mode ${JSON.stringify(b.control)}` };
  // The balance may be negative (a customer in debt); the expected charge is what the ratio divides by.
  const balance = cents(b.balance);
  if (balance === null) return { ok: false, reason: `bad amount in balance: ${JSON.stringify(b.balance)}` };
  const expected = amount('expected_charge', b.expected_charge);
  if (!expected.ok) return expected;
  if (cents(b.expected_charge) === 0) return { ok: false, reason: 'expected_charge is zero' };
  const at = time('snapshot_at', b.snapshot_at, tz);
  if (!at.ok) return at;
  const org = customers.get(b.customer_id);
  if (!org) return { ok: false, reason: `unknown customer ${b.customer_id}` };
  const local = new Date(at.ms + offsetMs(at.ms, tz));
  return {
    ok: true,
    row: {
      customer_id: b.customer_id,
      ...orgColumns(org),
      key_account: org.keyAccount ? 1 : 0,
      control,
      balance: decimal(balance),
      expected_charge: expected.value,
      snapshot_at: chTime(at.ms),
      // A snapshot at local midnight closes a day: kept for good, the hourly ones only for a fortnight.
      day_end: local.getUTCHours() === 0 && local.getUTCMinutes() === 0 && local.getUTCSeconds() === 0 ? 1 : 0,
      src_updated_at: chTime(at.ms),
    },
  };
}

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { ClickHouse } from '@/core/clickhouse/client';
import { createDb, type Db } from '@/server/db/client';
import { applyMigrations } from '@/server/db/migrate';
import { maskValue } from '@/server/auth/mask';
import type { Runtime } from '@/server/runtime';
import type { Context, SessionUser } from '@/server/trpc/context';
import { createCaller } from '@/server/trpc/root';
import { MIGRATIONS_DIR } from '../db/helpers';
import { dropTestClickHouse, testClickHouse } from '../helpers/clickhouse';
import { loadSimulatorData } from '../helpers/kpi-fixture';
import { testRuntime } from '../helpers/runtime';
import { trpcError } from '../helpers/trpc';

// The record detail procedures (issue 15) on simulator data: each returns its record with the fields of the
// source row (recounted here with plain SQL, not the repositories), its steps in time order against their
// limits, what touches it (alerts, supervision items, notes); a record of another city is refused, an unknown
// id is NOT_FOUND, personal data is masked unless revealed (audited), a note is stored and audited.

const TZ = 'Asia/Shanghai';
const NOW = Date.parse('2026-11-23T11:00:00+08:00');
let ch: ClickHouse;
let db: Db;
let rt: Runtime;

const ADMIN: SessionUser = { id: 'admin-zhang', name: '张管理', role: 'admin', orgCode: '53', kind: 'user' };
const KM_MANAGER: SessionUser = { id: 'km-li', name: '李经理', role: 'manager', orgCode: '5301', kind: 'user' };
const KM_DUTY: SessionUser = { id: 'km-duty', name: '昆明值班', role: 'duty_officer', orgCode: '5301', kind: 'user' };
const VIEWER: SessionUser = { id: 'viewer-wu', name: '吴查看', role: 'viewer', orgCode: '53', kind: 'user' };
const caller = (user: SessionUser) => createCaller({ rt, user, headers: new Headers(), now: () => NOW } satisfies Context);

const anyRow = z.record(z.string(), z.unknown());
/** Plain SQL of the test's own (values bound like everywhere else). */
const sql = (q: string, params: Record<string, unknown> = {}) => ch.query('test.records', q, params, anyRow);
/** ClickHouse DateTime text (UTC) → ISO with Z; null stays null. */
const iso = (v: unknown) => (v === null || v === undefined ? null : new Date(`${String(v).replace(' ', 'T')}Z`).toISOString());
const ms = (v: string | null | undefined) => (v ? Date.parse(v) : null);

/** One id per kind in Kunming (5301) and in Qujing (5303), found with plain SQL. */
const ids = {
  km: { order: '', ticket: '', call: '', outage: '', bill: '', customer: '' },
  qj: { order: '', ticket: '', call: '', outage: '', bill: '' },
};

async function firstId(q: string, city: string): Promise<string> {
  const rows = await sql(q, { city });
  expect(rows.length, q).toBeGreaterThan(0);
  return String(Object.values(rows[0]!)[0]);
}

beforeAll(async () => {
  ch = await testClickHouse();
  db = await createDb({ dataDir: '/nonexistent', memory: true });
  await applyMigrations(db, MIGRATIONS_DIR);
  rt = testRuntime({ ch, db, env: { BUSINESS_TZ: TZ }, bootedAt: NOW - 3_600_000 });
  await loadSimulatorData(ch, NOW, { customers: 400 });
  for (const [key, city] of [
    ['km', '5301'],
    ['qj', '5303'],
  ] as const) {
    // A fault-repair order that has arrived (its arrive step has a limit and an actor), closed or not.
    ids[key].order = await firstId(
      `SELECT order_id FROM fact_work_order FINAL WHERE city_code = {city:String} AND type = 'fault_repair' AND arrived_at IS NOT NULL
       ORDER BY created_at, order_id LIMIT 1`,
      city,
    );
    ids[key].ticket = await firstId(
      `SELECT ticket_id FROM fact_queue_ticket FINAL WHERE city_code = {city:String} AND status = 'served' ORDER BY issued_at, ticket_id LIMIT 1`,
      city,
    );
    ids[key].call = await firstId(
      `SELECT call_id FROM fact_call FINAL WHERE city_code = {city:String} AND outcome = 'answered' ORDER BY ivr_at, call_id LIMIT 1`,
      city,
    );
    ids[key].outage = await firstId(
      `SELECT o.outage_id FROM fact_outage AS o FINAL
       WHERE o.city_code = {city:String} AND o.outage_id IN (SELECT outage_id FROM fact_notice WHERE customer_id != '')
       ORDER BY o.outage_id LIMIT 1`,
      city,
    );
    ids[key].bill = await firstId(
      `SELECT bill_id FROM fact_bill FINAL WHERE city_code = {city:String}
         AND customer_id IN (SELECT customer_id FROM dim_customer) ORDER BY bill_id LIMIT 1`,
      city,
    );
  }
  ids.km.customer = String(
    (await sql('SELECT customer_id FROM fact_bill FINAL WHERE bill_id = {b:String}', { b: ids.km.bill }))[0]!.customer_id,
  );
}, 600_000);

afterAll(async () => {
  await db?.close();
  if (ch) await dropTestClickHouse(ch);
});

describe('records.workOrder', () => {
  it('returns every field of the source row and the steps in time order against arrive_due_at / due_at', async () => {
    const id = ids.km.order;
    const d = await caller(KM_MANAGER).records.workOrder({ id });
    const [src] = await sql('SELECT * FROM fact_work_order FINAL WHERE order_id = {id:String}', { id });
    for (const [col, v] of Object.entries(src!)) {
      const got = (d.record as Record<string, unknown>)[col];
      if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}/.test(v)) expect([col, got]).toEqual([col, iso(v)]);
      else if (v === null) expect([col, got]).toEqual([col, null]);
      else expect([col, String(got)]).toEqual([col, String(v)]);
    }
    expect(d.org).toMatchObject({ countyCode: src!.county_code, cityCode: '5301', cityName: '昆明市' });

    // Steps: created first, closed last, the reached ones in time order; actors from the step rows.
    const keys = d.timeline.map((s) => s.key);
    expect(keys).toEqual(['created', 'accept', 'dispatch', 'arrive', 'handle', 'reply', 'callback', 'closed']);
    const times = d.timeline.map((s) => ms(s.at)).filter((x): x is number => x !== null);
    expect(times.length).toBeGreaterThan(3);
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    const steps = await sql('SELECT step, actor, at FROM fact_work_order_step FINAL WHERE order_id = {id:String}', { id });
    expect(steps.length).toBeGreaterThan(0);
    for (const s of steps) {
      const step = d.timeline.find((x) => x.key === s.step)!;
      expect([s.step, step.actor, step.at]).toEqual([s.step, s.actor, iso(s.at)]);
    }

    // Limits: arrive against arrive_due_at, the due step against due_at; near due at the configured share.
    const share = (await rt.kpi.getParams())['workorder.nearDueShare'];
    const created = ms(iso(src!.created_at))!;
    const arrive = d.timeline.find((s) => s.key === 'arrive')!;
    expect(arrive.due).toBe(iso(src!.arrive_due_at));
    const arriveDue = ms(arrive.due)!;
    expect(ms(arrive.nearAt)).toBe(created + share * (arriveDue - created));
    expect(arrive.state).toBe(ms(iso(src!.arrived_at))! <= arriveDue ? 'on_time' : 'late');
    const limited = d.timeline.find((s) => s.key === src!.due_step)!;
    expect(limited.due).toBe(iso(src!.due_at));
    const doneAt = ms(iso(src![`${src!.due_step === 'handle' ? 'handled' : 'replied'}_at`]));
    const dueAt = ms(iso(src!.due_at))!;
    const expected =
      doneAt !== null
        ? doneAt <= dueAt
          ? 'on_time'
          : 'late'
        : src!.closed_at !== null
          ? 'not_reached'
          : NOW > dueAt
            ? 'overdue'
            : NOW >= created + share * (dueAt - created)
              ? 'near_due'
              : 'pending';
    expect(limited.state).toBe(expected);
    expect(d.limits.nearDueShare).toBe(share);
  });

  it('lists the alerts and supervision items that name the order, within the caller’s scope', async () => {
    const id = ids.km.order;
    const [src] = await sql('SELECT county_code FROM fact_work_order FINAL WHERE order_id = {id:String}', { id });
    const county = String(src!.county_code);
    const rule = await db.prisma.alertRule.create({
      data: { name: '工单超期', kind: 'time_limit', scopeCode: '53', spec: {}, updatedBy: 'test' },
    });
    const fired = new Date(NOW - 600_000);
    await db.prisma.alertEvent.create({
      data: {
        ruleId: rule.id,
        ruleVersion: 1,
        dedupKey: `${rule.id}|wo:${id}|breach`,
        condition: 'breach',
        subject: `wo:${id}`,
        orgCode: county,
        orgName: county,
        severity: 'orange',
        state: 'firing',
        title: `工单 ${id} 临期`,
        titleEn: `Order ${id} near due`,
        figures: {},
        firedAt: fired,
        updatedAt: fired,
      },
    });
    // Another order's alert is not this one's.
    await db.prisma.alertEvent.create({
      data: {
        ruleId: rule.id,
        ruleVersion: 1,
        dedupKey: `${rule.id}|wo:other|breach`,
        condition: 'breach',
        subject: 'wo:other',
        orgCode: county,
        orgName: county,
        severity: 'red',
        state: 'firing',
        title: '其他工单',
        titleEn: 'Other order',
        figures: {},
        firedAt: fired,
        updatedAt: fired,
      },
    });
    const sup = await db.prisma.supervision.create({
      data: {
        subjectType: 'work_order',
        subjectRef: id,
        orgCode: county,
        title: `督办工单 ${id}`,
        request: '请尽快处理',
        dueAt: new Date(NOW + 3_600_000),
        createdBy: 'km-li',
        createdAt: fired,
        updatedAt: fired,
      },
    });
    const d = await caller(KM_MANAGER).records.workOrder({ id });
    expect(d.alerts.map((a) => a.title)).toEqual([`工单 ${id} 临期`]);
    expect(d.alerts[0]).toMatchObject({ severity: 'orange', state: 'firing', firedAt: fired.toISOString() });
    expect(d.supervisions.map((s) => s.id)).toEqual([sup.id]);
  });

  it('refuses a Kunming manager a Qujing order (403, nothing of it) and says an unknown id is not found', async () => {
    const err = await trpcError(caller(KM_MANAGER).records.workOrder({ id: ids.qj.order }));
    expect(err.code).toBe('FORBIDDEN');
    expect(err.message).not.toContain(ids.qj.order.slice(-6));
    const province = await caller(ADMIN).records.workOrder({ id: ids.qj.order });
    expect(province.org.cityCode).toBe('5303');
    const missing = await trpcError(caller(ADMIN).records.workOrder({ id: 'GD-NO-SUCH-ORDER' }));
    expect(missing.code).toBe('NOT_FOUND');
    expect(missing.message).toContain('工单不存在');
    expect(missing.message).toContain('no work order');
  });
});

describe('records.ticket and records.callRecord', () => {
  it('returns the ticket as stored, taken → called → served → rated against the wait threshold', async () => {
    const id = ids.km.ticket;
    const d = await caller(KM_MANAGER).records.ticket({ id });
    const [src] = await sql('SELECT * FROM fact_queue_ticket FINAL WHERE ticket_id = {id:String}', { id });
    expect(d.record).toMatchObject({
      ticket_id: id,
      hall_code: src!.hall_code,
      county_code: src!.county_code,
      business_type: src!.business_type,
      status: src!.status,
      rating: src!.rating,
      window_no: Number(src!.window_no),
      issued_at: iso(src!.issued_at),
      called_at: iso(src!.called_at),
      ended_at: iso(src!.ended_at),
    });
    const [hall] = await sql('SELECT hall_name FROM dim_hall FINAL WHERE hall_code = {h:String}', { h: src!.hall_code });
    expect(d.org.hallName).toBe(hall!.hall_name);
    expect(d.timeline.map((s) => s.key)).toEqual(['taken', 'called', 'served', 'rated']);
    const p = await rt.kpi.getParams();
    const issued = ms(iso(src!.issued_at))!;
    const called = d.timeline[1]!;
    expect(ms(called.nearAt)).toBe(issued + p['queue.waitWarnMin'] * 60_000);
    expect(ms(called.due)).toBe(issued + p['queue.waitAlarmMin'] * 60_000);
    const wait = ms(iso(src!.called_at))! - issued;
    expect(d.figures.waitMs).toBe(wait);
    expect(called.state).toBe(
      wait <= p['queue.waitWarnMin'] * 60_000 ? 'on_time' : wait <= p['queue.waitAlarmMin'] * 60_000 ? 'warn' : 'late',
    );
    expect(d.timeline[2]!.at).toBe(iso(src!.ended_at));
    await expect(caller(KM_MANAGER).records.ticket({ id: ids.qj.ticket })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(caller(ADMIN).records.ticket({ id: 'no-such-ticket' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('returns the call as stored, IVR → queue → ringing → talk → released, the answer held to the service level', async () => {
    const id = ids.km.call;
    const d = await caller(KM_MANAGER).records.callRecord({ id });
    const [src] = await sql('SELECT * FROM fact_call FINAL WHERE call_id = {id:String}', { id });
    for (const col of ['ivr_at', 'requested_agent_at', 'ring_at', 'answered_at', 'ended_at'])
      expect([col, (d.record as Record<string, unknown>)[col]]).toEqual([col, iso(src![col])]);
    expect(d.record).toMatchObject({
      category: src!.category,
      outcome: 'answered',
      agent_id: src!.agent_id,
      skill_group: src!.skill_group,
    });
    expect(d.timeline.map((s) => s.key)).toEqual(['ivr', 'queue', 'ringing', 'talk', 'released', 'wrap_up']);
    const reached = d.timeline.filter((s) => s.at !== null).map((s) => ms(s.at)!);
    expect([...reached].sort((a, b) => a - b)).toEqual(reached);
    const sl = (await rt.kpi.getParams())['call.serviceLevelSec'];
    const talk = d.timeline.find((s) => s.key === 'talk')!;
    expect(ms(talk.due)).toBe(ms(iso(src!.requested_agent_at))! + sl * 1000);
    expect(talk.actor).toBe(src!.agent_id);
    expect(d.figures.talkMs).toBe(ms(iso(src!.ended_at))! - ms(iso(src!.answered_at))!);
    await expect(caller(KM_MANAGER).records.callRecord({ id: ids.qj.call })).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });
});

describe('records.outage', () => {
  it('counts the affected and notified customers as the source does, with the notice deadline, customers masked', async () => {
    const id = ids.km.outage;
    const d = await caller(KM_MANAGER).records.outage({ id });
    const [src] = await sql('SELECT * FROM fact_outage FINAL WHERE outage_id = {id:String}', { id });
    expect(d.record).toMatchObject({
      outage_id: id,
      outage_type: src!.outage_type,
      feeder: src!.feeder,
      status: src!.status,
      planned_start: iso(src!.planned_start),
      actual_start: iso(src!.actual_start),
    });
    const affected = await sql('SELECT customer_id FROM fact_outage_customer FINAL WHERE outage_id = {id:String}', { id });
    expect(d.figures.affected).toBe(affected.length);
    // Notified: customers with a delivered notice, an SMS by its gateway report when there is one.
    const notified = await sql(
      `SELECT DISTINCT n.customer_id AS c FROM (SELECT * FROM fact_notice FINAL WHERE outage_id = {id:String} AND customer_id != '') AS n
       LEFT JOIN (SELECT msg_id, delivery_status FROM fact_sms_report FINAL) AS r ON r.msg_id = n.msg_id AND n.channel = 'sms'
       WHERE if(n.channel = 'sms' AND r.msg_id != '', r.delivery_status, n.delivery_status) = 'delivered'`,
      { id },
    );
    expect(d.figures.notified).toBe(notified.length);
    const p = await rt.kpi.getParams();
    const type = String(src!.outage_type);
    const deadline =
      type === 'fault'
        ? src!.actual_start === null
          ? null
          : ms(iso(src!.actual_start))! + p['outage.faultNotifyMinutes'] * 60_000
        : ms(iso(src!.planned_start))! - (p['outage.leadHours'] as Record<string, number>)[type]! * 3_600_000;
    expect(ms(d.deadline)).toBe(deadline);
    expect(d.timeline.map((s) => s.key)).toEqual(['recorded', 'notice_sent', 'all_notified', 'start', 'restore']);
    // No real customer id leaves the server.
    const real = new Set(affected.map((r) => String(r.customer_id)));
    expect(d.customers.rows.length).toBeGreaterThan(0);
    for (const c of d.customers.rows) expect(real.has(c.customer)).toBe(false);
    for (const n of d.notices) expect(real.has(n.customer_id)).toBe(false);
    const masked = new Set([...real].map((c) => String(maskValue(c))));
    for (const c of d.customers.rows) expect(masked.has(c.customer)).toBe(true);
    await expect(caller(KM_MANAGER).records.outage({ id: ids.qj.outage })).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });
});

describe('records.customer', () => {
  it('resolves a masked row’s bill to its customer and keeps the customer masked', async () => {
    const d = await caller(KM_MANAGER).records.customer({ ref: `bill:${ids.km.bill}` });
    const [src] = await sql('SELECT * FROM dim_customer FINAL WHERE customer_id = {c:String}', { c: ids.km.customer });
    expect(d.masked).toBe(true);
    expect(d.id).toBe(maskValue(ids.km.customer));
    expect(d.id).not.toBe(ids.km.customer);
    expect(d.record.customer_name).toBe(maskValue(src!.customer_name));
    expect(d.record).toMatchObject({ class: src!.class, county_code: src!.county_code, industry: src!.industry });
    expect(JSON.stringify(d)).not.toContain(`"${ids.km.customer}"`);
    // Bills: every bill of the customer, with what was paid on each (successful payments).
    const bills = await sql(
      `SELECT b.bill_id AS bill_id, toFloat64(b.amount) AS amount, toFloat64(ifNull(p.paid, 0)) AS paid
       FROM (SELECT * FROM fact_bill FINAL WHERE customer_id = {c:String}) AS b
       LEFT JOIN (SELECT bill_id, sum(amount) AS paid FROM fact_payment FINAL WHERE customer_id = {c:String} AND result = 'success' GROUP BY bill_id) AS p
         ON p.bill_id = b.bill_id ORDER BY b.bill_id`,
      { c: ids.km.customer },
    );
    expect(d.bills.map((b) => [b.bill_id, b.amount, b.paid]).sort()).toEqual(bills.map((b) => [b.bill_id, b.amount, b.paid]).sort());
    const owed = bills.reduce((s, b) => s + Math.max(0, Number(b.amount) - Math.min(Number(b.paid), Number(b.amount))), 0);
    expect(d.figures.owed).toBeCloseTo(owed, 2);
    const payments = await sql('SELECT payment_id FROM fact_payment FINAL WHERE customer_id = {c:String}', { c: ids.km.customer });
    expect(d.payments.map((p) => p.payment_id).sort()).toEqual(payments.map((p) => String(p.payment_id)).sort());
  });

  it('reveals only to a role with pii.reveal, and audits the reveal', async () => {
    const viewer = await trpcError(caller(VIEWER).records.customer({ ref: `bill:${ids.km.bill}`, reveal: true }));
    expect(viewer.code).toBe('FORBIDDEN');
    const d = await caller(KM_DUTY).records.customer({ ref: `bill:${ids.km.bill}`, reveal: true });
    expect(d.masked).toBe(false);
    expect(d.id).toBe(ids.km.customer);
    const audited = await db.prisma.auditLog.findMany({ where: { action: 'pii.reveal', actor: KM_DUTY.id } });
    expect(audited).toHaveLength(1);
    expect(audited[0]!.detail).toMatchObject({ customerId: ids.km.customer });
  });

  it('refuses another city’s customer and names an unknown bill', async () => {
    await expect(caller(KM_MANAGER).records.customer({ ref: `bill:${ids.qj.bill}` })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const err = await trpcError(caller(ADMIN).records.customer({ ref: 'bill:NO-SUCH-BILL' }));
    expect(err.code).toBe('NOT_FOUND');
    expect(err.message).toContain('账单不存在');
  });
});

describe('records.addNote', () => {
  it('stores a note on a record in scope, shows it on the record and audits it', async () => {
    const id = ids.km.order;
    const n = await caller(KM_DUTY).records.addNote({ subjectType: 'work_order', subjectRef: id, text: '已电话联系抢修班组' });
    expect(n).toMatchObject({ text: '已电话联系抢修班组', author: KM_DUTY.id, createdAt: new Date(NOW).toISOString() });
    const d = await caller(KM_MANAGER).records.workOrder({ id });
    expect(d.notes.map((x) => x.text)).toEqual(['已电话联系抢修班组']);
    const [src] = await sql('SELECT county_code FROM fact_work_order FINAL WHERE order_id = {id:String}', { id });
    const stored = await db.prisma.recordNote.findMany({ where: { subjectType: 'work_order', subjectRef: id } });
    expect(stored.map((s) => s.orgCode)).toEqual([src!.county_code]);
    const audit = await db.prisma.auditLog.findMany({ where: { action: 'record.note' } });
    expect(audit.map((a) => [a.actor, a.target])).toEqual([[KM_DUTY.id, `work_order:${id}`]]);
  });

  it('keys a customer note by the customer, whichever reference the page used', async () => {
    await caller(KM_DUTY).records.addNote({ subjectType: 'customer', subjectRef: `bill:${ids.km.bill}`, text: '客户承诺本周缴费' });
    const stored = await db.prisma.recordNote.findMany({ where: { subjectType: 'customer' } });
    expect(stored.map((s) => s.subjectRef)).toEqual([ids.km.customer]);
    const d = await caller(KM_MANAGER).records.customer({ ref: `bill:${ids.km.bill}` });
    expect(d.notes.map((x) => x.text)).toEqual(['客户承诺本周缴费']);
  });

  it('refuses a role without duty.act and a record of another city, writing nothing', async () => {
    const before = await db.prisma.recordNote.count();
    const manager = await trpcError(caller(KM_MANAGER).records.addNote({ subjectType: 'call', subjectRef: ids.km.call, text: '备注' }));
    expect(manager.code).toBe('FORBIDDEN');
    const cross = await trpcError(caller(KM_DUTY).records.addNote({ subjectType: 'outage', subjectRef: ids.qj.outage, text: '备注' }));
    expect(cross.code).toBe('FORBIDDEN');
    const missing = await trpcError(caller(KM_DUTY).records.addNote({ subjectType: 'ticket', subjectRef: 'no-such-ticket', text: '备注' }));
    expect(missing.code).toBe('NOT_FOUND');
    expect(await db.prisma.recordNote.count()).toBe(before);
  });
});

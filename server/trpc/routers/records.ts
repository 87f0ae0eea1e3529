import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { NotFoundError } from '@/core/errors';
import { findCity, findCounty, PROVINCE } from '@/core/org/divisions';
import { audit } from '../../auth/audit';
import { maskValue } from '../../auth/mask';
import { can } from '../../auth/roles';
import type { OrgScope } from '../../auth/scope';
import type { Runtime } from '../../runtime';
import { callsInWindow, findCall, wrapUpAfter } from '../../repositories/records/calls';
import { customerFacts, customerOfBill, findCustomer } from '../../repositories/records/customers';
import { findOutage, outageCustomers, outageNotices, outagesOfCustomer, outagesOffAt } from '../../repositories/records/outages';
import { findTicket, queueAhead, ticketHall } from '../../repositories/records/tickets';
import {
  callTimeline,
  noticeDeadline,
  outageTimeline,
  reconnectionTimeline,
  ticketTimeline,
  workOrderTimeline,
  workOrderVerdict,
} from '../../repositories/records/timeline';
import { findWorkOrder, ordersInWindow, workOrderSteps } from '../../repositories/records/work-orders';
import { authedProcedure, router } from '../init';
import { hasNoNul, idText } from '../input-guards';

// Inputs, named up front. A customer is named by its id, or `bill:<bill id>` when the link came from a masked
// row (the customer is resolved through the bill and stays masked unless revealed).
const RECORD_KINDS = ['work_order', 'ticket', 'call', 'outage', 'customer'] as const;
type RecordKind = (typeof RECORD_KINDS)[number];
const recordId = idText(80);
const idInput = z.object({ id: recordId });
const customerInput = z.object({ ref: idText(90), reveal: z.boolean().default(false) });
const noteInput = z.object({
  subjectType: z.enum(RECORD_KINDS),
  subjectRef: idText(90),
  text: z.string().trim().min(1).max(2000).refine(hasNoNul, 'must not contain a NUL byte'),
});

// 记录详情 (issue 15): the single record behind a drill row, every field, its steps against their limits, what
// the data links to it, the alerts and supervision items about it and the notes left on it. Read with
// rows.read inside the principal's org scope: a record of another unit is refused (403) and nothing of it
// is returned; an unknown id is 404. Personal data (customer ids and names) is masked unless the role has
// pii.reveal and asks (audited). Notes are written with duty.act, the permission that writes the run log.

/** Disconnection for arrears needs notice this long before (elapsed time, DOMAIN.md §2.4). */
const DISCONNECT_NOTICE_DAYS = 7;
/** Related lists around an outage: calls and repair orders this long after the power went (if not restored). */
const OUTAGE_WINDOW_MS = 3 * 3_600_000;

function notFound(what: { zh: string; en: string }, id: string): never {
  throw new NotFoundError(`${what.zh}不存在：${id} (no ${what.en} ${id})`);
}

/** The unit a record belongs to, with names from the GB/T 2260 divisions (and the hall's own name). */
function orgOf(countyCode: string, hall?: { code: string; name: string | null }) {
  const county = findCounty(countyCode);
  const cityCode = countyCode.slice(0, 4);
  return {
    code: hall?.code ?? countyCode,
    provinceCode: PROVINCE.code,
    provinceName: PROVINCE.name,
    cityCode,
    cityName: findCity(cityCode)?.name ?? null,
    countyCode,
    countyName: county?.name ?? null,
    hallCode: hall?.code ?? null,
    hallName: hall?.name ?? null,
  };
}

/** Alert subjects (server/alerts/evaluators/record-rules.ts) and supervision references that name a record. */
async function touching(
  rt: Runtime,
  scope: OrgScope,
  q: { alertSubjects: string[]; refs: string[]; noteType: RecordKind; noteRef: string },
) {
  const p = rt.db.prisma;
  const [alerts, supervisions, notes] = await Promise.all([
    q.alertSubjects.length
      ? p.alertEvent.findMany({
          where: { subject: { in: q.alertSubjects }, ...scope.prisma('orgCode') },
          orderBy: { firedAt: 'desc' },
          take: 50,
          select: {
            id: true,
            title: true,
            titleEn: true,
            severity: true,
            state: true,
            phase: true,
            orgCode: true,
            firedAt: true,
            recoveredAt: true,
            ruleId: true,
          },
        })
      : [],
    q.refs.length
      ? p.supervision.findMany({
          where: { subjectType: { in: ['work_order', 'record'] }, subjectRef: { in: q.refs }, ...scope.prisma('orgCode') },
          orderBy: { createdAt: 'desc' },
          take: 50,
        })
      : [],
    p.recordNote.findMany({ where: { subjectType: q.noteType, subjectRef: q.noteRef }, orderBy: { createdAt: 'desc' }, take: 100 }),
  ]);
  return {
    alerts: alerts.map((a) => ({
      ...a,
      firedAt: a.firedAt.toISOString(),
      recoveredAt: a.recoveredAt?.toISOString() ?? null,
    })),
    supervisions: supervisions.map((s) => ({
      id: s.id,
      subjectType: s.subjectType,
      subjectRef: s.subjectRef,
      orgCode: s.orgCode,
      title: s.title,
      request: s.request,
      status: s.status,
      dueAt: s.dueAt.toISOString(),
      createdBy: s.createdBy,
      createdAt: s.createdAt.toISOString(),
      reply: s.reply,
      repliedAt: s.repliedAt?.toISOString() ?? null,
    })),
    notes: notes.map((n) => ({ id: n.id, text: n.text, author: n.author, createdAt: n.createdAt.toISOString() })),
  };
}

interface Caller {
  rt: Runtime;
  scope: OrgScope;
  now: () => number;
  user: { id: string; role: Parameters<typeof can>[0] };
}

async function workOrderDetail(ctx: Caller, id: string) {
  const ch = ctx.rt.ch;
  const order = await findWorkOrder(ch, id);
  if (!order) notFound({ zh: '工单', en: 'work order' }, id);
  ctx.scope.assert(order.county_code);
  const now = ctx.now();
  const [steps, params] = await Promise.all([workOrderSteps(ch, id), ctx.rt.kpi.getParams()]);
  const nearDueShare = params['workorder.nearDueShare'];
  const timeline = workOrderTimeline(order, steps, nearDueShare, now);
  const outages = order.type === 'fault_repair' && order.created_at ? await outagesOffAt(ch, order.county_code, order.created_at) : [];
  return {
    kind: 'work_order' as const,
    id,
    org: orgOf(order.county_code),
    record: order,
    steps,
    timeline,
    verdict: workOrderVerdict(timeline),
    limits: { nearDueShare },
    related: { outages },
    ...(await touching(ctx.rt, ctx.scope, { alertSubjects: [`wo:${id}`], refs: [id], noteType: 'work_order', noteRef: id })),
    now: new Date(now).toISOString(),
  };
}

async function ticketDetail(ctx: Caller, id: string) {
  const ch = ctx.rt.ch;
  const ticket = await findTicket(ch, id);
  if (!ticket) notFound({ zh: '排队号票', en: 'queue ticket' }, id);
  ctx.scope.assert(ticket.hall_code);
  const now = ctx.now();
  const [hall, ahead, params] = await Promise.all([ticketHall(ch, ticket.hall_code), queueAhead(ch, ticket), ctx.rt.kpi.getParams()]);
  const limits = {
    waitWarnMin: params['queue.waitWarnMin'],
    waitAlarmMin: params['queue.waitAlarmMin'],
    handleWarnMin: params['queue.handleWarnMin'],
  };
  const waitMs = ticket.issued_at && ticket.called_at ? Date.parse(ticket.called_at) - Date.parse(ticket.issued_at) : null;
  const handleMs =
    ticket.called_at && ticket.ended_at && ticket.status === 'served' ? Date.parse(ticket.ended_at) - Date.parse(ticket.called_at) : null;
  return {
    kind: 'ticket' as const,
    id,
    org: orgOf(ticket.county_code, { code: ticket.hall_code, name: hall?.hall_name ?? null }),
    record: ticket,
    hall,
    figures: { waitMs, handleMs, queueAhead: ahead },
    timeline: ticketTimeline(ticket, limits, now),
    limits,
    related: {},
    ...(await touching(ctx.rt, ctx.scope, { alertSubjects: [`ticket:${id}`], refs: [id], noteType: 'ticket', noteRef: id })),
    now: new Date(now).toISOString(),
  };
}

async function callDetail(ctx: Caller, id: string) {
  const ch = ctx.rt.ch;
  const call = await findCall(ch, id);
  if (!call) notFound({ zh: '话单', en: 'call' }, id);
  ctx.scope.assert(call.county_code);
  const now = ctx.now();
  const [wrapUp, params, outages] = await Promise.all([
    call.ended_at ? wrapUpAfter(ch, call.agent_id, call.ended_at) : null,
    ctx.rt.kpi.getParams(),
    call.category === 'fault_repair' && call.ivr_at ? outagesOffAt(ch, call.county_code, call.ivr_at) : [],
  ]);
  const limits = { serviceLevelSec: params['call.serviceLevelSec'], shortAbandonSec: params['call.shortAbandonSec'] };
  const ms = (a: string | null, b: string | null) => (a && b ? Date.parse(b) - Date.parse(a) : null);
  return {
    kind: 'call' as const,
    id,
    org: orgOf(call.county_code),
    record: call,
    wrapUp,
    figures: {
      ivrMs: ms(call.ivr_at, call.requested_agent_at ?? call.ended_at),
      queueMs: ms(call.requested_agent_at, call.answered_at ?? call.ended_at),
      talkMs: ms(call.answered_at, call.ended_at),
      wrapUpMs: wrapUp ? ms(wrapUp.started_at, wrapUp.ended_at) : null,
    },
    timeline: callTimeline(call, wrapUp, limits),
    limits,
    related: { outages },
    ...(await touching(ctx.rt, ctx.scope, { alertSubjects: [], refs: [id], noteType: 'call', noteRef: id })),
    now: new Date(now).toISOString(),
  };
}

async function outageDetail(ctx: Caller, id: string) {
  const ch = ctx.rt.ch;
  const outage = await findOutage(ch, id);
  if (!outage) notFound({ zh: '停电事件', en: 'outage' }, id);
  ctx.scope.assert(outage.county_code);
  const now = ctx.now();
  const [customers, notices, params] = await Promise.all([outageCustomers(ch, id), outageNotices(ch, id), ctx.rt.kpi.getParams()]);
  const limits = {
    leadHours: params['outage.leadHours'] as Record<string, number>,
    faultNotifyMinutes: params['outage.faultNotifyMinutes'],
  };
  const deadline = noticeDeadline(outage, limits);

  // Per affected customer: attempts, first delivery, the last failure (announcements reach no household).
  const byCustomer = new Map<string, { attempts: number; firstDelivered: string | null; lastStatus: string; lastFailure: string }>();
  for (const n of notices) {
    if (!n.customer_id) continue;
    const c = byCustomer.get(n.customer_id) ?? { attempts: 0, firstDelivered: null, lastStatus: '', lastFailure: '' };
    c.attempts++;
    c.lastStatus = n.delivery_status;
    if (n.delivery_status === 'failed') c.lastFailure = n.failure_reason;
    if (n.delivery_status === 'delivered' && n.sent_at && (!c.firstDelivered || n.sent_at < c.firstDelivered)) c.firstDelivered = n.sent_at;
    byCustomer.set(n.customer_id, c);
  }
  const delivered = [...byCustomer.values()].map((c) => c.firstDelivered).filter((x): x is string => x !== null);
  const notified = delivered.length;
  const onTime = deadline ? delivered.filter((d) => d <= deadline).length : null;
  const household = notices.filter((n) => n.customer_id);
  const firstSentAt = household[0]?.sent_at ?? null;
  const allNotifiedAt = customers.total > 0 && notified >= customers.total ? delivered.sort().at(-1)! : null;

  const from = outage.actual_start;
  const to = from
    ? new Date(Math.min(Date.parse(outage.actual_end ?? new Date(now).toISOString()), Date.parse(from) + OUTAGE_WINDOW_MS))
    : null;
  const [faultCalls, repairOrders] =
    from && to && to.getTime() > Date.parse(from)
      ? await Promise.all([
          callsInWindow(ch, { countyCode: outage.county_code, category: 'fault_repair', from, to: to.toISOString() }),
          ordersInWindow(ch, { countyCode: outage.county_code, type: 'fault_repair', from, to: to.toISOString() }),
        ])
      : [{ rows: [], total: 0 }, []];

  return {
    kind: 'outage' as const,
    id,
    org: orgOf(outage.county_code),
    record: outage,
    deadline,
    figures: {
      affected: customers.total,
      notified,
      onTime,
      failedSms: notices.filter((n) => n.channel === 'sms' && n.delivery_status === 'failed').length,
      notices: notices.length,
    },
    customers: {
      total: customers.total,
      rows: customers.rows.map((c) => {
        const n = byCustomer.get(c.customer_id);
        return {
          customer: String(maskValue(c.customer_id)),
          important: c.important,
          attempts: n?.attempts ?? 0,
          firstDelivered: n?.firstDelivered ?? null,
          onTime: n?.firstDelivered && deadline ? n.firstDelivered <= deadline : null,
          lastStatus: n?.lastStatus ?? null,
          lastFailure: n?.lastFailure ?? null,
        };
      }),
    },
    notices: notices.map((n) => ({ ...n, customer_id: n.customer_id ? String(maskValue(n.customer_id)) : '' })),
    timeline: outageTimeline(outage, { firstSentAt, allNotifiedAt, affected: customers.total }, deadline, now),
    limits,
    related: { faultCalls, repairOrders, window: from && to ? { from, to: to.toISOString() } : null },
    ...(await touching(ctx.rt, ctx.scope, {
      alertSubjects: [`outage:${id}`, `sms:${id}`],
      refs: [id],
      noteType: 'outage',
      noteRef: id,
    })),
    now: new Date(now).toISOString(),
  };
}

/** The customer a `ref` names (an id, or `bill:<id>`), or NOT_FOUND. */
async function resolveCustomer(rt: Runtime, ref: string) {
  const bill = ref.startsWith('bill:') ? ref.slice(5) : null;
  const id = bill === null ? ref : await customerOfBill(rt.ch, bill);
  if (!id) notFound({ zh: '账单', en: 'bill' }, bill ?? ref);
  const customer = await findCustomer(rt.ch, id);
  if (!customer) notFound({ zh: '客户', en: 'customer' }, bill === null ? String(maskValue(id)) : ref);
  return customer;
}

async function customerDetail(ctx: Caller, ref: string, reveal: boolean) {
  if (reveal && !can(ctx.user.role, 'pii.reveal')) {
    throw new TRPCError({ code: 'FORBIDDEN', message: '无权查看完整个人信息 (role may not reveal personal data)' });
  }
  const ch = ctx.rt.ch;
  const customer = await resolveCustomer(ctx.rt, ref);
  ctx.scope.assert(customer.county_code);
  const now = ctx.now();
  const [facts, params, outages] = await Promise.all([
    customerFacts(ch, { id: customer.customer_id, countyCode: customer.county_code }),
    ctx.rt.kpi.getParams(),
    outagesOfCustomer(ch, customer.customer_id),
  ]);
  if (reveal) {
    await audit(ctx.rt.db, {
      actor: ctx.user.id,
      action: 'pii.reveal',
      target: 'records.customer',
      detail: { ref, customerId: customer.customer_id, orgCode: customer.county_code, columns: ['customer_id', 'customer_name'] },
    });
  }
  const limits = {
    reconnectLimitHours: params['arrears.reconnectLimitHours'],
    noticeDays: DISCONNECT_NOTICE_DAYS,
    balanceWarnRatio: params['arrears.balanceWarnRatio'],
  };
  const bills = facts.bills.map((b) => ({ ...b, owed: Math.max(0, Math.round((b.amount - Math.min(b.paid, b.amount)) * 100) / 100) }));
  const owed = Math.round(bills.reduce((s, b) => s + b.owed, 0) * 100) / 100;
  const balance = facts.balance
    ? { ...facts.balance, ratio: facts.balance.expected_charge > 0 ? facts.balance.balance / facts.balance.expected_charge : null }
    : null;
  const cid = customer.customer_id;
  const shown = reveal
    ? customer
    : { ...customer, customer_id: String(maskValue(cid)), customer_name: String(maskValue(customer.customer_name)) };
  const refs = [
    ...facts.bills.map((b) => b.bill_id),
    ...facts.bills.map((b) => `bill:${b.bill_id}`),
    ...facts.reconnections.map((r) => r.disconnection_id),
    ...facts.dunning.map((d) => d.dunning_id),
    ...facts.payments.map((p) => p.payment_id),
  ];
  const alertSubjects = [`balance:${cid}`, ...facts.reconnections.map((r) => `reconnect:${r.disconnection_id}`)];
  const touched = await touching(ctx.rt, ctx.scope, { alertSubjects, refs, noteType: 'customer', noteRef: cid });
  return {
    kind: 'customer' as const,
    id: shown.customer_id,
    ref,
    masked: !reveal,
    canReveal: can(ctx.user.role, 'pii.reveal'),
    org: orgOf(customer.county_code),
    record: shown,
    figures: { owed, arrearsBills: bills.filter((b) => b.owed > 0 && b.due_date < new Date(now).toISOString().slice(0, 10)).length },
    balance,
    bills,
    payments: facts.payments,
    dunning: facts.dunning,
    reconnections: facts.reconnections.map((r) => ({ ...r, timeline: reconnectionTimeline(r, limits, now) })),
    limits,
    related: { outages },
    ...touched,
    now: new Date(now).toISOString(),
  };
}

export const recordsRouter = router({
  /** A work order (转办工单) with its steps against arrive_due_at / due_at and the near-due share. */
  workOrder: authedProcedure('rows.read')
    .input(idInput)
    .query(({ ctx, input }) => workOrderDetail(ctx, input.id)),

  /** A hall queue ticket: taken → called → served → rated against the wait and handling thresholds. */
  ticket: authedProcedure('rows.read')
    .input(idInput)
    .query(({ ctx, input }) => ticketDetail(ctx, input.id)),

  /**
   * A 95598 call: IVR → queue → ringing → talk → released → wrap-up, against the service-level limit.
   * (Not `call`: tRPC reserves that name on a router.)
   */
  callRecord: authedProcedure('rows.read')
    .input(idInput)
    .query(({ ctx, input }) => callDetail(ctx, input.id)),

  /** An outage event with its affected customers (masked), notice attempts and notification deadline. */
  outage: authedProcedure('rows.read')
    .input(idInput)
    .query(({ ctx, input }) => outageDetail(ctx, input.id)),

  /** A customer (by id or `bill:<bill id>`): bills, payments, dunning, disconnections, balance; masked unless revealed. */
  customer: authedProcedure('rows.read')
    .input(customerInput)
    .query(({ ctx, input }) => customerDetail(ctx, input.ref, input.reveal)),

  /** A note on a record the caller may see; audited. */
  addNote: authedProcedure('duty.act')
    .input(noteInput)
    .mutation(async ({ ctx, input }) => {
      const { rt, scope } = ctx;
      const ref = input.subjectRef;
      let subjectRef = ref;
      let orgCode: string;
      switch (input.subjectType) {
        case 'work_order': {
          const o = await findWorkOrder(rt.ch, ref);
          if (!o) notFound({ zh: '工单', en: 'work order' }, ref);
          orgCode = o.county_code;
          break;
        }
        case 'ticket': {
          const t = await findTicket(rt.ch, ref);
          if (!t) notFound({ zh: '排队号票', en: 'queue ticket' }, ref);
          orgCode = t.hall_code;
          break;
        }
        case 'call': {
          const c = await findCall(rt.ch, ref);
          if (!c) notFound({ zh: '话单', en: 'call' }, ref);
          orgCode = c.county_code;
          break;
        }
        case 'outage': {
          const o = await findOutage(rt.ch, ref);
          if (!o) notFound({ zh: '停电事件', en: 'outage' }, ref);
          orgCode = o.county_code;
          break;
        }
        case 'customer': {
          const c = await resolveCustomer(rt, ref);
          orgCode = c.county_code;
          subjectRef = c.customer_id;
          break;
        }
      }
      scope.assert(orgCode);
      const note = await rt.db.prisma.recordNote.create({
        data: {
          subjectType: input.subjectType,
          subjectRef,
          orgCode,
          text: input.text,
          author: ctx.user.id,
          createdAt: new Date(ctx.now()),
        },
      });
      await audit(rt.db, {
        actor: ctx.user.id,
        action: 'record.note',
        target: `${input.subjectType}:${input.subjectType === 'customer' ? ref : subjectRef}`,
        detail: { noteId: note.id, orgCode, length: input.text.length },
      });
      return { id: note.id, text: note.text, author: note.author, createdAt: note.createdAt.toISOString() };
    }),
});

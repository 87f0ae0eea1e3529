'use client';

import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useTRPC } from '@/app/_trpc/client';
import { useLocale, useT } from '../../../_i18n/LocaleProvider';
import { formatPercent, NO_VALUE } from '../../../_i18n/format';
import { enumName, formatDuration, formatMoney, recordPath, stateTone } from './detail-format';
import styles from './detail.module.css';
import { Chip, FieldGrid, Figures, linkTo, Section, SimpleTable, StepTimeline, time } from './parts';
import { RecordShell } from './RecordShell';
import type { CallDetail, CustomerDetail, OutageDetail, RecordUser, TicketDetail, WorkOrderDetail } from './types';

// One view per record kind: its procedure (first answer rendered on the server), its figures, timeline and
// related lists inside the common frame. Notes and 督办 refresh the record.

const LIVE = { refetchInterval: 60_000, staleTime: 10_000 } as const;

function useRefresh() {
  const qc = useQueryClient();
  const trpc = useTRPC();
  return () => void qc.invalidateQueries({ queryKey: trpc.records.pathKey() });
}

function RelatedOutages({ title, rows }: { title: string; rows: WorkOrderDetail['related']['outages'] }) {
  const t = useT();
  return (
    <Section title={title} testId="record-related-outages">
      <SimpleTable
        rows={rows}
        rowKey={(o) => o.outage_id}
        columns={[
          { key: 'id', label: t('records.f.outage_id'), render: (o) => linkTo(recordPath('outage', o.outage_id), o.outage_id) },
          { key: 'type', label: t('records.f.outage_type'), render: (o) => enumName(t, 'outage_type', o.outage_type) },
          { key: 'feeder', label: t('records.f.feeder'), render: (o) => o.feeder },
          { key: 'start', label: t('records.f.actual_start'), render: (o) => time(o.actual_start ?? o.planned_start) },
          { key: 'end', label: t('records.f.actual_end'), render: (o) => time(o.actual_end) },
          { key: 'status', label: t('records.f.outage.status'), render: (o) => enumName(t, 'outage_status', o.status) },
          { key: 'n', label: t('records.f.affected_customers'), render: (o) => o.affected_customers },
        ]}
      />
    </Section>
  );
}

const VERDICT_TONE = { overdue: 'bad', near_due: 'warn', on_time: 'ok', open: 'info' } as const;

export function WorkOrderView({ id, initial, user }: { id: string; initial: WorkOrderDetail; user: RecordUser }) {
  const t = useT();
  const trpc = useTRPC();
  const refresh = useRefresh();
  const q = useQuery({ ...trpc.records.workOrder.queryOptions({ id }), initialData: initial, ...LIVE });
  const d = q.data;
  const r = d.record;
  return (
    <RecordShell
      data={d}
      user={user}
      supervise={{ type: 'work_order', ref: d.id }}
      noteRef={d.id}
      onChanged={refresh}
      chips={
        <>
          <Chip>{enumName(t, 'type', r.type)}</Chip>
          <Chip>{enumName(t, 'wo_status', r.status)}</Chip>
          <Chip tone={VERDICT_TONE[d.verdict]}>{t(`records.verdict.${d.verdict}`)}</Chip>
        </>
      }
      main={
        <>
          <StepTimeline
            kind="work_order"
            steps={d.timeline}
            note={t('records.limits.workOrder', { share: formatPercent(d.limits.nearDueShare) })}
          />
          <Section title={t('records.section.steps')}>
            <SimpleTable
              rows={d.steps}
              rowKey={(s) => `${s.step}-${s.at}`}
              columns={[
                { key: 'step', label: t('records.col.step'), render: (s) => t(`records.step.work_order.${s.step}` as never) },
                { key: 'at', label: t('records.col.at'), render: (s) => time(s.at) },
                { key: 'actor', label: t('records.col.actor'), render: (s) => `${s.actor_name} (${s.actor})` },
              ]}
            />
          </Section>
          {r.type === 'fault_repair' ? <RelatedOutages title={t('records.related.outages')} rows={d.related.outages} /> : null}
        </>
      }
      side={<FieldGrid kind="work_order" record={r} />}
    />
  );
}

export function TicketView({ id, initial, user }: { id: string; initial: TicketDetail; user: RecordUser }) {
  const t = useT();
  const locale = useLocale();
  const trpc = useTRPC();
  const refresh = useRefresh();
  const q = useQuery({ ...trpc.records.ticket.queryOptions({ id }), initialData: initial, ...LIVE });
  const d = q.data;
  const r = d.record;
  const called = d.timeline.find((s) => s.key === 'called');
  const served = d.timeline.find((s) => s.key === 'served');
  return (
    <RecordShell
      data={d}
      user={user}
      supervise={{ type: 'record', ref: d.id }}
      noteRef={d.id}
      onChanged={refresh}
      chips={
        <>
          <Chip>{enumName(t, 'business_type', r.business_type)}</Chip>
          <Chip>{enumName(t, 'ticket_status', r.status)}</Chip>
          <Chip tone={r.rating === 'dissatisfied' ? 'bad' : undefined}>{enumName(t, 'rating', r.rating)}</Chip>
        </>
      }
      figures={
        <Figures
          items={[
            {
              label: t('records.fig.wait'),
              value: formatDuration(d.figures.waitMs, locale),
              tone: called ? stateTone(called.state) : undefined,
            },
            {
              label: t('records.fig.handle'),
              value: formatDuration(d.figures.handleMs, locale),
              tone: served ? stateTone(served.state) : undefined,
            },
            { label: t('records.fig.ahead'), value: t('records.fig.people', { n: d.figures.queueAhead }) },
          ]}
        />
      }
      main={
        <StepTimeline
          kind="ticket"
          steps={d.timeline}
          note={t('records.limits.ticket', { warn: d.limits.waitWarnMin, alarm: d.limits.waitAlarmMin, handle: d.limits.handleWarnMin })}
        />
      }
      side={<FieldGrid kind="ticket" record={r} hallName={d.org.hallName} />}
    />
  );
}

export function CallView({ id, initial, user }: { id: string; initial: CallDetail; user: RecordUser }) {
  const t = useT();
  const locale = useLocale();
  const trpc = useTRPC();
  const refresh = useRefresh();
  const q = useQuery({ ...trpc.records.callRecord.queryOptions({ id }), initialData: initial, ...LIVE });
  const d = q.data;
  const r = d.record;
  return (
    <RecordShell
      data={d}
      user={user}
      supervise={{ type: 'record', ref: d.id }}
      noteRef={d.id}
      onChanged={refresh}
      chips={
        <>
          <Chip>{enumName(t, 'category', r.category)}</Chip>
          <Chip tone={r.outcome === 'answered' || r.outcome === 'ivr_only' ? 'ok' : 'bad'}>{enumName(t, 'outcome', r.outcome)}</Chip>
        </>
      }
      figures={
        <Figures
          items={[
            { label: t('records.fig.ivr'), value: formatDuration(d.figures.ivrMs, locale) },
            { label: t('records.fig.queue'), value: formatDuration(d.figures.queueMs, locale) },
            { label: t('records.fig.talk'), value: formatDuration(d.figures.talkMs, locale) },
            { label: t('records.fig.wrapUp'), value: formatDuration(d.figures.wrapUpMs, locale) },
          ]}
        />
      }
      main={
        <>
          <StepTimeline
            kind="call"
            steps={d.timeline}
            note={t('records.limits.call', { sl: d.limits.serviceLevelSec, short: d.limits.shortAbandonSec })}
          />
          {r.category === 'fault_repair' ? <RelatedOutages title={t('records.related.outages')} rows={d.related.outages} /> : null}
        </>
      }
      side={<FieldGrid kind="call" record={r} />}
    />
  );
}

export function OutageView({ id, initial, user }: { id: string; initial: OutageDetail; user: RecordUser }) {
  const t = useT();
  const trpc = useTRPC();
  const refresh = useRefresh();
  const q = useQuery({ ...trpc.records.outage.queryOptions({ id }), initialData: initial, ...LIVE });
  const d = q.data;
  const r = d.record;
  const f = d.figures;
  const lead = d.limits.leadHours;
  return (
    <RecordShell
      data={d}
      user={user}
      supervise={{ type: 'record', ref: d.id }}
      noteRef={d.id}
      onChanged={refresh}
      chips={
        <>
          <Chip>{enumName(t, 'outage_type', r.outage_type)}</Chip>
          <Chip>{enumName(t, 'outage_status', r.status)}</Chip>
        </>
      }
      figures={
        <Figures
          items={[
            { label: t('records.fig.affected'), value: String(f.affected) },
            {
              label: t('records.fig.notified'),
              value: `${t('records.fig.of', { n: f.notified, total: f.affected })} · ${formatPercent(f.affected ? f.notified / f.affected : null)}`,
              tone: f.notified < f.affected ? 'warn' : 'ok',
            },
            {
              label: t('records.fig.onTime'),
              value: f.onTime === null ? NO_VALUE : `${f.onTime} · ${formatPercent(f.affected ? f.onTime / f.affected : null)}`,
            },
            { label: t('records.fig.failedSms'), value: String(f.failedSms), tone: f.failedSms > 0 ? 'bad' : undefined },
            { label: t('records.fig.deadline'), value: time(d.deadline) },
          ]}
        />
      }
      main={
        <>
          <StepTimeline
            kind="outage"
            steps={d.timeline}
            note={t('records.limits.outage', {
              planned: lead.planned ?? 0,
              temporary: lead.temporary ?? 0,
              peak: lead.peak_shifting ?? 0,
              fault: d.limits.faultNotifyMinutes,
            })}
          />
          <Section
            title={t('records.section.customers')}
            note={
              d.customers.total > d.customers.rows.length
                ? t('records.listCapped', { shown: d.customers.rows.length, total: d.customers.total })
                : t('records.total', { n: d.customers.total })
            }
            testId="record-outage-customers"
          >
            <SimpleTable
              rows={d.customers.rows}
              rowKey={(c, i) => `${c.customer}-${i}`}
              columns={[
                { key: 'c', label: t('records.col.customer'), render: (c) => c.customer },
                { key: 'imp', label: t('records.col.important'), render: (c) => (c.important ? t('records.yes') : t('records.no')) },
                { key: 'n', label: t('records.col.attempts'), render: (c) => c.attempts },
                { key: 'first', label: t('records.col.firstDelivered'), render: (c) => time(c.firstDelivered) },
                {
                  key: 'ontime',
                  label: t('records.col.onTime'),
                  render: (c) =>
                    c.onTime === null ? (
                      NO_VALUE
                    ) : (
                      <Chip tone={c.onTime ? 'ok' : 'bad'}>{c.onTime ? t('records.yes') : t('records.no')}</Chip>
                    ),
                },
                { key: 'last', label: t('records.col.lastStatus'), render: (c) => enumName(t, 'delivery', c.lastStatus) },
                { key: 'fail', label: t('records.col.lastFailure'), render: (c) => c.lastFailure || NO_VALUE },
              ]}
            />
          </Section>
          <Section title={t('records.section.notices')} note={t('records.total', { n: d.notices.length })}>
            <SimpleTable
              rows={d.notices}
              rowKey={(n) => n.notice_id}
              columns={[
                { key: 'id', label: t('records.f.notice_id'), render: (n) => n.notice_id },
                { key: 'c', label: t('records.col.customer'), render: (n) => n.customer_id || NO_VALUE },
                { key: 'ch', label: t('records.f.channel'), render: (n) => enumName(t, 'notice_channel', n.channel) },
                { key: 'sent', label: t('records.f.sent_at'), render: (n) => time(n.sent_at) },
                {
                  key: 'st',
                  label: t('records.f.delivery_status'),
                  render: (n) => (
                    <Chip tone={n.delivery_status === 'failed' ? 'bad' : n.delivery_status === 'delivered' ? 'ok' : 'muted'}>
                      {enumName(t, 'delivery', n.delivery_status)}
                    </Chip>
                  ),
                },
                { key: 'code', label: t('records.f.status_code'), render: (n) => n.status_code || NO_VALUE },
                { key: 'rep', label: t('records.f.reported_at'), render: (n) => time(n.reported_at) },
                { key: 'why', label: t('records.f.failure_reason'), render: (n) => n.failure_reason || NO_VALUE },
              ]}
            />
          </Section>
        </>
      }
      side={
        <>
          <FieldGrid kind="outage" record={r} />
          <Section title={t('records.related.faultCalls')} note={t('records.total', { n: d.related.faultCalls.total })}>
            <SimpleTable
              rows={d.related.faultCalls.rows}
              rowKey={(c) => c.call_id}
              columns={[
                { key: 'id', label: t('records.f.call_id'), render: (c) => linkTo(recordPath('call', c.call_id), c.call_id) },
                { key: 'at', label: t('records.f.ivr_at'), render: (c) => time(c.ivr_at) },
                { key: 'o', label: t('records.f.outcome'), render: (c) => enumName(t, 'outcome', c.outcome) },
              ]}
            />
          </Section>
          <Section title={t('records.related.repairOrders')} note={t('records.total', { n: d.related.repairOrders.length })}>
            <SimpleTable
              rows={d.related.repairOrders}
              rowKey={(o) => o.order_id}
              columns={[
                { key: 'id', label: t('records.f.order_id'), render: (o) => linkTo(recordPath('work_order', o.order_id), o.order_id) },
                { key: 'at', label: t('records.f.created_at'), render: (o) => time(o.created_at) },
                { key: 's', label: t('records.f.status'), render: (o) => enumName(t, 'wo_status', o.status) },
              ]}
            />
          </Section>
        </>
      }
    />
  );
}

export function CustomerView({
  refId,
  reveal,
  initial,
  user,
}: {
  refId: string;
  reveal: boolean;
  initial: CustomerDetail;
  user: RecordUser;
}) {
  const t = useT();
  const trpc = useTRPC();
  const router = useRouter();
  const refresh = useRefresh();
  const q = useQuery({ ...trpc.records.customer.queryOptions({ ref: refId, reveal }), initialData: initial, ...LIVE });
  const d = q.data;
  const r = d.record;
  const lim = d.limits;
  const latestBill = d.bills[0]?.bill_id;
  const base = `/arrears/customers/${encodeURIComponent(refId)}`;
  return (
    <RecordShell
      data={d}
      user={user}
      // A customer id is personal data and never a supervision reference: the item names the newest bill.
      supervise={latestBill ? { type: 'record', ref: `bill:${latestBill}` } : null}
      noteRef={d.ref}
      onChanged={refresh}
      chips={
        <>
          <Chip>{enumName(t, 'class', r.class)}</Chip>
          {r.key_account ? <Chip tone="warn">{t('records.f.key_account')}</Chip> : null}
          {d.masked ? <Chip tone="muted">{t('records.action.revealNote')}</Chip> : null}
        </>
      }
      actions={
        d.canReveal ? (
          <button
            type="button"
            className={styles.button}
            onClick={() => router.push(d.masked ? `${base}?reveal=1` : base)}
            data-testid="record-reveal"
          >
            {d.masked ? t('records.action.reveal') : t('records.action.hide')}
          </button>
        ) : null
      }
      figures={
        <Figures
          items={[
            { label: t('records.fig.owed'), value: formatMoney(d.figures.owed), tone: d.figures.owed > 0 ? 'warn' : 'ok' },
            {
              label: t('records.fig.arrearsBills'),
              value: String(d.figures.arrearsBills),
              tone: d.figures.arrearsBills > 0 ? 'bad' : 'ok',
            },
            ...(d.balance
              ? [
                  {
                    label: t('records.fig.balance'),
                    value: formatMoney(d.balance.balance),
                    tone: (d.balance.ratio !== null && d.balance.ratio <= lim.balanceWarnRatio ? 'bad' : 'ok') as 'bad' | 'ok',
                  },
                ]
              : []),
          ]}
        />
      }
      main={
        <>
          <Section title={t('records.section.bills')} testId="record-bills">
            <SimpleTable
              rows={d.bills}
              rowKey={(b) => b.bill_id}
              columns={[
                { key: 'id', label: t('records.f.bill_id'), render: (b) => b.bill_id },
                { key: 'm', label: t('records.f.bill_month'), render: (b) => b.bill_month.slice(0, 7) },
                { key: 'amt', label: t('records.f.amount'), render: (b) => formatMoney(b.amount) },
                { key: 'paid', label: t('records.col.paid'), render: (b) => formatMoney(b.paid) },
                {
                  key: 'owed',
                  label: t('records.col.owed'),
                  render: (b) => <span className={b.owed > 0 ? styles.warn : undefined}>{formatMoney(b.owed)}</span>,
                },
                { key: 'due', label: t('records.f.due_date'), render: (b) => b.due_date },
                { key: 'last', label: t('records.f.last_paid_at'), render: (b) => time(b.last_paid_at) },
              ]}
            />
          </Section>
          <Section title={t('records.section.payments')}>
            <SimpleTable
              rows={d.payments}
              rowKey={(p) => p.payment_id}
              columns={[
                { key: 'id', label: t('records.f.payment_id'), render: (p) => p.payment_id },
                { key: 'bill', label: t('records.f.bill_id'), render: (p) => p.bill_id },
                { key: 'at', label: t('records.f.paid_at'), render: (p) => time(p.paid_at) },
                { key: 'amt', label: t('records.f.amount'), render: (p) => formatMoney(p.amount) },
                { key: 'ch', label: t('records.f.channel'), render: (p) => enumName(t, 'pay_channel', p.channel) },
                { key: 'bank', label: t('records.f.bank'), render: (p) => p.bank || NO_VALUE },
                {
                  key: 'res',
                  label: t('records.col.status'),
                  render: (p) => <Chip tone={p.result === 'success' ? 'ok' : 'bad'}>{enumName(t, 'pay_result', p.result)}</Chip>,
                },
                { key: 'why', label: t('records.f.failure_reason'), render: (p) => p.failure_reason || NO_VALUE },
              ]}
            />
          </Section>
          <Section title={t('records.section.dunning')}>
            <SimpleTable
              rows={d.dunning}
              rowKey={(x) => x.dunning_id}
              columns={[
                { key: 'id', label: t('records.f.dunning_id'), render: (x) => x.dunning_id },
                { key: 'bill', label: t('records.f.bill_id'), render: (x) => x.bill_id },
                { key: 'at', label: t('records.f.dunned_at'), render: (x) => time(x.dunned_at) },
                { key: 'ch', label: t('records.f.channel'), render: (x) => enumName(t, 'dun_channel', x.channel) },
                { key: 'owed', label: t('records.f.amount_owed'), render: (x) => formatMoney(x.amount_owed) },
              ]}
            />
          </Section>
          <Section
            title={t('records.section.reconnections')}
            note={t('records.limits.customer', { days: lim.noticeDays, hours: lim.reconnectLimitHours, ratio: lim.balanceWarnRatio })}
          >
            {d.reconnections.length === 0 ? <p className={styles.muted}>{t('records.none')}</p> : null}
            {d.reconnections.map((x) => (
              <div key={x.disconnection_id}>
                <div className={styles.stepMeta}>
                  {t('records.f.disconnection_id')} {x.disconnection_id}
                </div>
                <StepTimeline kind="customer" steps={x.timeline} bare />
              </div>
            ))}
          </Section>
          <RelatedOutages title={t('records.related.customerOutages')} rows={d.related.outages} />
        </>
      }
      side={
        <>
          <FieldGrid kind="customer" record={r} />
          {d.balance ? (
            <Section title={t('records.section.balance')}>
              <dl className={styles.fields}>
                <dt>{t('records.f.control')}</dt>
                <dd>{enumName(t, 'control', d.balance.control)}</dd>
                <dt>{t('records.f.balance')}</dt>
                <dd>{formatMoney(d.balance.balance)}</dd>
                <dt>{t('records.f.expected_charge')}</dt>
                <dd>{formatMoney(d.balance.expected_charge)}</dd>
                <dt>{t('records.col.ratio')}</dt>
                <dd>{formatPercent(d.balance.ratio)}</dd>
                <dt>{t('records.f.snapshot_at')}</dt>
                <dd>{time(d.balance.snapshot_at)}</dd>
              </dl>
            </Section>
          ) : null}
        </>
      }
    />
  );
}

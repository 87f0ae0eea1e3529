// Step timelines of a record against its time limits. Pure functions over ISO instants and a clock.
//
// A step is done (at) or not; against a limit (due) a done step is on time or late, an open one pending,
// near due (past the near-due point) or overdue; a step the record will never reach (the order closed
// without it, a voided ticket's call) is not_reached. `warn` is a done step past a warning threshold but
// inside the alarm one (a queue wait between 20 and 30 min).

export type StepState = 'done' | 'on_time' | 'warn' | 'late' | 'pending' | 'near_due' | 'overdue' | 'not_reached';

export interface Step {
  key: string;
  at: string | null;
  actor: string | null;
  actorName: string | null;
  /** The step's limit, if it has one. */
  due: string | null;
  /** Where the near-due (or warning) band starts. */
  nearAt: string | null;
  state: StepState;
  /** Elapsed ms from the previous reached step (or the record's start) to this one. */
  elapsedMs: number | null;
}

const ms = (iso: string | null) => (iso ? Date.parse(iso) : null);
const iso = (v: number) => new Date(v).toISOString();

function judge(at: number | null, due: number | null, near: number | null, now: number, open: boolean): StepState {
  if (at !== null) return due === null ? 'done' : at <= due ? 'on_time' : 'late';
  if (!open) return 'not_reached';
  if (due === null) return 'pending';
  if (now > due) return 'overdue';
  if (near !== null && now >= near) return 'near_due';
  return 'pending';
}

function withElapsed(steps: Omit<Step, 'elapsedMs'>[], start: string | null): Step[] {
  let prev = ms(start);
  return steps.map((s, i) => {
    const at = ms(s.at);
    const elapsedMs = i > 0 && at !== null && prev !== null ? at - prev : null;
    if (at !== null) prev = at;
    return { ...s, elapsedMs };
  });
}

/** Steps the work-order API reports, in order; created and closed come from the order itself. */
export const WORK_ORDER_STEPS = ['accept', 'dispatch', 'arrive', 'handle', 'reply', 'callback'] as const;
const WO_COLUMN: Record<(typeof WORK_ORDER_STEPS)[number], string> = {
  accept: 'accepted_at',
  dispatch: 'dispatched_at',
  arrive: 'arrived_at',
  handle: 'handled_at',
  reply: 'replied_at',
  callback: 'callback_at',
};

export interface WorkOrderLike {
  created_at: string | null;
  arrive_due_at: string | null;
  due_at: string | null;
  due_step: string;
  closed_at: string | null;
  [column: string]: unknown;
}

/**
 * created → accept → dispatch → arrive → handle → reply → callback → closed. The arrive step is held to
 * `arrive_due_at`, the step named by `due_step` to `due_at`; each limit's near-due point is `nearDueShare`
 * of the way from creation to it. A step's time and actor come from the step rows when there are some.
 */
export function workOrderTimeline(
  o: WorkOrderLike,
  steps: readonly { step: string; actor: string; actor_name: string; at: string | null }[],
  nearDueShare: number,
  now: number,
): Step[] {
  const created = ms(o.created_at);
  const open = o.closed_at === null;
  const nearOf = (due: number | null) => (due === null || created === null ? null : created + nearDueShare * (due - created));
  const out: Omit<Step, 'elapsedMs'>[] = [
    { key: 'created', at: o.created_at, actor: null, actorName: null, due: null, nearAt: null, state: 'done' },
  ];
  for (const key of WORK_ORDER_STEPS) {
    const row = steps.find((s) => s.step === key);
    const col = o[WO_COLUMN[key]];
    const at = row?.at ?? (typeof col === 'string' ? col : null);
    const dueIso = key === 'arrive' ? o.arrive_due_at : key === o.due_step ? o.due_at : null;
    const due = ms(dueIso);
    const near = nearOf(due);
    out.push({
      key,
      at,
      actor: row?.actor || null,
      actorName: row?.actor_name || null,
      due: dueIso,
      nearAt: near === null ? null : iso(near),
      state: judge(ms(at), due, near, now, open),
    });
  }
  out.push({
    key: 'closed',
    at: o.closed_at,
    actor: null,
    actorName: null,
    due: null,
    nearAt: null,
    state: o.closed_at ? 'done' : 'pending',
  });
  return withElapsed(out, o.created_at);
}

/** The order's own verdict: overdue when its limited step is late or still open past its limit. */
export function workOrderVerdict(timeline: readonly Step[]): 'overdue' | 'near_due' | 'on_time' | 'open' {
  const limited = timeline.filter((s) => s.due !== null);
  if (limited.some((s) => s.state === 'late' || s.state === 'overdue')) return 'overdue';
  if (limited.some((s) => s.state === 'near_due')) return 'near_due';
  return timeline.some((s) => s.state === 'pending') ? 'open' : 'on_time';
}

export interface TicketLike {
  issued_at: string | null;
  called_at: string | null;
  ended_at: string | null;
  status: string;
  rating: string;
}

/**
 * taken → called (the wait against the warning and alarm thresholds) → served (the handling time against its
 * threshold) → rated. A ticket still waiting is near due past the warning threshold and overdue past the alarm.
 */
export function ticketTimeline(
  t: TicketLike,
  limits: { waitWarnMin: number; waitAlarmMin: number; handleWarnMin: number },
  now: number,
): Step[] {
  const issued = ms(t.issued_at);
  const called = ms(t.called_at);
  const ended = ms(t.ended_at);
  const waiting = t.status === 'waiting';
  const warnAt = issued === null ? null : issued + limits.waitWarnMin * 60_000;
  const alarmAt = issued === null ? null : issued + limits.waitAlarmMin * 60_000;
  let calledState: StepState;
  if (called !== null && warnAt !== null && alarmAt !== null)
    calledState = called <= warnAt ? 'on_time' : called <= alarmAt ? 'warn' : 'late';
  else calledState = judge(called, alarmAt, warnAt, now, waiting);
  const handleDue = called === null ? null : called + limits.handleWarnMin * 60_000;
  const serving = t.status === 'serving';
  const served = t.status === 'served' ? ended : null;
  const base = { actor: null, actorName: null };
  return withElapsed(
    [
      { key: 'taken', at: t.issued_at, ...base, due: null, nearAt: null, state: 'done' },
      {
        key: 'called',
        at: t.called_at,
        ...base,
        due: alarmAt === null ? null : iso(alarmAt),
        nearAt: warnAt === null ? null : iso(warnAt),
        state: calledState,
      },
      {
        key: 'served',
        at: served === null ? null : t.ended_at,
        ...base,
        due: handleDue === null ? null : iso(handleDue),
        nearAt: null,
        state: judge(served, handleDue, null, now, serving || waiting),
      },
      {
        key: 'rated',
        at: t.rating && t.rating !== 'none' ? t.ended_at : null,
        ...base,
        due: null,
        nearAt: null,
        state: t.rating && t.rating !== 'none' ? 'done' : serving || waiting ? 'pending' : 'not_reached',
      },
    ],
    t.issued_at,
  );
}

export interface CallLike {
  ivr_at: string | null;
  requested_agent_at: string | null;
  ring_at: string | null;
  answered_at: string | null;
  ended_at: string | null;
  agent_id: string;
}

/**
 * IVR → queue (asked for an agent) → ringing → talk (answered; the service-level limit: within Y s of asking)
 * → released → wrap-up (the agent's after-call work, when it followed the call).
 */
export function callTimeline(c: CallLike, wrapUp: { ended_at: string | null } | null, limits: { serviceLevelSec: number }): Step[] {
  const requested = ms(c.requested_agent_at);
  const answerDue = requested === null ? null : requested + limits.serviceLevelSec * 1000;
  const agent = c.agent_id || null;
  const none = { actor: null, actorName: null, due: null, nearAt: null };
  return withElapsed(
    [
      { key: 'ivr', at: c.ivr_at, ...none, state: 'done' },
      { key: 'queue', at: c.requested_agent_at, ...none, state: c.requested_agent_at ? 'done' : 'not_reached' },
      { key: 'ringing', at: c.ring_at, ...none, actor: c.ring_at ? agent : null, state: c.ring_at ? 'done' : 'not_reached' },
      {
        key: 'talk',
        at: c.answered_at,
        actor: c.answered_at ? agent : null,
        actorName: null,
        due: answerDue === null ? null : iso(answerDue),
        nearAt: null,
        state: judge(ms(c.answered_at), answerDue, null, 0, false),
      },
      { key: 'released', at: c.ended_at, ...none, state: c.ended_at ? 'done' : 'pending' },
      {
        key: 'wrap_up',
        at: wrapUp?.ended_at ?? null,
        ...none,
        actor: wrapUp ? agent : null,
        state: wrapUp?.ended_at ? 'done' : wrapUp ? 'pending' : 'not_reached',
      },
    ],
    c.ivr_at,
  );
}

export interface OutageLike {
  outage_type: string;
  status: string;
  created_at: string | null;
  planned_start: string | null;
  planned_end: string | null;
  actual_start: string | null;
  actual_end: string | null;
}

/**
 * The notification deadline of an outage: planned/temporary/peak-shifting outages must reach their customers
 * the type's lead time before the planned start (elapsed time); a fault outage within N minutes after the
 * power went. Null for a fault outage whose power has not gone, or a type without a lead.
 */
export function noticeDeadline(
  o: Pick<OutageLike, 'outage_type' | 'planned_start' | 'actual_start'>,
  limits: { leadHours: Record<string, number>; faultNotifyMinutes: number },
): string | null {
  if (o.outage_type === 'fault') {
    const start = ms(o.actual_start);
    return start === null ? null : iso(start + limits.faultNotifyMinutes * 60_000);
  }
  const lead = limits.leadHours[o.outage_type] ?? 0;
  const start = ms(o.planned_start);
  return lead > 0 && start !== null ? iso(start - lead * 3_600_000) : null;
}

/**
 * recorded → first notice sent → every affected customer notified (against the deadline) → power off (against
 * the planned start) → restored (against the planned end). `notified.lastAt` is when the last customer was
 * reached, null while some are not.
 */
export function outageTimeline(
  o: OutageLike,
  notices: { firstSentAt: string | null; allNotifiedAt: string | null; affected: number },
  deadline: string | null,
  now: number,
): Step[] {
  const open = o.status !== 'cancelled';
  const none = { actor: null, actorName: null, nearAt: null };
  const due = ms(deadline);
  return withElapsed(
    [
      { key: 'recorded', at: o.created_at, ...none, due: null, state: 'done' },
      {
        key: 'notice_sent',
        at: notices.firstSentAt,
        ...none,
        due: deadline,
        state: judge(ms(notices.firstSentAt), due, null, now, open && notices.affected > 0),
      },
      {
        key: 'all_notified',
        at: notices.allNotifiedAt,
        ...none,
        due: deadline,
        state: judge(ms(notices.allNotifiedAt), due, null, now, open && notices.affected > 0),
      },
      {
        key: 'start',
        at: o.actual_start,
        ...none,
        due: o.outage_type === 'fault' ? null : o.planned_start,
        state: o.actual_start ? 'done' : open ? 'pending' : 'not_reached',
      },
      {
        key: 'restore',
        at: o.actual_end,
        ...none,
        due: o.planned_end,
        state: judge(ms(o.actual_end), ms(o.planned_end), null, now, open && o.actual_start !== null),
      },
    ],
    o.created_at,
  );
}

/**
 * A disconnection for arrears: notice → disconnected (the notice must precede it by the notice period) →
 * payment confirmed → reconnected within the limit after the payment (DOMAIN.md §2.4).
 */
export function reconnectionTimeline(
  r: { notice_at: string | null; disconnected_at: string | null; paid_at: string | null; reconnected_at: string | null },
  limits: { reconnectLimitHours: number; noticeDays: number },
  now: number,
): Step[] {
  const none = { actor: null, actorName: null, nearAt: null };
  const notice = ms(r.notice_at);
  const paid = ms(r.paid_at);
  const earliestCut = notice === null ? null : notice + limits.noticeDays * 86_400_000;
  const disc = ms(r.disconnected_at);
  const reconnectDue = paid === null ? null : paid + limits.reconnectLimitHours * 3_600_000;
  return withElapsed(
    [
      { key: 'notice', at: r.notice_at, ...none, due: null, state: r.notice_at ? 'done' : 'not_reached' },
      {
        key: 'disconnected',
        at: r.disconnected_at,
        ...none,
        // Not a deadline but a floor: cut before the notice period passed is the breach.
        due: earliestCut === null ? null : iso(earliestCut),
        state: disc === null ? 'pending' : earliestCut === null ? 'done' : disc >= earliestCut ? 'on_time' : 'late',
      },
      { key: 'paid', at: r.paid_at, ...none, due: null, state: r.paid_at ? 'done' : 'pending' },
      {
        key: 'reconnected',
        at: r.reconnected_at,
        ...none,
        due: reconnectDue === null ? null : iso(reconnectDue),
        state: judge(ms(r.reconnected_at), reconnectDue, null, now, paid !== null),
      },
    ],
    r.notice_at,
  );
}

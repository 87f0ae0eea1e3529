import { ConflictError, InvalidError, NotFoundError } from '@/core/errors';
import type { Db } from '../db/client';

// The duty life cycle of an alert (DOMAIN.md §4), kept apart from its condition (`state`: firing /
// recovered), which the engine owns. Every step keeps who, when, how and a note in duty_transitions, and
// leaves an alert_outbox row in the same transaction so the duty router and every open screen hear of it.

export const PHASES = ['raised', 'acknowledged', 'assigned', 'supervised', 'handled', 'verified', 'closed', 'recovered'] as const;
export type Phase = (typeof PHASES)[number];

/** The actions a person takes on an alert, and the phase each leads to. */
export const ACTIONS = ['acknowledge', 'assign', 'supervise', 'handle', 'verify', 'close', 'reopen'] as const;
export type AlertAction = (typeof ACTIONS)[number];

const TARGET: Record<AlertAction, Phase> = {
  acknowledge: 'acknowledged',
  assign: 'assigned',
  supervise: 'supervised',
  handle: 'handled',
  verify: 'verified',
  close: 'closed',
  reopen: 'acknowledged',
};

/** From which phases each action may be taken. Closing is allowed from anywhere (a false alarm is closed with a note). */
const FROM: Record<AlertAction, readonly Phase[]> = {
  acknowledge: ['raised'],
  assign: ['raised', 'acknowledged', 'assigned'],
  supervise: ['raised', 'acknowledged', 'assigned'],
  handle: ['acknowledged', 'assigned', 'supervised'],
  verify: ['handled'],
  close: ['raised', 'acknowledged', 'assigned', 'supervised', 'handled', 'verified', 'recovered'],
  reopen: ['handled', 'verified', 'closed', 'recovered'],
};

/** Phases in which nobody has taken the alert on: escalation and repeats continue. */
export const UNACKNOWLEDGED: readonly Phase[] = ['raised'];
export const ENDED: readonly Phase[] = ['closed', 'recovered'];

export const PHASE_LABELS: Record<Phase, { zh: string; en: string }> = {
  raised: { zh: '待确认', en: 'Raised' },
  acknowledged: { zh: '已确认', en: 'Acknowledged' },
  assigned: { zh: '已指派', en: 'Assigned' },
  supervised: { zh: '督办中', en: 'Supervised' },
  handled: { zh: '已处置', en: 'Handled' },
  verified: { zh: '已核实', en: 'Verified' },
  closed: { zh: '已关闭', en: 'Closed' },
  recovered: { zh: '已自动恢复', en: 'Auto-recovered' },
};

export function allowedActions(phase: Phase): AlertAction[] {
  return ACTIONS.filter((a) => FROM[a].includes(phase));
}

export interface TransitionInput {
  eventId: string;
  action: AlertAction;
  actor: string;
  via: 'desk' | 'link' | 'system' | 'api';
  note?: string;
  /** For `assign`: the username who takes it over. */
  assignee?: string;
  at: Date;
}

export interface TransitionResult {
  id: string;
  from: Phase;
  to: Phase;
  owner: string | null;
}

/**
 * Moves an alert to the next phase: checked and written in one transaction with a compare-and-set on the
 * phase read, so two officers pressing "acknowledge" at once get one success and one clear conflict.
 */
export async function transition(db: Db, t: TransitionInput): Promise<TransitionResult> {
  if (t.action === 'assign' && !t.assignee) throw new InvalidError('assign needs an assignee');
  if ((t.action === 'close' || t.action === 'reopen') && !t.note?.trim()) throw new InvalidError(`${t.action} needs a note saying why`);
  return db.prisma.$transaction(async (tx) => {
    const ev = await tx.alertEvent.findUnique({ where: { id: t.eventId }, select: { id: true, phase: true, owner: true } });
    if (!ev) throw new NotFoundError(`no alert ${t.eventId}`);
    const from = ev.phase as Phase;
    if (!FROM[t.action].includes(from))
      throw new ConflictError(
        `alert is ${PHASE_LABELS[from].zh} (${from}); cannot ${t.action} it (allowed: ${allowedActions(from).join(', ') || 'none'})`,
      );
    const to = TARGET[t.action];
    const owner = t.action === 'assign' ? t.assignee! : t.action === 'acknowledge' || !ev.owner ? t.actor : ev.owner;
    const updated = await tx.alertEvent.updateMany({
      where: { id: t.eventId, phase: from },
      data: {
        phase: to,
        owner,
        ...(t.action === 'acknowledge' ? { acknowledgedAt: t.at } : {}),
        ...(to === 'closed' ? { closedAt: t.at } : t.action === 'reopen' ? { closedAt: null } : {}),
      },
    });
    // Someone else moved it between the read and the write (PostgreSQL read committed): refuse, write nothing.
    if (updated.count !== 1) throw new ConflictError('alert changed meanwhile; reload it');
    await tx.dutyTransition.create({
      data: {
        subjectType: 'alert',
        subjectId: t.eventId,
        fromPhase: from,
        toPhase: to,
        actor: t.actor,
        via: t.via,
        note: noteOf(t),
        at: t.at,
      },
    });
    await tx.alertOutbox.create({ data: { eventId: t.eventId, change: `phase:${to}`, at: t.at } });
    await tx.auditLog.create({
      data: {
        actor: t.actor,
        action: t.via === 'link' ? 'alert.ack_link' : 'alert.transition',
        target: t.eventId,
        detail: { from, to, note: t.note ?? null, assignee: t.assignee ?? null },
      },
    });
    return { id: t.eventId, from, to, owner };
  });
}

const noteOf = (t: TransitionInput) => {
  const parts = [t.assignee ? `→ ${t.assignee}` : '', t.note?.trim() ?? ''].filter(Boolean);
  return parts.length ? parts.join(' ').slice(0, 2000) : null;
};

export async function timeline(db: Db, subjectType: string, subjectId: string) {
  const rows = await db.prisma.dutyTransition.findMany({ where: { subjectType, subjectId }, orderBy: [{ at: 'asc' }, { id: 'asc' }] });
  return rows.map((r) => ({ from: r.fromPhase, to: r.toPhase, actor: r.actor, via: r.via, note: r.note, at: r.at.toISOString() }));
}

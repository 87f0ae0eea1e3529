import { randomUUID } from 'node:crypto';
import type { Db } from '../db/client';
import type { Prisma } from '../db/generated/client';
import { driverFor } from '../notify/channels';
import type { ChannelKind, MessageSeverity } from '../notify/types';
import { signAckToken } from './ack-link';
import { renderMessage, type MessageReason } from './messages';
import { targetOrg, type DutyRole, type Step, type StoredPolicy } from './policy';
import { countyOf, suppressionNote, suppressionOf } from './router';
import { releaseTime, type NoiseSettings } from './settings';

// Decides the messages: a group's flush after its wait, an escalation when nobody acknowledged in time, a
// repeat while a group stays unacknowledged. Reads (roster, users, channels) happen before the short write
// transaction, which re-checks what it relies on (compare-and-set), so two processes never send one twice.

type Tx = Prisma.TransactionClient;

export interface Person {
  username: string;
  displayName: string;
  mobile?: string | null;
  email?: string | null;
}

export interface RosterLookup {
  onDuty(orgCode: string, dutyRole: DutyRole, at: number): Promise<Person[]>;
}

export interface ChannelRow {
  id: string;
  kind: ChannelKind;
  name: string;
  enabled: boolean;
  config: unknown;
}

export interface NotifierContext {
  db: Db;
  roster: RosterLookup;
  policies: StoredPolicy[];
  channels: Map<string, ChannelRow>;
  settings: NoiseSettings;
  tz: string;
  now: number;
  /** Base of the links in messages, e.g. http://10.1.2.3:3000 */
  publicUrl: string;
  secret: string;
}

interface AlertRow {
  id: string;
  ruleId: string;
  orgCode: string;
  orgName: string;
  severity: MessageSeverity;
  title: string;
  firedAt: Date;
  escalation: number;
  situationId: string | null;
  rule: { name: string; kind: string };
}

const ALERT_SELECT = {
  id: true,
  ruleId: true,
  orgCode: true,
  orgName: true,
  severity: true,
  title: true,
  firedAt: true,
  escalation: true,
  situationId: true,
  rule: { select: { name: true, kind: true } },
} as const;

/** Everyone a step names, once each. */
export async function resolveTargets(ctx: Pick<NotifierContext, 'db' | 'roster' | 'now'>, step: Step, orgCode: string): Promise<Person[]> {
  const out = new Map<string, Person>();
  for (const t of step.targets) {
    if (t.type === 'on_duty') {
      for (const p of await ctx.roster.onDuty(targetOrg(orgCode, t.level), t.role, ctx.now))
        if (!out.has(p.username)) out.set(p.username, p);
    } else if (!out.has(t.username)) {
      const u = await ctx.db.prisma.user.findUnique({
        where: { username: t.username },
        select: { username: true, displayName: true, mobile: true, email: true, disabled: true },
      });
      if (u && !u.disabled) out.set(u.username, { ...u, email: u.email.endsWith('@users.invalid') ? null : u.email });
    }
  }
  return [...out.values()];
}

/** The notification rows for one message about `alerts` to everyone the step names. */
function messagesFor(
  ctx: NotifierContext,
  policy: StoredPolicy,
  stepIndex: number,
  people: Person[],
  alerts: AlertRow[],
  reason: MessageReason,
  groupId: string | null,
): Prisma.NotificationCreateManyInput[] {
  const step = policy.steps[stepIndex]!;
  const unit = countyOf(alerts[0]!.orgCode);
  const unitName = alerts.every((a) => a.orgCode === alerts[0]!.orgCode) ? alerts[0]!.orgName : unitNameOf(alerts, unit);
  const msg = renderMessage(alerts, reason, alerts[0]!.rule.name, unitName, ctx.tz);
  const rows: Prisma.NotificationCreateManyInput[] = [];
  const at = new Date(ctx.now);
  for (const person of people) {
    for (const d of step.deliveries) {
      const chain = d.channels.filter((id) => {
        const ch = ctx.channels.get(id);
        if (!ch?.enabled) return false;
        const needs = driverFor(ch.kind).needs;
        return !needs || (needs === 'mobile' ? !!person.mobile : !!person.email);
      });
      const id = randomUUID();
      const ackUrl = `${ctx.publicUrl}/ack/${signAckToken(ctx.secret, { n: id, u: person.username, issuedAt: ctx.now })}`;
      const base = {
        id,
        groupId,
        eventIds: alerts.map((a) => a.id),
        policyId: policy.id,
        step: stepIndex,
        recipient: person.username,
        severity: msg.severity,
        title: msg.title,
        body: {
          lines: msg.lines,
          ackUrl,
          reason,
          recipient: {
            username: person.username,
            displayName: person.displayName,
            mobile: person.mobile ?? null,
            email: person.email ?? null,
          },
        },
        createdAt: at,
      };
      if (!chain.length) {
        rows.push({
          ...base,
          channelId: d.channels[0]!,
          fallback: [],
          status: 'failed',
          dueAt: at,
          lastError: '没有可用渠道 (no enabled channel this person can be reached on)',
        });
        continue;
      }
      const kind = ctx.channels.get(chain[0]!)!.kind;
      const due = releaseTime(ctx.settings, msg.severity, kind, ctx.now, ctx.tz);
      rows.push({
        ...base,
        channelId: chain[0]!,
        fallback: chain.slice(1),
        status: due > ctx.now ? 'deferred' : 'pending',
        dueAt: new Date(due),
      });
    }
  }
  return rows;
}

function unitNameOf(alerts: AlertRow[], county: string): string {
  const own = alerts.find((a) => a.orgCode === county);
  return own?.orgName ?? alerts[0]!.orgName.split(/\s+/)[0] ?? county;
}

/** Sends the groups whose wait is over. Returns the notifications written. */
export async function flushGroups(ctx: NotifierContext, limit = 50): Promise<number> {
  const prisma = ctx.db.prisma;
  const due = await prisma.notifyGroup.findMany({
    where: { flushAt: { lte: new Date(ctx.now) } },
    orderBy: { flushAt: 'asc' },
    take: limit,
  });
  let written = 0;
  for (const g of due) {
    const policy = ctx.policies.find((p) => p.id === g.policyId);
    const candidates = (await prisma.alertEvent.findMany({
      where: { id: { in: g.pending }, state: 'firing', phase: 'raised', suppressed: null },
      select: ALERT_SELECT,
    })) as AlertRow[];
    const people = policy && candidates.length ? await resolveTargets(ctx, policy.steps[0]!, candidates[0]!.orgCode) : [];
    written += await prisma.$transaction(async (tx) => {
      const locked = await tx.$queryRaw<{ id: string }[]>`
        SELECT id FROM notify_groups WHERE id = ${g.id} AND flush_at = ${g.flushAt} FOR UPDATE SKIP LOCKED`;
      if (!locked.length) return 0;
      const live = await tx.notifyGroup.findUniqueOrThrow({ where: { id: g.id } });
      const alerts: AlertRow[] = [];
      for (const a of candidates) {
        // Silenced or explained by an outage situation since it joined the group: held back now.
        const suppressed = await suppressionOf(tx, ctx, { ...a, kind: a.rule.kind });
        if (!suppressed) alerts.push(a);
        else await markSuppressed(tx, a.id, suppressed, ctx.now);
      }
      const rows = policy && alerts.length ? messagesFor(ctx, policy, 0, people, alerts, 'notify', g.id) : [];
      if (rows.length) await tx.notification.createMany({ data: rows });
      await tx.notifyGroup.update({
        where: { id: g.id },
        data: {
          pending: live.pending.filter((id) => !g.pending.includes(id)),
          flushAt: live.pending.some((id) => !g.pending.includes(id)) ? new Date(ctx.now + ctx.settings.groupIntervalSec * 1000) : null,
          ...(rows.length ? { lastSentAt: new Date(ctx.now) } : {}),
          updatedAt: new Date(ctx.now),
        },
      });
      if (rows.length)
        await notedOnAlerts(tx, alerts, `已通知 notified: ${[...new Set(rows.map((r) => r.recipient))].join(', ')}`, ctx.now);
      return rows.length;
    });
  }
  return written;
}

/** Moves unacknowledged alerts to their policy's next step once its minutes have passed. */
export async function escalate(ctx: NotifierContext, limit = 1000): Promise<number> {
  const prisma = ctx.db.prisma;
  const open = (await prisma.alertEvent.findMany({
    where: { state: 'firing', phase: 'raised', suppressed: null, policyId: { not: null } },
    select: { ...ALERT_SELECT, policyId: true, groupKey: true },
    orderBy: { firedAt: 'asc' },
    take: limit,
  })) as (AlertRow & { policyId: string; groupKey: string | null })[];
  const batches = new Map<string, { policy: StoredPolicy; step: number; alerts: AlertRow[] }>();
  for (const a of open) {
    const policy = ctx.policies.find((p) => p.id === a.policyId);
    const next = policy?.steps[a.escalation + 1];
    if (!policy || !next || a.firedAt.getTime() + next.afterMinutes * 60_000 > ctx.now) continue;
    const key = `${a.groupKey ?? a.id}|${a.escalation + 1}`;
    const b = batches.get(key) ?? { policy, step: a.escalation + 1, alerts: [] };
    b.alerts.push(a);
    batches.set(key, b);
  }
  let written = 0;
  for (const b of batches.values()) {
    const people = await resolveTargets(ctx, b.policy.steps[b.step]!, b.alerts[0]!.orgCode);
    written += await prisma.$transaction(async (tx) => {
      const moved = await tx.alertEvent.updateManyAndReturn({
        where: { id: { in: b.alerts.map((a) => a.id) }, escalation: b.step - 1, phase: 'raised' },
        data: { escalation: b.step },
        select: { id: true },
      });
      const ids = new Set(moved.map((m) => m.id));
      const alerts = b.alerts.filter((a) => ids.has(a.id));
      if (!alerts.length) return 0;
      const rows = messagesFor(ctx, b.policy, b.step, people, alerts, 'escalation', null);
      if (rows.length) await tx.notification.createMany({ data: rows });
      const who = [...new Set(rows.map((r) => r.recipient))].join(', ') || '无人在岗 nobody on duty';
      const note = `未在 ${b.policy.steps[b.step]!.afterMinutes} 分钟内确认，升级至第 ${b.step + 1} 级 escalated to step ${b.step + 1}: ${who}`;
      await tx.dutyTransition.createMany({
        data: alerts.map((a) => ({
          subjectType: 'alert',
          subjectId: a.id,
          fromPhase: 'raised',
          toPhase: 'raised',
          actor: 'system',
          via: 'system',
          note,
          at: new Date(ctx.now),
        })),
      });
      await tx.alertOutbox.createMany({ data: alerts.map((a) => ({ eventId: a.id, change: 'escalated', at: new Date(ctx.now) })) });
      await tx.runLogEntry.create({
        data: {
          orgCode: countyOf(alerts[0]!.orgCode),
          at: new Date(ctx.now),
          origin: 'auto',
          category: 'escalation',
          text: `${alerts[0]!.rule.name}：${alerts.length} 条预警${note}`,
          actor: 'system',
          refType: 'alert',
          refId: alerts[0]!.id,
        },
      });
      return rows.length;
    });
  }
  return written;
}

/** Tells a group again every repeat interval while any of its alerts stays unacknowledged. */
export async function repeatUnacknowledged(ctx: NotifierContext, limit = 50): Promise<number> {
  const prisma = ctx.db.prisma;
  const cutoff = new Date(ctx.now - ctx.settings.repeatIntervalSec * 1000);
  const due = await prisma.notifyGroup.findMany({ where: { lastSentAt: { lte: cutoff }, NOT: { open: { isEmpty: true } } }, take: limit });
  let written = 0;
  for (const g of due) {
    const policy = ctx.policies.find((p) => p.id === g.policyId);
    const alerts = (await prisma.alertEvent.findMany({
      where: { id: { in: g.open }, state: 'firing', phase: 'raised', suppressed: null },
      select: ALERT_SELECT,
    })) as AlertRow[];
    const step = Math.min(Math.max(0, ...alerts.map((a) => a.escalation)), (policy?.steps.length ?? 1) - 1);
    const people = policy && alerts.length ? await resolveTargets(ctx, policy.steps[step]!, alerts[0]!.orgCode) : [];
    written += await prisma.$transaction(async (tx) => {
      const claimed = await tx.notifyGroup.updateMany({
        where: { id: g.id, lastSentAt: g.lastSentAt },
        data: { lastSentAt: new Date(ctx.now) },
      });
      if (claimed.count !== 1 || !policy || !alerts.length) return 0;
      const rows = messagesFor(ctx, policy, step, people, alerts, 'repeat', g.id);
      if (rows.length) await tx.notification.createMany({ data: rows });
      return rows.length;
    });
  }
  return written;
}

async function markSuppressed(tx: Tx, id: string, suppressed: string, now: number) {
  await tx.alertEvent.update({ where: { id }, data: { suppressed } });
  await tx.dutyTransition.create({
    data: {
      subjectType: 'alert',
      subjectId: id,
      fromPhase: 'raised',
      toPhase: 'raised',
      actor: 'system',
      via: 'system',
      note: suppressionNote(suppressed),
      at: new Date(now),
    },
  });
}

async function notedOnAlerts(tx: Tx, alerts: AlertRow[], note: string, now: number) {
  await tx.dutyTransition.createMany({
    data: alerts.map((a) => ({
      subjectType: 'alert',
      subjectId: a.id,
      fromPhase: 'raised',
      toPhase: 'raised',
      actor: 'system',
      via: 'system',
      note: note.slice(0, 2000),
      at: new Date(now),
    })),
  });
}

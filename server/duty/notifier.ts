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
import type { SilenceRow } from './silences';

// Decides the messages: a group's flush after its wait, an escalation when nobody acknowledged in time, a
// repeat while a group stays unacknowledged. Reads (roster, users, channels) happen before the short write
// transaction, which re-checks what it relies on (compare-and-set), so two processes never send one twice.

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
  /** Silences in force at `now`. */
  silences: SilenceRow[];
  /** Who is on duty, per unit and role, asked once per tick. */
  onDutyCache?: Map<string, Promise<Person[]>>;
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
export async function resolveTargets(
  ctx: Pick<NotifierContext, 'db' | 'roster' | 'now' | 'onDutyCache'>,
  step: Step,
  orgCode: string,
): Promise<Person[]> {
  const out = new Map<string, Person>();
  for (const t of step.targets) {
    if (t.type === 'on_duty') {
      const unit = targetOrg(orgCode, t.level);
      const key = `${unit}|${t.role}`;
      let found = ctx.onDutyCache?.get(key);
      if (!found) {
        found = ctx.roster.onDuty(unit, t.role, ctx.now);
        ctx.onDutyCache?.set(key, found);
      }
      for (const p of await found) if (!out.has(p.username)) out.set(p.username, p);
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
  const counties = new Set(alerts.map((a) => countyOf(a.orgCode)));
  const rules = new Set(alerts.map((a) => a.rule.name));
  const unitName =
    counties.size > 1
      ? `${counties.size} 个区县`
      : alerts.every((a) => a.orgCode === alerts[0]!.orgCode)
        ? alerts[0]!.orgName
        : unitNameOf(alerts, countyOf(alerts[0]!.orgCode));
  const msg = renderMessage(alerts, reason, rules.size > 1 ? `${rules.size} 项规则` : alerts[0]!.rule.name, unitName);
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
export async function flushGroups(ctx: NotifierContext, limit = 500): Promise<number> {
  const prisma = ctx.db.prisma;
  const due = await prisma.notifyGroup.findMany({
    where: { flushAt: { lte: new Date(ctx.now) } },
    orderBy: { flushAt: 'asc' },
    take: limit,
  });
  if (!due.length) return 0;
  // Reads first (a burst's groups as one set): their alerts, the situations those belong to, the people.
  const candidates = (await prisma.alertEvent.findMany({
    where: { id: { in: due.flatMap((g) => g.pending) }, state: 'firing', phase: 'raised', suppressed: null },
    select: ALERT_SELECT,
  })) as AlertRow[];
  const byId = new Map(candidates.map((a) => [a.id, a]));
  const situationIds = [...new Set(candidates.map((a) => a.situationId).filter((x): x is string => !!x))];
  const firingSituations = new Set(
    (await prisma.alertEvent.findMany({ where: { id: { in: situationIds }, state: 'firing' }, select: { id: true } })).map((e) => e.id),
  );
  const plans: { g: (typeof due)[number]; alerts: AlertRow[]; held: [AlertRow, string][]; people: Person[] }[] = [];
  for (const g of due) {
    const policy = ctx.policies.find((p) => p.id === g.policyId);
    const alerts: AlertRow[] = [];
    const held: [AlertRow, string][] = [];
    for (const id of g.pending) {
      const a = byId.get(id);
      if (!a) continue;
      // Silenced or explained by an outage situation since it joined the group: held back now.
      const suppressed = suppressionOf(ctx, { ...a, kind: a.rule.kind }, a.situationId ? firingSituations.has(a.situationId) : null);
      if (suppressed) held.push([a, suppressed]);
      else alerts.push(a);
    }
    const people = policy && alerts.length ? await resolveTargets(ctx, policy.steps[0]!, alerts[0]!.orgCode) : [];
    plans.push({ g, alerts, held, people });
  }
  return prisma.$transaction(
    async (tx) => {
      // Claim: only groups still due as read (another process may have flushed one meanwhile).
      const locked = new Set(
        (
          await tx.$queryRaw<{ id: string }[]>`
            SELECT id FROM notify_groups WHERE id = ANY(${due.map((g) => g.id)}::text[]) AND flush_at <= ${new Date(ctx.now)} FOR UPDATE SKIP LOCKED`
        ).map((r) => r.id),
      );
      const live = new Map((await tx.notifyGroup.findMany({ where: { id: { in: [...locked] } } })).map((g) => [g.id, g]));
      const notifications: Prisma.NotificationCreateManyInput[] = [];
      const transitions: Prisma.DutyTransitionCreateManyInput[] = [];
      const at = new Date(ctx.now);
      const told: string[] = [];
      const untold: string[] = [];
      // One message per person and delivery for everything flushed together: a storm over many counties and
      // rules reaches each person as one message, not one per group (a robot takes 20 a minute).
      const perPerson = new Map<string, { policy: StoredPolicy; person: Person; alerts: AlertRow[]; groups: string[] }>();
      for (const { g, alerts, held, people } of plans) {
        const cur = live.get(g.id);
        if (!cur) continue;
        const policy = ctx.policies.find((p) => p.id === g.policyId);
        const reached = policy && alerts.length ? people : [];
        for (const person of reached) {
          const key = `${policy!.id}|${person.username}`;
          const entry = perPerson.get(key) ?? { policy: policy!, person, alerts: [], groups: [] };
          entry.alerts.push(...alerts);
          entry.groups.push(g.id);
          perPerson.set(key, entry);
        }
        const rows = reached;
        for (const [a, why] of held) {
          await tx.alertEvent.update({ where: { id: a.id }, data: { suppressed: why } });
          transitions.push({
            subjectType: 'alert',
            subjectId: a.id,
            fromPhase: 'raised',
            toPhase: 'raised',
            actor: 'system',
            via: 'system',
            note: suppressionNote(why),
            at,
          });
        }
        if (rows.length) {
          const note = `已通知 notified: ${rows.map((p) => p.username).join(', ')}`.slice(0, 2000);
          for (const a of alerts)
            transitions.push({
              subjectType: 'alert',
              subjectId: a.id,
              fromPhase: 'raised',
              toPhase: 'raised',
              actor: 'system',
              via: 'system',
              note,
              at,
            });
        }
        const rest = cur.pending.filter((id) => !g.pending.includes(id));
        if (rest.length)
          await tx.notifyGroup.update({
            where: { id: g.id },
            data: {
              pending: rest,
              flushAt: new Date(ctx.now + ctx.settings.groupIntervalSec * 1000),
              ...(rows.length ? { lastSentAt: at } : {}),
              updatedAt: at,
            },
          });
        else (rows.length ? told : untold).push(g.id);
      }
      // Emptied groups in two statements, not one per group.
      if (told.length)
        await tx.notifyGroup.updateMany({
          where: { id: { in: told } },
          data: { pending: [], flushAt: null, lastSentAt: at, updatedAt: at },
        });
      if (untold.length)
        await tx.notifyGroup.updateMany({ where: { id: { in: untold } }, data: { pending: [], flushAt: null, updatedAt: at } });
      for (const e of perPerson.values())
        notifications.push(...messagesFor(ctx, e.policy, 0, [e.person], e.alerts, 'notify', e.groups.length === 1 ? e.groups[0]! : null));
      if (notifications.length) await tx.notification.createMany({ data: notifications });
      if (transitions.length) await tx.dutyTransition.createMany({ data: transitions });
      return notifications.length;
    },
    { timeout: 60_000 },
  );
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
export async function repeatUnacknowledged(ctx: NotifierContext, limit = 200): Promise<number> {
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

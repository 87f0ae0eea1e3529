import type { Db } from '../db/client';
import type { Prisma } from '../db/generated/client';
import { ruleSpecSchema } from '../alerts/spec';
import type { DutyBus, DutyEvent } from './bus';
import { ENDED } from './lifecycle';
import { choosePolicy, domainOf, type StoredPolicy } from './policy';
import { activeSilence } from './silences';
import type { NoiseSettings } from './settings';

// The duty router: turns the engine's change data (alert_outbox) into routing and grouping. Each row is
// claimed with a row lock and handled in the transaction that marks it done, so on several processes each
// change is routed once, and a crash leaves it to be claimed again.

type Tx = Prisma.TransactionClient;

export interface OutboxRow {
  id: bigint;
  eventId: string;
  change: string;
}

/** The county an alert belongs to: halls (longer codes) and counties group under their county. */
export const countyOf = (orgCode: string) => (orgCode.length >= 6 ? orgCode.slice(0, 6) : orgCode);

export const groupKeyOf = (policyId: string, ruleId: string, orgCode: string) => `${policyId}|${ruleId}|${countyOf(orgCode)}`;

export interface RouteContext {
  db: Db;
  bus: DutyBus;
  policies: StoredPolicy[];
  settings: NoiseSettings;
  now: number;
}

/** Claims and routes up to `limit` outbox rows; returns how many were handled. */
export async function routeOutbox(ctx: RouteContext, limit = 200): Promise<number> {
  const published: DutyEvent[] = [];
  const handled = await ctx.db.prisma.$transaction(
    async (tx) => {
      const rows = await tx.$queryRaw<{ id: bigint; event_id: string; change: string }[]>`
        SELECT id, event_id, change FROM alert_outbox WHERE done_at IS NULL ORDER BY id LIMIT ${limit} FOR UPDATE SKIP LOCKED`;
      for (const r of rows) {
        const e = await routeOne(tx, ctx, { id: r.id, eventId: r.event_id, change: r.change });
        if (e) published.push(e);
      }
      if (rows.length)
        await tx.alertOutbox.updateMany({ where: { id: { in: rows.map((r) => r.id) } }, data: { doneAt: new Date(ctx.now) } });
      return rows.length;
    },
    { timeout: 30_000 },
  );
  // After the commit: a screen must never hear of a change that then rolled back.
  for (const e of published) await ctx.bus.publish(e).catch((err: unknown) => console.error('[duty] publish failed:', err));
  return handled;
}

async function routeOne(tx: Tx, ctx: RouteContext, row: OutboxRow): Promise<DutyEvent | null> {
  const ev = await tx.alertEvent.findUnique({ where: { id: row.eventId }, include: { rule: { select: { kind: true, spec: true } } } });
  if (!ev) return null;
  const at = new Date(ctx.now);
  let policy: StoredPolicy | null = null;
  if (row.change === 'fired') {
    await tx.dutyTransition.create({
      data: {
        subjectType: 'alert',
        subjectId: ev.id,
        fromPhase: null,
        toPhase: 'raised',
        actor: 'system',
        via: 'system',
        note: '规则触发 rule fired',
        at: ev.firedAt,
      },
    });
    const spec = ruleSpecSchema.safeParse(ev.rule.spec);
    const facts = {
      orgCode: ev.orgCode,
      severity: ev.severity,
      kind: ev.rule.kind,
      domain: spec.success ? domainOf(spec.data, ev.condition) : ('source' as const),
    };
    const suppressed = await suppressionOf(tx, ctx, { ...ev, kind: ev.rule.kind });
    policy = choosePolicy(ctx.policies, facts);
    const groupKey = policy ? groupKeyOf(policy.id, ev.ruleId, ev.orgCode) : null;
    await tx.alertEvent.update({ where: { id: ev.id }, data: { policyId: policy?.id ?? null, groupKey, suppressed } });
    if (suppressed) {
      await tx.dutyTransition.create({
        data: {
          subjectType: 'alert',
          subjectId: ev.id,
          fromPhase: 'raised',
          toPhase: 'raised',
          actor: 'system',
          via: 'system',
          note: suppressionNote(suppressed),
          at,
        },
      });
    } else if (policy && groupKey) await addToGroup(tx, ctx, groupKey, policy.id, ev.id);
  } else if (row.change === 'severity') {
    // Worse or better, the people on it hear of it with the group's next message.
    if (!ev.suppressed && ev.groupKey && ev.policyId && ev.phase === 'raised') await addToGroup(tx, ctx, ev.groupKey, ev.policyId, ev.id);
    policy = ctx.policies.find((p) => p.id === ev.policyId) ?? null;
  } else if (row.change === 'recovered') {
    if (ev.phase === 'raised' || ev.phase === 'acknowledged') {
      await tx.alertEvent.update({ where: { id: ev.id }, data: { phase: 'recovered' } });
      await tx.dutyTransition.create({
        data: {
          subjectType: 'alert',
          subjectId: ev.id,
          fromPhase: ev.phase,
          toPhase: 'recovered',
          actor: 'system',
          via: 'system',
          note: ev.closeReason === 'rule_disabled' ? '规则已停用 rule switched off' : '条件已解除，自动恢复 condition cleared',
          at,
        },
      });
    }
  }
  if (row.change === 'recovered' || (row.change.startsWith('phase:') && ENDED.includes(row.change.slice(6) as never)))
    await leaveGroup(tx, ev.groupKey, ev.id);
  const phase = row.change === 'recovered' && (ev.phase === 'raised' || ev.phase === 'acknowledged') ? 'recovered' : ev.phase;
  return {
    type: 'alert',
    eventId: ev.id,
    change: row.change,
    severity: ev.severity,
    orgCode: ev.orgCode,
    orgName: ev.orgName,
    title: ev.title,
    titleEn: ev.titleEn,
    phase,
    banner: row.change === 'fired' && ev.severity === 'red' && !!policy?.wallBanner,
    at: ctx.now,
  };
}

/** Why nobody should be told of this alert now: an active silence, or the outage situation that explains it. */
export async function suppressionOf(
  tx: Tx,
  ctx: Pick<RouteContext, 'settings' | 'now'>,
  ev: { id: string; orgCode: string; severity: string; ruleId: string; kind: string; situationId: string | null },
): Promise<string | null> {
  const silence = await activeSilence(tx, ev, ctx.now);
  if (silence) return `silenced:${silence}`;
  if (ctx.settings.inhibitBySituation && ev.situationId && ev.situationId !== ev.id) {
    const s = await tx.alertEvent.findUnique({ where: { id: ev.situationId }, select: { state: true } });
    if (s?.state === 'firing') return `inhibited:${ev.situationId}`;
  }
  return null;
}

export const suppressionNote = (s: string) =>
  s.startsWith('silenced:')
    ? `已静默，不通知 silenced (${s.slice(9)})`
    : `被停电事件抑制，不单独通知 inhibited by outage situation ${s.slice(10)}`;

async function addToGroup(tx: Tx, ctx: RouteContext, groupKey: string, policyId: string, eventId: string) {
  const at = new Date(ctx.now);
  const g = await tx.notifyGroup.findUnique({ where: { groupKey } });
  if (!g) {
    await tx.notifyGroup.create({
      data: {
        groupKey,
        policyId,
        pending: [eventId],
        open: [eventId],
        firstAt: at,
        flushAt: new Date(ctx.now + ctx.settings.groupWaitSec * 1000),
        updatedAt: at,
      },
    });
    return;
  }
  // A group already told: the next message waits for the group interval; a new burst waits the group wait.
  const next = g.lastSentAt
    ? Math.max(g.lastSentAt.getTime() + ctx.settings.groupIntervalSec * 1000, ctx.now)
    : ctx.now + ctx.settings.groupWaitSec * 1000;
  await tx.notifyGroup.update({
    where: { groupKey },
    data: {
      pending: g.pending.includes(eventId) ? g.pending : [...g.pending, eventId],
      open: g.open.includes(eventId) ? g.open : [...g.open, eventId],
      flushAt: g.flushAt ?? new Date(next),
      ...(g.open.length === 0 && !g.pending.length ? { firstAt: at } : {}),
      updatedAt: at,
    },
  });
}

async function leaveGroup(tx: Tx, groupKey: string | null, eventId: string) {
  if (!groupKey) return;
  const g = await tx.notifyGroup.findUnique({ where: { groupKey } });
  if (!g) return;
  await tx.notifyGroup.update({
    where: { groupKey },
    data: { open: g.open.filter((id) => id !== eventId), pending: g.pending.filter((id) => id !== eventId) },
  });
}

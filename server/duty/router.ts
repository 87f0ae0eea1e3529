import type { Db } from '../db/client';
import type { Prisma } from '../db/generated/client';
import { ruleSpecSchema } from '../alerts/spec';
import type { DutyBus, DutyEvent } from './bus';
import { ENDED } from './lifecycle';
import { choosePolicy, domainOf, type StoredPolicy } from './policy';
import { silenceFor, type SilenceRow } from './silences';
import type { NoiseSettings } from './settings';

// The duty router: turns the engine's change data (alert_outbox) into routing and grouping. Each row is
// claimed with a row lock and handled in the transaction that marks it done, so on several processes each
// change is routed once, and a crash leaves it to be claimed again.

type Tx = Prisma.TransactionClient;

/** The county an alert belongs to: halls (longer codes) and counties group under their county. */
export const countyOf = (orgCode: string) => (orgCode.length >= 6 ? orgCode.slice(0, 6) : orgCode);

export const groupKeyOf = (policyId: string, ruleId: string, orgCode: string) => `${policyId}|${ruleId}|${countyOf(orgCode)}`;

export interface RouteContext {
  db: Db;
  bus: DutyBus;
  policies: StoredPolicy[];
  settings: NoiseSettings;
  /** Silences in force at `now`. */
  silences: SilenceRow[];
  now: number;
}

/** Claims and routes up to `limit` outbox rows; returns how many were handled. */
export async function routeOutbox(ctx: RouteContext, limit = 500): Promise<number> {
  const published: DutyEvent[] = [];
  const handled = await ctx.db.prisma.$transaction(
    async (tx) => {
      const rows = await tx.$queryRaw<{ id: bigint; event_id: string; change: string }[]>`
        SELECT id, event_id, change FROM alert_outbox WHERE done_at IS NULL ORDER BY id LIMIT ${limit} FOR UPDATE SKIP LOCKED`;
      if (!rows.length) return 0;
      // A burst is routed as a set: one read of its alerts and groups, one write per table.
      const events = await tx.alertEvent.findMany({
        where: { id: { in: [...new Set(rows.map((r) => r.event_id))] } },
        include: { rule: { select: { kind: true, spec: true } } },
      });
      const byId = new Map(events.map((e) => [e.id, e]));
      const batch = new RouteBatch(ctx);
      for (const r of rows) {
        const ev = byId.get(r.event_id);
        if (ev) published.push(batch.route(ev, r.change));
      }
      await batch.write(tx);
      await tx.alertOutbox.updateMany({ where: { id: { in: rows.map((r) => r.id) } }, data: { doneAt: new Date(ctx.now) } });
      return rows.length;
    },
    { timeout: 60_000 },
  );
  // After the commit: a screen must never hear of a change that then rolled back.
  for (const e of published) await ctx.bus.publish(e).catch((err: unknown) => console.error('[duty] publish failed:', err));
  return handled;
}

type RoutedEvent = Prisma.AlertEventGetPayload<{ include: { rule: { select: { kind: true; spec: true } } } }>;

/** The writes a batch of outbox rows makes, gathered in memory (rows of one alert see each other's effect). */
class RouteBatch {
  private readonly transitions: Prisma.DutyTransitionCreateManyInput[] = [];
  private readonly routed = new Map<string, { policyId: string | null; groupKey: string | null; suppressed: string | null }>();
  private readonly recovered = new Set<string>();
  private readonly runLog: Prisma.RunLogEntryCreateManyInput[] = [];
  private readonly joins = new Map<string, { policyId: string; ids: string[] }>();
  private readonly leaves = new Map<string, Set<string>>();

  constructor(private readonly ctx: RouteContext) {}

  route(ev: RoutedEvent, change: string): DutyEvent {
    const at = new Date(this.ctx.now);
    let policy: StoredPolicy | null = null;
    const from = ev.phase;
    if (change === 'fired') {
      this.transitions.push({
        subjectType: 'alert',
        subjectId: ev.id,
        fromPhase: null,
        toPhase: 'raised',
        actor: 'system',
        via: 'system',
        note: '规则触发 rule fired',
        at: ev.firedAt,
      });
      const spec = ruleSpecSchema.safeParse(ev.rule.spec);
      const facts = {
        orgCode: ev.orgCode,
        severity: ev.severity,
        kind: ev.rule.kind,
        domain: spec.success ? domainOf(spec.data, ev.condition) : ('source' as const),
      };
      const suppressed = suppressionOf(this.ctx, { ...ev, kind: ev.rule.kind }, null);
      policy = choosePolicy(this.ctx.policies, facts);
      const groupKey = policy ? groupKeyOf(policy.id, ev.ruleId, ev.orgCode) : null;
      Object.assign(ev, { policyId: policy?.id ?? null, groupKey, suppressed });
      this.routed.set(ev.id, { policyId: policy?.id ?? null, groupKey, suppressed });
      // The run log keeps the notable ones by itself: every red alert, with how it is routed.
      if (ev.severity === 'red')
        this.runLog.push({
          orgCode: countyOf(ev.orgCode),
          at: ev.firedAt,
          origin: 'auto',
          category: 'alert',
          text: `红色预警：${ev.orgName} ${ev.title}${suppressed ? `（${suppressionNote(suppressed)}）` : policy ? `，按「${policy.name}」通知` : '，无路由策略'}`.slice(
            0,
            2000,
          ),
          actor: 'system',
          refType: 'alert',
          refId: ev.id,
        });
      if (suppressed)
        this.transitions.push({
          subjectType: 'alert',
          subjectId: ev.id,
          fromPhase: 'raised',
          toPhase: 'raised',
          actor: 'system',
          via: 'system',
          note: suppressionNote(suppressed),
          at,
        });
      else if (policy && groupKey) this.join(groupKey, policy.id, ev.id);
    } else if (change === 'severity') {
      // Worse or better, the people on it hear of it with the group's next message.
      if (!ev.suppressed && ev.groupKey && ev.policyId && ev.phase === 'raised') this.join(ev.groupKey, ev.policyId, ev.id);
      policy = this.ctx.policies.find((p) => p.id === ev.policyId) ?? null;
    } else if (change === 'recovered' && (ev.phase === 'raised' || ev.phase === 'acknowledged')) {
      ev.phase = 'recovered';
      this.recovered.add(ev.id);
      this.transitions.push({
        subjectType: 'alert',
        subjectId: ev.id,
        fromPhase: from,
        toPhase: 'recovered',
        actor: 'system',
        via: 'system',
        note: ev.closeReason === 'rule_disabled' ? '规则已停用 rule switched off' : '条件已解除，自动恢复 condition cleared',
        at,
      });
    }
    if (ev.groupKey && (change === 'recovered' || (change.startsWith('phase:') && ENDED.includes(change.slice(6) as never)))) {
      const set = this.leaves.get(ev.groupKey) ?? new Set<string>();
      set.add(ev.id);
      this.leaves.set(ev.groupKey, set);
    }
    return {
      type: 'alert',
      eventId: ev.id,
      change,
      severity: ev.severity,
      orgCode: ev.orgCode,
      orgName: ev.orgName,
      title: ev.title,
      titleEn: ev.titleEn,
      phase: ev.phase,
      banner: change === 'fired' && ev.severity === 'red' && !!policy?.wallBanner,
      at: this.ctx.now,
    };
  }

  private join(groupKey: string, policyId: string, eventId: string) {
    const j = this.joins.get(groupKey) ?? { policyId, ids: [] };
    if (!j.ids.includes(eventId)) j.ids.push(eventId);
    this.joins.set(groupKey, j);
  }

  async write(tx: Tx) {
    const { ctx } = this;
    const at = new Date(ctx.now);
    if (this.transitions.length) await tx.dutyTransition.createMany({ data: this.transitions });
    if (this.runLog.length) await tx.runLogEntry.createMany({ data: this.runLog });
    // A burst's routing in one statement (policy, group and suppression differ per alert).
    const routed = [...this.routed.entries()];
    if (routed.length)
      await tx.$executeRaw`
        UPDATE alert_events AS e SET policy_id = v.policy_id, group_key = v.group_key, suppressed = v.suppressed
        FROM (SELECT unnest(${routed.map(([id]) => id)}::text[]) AS id,
                     unnest(${routed.map(([, r]) => r.policyId)}::text[]) AS policy_id,
                     unnest(${routed.map(([, r]) => r.groupKey)}::text[]) AS group_key,
                     unnest(${routed.map(([, r]) => r.suppressed)}::text[]) AS suppressed) AS v
        WHERE e.id = v.id`;
    if (this.recovered.size) await tx.alertEvent.updateMany({ where: { id: { in: [...this.recovered] } }, data: { phase: 'recovered' } });
    const keys = [...new Set([...this.joins.keys(), ...this.leaves.keys()])];
    if (!keys.length) return;
    // Two routers (two processes, each with its own claimed outbox rows) can route alerts of one group at once:
    // each group is read and written under a lock on its key, taken in key order, so the second waits for the
    // first's commit and finds the group instead of creating it a second time.
    await tx.$queryRaw`
      SELECT count(*)::int AS n FROM (
        SELECT pg_advisory_xact_lock(hashtext(k)) FROM (SELECT k FROM unnest(${keys}::text[]) AS k ORDER BY k) AS sorted
      ) AS locked`;
    const existing = new Map((await tx.notifyGroup.findMany({ where: { groupKey: { in: keys } } })).map((g) => [g.groupKey, g]));
    const creates: Prisma.NotifyGroupCreateManyInput[] = [];
    for (const key of keys) {
      const g = existing.get(key);
      const join = this.joins.get(key);
      const leave = this.leaves.get(key) ?? new Set<string>();
      if (!g) {
        const ids = (join?.ids ?? []).filter((id) => !leave.has(id));
        if (join && ids.length)
          creates.push({
            groupKey: key,
            policyId: join.policyId,
            pending: ids,
            open: ids,
            firstAt: at,
            flushAt: new Date(ctx.now + ctx.settings.groupWaitSec * 1000),
            updatedAt: at,
          });
        continue;
      }
      const pending = [...new Set([...g.pending, ...(join?.ids ?? [])])].filter((id) => !leave.has(id));
      const open = [...new Set([...g.open, ...(join?.ids ?? [])])].filter((id) => !leave.has(id));
      // A group already told: the next message waits for the group interval; a new burst waits the group wait.
      const next = g.lastSentAt
        ? Math.max(g.lastSentAt.getTime() + ctx.settings.groupIntervalSec * 1000, ctx.now)
        : ctx.now + ctx.settings.groupWaitSec * 1000;
      await tx.notifyGroup.update({
        where: { groupKey: key },
        data: {
          pending,
          open,
          flushAt: join?.ids.length ? (g.flushAt ?? new Date(next)) : g.flushAt,
          ...(join?.ids.length && !g.open.length && !g.pending.length ? { firstAt: at } : {}),
          updatedAt: at,
        },
      });
    }
    if (creates.length) await tx.notifyGroup.createMany({ data: creates });
  }
}

/**
 * Why nobody should be told of this alert now: an active silence, or the outage situation that explains it
 * (`situationFiring`: whether the situation alert it belongs to still fires; null = not known, then a
 * linked alert is held back, as a situation's members are linked while it fires).
 */
export function suppressionOf(
  ctx: Pick<RouteContext, 'settings' | 'silences'>,
  ev: { id: string; orgCode: string; severity: string; ruleId: string; kind: string; situationId: string | null },
  situationFiring: boolean | null,
): string | null {
  const silence = silenceFor(ctx.silences, ev);
  if (silence) return `silenced:${silence}`;
  if (ctx.settings.inhibitBySituation && ev.situationId && ev.situationId !== ev.id && situationFiring !== false)
    return `inhibited:${ev.situationId}`;
  return null;
}

export const suppressionNote = (s: string) =>
  s.startsWith('silenced:')
    ? `已静默，不通知 silenced (${s.slice(9)})`
    : `被停电事件抑制，不单独通知 inhibited by outage situation ${s.slice(10)}`;

import { z } from 'zod';
import { InvalidError, NotFoundError } from '@/core/errors';
import { PROVINCE } from '@/core/org/divisions';
import { SEVERITIES } from '../../alerts/spec';
import type { Prisma } from '../../db/generated/client';
import { ACTIONS, PHASES, PHASE_LABELS, allowedActions, timeline, transition, type Phase } from '../../duty/lifecycle';
import { policyInputSchema } from '../../duty/policy';
import { createSilence, expireSilence, silenceInputSchema } from '../../duty/silences';
import { noiseSettingsSchema, readNoiseSettings, saveNoiseSettings } from '../../duty/settings';
import { orgCodeInput } from '../../kpi/query/schema';
import { driverFor } from '../../notify/channels';
import { CHANNEL_KINDS } from '../../notify/types';
import { authedProcedure, router } from '../init';
import { hasNoNul } from '../input-guards';

// Inputs, named up front.
const id = z.string().min(1).max(64).refine(hasNoNul, 'must not contain a NUL byte');
const inboxInput = z.object({
  /** 'open': not yet closed or recovered; 'mine': owned by me and open; 'unacknowledged': raised and firing. */
  view: z.enum(['open', 'mine', 'unacknowledged', 'all']).default('open'),
  phases: z.array(z.enum(PHASES)).max(PHASES.length).optional(),
  severities: z.array(z.enum(SEVERITIES)).max(4).optional(),
  orgCode: orgCodeInput.optional(),
  limit: z.number().int().min(1).max(500).default(100),
  cursor: id.optional(),
});
const actInput = z.object({
  eventId: id,
  action: z.enum(ACTIONS),
  note: z.string().max(2000).refine(hasNoNul, 'must not contain a NUL byte').optional(),
  assignee: z.string().min(1).max(64).refine(hasNoNul, 'must not contain a NUL byte').optional(),
});
const policySaveInput = z.object({ id: id.optional(), policy: policyInputSchema });
const channelSaveInput = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{1,40}$/, 'id: lowercase letters, digits and -'),
  kind: z.enum(CHANNEL_KINDS),
  name: z.string().trim().min(1).max(80),
  enabled: z.boolean().default(true),
  config: z.record(z.string(), z.unknown()),
});
const deliveriesInput = z.object({
  channelId: id.optional(),
  eventId: id.optional(),
  status: z.enum(['pending', 'deferred', 'sending', 'sent', 'failed']).optional(),
  limit: z.number().int().min(1).max(500).default(100),
});

/** A policy or silence set for `orgCode` concerns the caller when it is set above their unit or inside it. */
const inScope = (scope: { contains(o: string): boolean; applies(o: string): boolean }, orgCode: string | undefined) => {
  const code = orgCode ?? PROVINCE.code;
  return scope.contains(code) || scope.applies(code);
};

const OPEN: Phase[] = ['raised', 'acknowledged', 'assigned', 'supervised', 'handled', 'verified'];

/** Secrets never leave the server: a stored config comes back with its secret fields masked. */
const SECRET_FIELD = /secret|pass|key|token/i;
const maskConfig = (c: unknown) =>
  Object.fromEntries(
    Object.entries((c ?? {}) as Record<string, unknown>).map(([k, v]) => [
      k,
      SECRET_FIELD.test(k) && typeof v === 'string' && v ? '••••••' : v,
    ]),
  );

export const dutyRouter = router({
  /** The duty desk's inbox: alerts in the caller's scope with their life-cycle phase, owner and what the caller may do. */
  inbox: authedProcedure('duty.read')
    .input(inboxInput.default({ view: 'open', limit: 100 }))
    .query(async ({ ctx, input }) => {
      const orgCode = input.orgCode ?? ctx.scope.orgCode;
      ctx.scope.assert(orgCode);
      const where: Prisma.AlertEventWhereInput = {
        orgCode: { startsWith: orgCode },
        ...(input.severities?.length ? { severity: { in: input.severities } } : {}),
        ...(input.phases?.length
          ? { phase: { in: input.phases } }
          : input.view === 'open'
            ? { phase: { in: OPEN } }
            : input.view === 'mine'
              ? { phase: { in: OPEN }, owner: ctx.user.id }
              : input.view === 'unacknowledged'
                ? { phase: 'raised', state: 'firing' }
                : {}),
      };
      const prisma = ctx.rt.db.prisma;
      const [items, total, byPhase] = await Promise.all([
        prisma.alertEvent.findMany({
          where,
          orderBy: [{ firedAt: 'desc' }, { id: 'desc' }],
          take: input.limit + 1,
          ...(input.cursor ? { cursor: { id: input.cursor }, skip: 1 } : {}),
          include: { rule: { select: { name: true, nameEn: true, kind: true } } },
        }),
        prisma.alertEvent.count({ where }),
        prisma.alertEvent.groupBy({
          by: ['phase'],
          where: { orgCode: { startsWith: orgCode }, phase: { in: OPEN } },
          _count: { _all: true },
        }),
      ]);
      const page = items.slice(0, input.limit);
      return {
        total,
        byPhase: Object.fromEntries(OPEN.map((p) => [p, byPhase.find((b) => b.phase === p)?._count._all ?? 0])) as Record<string, number>,
        nextCursor: items.length > input.limit ? page.at(-1)!.id : null,
        items: page.map((e) => ({
          id: e.id,
          ruleName: e.rule.name,
          ruleNameEn: e.rule.nameEn,
          kind: e.rule.kind,
          orgCode: e.orgCode,
          orgName: e.orgName,
          severity: e.severity,
          state: e.state,
          phase: e.phase as Phase,
          phaseLabel: PHASE_LABELS[e.phase as Phase] ?? { zh: e.phase, en: e.phase },
          owner: e.owner,
          escalation: e.escalation,
          suppressed: e.suppressed,
          situationId: e.situationId,
          title: e.title,
          titleEn: e.titleEn,
          firedAt: e.firedAt.toISOString(),
          acknowledgedAt: e.acknowledgedAt?.toISOString() ?? null,
          recoveredAt: e.recoveredAt?.toISOString() ?? null,
          actions: allowedActions(e.phase as Phase),
        })),
      };
    }),

  /** One alert with its timeline, the messages sent about it (and every attempt), and its supervision items. */
  alert: authedProcedure('duty.read')
    .input(z.object({ id }))
    .query(async ({ ctx, input }) => {
      const prisma = ctx.rt.db.prisma;
      const e = await prisma.alertEvent.findUnique({
        where: { id: input.id },
        include: { rule: { select: { name: true, nameEn: true, kind: true } } },
      });
      if (!e) throw new NotFoundError(`no alert ${input.id}`);
      ctx.scope.assert(e.orgCode);
      const [steps, notes, sups] = await Promise.all([
        timeline(ctx.rt.db, 'alert', e.id),
        prisma.notification.findMany({
          where: { eventIds: { has: e.id } },
          orderBy: { createdAt: 'asc' },
          include: { attemptLog: { orderBy: { at: 'asc' } } },
          take: 200,
        }),
        prisma.supervision.findMany({ where: { eventId: e.id }, orderBy: { createdAt: 'asc' } }),
      ]);
      return {
        id: e.id,
        ruleId: e.ruleId,
        ruleName: e.rule.name,
        ruleNameEn: e.rule.nameEn,
        kind: e.rule.kind,
        orgCode: e.orgCode,
        orgName: e.orgName,
        severity: e.severity,
        state: e.state,
        phase: e.phase as Phase,
        owner: e.owner,
        escalation: e.escalation,
        suppressed: e.suppressed,
        title: e.title,
        titleEn: e.titleEn,
        condition: e.condition,
        value: e.value,
        figures: e.figures as Record<string, unknown>,
        drill: e.drill as Record<string, unknown> | null,
        firedAt: e.firedAt.toISOString(),
        recoveredAt: e.recoveredAt?.toISOString() ?? null,
        actions: allowedActions(e.phase as Phase),
        timeline: steps,
        notifications: notes.map((n) => ({
          id: n.id,
          step: n.step,
          recipient: n.recipient,
          channelId: n.channelId,
          status: n.status,
          title: n.title,
          createdAt: n.createdAt.toISOString(),
          dueAt: n.dueAt.toISOString(),
          sentAt: n.sentAt?.toISOString() ?? null,
          receipt: n.receipt,
          lastError: n.lastError,
          attempts: n.attemptLog.map((a) => ({ at: a.at.toISOString(), outcome: a.outcome, detail: a.detail, ms: a.ms })),
        })),
        supervisions: sups.map((s) => ({ id: s.id, status: s.status, orgCode: s.orgCode, title: s.title, dueAt: s.dueAt.toISOString() })),
      };
    }),

  /** Acknowledge, assign, handle, verify, close or reopen an alert; every step keeps who, when and the note. */
  act: authedProcedure('duty.act')
    .input(actInput)
    .mutation(async ({ ctx, input }) => {
      const e = await ctx.rt.db.prisma.alertEvent.findUnique({ where: { id: input.eventId }, select: { orgCode: true } });
      if (!e) throw new NotFoundError(`no alert ${input.eventId}`);
      ctx.scope.assert(e.orgCode);
      if (input.assignee) {
        const u = await ctx.rt.db.prisma.user.findUnique({
          where: { username: input.assignee },
          select: { orgUnitCode: true, disabled: true },
        });
        if (!u || u.disabled) throw new NotFoundError(`no active user ${input.assignee}`);
      }
      const out = await transition(ctx.rt.db, { ...input, actor: ctx.user.id, via: 'desk', at: new Date() });
      ctx.rt.duty.desk.kick();
      return out;
    }),

  /** Who would be told, when and on which channels, for this alert. */
  preview: authedProcedure('duty.read')
    .input(z.object({ eventId: id }))
    .query(async ({ ctx, input }) => {
      const e = await ctx.rt.db.prisma.alertEvent.findUnique({ where: { id: input.eventId }, select: { orgCode: true } });
      if (!e) throw new NotFoundError(`no alert ${input.eventId}`);
      ctx.scope.assert(e.orgCode);
      const p = await ctx.rt.duty.desk.preview(input.eventId);
      return {
        ...p,
        steps: p.steps.map((s) => ({
          ...s,
          at: new Date(s.at).toISOString(),
          deliveries: s.deliveries.map((d) =>
            d.map((c) => ({ ...c, heldUntil: c.heldUntil ? new Date(c.heldUntil).toISOString() : null })),
          ),
        })),
      };
    }),

  /** Messages and their delivery state, newest first. */
  deliveries: authedProcedure('duty.read')
    .input(deliveriesInput.default({ limit: 100 }))
    .query(async ({ ctx, input }) => {
      // The message log spans every unit; below the province, an alert's own messages are on duty.alert.
      ctx.scope.assert(PROVINCE.code);
      const rows = await ctx.rt.db.prisma.notification.findMany({
        where: {
          ...(input.channelId ? { channelId: input.channelId } : {}),
          ...(input.status ? { status: input.status } : {}),
          ...(input.eventId ? { eventIds: { has: input.eventId } } : {}),
        },
        orderBy: { createdAt: 'desc' },
        take: input.limit,
      });
      return rows.map((n) => ({
        id: n.id,
        recipient: n.recipient,
        channelId: n.channelId,
        severity: n.severity,
        title: n.title,
        status: n.status,
        attempts: n.attempts,
        throttled: n.throttled,
        createdAt: n.createdAt.toISOString(),
        dueAt: n.dueAt.toISOString(),
        sentAt: n.sentAt?.toISOString() ?? null,
        lastError: n.lastError,
        eventCount: n.eventIds.length,
      }));
    }),

  channelHealth: authedProcedure('duty.read').query(({ ctx }) => ctx.rt.duty.desk.channelHealth()),

  policies: router({
    list: authedProcedure('duty.read').query(async ({ ctx }) => {
      const all = await ctx.rt.db.prisma.routingPolicy.findMany({ orderBy: [{ priority: 'asc' }, { name: 'asc' }] });
      // Policies set above the caller's unit (they route its alerts) and inside it; not a sibling city's.
      const rows = all.filter((r) => inScope(ctx.scope, (r.match as { orgCode?: string } | null)?.orgCode));
      return rows.map((r) => ({
        id: r.id,
        name: r.name,
        priority: r.priority,
        enabled: r.enabled,
        match: r.match,
        steps: r.steps,
        wallBanner: r.wallBanner,
        version: r.version,
        updatedBy: r.updatedBy,
        updatedAt: r.updatedAt.toISOString(),
      }));
    }),
    save: authedProcedure('duty.config')
      .input(policySaveInput)
      .mutation(async ({ ctx, input }) => {
        const p = input.policy;
        ctx.scope.assert(p.match.orgCode);
        if (input.id) {
          const old = await ctx.rt.db.prisma.routingPolicy.findUnique({ where: { id: input.id }, select: { match: true } });
          if (!old) throw new NotFoundError(`no routing policy ${input.id}`);
          ctx.scope.assert((old.match as { orgCode?: string }).orgCode ?? PROVINCE.code);
        }
        const channels = await ctx.rt.db.prisma.notifyChannel.findMany({ select: { id: true } });
        const known = new Set(channels.map((c) => c.id));
        const unknown = p.steps.flatMap((s) => s.deliveries.flatMap((d) => d.channels)).filter((c) => !known.has(c));
        if (unknown.length) throw new NotFoundError(`unknown channel(s): ${[...new Set(unknown)].join(', ')}`);
        const data = {
          name: p.name,
          priority: p.priority,
          enabled: p.enabled,
          match: p.match,
          steps: p.steps,
          wallBanner: p.wallBanner,
          updatedBy: ctx.user.id,
        };
        return ctx.rt.db.prisma.$transaction(async (tx) => {
          const saved = input.id
            ? await tx.routingPolicy.update({ where: { id: input.id }, data: { ...data, version: { increment: 1 } } })
            : await tx.routingPolicy.create({ data });
          await tx.auditLog.create({
            data: { actor: ctx.user.id, action: 'routing.save', target: saved.id, detail: { ...data, version: saved.version } },
          });
          return { id: saved.id, version: saved.version };
        });
      }),
  }),

  channels: router({
    list: authedProcedure('duty.read').query(async ({ ctx }) => {
      const rows = await ctx.rt.db.prisma.notifyChannel.findMany({ orderBy: { id: 'asc' } });
      return rows.map((r) => ({
        id: r.id,
        kind: r.kind,
        name: r.name,
        enabled: r.enabled,
        config: maskConfig(r.config),
        label: driverFor(r.kind as never)?.label ?? { zh: r.kind, en: r.kind },
      }));
    }),
    save: authedProcedure('duty.config')
      .input(channelSaveInput)
      .mutation(async ({ ctx, input }) => {
        // Channels (robots, the SMS account) serve the whole province.
        ctx.scope.assert(PROVINCE.code);
        const prisma = ctx.rt.db.prisma;
        const old = await prisma.notifyChannel.findUnique({ where: { id: input.id } });
        // A masked secret sent back unchanged keeps the stored one.
        const merged = Object.fromEntries(
          Object.entries(input.config).map(([k, v]) => [k, v === '••••••' ? ((old?.config ?? {}) as Record<string, unknown>)[k] : v]),
        );
        const cfg = driverFor(input.kind).configSchema.safeParse(merged);
        if (!cfg.success)
          throw new InvalidError(`channel config: ${cfg.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
        const data = {
          kind: input.kind,
          name: input.name,
          enabled: input.enabled,
          config: cfg.data as Prisma.InputJsonValue,
          updatedBy: ctx.user.id,
        };
        await prisma.$transaction([
          prisma.notifyChannel.upsert({ where: { id: input.id }, create: { id: input.id, ...data }, update: data }),
          prisma.auditLog.create({
            data: {
              actor: ctx.user.id,
              action: 'channel.save',
              target: input.id,
              detail: { kind: input.kind, name: input.name, enabled: input.enabled },
            },
          }),
        ]);
        return { id: input.id };
      }),
  }),

  silences: router({
    list: authedProcedure('duty.read').query(async ({ ctx }) => {
      const all = await ctx.rt.db.prisma.silence.findMany({
        where: { endsAt: { gt: new Date(Date.now() - 7 * 86_400_000) } },
        orderBy: { createdAt: 'desc' },
        take: 500,
      });
      // Silences set above the caller's unit (they hold its alerts back) and inside it; not a sibling city's.
      const rows = all.filter((r) => inScope(ctx.scope, (r.match as { orgCode?: string } | null)?.orgCode)).slice(0, 200);
      const now = Date.now();
      return rows.map((s) => ({
        id: s.id,
        match: s.match,
        reason: s.reason,
        startsAt: s.startsAt.toISOString(),
        endsAt: s.endsAt.toISOString(),
        active: s.startsAt.getTime() <= now && s.endsAt.getTime() > now,
        createdBy: s.createdBy,
      }));
    }),
    create: authedProcedure('duty.config')
      .input(silenceInputSchema)
      .mutation(async ({ ctx, input }) => {
        ctx.scope.assert(input.match.orgCode);
        const s = await createSilence(ctx.rt.db, input, ctx.user.id, Date.now());
        return { id: s.id };
      }),
    expire: authedProcedure('duty.config')
      .input(z.object({ id }))
      .mutation(async ({ ctx, input }) => {
        const old = await ctx.rt.db.prisma.silence.findUnique({ where: { id: input.id }, select: { match: true } });
        if (!old) throw new NotFoundError(`no silence ${input.id}`);
        ctx.scope.assert((old.match as { orgCode?: string }).orgCode ?? PROVINCE.code);
        const s = await expireSilence(ctx.rt.db, input.id, ctx.user.id, Date.now());
        return { id: s.id, endsAt: s.endsAt.toISOString() };
      }),
  }),

  settings: router({
    get: authedProcedure('duty.read').query(({ ctx }) => readNoiseSettings(ctx.rt.db)),
    save: authedProcedure('duty.config')
      .input(noiseSettingsSchema)
      .mutation(async ({ ctx, input }) => {
        ctx.scope.assert(PROVINCE.code);
        await saveNoiseSettings(ctx.rt.db, input, ctx.user.id);
        return { ok: true };
      }),
  }),
});
